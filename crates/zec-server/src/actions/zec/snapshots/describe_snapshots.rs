//! DescribeSnapshots: the account's snapshots, filtered and paged in creation order.
//! `snapshotName` is a substring of any case, or, as `^name$`, exactly that name.

use crate::actions::allowed_groups;
use crate::actions::zec::{filter, ids_filter, name_matches, visible};
use crate::request::{Reply, VerifiedRequest};
use crate::{App, store_error};
use zec_core::Page;
use zec_store::Snapshot;
use zec_types::ApiError;
use zec_types::model::{DescribeSnapshotsRequest, DescribeSnapshotsResponse};

pub async fn handle(
    app: &App,
    req: &VerifiedRequest,
    r: DescribeSnapshotsRequest,
) -> Result<Reply<DescribeSnapshotsResponse>, ApiError> {
    let page = Page::from_request(r.page_size, r.page_num)?;
    let ids = ids_filter("snapshotIds", &r.snapshot_ids)?;
    let disk_ids = ids_filter("diskIds", &r.disk_ids)?;
    let mut filters: Vec<(&'static str, &str)> = Vec::new();
    if let Some(z) = filter(&r.zone_id) {
        filters.push(("zoneId", z));
    }
    if let Some(g) = filter(&r.resource_group_id) {
        filters.push(("resourceGroupId", g));
    }
    let groups = allowed_groups(req);
    let view = app
        .store
        .view(req.caller.account)
        .await
        .map_err(store_error)?;
    let now = view.now();
    let status = filter(&r.status);
    let disk_type = filter(&r.disk_type);
    let snapshot_type = filter(&r.snapshot_type);
    let listing = view.snapshots(
        &filters,
        |s: &Snapshot| {
            ids.as_ref()
                .is_none_or(|ids| ids.contains(&s.id.to_string()))
                && disk_ids
                    .as_ref()
                    .is_none_or(|d| d.contains(&s.disk_id.to_string()))
                && status.is_none_or(|w| s.status_at(now) == Some(w))
                && disk_type.is_none_or(|t| t == if s.disk_system { "SYSTEM" } else { "DATA" })
                && snapshot_type.is_none_or(|t| t == "Manual")
                && name_matches(&s.name, &r.snapshot_name)
                && visible(&groups, &s.resource_group_id)
        },
        page,
    );
    Ok(Reply::Json(DescribeSnapshotsResponse {
        total_count: listing.total,
        data_set: listing
            .items
            .iter()
            .map(|s| super::info(&view, s))
            .collect(),
    }))
}
