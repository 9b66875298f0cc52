//! The rules of disks and snapshots: names, sizes, categories, limits, and the refusals of the
//! disk and snapshot actions, with the vendor's codes.

use crate::params::length;
use zec_types::error::echo;
use zec_types::{ApiError, ErrorCode, InstanceStatus};

/// Sizes of a data disk, GiB.
pub const MIN_DISK_GIB: i64 = 20;
pub const MAX_DISK_GIB: i64 = 32768;
/// Most disks one CreateDisks makes.
pub const MAX_DISK_AMOUNT: i64 = 50;
/// Most data disks attached to one instance.
pub const MAX_DATA_DISKS: usize = 15;
/// Most snapshots an account may have.
pub const MAX_SNAPSHOTS: usize = 100;
/// Disk categories.
pub const CATEGORIES: [&str; 2] = ["Basic NVMe SSD", "Standard NVMe SSD"];
pub const DEFAULT_CATEGORY: &str = "Standard NVMe SSD";
/// How far ahead a snapshot's retention time must be.
pub const MIN_RETENTION_MS: i64 = 24 * 3600 * 1000;

fn pattern(field: &str, value: &str, rule: &str) -> ApiError {
    ApiError::new(
        ErrorCode::InvalidParameterPatternError,
        format!("`{field}` `{}` {rule}.", echo(value)),
    )
}

/// A disk name: 1-64 letters, digits, `-`, `_` and `.`, starting with a letter or digit.
pub fn check_disk_name(field: &str, name: &str) -> Result<(), ApiError> {
    if name.is_empty() {
        return Err(ApiError::missing(field));
    }
    length(field, name, 1, 64)?;
    let ok = name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
    if !ok {
        return Err(pattern(
            field,
            name,
            "may hold only letters, digits, `-`, `_` and `.`, and must start with a letter or digit",
        ));
    }
    Ok(())
}

/// A snapshot or EIP name: 2-63 letters, digits, `-`, `_` and `.`, starting and ending with a
/// letter or digit.
pub fn check_short_name(field: &str, name: &str) -> Result<(), ApiError> {
    if name.is_empty() {
        return Err(ApiError::missing(field));
    }
    length(field, name, 2, 63)?;
    let ok = name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name.ends_with(|c: char| c.is_ascii_alphanumeric())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
    if !ok {
        return Err(pattern(
            field,
            name,
            "may hold only letters, digits, `-`, `_` and `.`, and must start and end with a letter or digit",
        ));
    }
    Ok(())
}

/// A data disk's size in GiB: 20 to 32768.
pub fn check_size(field: &str, size: i64) -> Result<u32, ApiError> {
    crate::params::at_least(field, size, MIN_DISK_GIB)?;
    crate::params::at_most(field, size, MAX_DISK_GIB)?;
    Ok(size as u32)
}

pub fn check_category(category: &str) -> Result<(), ApiError> {
    if CATEGORIES.contains(&category) {
        Ok(())
    } else {
        Err(ApiError::new(
            ErrorCode::InvalidDiskCategoryType,
            format!(
                "`diskCategory` must be one of {}; got `{}`.",
                CATEGORIES.join(", "),
                echo(category)
            ),
        ))
    }
}

pub fn disk_not_found(id: &str) -> ApiError {
    ApiError::new(
        ErrorCode::InvalidDiskNotFound,
        format!("The disk `{}` is not found.", echo(id)),
    )
}

pub fn not_portable(id: &str) -> ApiError {
    ApiError::new(
        ErrorCode::InvalidDiskNotPortable,
        format!(
            "The disk `{}` is a system disk or was made with its instance: it goes with the instance, not on its own.",
            echo(id)
        ),
    )
}

pub fn disk_status(id: &str, status: &str) -> ApiError {
    ApiError::new(
        ErrorCode::UnsupportedOperationDiskStatus,
        format!(
            "The disk `{}` is {}; the operation is not allowed in that state.",
            echo(id),
            echo(status)
        ),
    )
}

pub fn being_recycled(id: &str) -> ApiError {
    ApiError::new(
        ErrorCode::UnsupportedOperationDiskBeingRecycle,
        format!(
            "The disk `{}` is already on its way to the recycle bin.",
            echo(id)
        ),
    )
}

pub fn zone_mismatch(disk_zone: &str, instance_zone: &str) -> ApiError {
    ApiError::new(
        ErrorCode::InvalidDiskAndInstanceZoneMismatched,
        format!(
            "The disk is in zone `{}`, the instance in `{}`.",
            echo(disk_zone),
            echo(instance_zone)
        ),
    )
}

