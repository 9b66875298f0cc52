//! What a client looks up before CreateZecInstances: zones, instance types, images, VPCs,
//! subnets, security groups.

use super::{ResourceGroupInfo, Tag, Tags};
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

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeVpcsRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vpc_ids: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cidr_block: Option<String>,
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
#[serde(rename_all = "camelCase", default)]
pub struct DescribeVpcsResponse {
    pub total_count: u64,
    pub data_set: Vec<VpcInfo>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct VpcInfo {
    pub vpc_id: String,
    pub name: String,
    pub cidr_block: String,
    #[serde(skip_serializing_if = "crate::shape::not_in_2024")]
    pub secondary_cidr_blocks: Vec<String>,
    pub ipv6_cidr_block: Option<String>,
    pub mtu: u32,
    pub is_default: bool,
    pub create_time: String,
    pub usage_ipv4_count: u64,
    pub usage_ipv6_count: u64,
    pub security_group_id: String,
    #[serde(skip_serializing_if = "crate::shape::not_in_2024")]
    pub dns_zone_ids: Vec<String>,
    pub resource_group: ResourceGroupInfo,
    #[serde(skip_serializing_if = "crate::shape::not_in_2024")]
    pub tags: Tags,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeSubnetsRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subnet_ids: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cidr_block: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_size: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_num: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vpc_ids: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dhcp_options_set_id: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DescribeSubnetsResponse {
    pub total_count: u64,
    pub data_set: Vec<SubnetInfo>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SubnetInfo {
    pub subnet_id: String,
    pub region_id: String,
    pub name: String,
    pub cidr_block: String,
    #[serde(skip_serializing_if = "crate::shape::not_in_2024")]
    pub gateway_ip_address: String,
    pub ipv6_cidr_block: Option<String>,
    #[serde(skip_serializing_if = "crate::shape::not_in_2024")]
    pub ipv6_gateway_ip_address: Option<String>,
    pub stack_type: String,
    pub ipv6_type: Option<String>,
    pub vpc_id: String,
    pub vpc_name: String,
    pub usage_ipv4_count: u64,
    pub usage_ipv6_count: u64,
    pub create_time: String,
    pub is_default: bool,
    #[serde(skip_serializing_if = "crate::shape::not_in_2024")]
    pub dhcp_options_set_id: Option<String>,
    #[serde(skip_serializing_if = "crate::shape::not_in_2024")]
    pub ipv6_mask_length: Option<u32>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeSecurityGroupsRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub security_group_ids: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub security_group_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_default: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_size: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_num: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DescribeSecurityGroupsResponse {
    pub total_count: u64,
    pub data_set: Vec<SecurityGroupInfo>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SecurityGroupInfo {
    pub security_group_id: String,
    pub security_group_name: String,
    pub scope: String,
    pub create_time: String,
    pub vpc_ids: Vec<String>,
    pub is_default: bool,
    #[serde(skip_serializing_if = "crate::shape::not_in_2024")]
    pub nic_id_list: Vec<String>,
    #[serde(skip_serializing_if = "crate::shape::not_in_2024")]
    pub nat_id_list: Vec<String>,
    #[serde(skip_serializing_if = "crate::shape::not_in_2024")]
    pub load_balancer_id_list: Vec<String>,
    #[serde(skip_serializing_if = "crate::shape::not_in_2024")]
    pub ha_vip_id_list: Vec<String>,
}
