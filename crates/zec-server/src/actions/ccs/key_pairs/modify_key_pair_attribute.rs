//! ModifyKeyPairAttribute: sets a key pair's description; `""` clears it, and without
//! `keyDescription` nothing changes.

use crate::actions::zec::check_account_wide;
use crate::request::{Reply, VerifiedRequest};
use crate::{App, store_error};
use zec_core::params::required;
use zec_core::rules::network::check_description;
use zec_types::ApiError;
use zec_types::model::{Empty, ModifyKeyPairAttributeRequest};

pub async fn handle(
    app: &App,
    req: &VerifiedRequest,
    r: ModifyKeyPairAttributeRequest,
) -> Result<Reply<Empty>, ApiError> {
    check_account_wide(req, "key pairs")?;
    let id = required("keyId", &r.key_id)?.to_owned();
    if let Some(d) = &r.key_description {
        check_description("keyDescription", d)?;
    }
    app.store
        .describe_key_pair(req.caller.account, id, r.key_description)
        .await
        .map_err(store_error)?;
    Ok(Reply::Json(Empty {}))
}