pub fn instance_status(id: u64, status: InstanceStatus) -> ApiError {
    ApiError::new(
        ErrorCode::UnsupportedOperationInstanceStatus,
        format!("The instance `{id}` is {status}; disks attach to RUNNING or STOPPED instances."),
    )
}

pub fn instance_not_stopped(id: u64, status: InstanceStatus) -> ApiError {
    ApiError::new(
        ErrorCode::UnsupportedOperationInstanceStatus,
        format!(
            "The instance `{id}` is {status}; with `instanceCheckFlag` true (the default) disks detach from STOPPED instances only."
        ),
    )
}

pub fn too_many_disks(id: u64) -> ApiError {
    ApiError::new(
        ErrorCode::LimitExceededInstanceCanAttach,
        format!("The instance `{id}` would have more than {MAX_DATA_DISKS} data disks."),
    )
}

pub fn not_one_instance() -> ApiError {
    ApiError::new(
        ErrorCode::InvalidParameterValue,
        "The disks of one DetachDisks must all be attached to the same instance.",
    )
}

pub fn not_larger(id: &str, current: u32, asked: u32) -> ApiError {
    ApiError::new(
        ErrorCode::InvalidParameterLessMinimum,
        format!(
            "The disk `{}` has {current} GiB; `diskSize` must be larger, got {asked}.",
            echo(id)
        ),
    )
}

pub fn system_disk_snapshot(id: &str) -> ApiError {
    ApiError::new(
        ErrorCode::OperationDeniedDiskSystemType,
        format!(
            "The disk `{}` is a system disk; snapshots are of data disks.",
            echo(id)
        ),
    )
}

pub fn too_many_snapshots() -> ApiError {
    ApiError::new(
        ErrorCode::InvalidSnapshotQuotaExceed,
        format!("An account may have at most {MAX_SNAPSHOTS} snapshots."),
    )
}

pub fn retention_too_soon(value: &str) -> ApiError {
    ApiError::new(
        ErrorCode::InvalidSnapshotRetentionTime,
        format!(
            "`retentionTime` `{}` must be a time (YYYY-MM-DDTHH:MM:SSZ) at least 24 hours from now.",
            echo(value)
        ),
    )
}

pub fn snapshot_not_found(id: &str) -> ApiError {
    ApiError::new(
        ErrorCode::InvalidDiskSnapshotNotFound,
        format!("The snapshot `{}` is not found.", echo(id)),
    )
}

pub fn snapshot_status(id: &str, status: &str) -> ApiError {
    ApiError::new(
        ErrorCode::OperationDeniedDiskSnapshotStatus,
        format!(
            "The snapshot `{}` is {}; the operation is not allowed in that state.",
            echo(id),
            echo(status)
        ),
    )
}

pub fn snapshot_zone(id: &str, zone: &str) -> ApiError {
    ApiError::new(
        ErrorCode::InvalidDiskSnapshotNotFound,
        format!(
            "The snapshot `{}` is in zone `{}`; a disk is made from a snapshot of its own zone.",
            echo(id),
            echo(zone)
        ),
    )
}

pub fn snapshot_size(id: &str, needed: u32, asked: u32) -> ApiError {
    ApiError::new(
        ErrorCode::InvalidDiskSnapshotSizeMismatch,
        format!(
            "The snapshot `{}` is of a {needed} GiB disk; a disk made from it needs at least that, got {asked}.",
            echo(id)
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_sizes_and_categories() {
        for ok in ["d", "data-1", "my_disk.2", &"x".repeat(64)] {
            check_disk_name("diskName", ok).unwrap();
        }
        for bad in ["", "-d", "has space", "a/b", &"x".repeat(65)] {
            assert!(check_disk_name("diskName", bad).is_err(), "{bad}");
        }
        for ok in ["ab", "snap-1", "s_2.b"] {
            check_short_name("snapshotName", ok).unwrap();
        }
        for bad in ["a", "-ab", "ab-", "a b"] {
            assert!(check_short_name("snapshotName", bad).is_err(), "{bad}");
        }
        assert_eq!(check_size("diskSize", 20).unwrap(), 20);
        assert_eq!(
            check_size("diskSize", 19).unwrap_err().code,
            ErrorCode::InvalidParameterLessMinimum
        );
        assert_eq!(
            check_size("diskSize", 32769).unwrap_err().code,
            ErrorCode::InvalidParameterExceedMaximum
        );
        check_category("Basic NVMe SSD").unwrap();
        assert_eq!(
            check_category("HDD").unwrap_err().code,
            ErrorCode::InvalidDiskCategoryType
        );
    }
}
