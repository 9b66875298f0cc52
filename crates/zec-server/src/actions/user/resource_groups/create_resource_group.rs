//! CreateResourceGroup: a new, empty group; names are unique within an account.

use super::describe_resource_groups::view;
use crate::actions::check_unscoped;
use crate::request::{Reply, VerifiedRequest};
use crate::{App, store_error};
use zec_core::rules::names::check_group_name;
use zec_types::ApiError;
use zec_types::model::{CreateResourceGroupRequest, ResourceGroup};

pub async fn handle(
    app: &App,
    req: &VerifiedRequest,
    r: CreateResourceGroupRequest,
) -> Result<Reply<ResourceGroup>, ApiError> {
    check_unscoped(req)?;
    let name = check_group_name(&r.name)?;
    let g = app
        .store
        .create_group(req.caller.account, name)
        .await
        .map_err(store_error)?;
    Ok(Reply::Json(view(&g)))
}
