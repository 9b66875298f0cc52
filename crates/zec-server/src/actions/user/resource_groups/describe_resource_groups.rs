//! DescribeResourceGroups: the account's resource groups (those the credential may use), oldest
//! first, without paging.

use crate::App;
use crate::request::{Reply, VerifiedRequest};
use zec_core::clock::format_api_time;
use zec_types::ApiError;
use zec_types::model::{DescribeResourceGroupsResponse, Empty, ResourceGroup};

pub async fn handle(
    app: &App,
    req: &VerifiedRequest,
    _: Empty,
) -> Result<Reply<DescribeResourceGroupsResponse>, ApiError> {
    let directory = app.store.directory();
    let resource_groups = directory
        .groups_of(req.caller.account)
        .into_iter()
        .filter(|g| req.caller.scope.allows_group(&g.id))
        .map(view)
        .collect();
    Ok(Reply::Json(DescribeResourceGroupsResponse {
        resource_groups,
    }))
}

pub fn view(g: &zec_store::ResourceGroup) -> ResourceGroup {
    ResourceGroup {
        resource_group_id: g.id.clone(),
        name: g.name.clone(),
        create_time: format_api_time(g.created_at),
    }
}

/// A group name: 1–64 characters, not blank.
pub fn check_name(name: &Option<String>) -> Result<String, ApiError> {
    let name = zec_core::params::required("name", name)?.trim();
    if name.is_empty() {
        return Err(ApiError::missing("name"));
    }
    zec_core::params::length("name", name, 1, 64)?;
    Ok(name.to_owned())
}
