//! DescribeNetworkInterfaces: the account's NICs, filtered (every filter but `name` is served
//! from an index) and paged, in creation order. `nicIds` are looked up one by one.

use crate::actions::zec::{ids_filter, tag_filters};
use crate::actions::{allowed_groups, fuzzy, non_empty};
use crate::request::{Reply, VerifiedRequest};
use crate::{App, store_error};
use zec_core::Page;
use zec_store::{Listing, Nic};
use zec_types::ApiError;
use zec_types::model::{DescribeNetworkInterfacesRequest, DescribeNetworkInterfacesResponse};

pub async fn handle(
    app: &App,
    req: &VerifiedRequest,
    r: DescribeNetworkInterfacesRequest,
) -> Result<Reply<DescribeNetworkInterfacesResponse>, ApiError> {
    let page = Page::from_request(r.page_size, r.page_num)?;
    let ids = ids_filter("nicIds", &r.nic_ids)?;
    let tags = tag_filters(&r.tag_keys, &r.tags)?;
    let fields = [
        ("regionId", non_empty(&r.region_id)),
        ("vpcId", non_empty(&r.vpc_id)),
        ("subnetId", non_empty(&r.subnet_id)),
        ("instanceId", non_empty(&r.instance_id)),
        ("nicType", non_empty(&r.nic_type)),
        ("resourceGroupId", non_empty(&r.resource_group_id)),
        ("securityGroupId", non_empty(&r.security_group_id)),
        ("nicSubnetType", non_empty(&r.nic_subnet_type)),
    ];
    let mut filters: Vec<(&'static str, &str)> = fields
        .iter()
        .filter_map(|(f, v)| v.as_deref().map(|v| (*f, v)))
        .collect();
    filters.extend(tags.iter().map(|(f, v)| (*f, v.as_str())));
    let groups = allowed_groups(req);
    let status = non_empty(&r.status);
    let now = app.store.now();
    let also = |n: &Nic| {
        status.as_deref().is_none_or(|s| n.life.at(now) == Some(s))
            && fuzzy(&n.name, &r.name)
            && groups
                .as_ref()
                .is_none_or(|g| g.iter().any(|g| **g == *n.resource_group_id))
    };
    let view = app
        .store
        .view(req.caller.account)
        .await
        .map_err(store_error)?;
    // Without these the bitmaps alone answer, counted at any size.
    let checked = status.is_some() || r.name.is_some() || groups.is_some();
    let listing = match &ids {
        None => view.nics(&filters, checked.then_some(&also as _), page),
        Some(ids) => {
            let mut picked: Vec<&Nic> = ids.iter().filter_map(|id| view.nic(id)).collect();
            picked.sort_by_key(|n| n.id);
            picked.dedup_by_key(|n| n.id);
            picked.retain(|n| {
                let keys = n.filter_keys();
                filters
                    .iter()
                    .all(|(f, v)| keys.iter().any(|(kf, kv)| kf == f && kv == v))
                    && also(n)
            });
            let range = page.range(picked.len());
            Listing {
                total: picked.len() as u64,
                items: picked[range].to_vec(),
            }
        }
    };
    Ok(Reply::Json(DescribeNetworkInterfacesResponse {
        total_count: listing.total,
        data_set: listing
            .items
            .iter()
            .map(|n| super::info(&view, n))
            .collect(),
    }))
}
