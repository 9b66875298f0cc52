//! ModifyResourceGroup: renames a group (the default one too).

use super::describe_resource_groups::{check_name, view};
use crate::actions::check_unscoped;
use crate::request::VerifiedRequest;
use crate::{App, store_error};
use axum::response::Response;
use zec_core::params::required;
use zec_types::ApiError;
use zec_types::model::ModifyResourceGroupRequest;

pub async fn handle(app: &App, req: &VerifiedRequest) -> Result<Response, ApiError> {
    let r: ModifyResourceGroupRequest = req.json()?;
    check_unscoped(req)?;
    let id = required("resourceGroupId", &r.resource_group_id)?;
    let name = check_name(&r.name)?;
    let g = app
        .store
        .rename_group(req.caller.account, id.to_owned(), name)
        .await
        .map_err(store_error)?;
    req.reply(&view(&g))
}
