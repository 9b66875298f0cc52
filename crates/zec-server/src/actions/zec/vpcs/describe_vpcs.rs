//! DescribeVpcs: the catalog's shared VPCs (in the account's default group) and the account's
//! own, filtered and paged.

use crate::actions::zec::{ids_filter, tag_filters};
use crate::actions::{allowed_groups, fuzzy, non_empty};
use crate::request::{Reply, VerifiedRequest};
use crate::{App, store_error};
use zec_core::Page;
use zec_types::ApiError;
use zec_types::model::{DescribeVpcsRequest, DescribeVpcsResponse};

pub async fn handle(
    app: &App,
    req: &VerifiedRequest,
    r: DescribeVpcsRequest,
) -> Result<Reply<DescribeVpcsResponse>, ApiError> {
    let page = Page::from_request(r.page_size, r.page_num)?;
    let ids = ids_filter("vpcIds", &r.vpc_ids)?;
    let group = non_empty(&r.resource_group_id);
    let tags = tag_filters(&r.tag_keys, &r.tags)?;
    let mut filters: Vec<(&'static str, &str)> =
        tags.iter().map(|(f, v)| (*f, v.as_str())).collect();
    if let Some(g) = &group {
        filters.push(("resourceGroupId", g));
    }
    let groups = allowed_groups(req);
    let view = app
        .store
        .view(req.caller.account)
        .await
        .map_err(store_error)?;
    let listing = view.vpcs(
        &filters,
        |v| {
            ids.as_ref().is_none_or(|ids| ids.contains(&v.id))
                && fuzzy(&v.name, &r.name)
                && fuzzy(&v.cidr.to_string(), &r.cidr_block)
                && (v.account == zec_store::SHARED
                    || groups
                        .as_ref()
                        .is_none_or(|g| g.iter().any(|g| **g == v.resource_group_id)))
        },
        page,
    );
    Ok(Reply::Json(DescribeVpcsResponse {
        total_count: listing.total,
        data_set: listing
            .items
            .iter()
            .map(|v| super::info(&view, v, groups.as_deref()))
            .collect(),
    }))
}
