//! ModifyEipAttribute: renames an elastic IP.

use crate::actions::allowed_groups;
use crate::request::{Reply, VerifiedRequest};
use crate::{App, store_error};
use zec_core::params::required;
use zec_core::rules::storage;
use zec_store::network::EipChange;
use zec_types::ApiError;
use zec_types::model::{Empty, ModifyEipAttributeRequest};

pub async fn handle(
    app: &App,
    req: &VerifiedRequest,
    r: ModifyEipAttributeRequest,
) -> Result<Reply<Empty>, ApiError> {
    let id = super::eip_id(&r.eip_id)?;
    let name = required("name", &r.name)?;
    storage::check_short_name("name", name)?;
    app.store
        .modify_eip(
            req.caller.account,
            id,
            EipChange::Name(name.to_owned()),
            allowed_groups(req),
        )
        .await
        .map_err(store_error)?;
    Ok(Reply::Json(Empty {}))
}
