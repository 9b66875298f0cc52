//! DescribeSubnets: the catalog's shared subnets and the account's own, filtered and paged,
//! with the addresses the account's NICs use in each.

use crate::actions::zec::ids_filter;
use crate::actions::{allowed_groups, fuzzy, non_empty};
use crate::request::{Reply, VerifiedRequest};
use crate::{App, store_error};
use zec_core::Page;
use zec_types::ApiError;
use zec_types::model::{DescribeSubnetsRequest, DescribeSubnetsResponse};

pub async fn handle(
    app: &App,
    req: &VerifiedRequest,
    r: DescribeSubnetsRequest,
) -> Result<Reply<DescribeSubnetsResponse>, ApiError> {
    let page = Page::from_request(r.page_size, r.page_num)?;
    let ids = ids_filter("subnetIds", &r.subnet_ids)?;
    let vpc_ids = ids_filter("vpcIds", &r.vpc_ids)?;
    let region = non_empty(&r.region_id);
    let mut filters: Vec<(&'static str, &str)> = Vec::new();
    if let Some(region) = &region {
        filters.push(("regionId", region));
    }
    // With a single VPC, its list is the index to walk.
    if let Some([vpc]) = vpc_ids.as_deref() {
        filters.push(("vpcId", vpc));
    }
    let groups = allowed_groups(req);
    let view = app
        .store
        .view(req.caller.account)
        .await
        .map_err(store_error)?;
    let listing = view.subnets(
        &filters,
        |s| {
            ids.as_ref().is_none_or(|ids| ids.contains(&s.id))
                && vpc_ids.as_ref().is_none_or(|v| v.contains(&s.vpc_id))
                && fuzzy(&s.name, &r.name)
                && fuzzy(
                    &s.cidr.map(|c| c.to_string()).unwrap_or_default(),
                    &r.cidr_block,
                )
                // zecd has no DHCP option sets.
                && non_empty(&r.dhcp_options_set_id).is_none()
                && (s.account == zec_store::SHARED
                    || groups.as_ref().is_none_or(|g| {
                        view.vpc(&s.vpc_id)
                            .is_some_and(|v| g.iter().any(|g| **g == v.resource_group_id))
                    }))
        },
        page,
    );
    Ok(Reply::Json(DescribeSubnetsResponse {
        total_count: listing.total,
        data_set: listing
            .items
            .iter()
            .map(|s| super::info(&view, s, groups.as_deref()))
            .collect(),
    }))
}
