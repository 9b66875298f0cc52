use super::{NicInfo, Tag, Tags};
use serde::{Deserialize, Serialize};

/// DescribeInstancesStatus request (the user's source document, §2).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeInstancesStatusRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance_ids: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_size: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_num: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource_group_id: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeInstancesStatusResponse {
    #[serde(default)]
    pub total_count: u64,
    #[serde(default)]
    pub data_set: Vec<InstanceStatusItem>,
}

/// The `InstanceStatus` data structure: one instance's id and status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InstanceStatusItem {
    pub instance_id: String,
    pub instance_status: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeInstancesRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance_ids: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zone_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance_type_series: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ipv4_address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ipv6_address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_size: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_num: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource_group_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag_keys: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<Tag>>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeInstancesResponse {
    #[serde(default)]
    pub total_count: u64,
    #[serde(default)]
    pub data_set: Vec<InstanceInfo>,
}

/// Everything DescribeInstances tells about an instance (spec §5, `InstanceInfo`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct InstanceInfo {
    pub instance_id: String,
    pub instance_name: String,
    pub zone_id: String,
    pub instance_type: Option<String>,
    pub cpu: u32,
    pub memory: u32,
    pub image_id: String,
    pub image_name: String,
    pub time_zone: String,
    pub nic_network_type: String,
    pub status: String,
    pub system_disk: SystemDisk,
    pub data_disks: Vec<InstanceDataDisk>,
    pub public_ip_addresses: Vec<String>,
    pub private_ip_addresses: Vec<String>,
    pub key_id: Option<String>,
    pub subnet_id: String,
    #[serde(skip_serializing_if = "crate::shape::not_in_2024")]
    pub security_group_id: String,
    pub enable_agent: bool,
    pub enable_agent_monitor: bool,
    pub enable_ip_forward: bool,
    pub create_time: String,
    pub expired_time: Option<String>,
    pub resource_group_id: String,
    pub resource_group_name: String,
    pub nics: Vec<NicInfo>,
    #[serde(skip_serializing_if = "crate::shape::not_in_2024")]
    pub tags: Tags,
    #[serde(skip_serializing_if = "crate::shape::not_in_2024")]
    pub load_balancer_ids: Vec<String>,
    #[serde(skip_serializing_if = "crate::shape::not_in_2024")]
    pub placement_group_id: Option<String>,
    /// Null unless the instance was created with options.
    #[serde(skip_serializing_if = "crate::shape::not_in_2024")]
    pub instance_options: Option<InstanceOptions>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SystemDisk {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disk_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disk_size: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disk_category: Option<String>,
    #[serde(default, skip_serializing_if = "crate::shape::none_or_not_in_2024")]
    pub bursting_enabled: Option<bool>,
}

/// A data disk as DescribeInstances shows it: the models share `DataDisk` with the create
/// request, so `diskAmount` is there too (always null in an answer).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct InstanceDataDisk {
    pub disk_id: Option<String>,
    pub disk_name: Option<String>,
    pub disk_size: Option<i64>,
    pub disk_amount: Option<i64>,
    pub portable: Option<bool>,
    #[serde(skip_serializing_if = "crate::shape::not_in_2024")]
    pub bursting_enabled: Option<bool>,
    pub disk_category: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DataDisk {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disk_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disk_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disk_size: Option<i64>,
    /// Request only: how many disks of this shape.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disk_amount: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub portable: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bursting_enabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disk_category: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct InstanceOptions {
    pub nested_virtualization: bool,
}
