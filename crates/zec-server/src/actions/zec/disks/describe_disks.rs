//! DescribeDisks: the account's disks (instances' system and data disks among them), filtered
//! and paged in creation order. `diskName` is a substring of any case, or, as `^name$`,
//! exactly that name.

use crate::actions::allowed_groups;
use crate::actions::zec::{filter, ids_filter, name_matches, tag_filters, visible};
use crate::request::{Reply, VerifiedRequest};
use crate::{App, store_error};
use zec_core::Page;
use zec_store::{Disk, Listing};
use zec_types::ApiError;
use zec_types::model::{DescribeDisksRequest, DescribeDisksResponse};

pub async fn handle(
    app: &App,
    req: &VerifiedRequest,
    r: DescribeDisksRequest,
) -> Result<Reply<DescribeDisksResponse>, ApiError> {
    let page = Page::from_request(r.page_size, r.page_num)?;
    let ids = ids_filter("diskIds", &r.disk_ids)?;
    let tags = tag_filters(&r.tag_keys, &r.tags)?;
    let fields = [
        ("zoneId", filter(&r.zone_id)),
        ("regionId", filter(&r.region_id)),
        ("diskType", filter(&r.disk_type)),
        ("diskCategory", filter(&r.disk_category)),
        ("instanceId", filter(&r.instance_id)),
        ("resourceGroupId", filter(&r.resource_group_id)),
    ];
    let mut filters: Vec<(&'static str, &str)> = fields
        .iter()
        .filter_map(|(f, v)| v.map(|v| (*f, v)))
        .collect();
    filters.extend(tags.iter().map(|(f, v)| (*f, v.as_str())));
    let groups = allowed_groups(req);
    let view = app
        .store
        .view(req.caller.account)
        .await
        .map_err(store_error)?;
    let now = view.now();
    let status = filter(&r.disk_status);
    let also = |d: &Disk| {
        name_matches(&d.name, &r.disk_name)
            && status.is_none_or(|s| d.life.at(now) == Some(s))
            && r.snapshot_ability.is_none_or(|a| a == d.snapshot_ability())
            && visible(&groups, &d.resource_group_id)
    };
    // Without these the bitmaps alone answer, counted at any size.
    let checked = r.disk_name.is_some()
        || status.is_some()
        || r.snapshot_ability.is_some()
        || groups.is_some();
    let listing = match &ids {
        None => view.disks(&filters, checked.then_some(&also as _), page),
        Some(ids) => {
            let mut picked: Vec<&Disk> = ids.iter().filter_map(|id| view.disk(id)).collect();
            picked.sort_by_key(|d| d.id);
            picked.dedup_by_key(|d| d.id);
            picked.retain(|d| {
                let keys = d.filter_keys();
                filters
                    .iter()
                    .all(|(f, v)| keys.iter().any(|(kf, kv)| kf == f && kv == v))
                    && also(d)
            });
            let range = page.range(picked.len());
            Listing {
                total: picked.len() as u64,
                items: picked[range].to_vec(),
            }
        }
    };
    Ok(Reply::Json(DescribeDisksResponse {
        total_count: listing.total,
        data_set: listing
            .items
            .iter()
            .map(|d| super::info(&view, d))
            .collect(),
    }))
}
