//! DeleteKeyPairs: deletes key pairs (at most 100), all or none: an unknown id fails the whole
//! request. A key pair instances were made with may be deleted; they keep its id.

use crate::actions::zec::{check_account_wide, ids_filter};
use crate::request::{Reply, VerifiedRequest};
use crate::{App, store_error};
use zec_types::ApiError;
use zec_types::model::{DeleteKeyPairsRequest, Empty};

pub async fn handle(
    app: &App,
    req: &VerifiedRequest,
    r: DeleteKeyPairsRequest,
) -> Result<Reply<Empty>, ApiError> {
    check_account_wide(req, "key pairs")?;
    let ids = ids_filter("keyIds", &r.key_ids)?.ok_or_else(|| ApiError::missing("keyIds"))?;
    app.store
        .delete_key_pairs(req.caller.account, ids)
        .await
        .map_err(store_error)?;
    Ok(Reply::Json(Empty {}))
}
