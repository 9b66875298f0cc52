//! ModifyResourceGroup: renames a group (the default one too).

use super::describe_resource_groups::view;
use crate::actions::check_unscoped;
use crate::request::{Reply, VerifiedRequest};
use crate::{App, store_error};
use zec_core::params::required;
use zec_core::rules::names::check_group_name;
use zec_types::ApiError;
use zec_types::model::{ModifyResourceGroupRequest, ResourceGroup};

pub async fn handle(
    app: &App,
    req: &VerifiedRequest,
    r: ModifyResourceGroupRequest,
) -> Result<Reply<ResourceGroup>, ApiError> {
    check_unscoped(req)?;
    let id = required("resourceGroupId", &r.resource_group_id)?;
    let name = check_group_name(&r.name)?;
    let g = app
        .store
        .rename_group(req.caller.account, id.to_owned(), name)
        .await
        .map_err(store_error)?;
    Ok(Reply::Json(view(&g)))
}
