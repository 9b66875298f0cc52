//! What a client looks up before CreateZecInstances: zones, instance types, images.

use super::{Tag, Tags};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeZonesRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zone_ids: Option<Vec<String>>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DescribeZonesResponse {
    pub zone_set: Vec<ZoneInfo>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ZoneInfo {
    pub zone_id: String,
    pub region_id: String,
    pub zone_name: String,
    #[serde(skip_serializing_if = "crate::shape::not_in_2024")]
    pub support_security_group: bool,
    #[serde(skip_serializing_if = "crate::shape::not_in_2024")]
    pub time_zone: String,
    #[serde(skip_serializing_if = "crate::shape::not_in_2024")]
    pub city_name: String,
    #[serde(skip_serializing_if = "crate::shape::not_in_2024")]
    pub city_code: String,
    #[serde(skip_serializing_if = "crate::shape::not_in_2024")]
    pub country_code: String,
    #[serde(skip_serializing_if = "crate::shape::not_in_2024")]
    pub country_name: String,
    #[serde(skip_serializing_if = "crate::shape::not_in_2024")]
    pub support_ha_vip: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeZoneInstanceConfigInfosRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zone_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance_type: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DescribeZoneInstanceConfigInfosResponse {
    pub instance_type_quota_set: Vec<InstanceTypeQuotaItem>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct InstanceTypeQuotaItem {
    pub zone_id: String,
    pub instance_type: String,
    pub instance_type_name: String,
    pub cpu_count: u32,
    pub memory: u32,
    /// CPU clock, sent for 2024-04-01 clients.
    #[serde(skip_serializing_if = "crate::shape::only_in_2024")]
    pub frequency: String,
    #[serde(skip_serializing_if = "crate::shape::not_in_2024")]
    pub bps: i64,
    #[serde(skip_serializing_if = "crate::shape::not_in_2024")]
    pub pps: i64,
    pub internet_max_bandwidth_out_limit: u32,
    pub with_stock: bool,
    pub internet_charge_types: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeImagesRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zone_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_ids: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub os_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_num: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_size: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag_keys: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<Tag>>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DescribeImagesResponse {
    pub total_count: u64,
    pub data_set: Vec<ImageInfo>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ImageInfo {
    pub image_id: String,
    pub image_name: String,
    pub image_type: String,
    #[serde(skip_serializing_if = "crate::shape::not_in_2024")]
    pub image_source: String,
    /// GiB, as a decimal string (the vendor sends a string).
    pub image_size: String,
    #[serde(skip_serializing_if = "crate::shape::not_in_2024")]
    pub min_disk_size: u32,
    pub image_description: Option<String>,
    pub image_version: String,
    pub image_status: String,
    pub nic_network_type: Vec<String>,
    pub category: String,
    pub os_type: String,
    #[serde(skip_serializing_if = "crate::shape::not_in_2024")]
    pub tags: Tags,
}
