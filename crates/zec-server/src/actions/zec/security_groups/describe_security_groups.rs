//! DescribeSecurityGroups: the catalog's shared security groups and the account's own,
//! filtered and paged, each with the NICs that use it and the VPCs bound to it.

use crate::actions::zec::ids_filter;
use crate::actions::{allowed_groups, fuzzy};
use crate::request::{Reply, VerifiedRequest};
use crate::{App, store_error};
use zec_core::Page;
use zec_types::ApiError;
use zec_types::model::{DescribeSecurityGroupsRequest, DescribeSecurityGroupsResponse};

pub async fn handle(
    app: &App,
    req: &VerifiedRequest,
    r: DescribeSecurityGroupsRequest,
) -> Result<Reply<DescribeSecurityGroupsResponse>, ApiError> {
    let page = Page::from_request(r.page_size, r.page_num)?;
    let ids = ids_filter("securityGroupIds", &r.security_group_ids)?;
    let groups = allowed_groups(req);
    let view = app
        .store
        .view(req.caller.account)
        .await
        .map_err(store_error)?;
    let listing = view.security_groups(
        &[],
        |g| {
            ids.as_ref().is_none_or(|ids| ids.contains(&g.id))
                && fuzzy(&g.name, &r.security_group_name)
                && r.is_default.is_none_or(|d| d == view.is_default(&g.id))
        },
        page,
    );
    Ok(Reply::Json(DescribeSecurityGroupsResponse {
        total_count: listing.total,
        data_set: listing
            .items
            .iter()
            .map(|g| super::info(&view, g, groups.as_deref()))
            .collect(),
    }))
}
