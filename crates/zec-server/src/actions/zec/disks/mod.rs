//! Disks: standalone data disks, and every instance's system disk and the data disks made
//! with it. Statuses on the lifecycle clock (`disk-create`, `disk-attach`, `disk-detach`,
//! `disk-resize`, `disk-release`).

pub mod attach_disks;
pub mod create_disks;
pub mod describe_disk_category;
pub mod describe_disk_regions;
pub mod describe_disks;
pub mod detach_disks;
pub mod modify_disks_attributes;
pub mod release_disk;
pub mod resize_disk;

use zec_core::clock::format_api_time;
use zec_store::{Disk, View};
use zec_types::model::DiskInfo;

/// A disk as DescribeDisks shows it, at the view's moment.
pub fn info(view: &View<'_>, d: &Disk) -> DiskInfo {
    DiskInfo {
        disk_id: d.id.to_string(),
        disk_name: d.name.to_string(),
        region_id: d.region_id.to_string(),
        zone_id: d.zone_id.to_string(),
        disk_type: d.disk_type().into(),
        portable: d.portable,
        disk_category: d.category.to_string(),
        disk_size: d.size,
        disk_status: d.life.at(view.now()).unwrap_or_default().to_owned(),
        instance_id: d.instance_id.map(|i| i.to_string()),
        instance_name: d
            .instance_id
            .and_then(|i| view.instance_name(i))
            .map(str::to_owned),
        charge_type: "POSTPAID".into(),
        create_time: format_api_time(d.created_at),
        expired_time: None,
        period: None,
        resource_group_id: d.resource_group_id.to_string(),
        resource_group_name: view
            .group_name(&d.resource_group_id)
            .unwrap_or_default()
            .to_owned(),
        serial: d.serial(),
        snapshot_ability: d.snapshot_ability(),
        auto_snapshot_policy_id: None,
        tags: super::tags(&d.tags),
        bursting_enabled: d.bursting,
    }
}

/// Disk ids a request names: given, at most `max`.
pub fn ids(
    field: &str,
    ids: &Option<Vec<String>>,
    max: usize,
) -> Result<Vec<String>, zec_types::ApiError> {
    let ids = ids
        .as_deref()
        .filter(|i| !i.is_empty())
        .ok_or_else(|| zec_types::ApiError::missing(field))?;
    zec_core::params::max_items(field, ids, max)?;
    Ok(ids.iter().map(|s| s.trim().to_owned()).collect())
}
