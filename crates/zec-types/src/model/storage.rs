//! Disks and snapshots (zec, both versions; `zec_resources.md` §9, §10, §14, §15).

use super::{MarketingInfo, Tag, Tags};
use serde::{Deserialize, Serialize};

// ---- disks ----

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateDisksRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zone_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disk_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disk_size: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disk_amount: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance_ids: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource_group_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disk_category: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snapshot_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bursting_enabled: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub marketing_options: Option<MarketingInfo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Tags>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CreateDisksResponse {
    pub disk_ids: Vec<String>,
    pub order_number: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeDisksRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disk_ids: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disk_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disk_status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disk_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disk_category: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zone_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_num: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_size: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snapshot_ability: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource_group_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag_keys: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<Tag>>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DescribeDisksResponse {
    pub total_count: u64,
    pub data_set: Vec<DiskInfo>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DiskInfo {
    pub disk_id: String,
    pub disk_name: String,
    #[serde(skip_serializing_if = "crate::shape::not_in_2024")]
    pub region_id: String,
    pub zone_id: String,
    pub disk_type: String,
    pub portable: bool,
    pub disk_category: String,
    pub disk_size: u32,
    pub disk_status: String,
    /// Null while detached.
    pub instance_id: Option<String>,
    pub instance_name: Option<String>,
    /// 2024-04-01 only.
    #[serde(skip_serializing_if = "crate::shape::only_in_2024")]
    pub charge_type: String,
    pub create_time: String,
    pub expired_time: Option<String>,
    pub period: Option<i64>,
    pub resource_group_id: String,
    pub resource_group_name: String,
    pub serial: String,
    pub snapshot_ability: bool,
    /// In both versions (the 2024-04-01 Go SDK has it too).
    pub auto_snapshot_policy_id: Option<String>,
    #[serde(skip_serializing_if = "crate::shape::not_in_2024")]
    pub tags: Tags,
    #[serde(skip_serializing_if = "crate::shape::not_in_2024")]
    pub bursting_enabled: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AttachDisksRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disk_ids: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance_id: Option<String>,
}

/// AttachDisks and DetachDisks: the disks that could not be (2025-09-01 only).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct FailedDisksResponse {
    #[serde(skip_serializing_if = "crate::shape::not_in_2024")]
    pub failed_disk_ids: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DetachDisksRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disk_ids: Option<Vec<String>>,
    /// Default true: the instance must be stopped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance_check_flag: Option<bool>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResizeDiskRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disk_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disk_size: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModifyDisksAttributesRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disk_ids: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disk_name: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DiskIdRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disk_id: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeDiskRegionsRequest {
    /// 2024-04-01 clients may send a billing filter; zecd's disks are all pay-as-you-go.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub charge_type: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DescribeDiskRegionsResponse {
    pub region_ids: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeDiskCategoryRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zone_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disk_category: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DescribeDiskCategoryResponse {
    pub category_zone_set: Vec<DiskCategoryItem>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DiskCategoryItem {
    pub zone_id: String,
    pub category_set: Vec<String>,
}

// ---- snapshots ----

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateSnapshotRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disk_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snapshot_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retention_time: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CreateSnapshotResponse {
    pub snapshot_id: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeSnapshotsRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snapshot_ids: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zone_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disk_ids: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disk_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snapshot_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snapshot_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_size: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_num: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource_group_id: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DescribeSnapshotsResponse {
    pub total_count: u64,
    pub data_set: Vec<SnapshotInfo>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SnapshotInfo {
    pub snapshot_id: String,
    pub snapshot_name: String,
    pub zone_id: String,
    pub status: String,
    pub snapshot_type: String,
    /// Null: kept until deleted.
    pub retention_time: Option<String>,
    pub disk_id: String,
    pub create_time: String,
    pub disk_ability: bool,
    pub resource_group: super::ResourceGroupInfo,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModifySnapshotsAttributeRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snapshot_ids: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snapshot_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retention_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_permanent: Option<bool>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SnapshotIdsRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snapshot_ids: Option<Vec<String>>,
}

/// DeleteSnapshots: the ids that could not be deleted.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DeleteSnapshotsResponse {
    pub snapshot_ids: Vec<String>,
}
