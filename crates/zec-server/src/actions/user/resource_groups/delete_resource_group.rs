//! DeleteResourceGroup: only an empty group, never the account's default one.

use crate::actions::check_unscoped;
use crate::request::{Reply, VerifiedRequest};
use crate::{App, store_error};
use zec_core::params::required;
use zec_types::ApiError;
use zec_types::model::{DeleteResourceGroupRequest, Empty};

pub async fn handle(
    app: &App,
    req: &VerifiedRequest,
    r: DeleteResourceGroupRequest,
) -> Result<Reply<Empty>, ApiError> {
    check_unscoped(req)?;
    let id = required("resourceGroupId", &r.resource_group_id)?;
    app.store
        .delete_group(req.caller.account, id.to_owned())
        .await
        .map_err(store_error)?;
    Ok(Reply::Json(Empty {}))
}
