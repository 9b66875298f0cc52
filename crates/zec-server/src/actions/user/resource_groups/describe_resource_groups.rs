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
    // An account made a moment ago gets its default group first.
    app.store
        .default_group(req.caller.account)
        .await
        .map_err(crate::store_error)?;
    let resource_groups = app
        .store
        .groups_of(req.caller.account)
        .iter()
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
