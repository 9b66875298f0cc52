//! Snapshots of data disks: CREATING → AVAILABLE (`snapshot-create`), DELETING → gone
//! (`snapshot-delete`), deleted by themselves when their retention time comes.

pub mod create_snapshot;
pub mod delete_snapshots;
pub mod describe_snapshots;
pub mod modify_snapshots_attribute;

use zec_core::Millis;
use zec_core::clock::{format_api_time, parse_api_time};
use zec_core::rules::storage;
use zec_store::{Snapshot, View};
use zec_types::ApiError;
use zec_types::model::{ResourceGroupInfo, SnapshotInfo};

/// A snapshot as DescribeSnapshots shows it, at the view's moment.
pub fn info(view: &View<'_>, s: &Snapshot) -> SnapshotInfo {
    let status = s.status_at(view.now()).unwrap_or_default();
    SnapshotInfo {
        snapshot_id: s.id.to_string(),
        snapshot_name: s.name.clone(),
        zone_id: s.zone_id.clone(),
        status: status.to_owned(),
        snapshot_type: "Manual".into(),
        retention_time: s.retention.map(format_api_time),
        disk_id: s.disk_id.to_string(),
        create_time: format_api_time(s.created_at),
        disk_ability: status == "AVAILABLE",
        resource_group: ResourceGroupInfo {
            resource_group_id: s.resource_group_id.clone(),
            resource_group_name: view
                .group_name(&s.resource_group_id)
                .unwrap_or_default()
                .to_owned(),
        },
    }
}

/// A retention time: the API's time form, at least 24 hours from `now`.
pub fn retention(value: &str, now: Millis) -> Result<Millis, ApiError> {
    match parse_api_time(value) {
        Some(t) if t >= now.saturating_add(storage::MIN_RETENTION_MS) => Ok(t),
        _ => Err(storage::retention_too_soon(value)),
    }
}
