//! CreateResourceGroup: a new, empty group; names are unique within an account.

use super::describe_resource_groups::{check_name, view};
use crate::actions::check_unscoped;
use crate::request::VerifiedRequest;
use crate::{App, store_error};
use axum::response::Response;
use zec_types::ApiError;
use zec_types::model::CreateResourceGroupRequest;

pub async fn handle(app: &App, req: &VerifiedRequest) -> Result<Response, ApiError> {
    let r: CreateResourceGroupRequest = req.json()?;
    check_unscoped(req)?;
    let name = check_name(&r.name)?;
    let g = app
        .store
        .create_group(req.caller.account, name)
        .await
        .map_err(store_error)?;
    req.reply(&view(&g))
}
