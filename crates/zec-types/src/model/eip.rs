//! Elastic IPs (zec, both versions; `zec_resources.md` §11, §14).

use super::{MarketingInfo, Tag, Tags};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateEipsRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub internet_charge_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eip_v4_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub network_line_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub primary_isp: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bandwidth: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cidr_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_ip: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource_group_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flow_package: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub peer_region_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub marketing_options: Option<MarketingInfo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Tags>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance_ids: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bind_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate_limit_mode: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CreateEipsResponse {
    pub eip_ids: Vec<String>,
    pub order_number: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeEipsRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eip_ids: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_default: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_size: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_num: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub private_ip_address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip_address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip_addresses: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub associated_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cidr_ids: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource_group_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag_keys: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<Tag>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub internet_charge_type: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DescribeEipsResponse {
    pub total_count: u64,
    pub data_set: Vec<EipInfo>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EipInfo {
    pub eip_id: String,
    pub name: String,
    pub region_id: String,
    pub peer_region_id: Option<String>,
    pub is_default: bool,
    #[serde(skip_serializing_if = "crate::shape::not_in_2024")]
    pub is_customized: bool,
    pub status: String,
    pub public_ip_addresses: Vec<String>,
    pub private_ip_address: Option<String>,
    pub eip_v4_type: Option<String>,
    #[serde(skip_serializing_if = "crate::shape::not_in_2024")]
    pub network_line_type: String,
    pub internet_charge_type: String,
    pub cidr_id: Option<String>,
    /// Deprecated: the associated NIC.
    pub nic_id: Option<String>,
    pub associated_id: Option<String>,
    pub associated_type: Option<String>,
    #[serde(skip_serializing_if = "crate::shape::not_in_2024")]
    pub instance_id: Option<String>,
    pub bind_type: Option<String>,
    pub flow_package: Option<f64>,
    #[serde(skip_serializing_if = "crate::shape::not_in_2024")]
    pub flow_packages: Vec<FlowPackage>,
    pub bandwidth: u32,
    #[serde(skip_serializing_if = "crate::shape::not_in_2024")]
    pub rate_limit_mode: Option<String>,
    pub eip_geo_refs: Vec<serde_json::Value>,
    #[serde(skip_serializing_if = "crate::shape::not_in_2024")]
    pub block_info_list: Vec<serde_json::Value>,
    pub create_time: String,
    pub expired_time: Option<String>,
    pub resource_group_id: String,
    pub resource_group_name: String,
    pub bandwidth_cluster: Option<BandwidthClusterInfo>,
    #[serde(skip_serializing_if = "crate::shape::not_in_2024")]
    pub tags: Tags,
    #[serde(skip_serializing_if = "crate::shape::not_in_2024")]
    pub operation_info: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "crate::shape::not_in_2024")]
    pub prefix_length: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct FlowPackage {
    pub traffic_type: String,
    pub flow_package: f64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct BandwidthClusterInfo {
    pub bandwidth_cluster_id: String,
    pub bandwidth_cluster_name: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModifyEipAttributeRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eip_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModifyEipBandwidthRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eip_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bandwidth: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commit_bandwidth: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModifyEipBandwidthLimitModeRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eip_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate_limit_mode: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AssociateEipAddressRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub load_balancer_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nic_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lan_ip: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nat_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eip_ids: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ha_vip_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bind_type: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EipIdsRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eip_ids: Option<Vec<String>>,
}

/// AssociateEipAddress and UnassociateEipAddress: the EIPs that could not be.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct FailedEipsResponse {
    pub failed_eip_ids: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EipIdRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eip_id: Option<String>,
}
