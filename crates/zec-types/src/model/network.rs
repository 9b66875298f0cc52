//! Networks: VPCs, subnets, security groups and their rules, network interfaces (zec, both
//! versions; `zec_resources.md` §1–§5, §8, §14).

use super::{ResourceGroupInfo, Tag, Tags};
use serde::{Deserialize, Serialize};

// ---- VPCs ----

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateVpcRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cidr_block: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mtu: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable_pri_ipv6: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource_group_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Tags>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CreateVpcResponse {
    pub vpc_id: String,
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
    /// Null while IPv6 is off.
    pub ipv6_cidr_block: Option<String>,
    pub mtu: u32,
    pub is_default: bool,
    pub create_time: String,
    pub usage_ipv4_count: u64,
    pub usage_ipv6_count: u64,
    /// The bound security group; null when none is (Terraform reads null as "unbound").
    pub security_group_id: Option<String>,
    #[serde(skip_serializing_if = "crate::shape::not_in_2024")]
    pub dns_zone_ids: Vec<String>,
    pub resource_group: ResourceGroupInfo,
    #[serde(skip_serializing_if = "crate::shape::not_in_2024")]
    pub tags: Tags,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModifyVpcAttributeRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vpc_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vpc_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cidr_block: Option<String>,
    #[serde(rename = "enableIPv6", skip_serializing_if = "Option::is_none")]
    pub enable_ipv6: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub security_group_id: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeleteVpcRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vpc_id: Option<String>,
}

// ---- subnets ----

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateSubnetRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vpc_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stack_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cidr_block: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ipv6_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dhcp_options_set_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ipv6_cidr_block_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ipv6_mask_length: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CreateSubnetResponse {
    pub subnet_id: String,
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
    /// Null for an IPv6-only subnet.
    pub cidr_block: Option<String>,
    #[serde(skip_serializing_if = "crate::shape::not_in_2024")]
    pub gateway_ip_address: Option<String>,
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
pub struct ModifySubnetAttributeRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subnet_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subnet_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cidr_block: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModifySubnetStackTypeRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subnet_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stack_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ipv6_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ipv6_cidr_block_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ipv6_mask_length: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ModifySubnetStackTypeResponse {
    pub ipv6_cidr_block: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeleteSubnetRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subnet_id: Option<String>,
}

// ---- security groups ----

/// A rule, as requests send it and answers return it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SecurityGroupRuleInfo {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub direction: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip_protocol: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port_range: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cidr_ip: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub desc: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateSecurityGroupRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub security_group_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule_infos: Option<Vec<SecurityGroupRuleInfo>>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CreateSecurityGroupResponse {
    pub security_group_id: String,
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

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModifySecurityGroupsAttributeRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub security_group_ids: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub security_group_name: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SecurityGroupIdRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub security_group_id: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DescribeSecurityGroupRuleResponse {
    /// Always a list, never null: Terraform reads the egress rules only when this is non-null.
    pub ingress_rule_list: Vec<RuleInfo>,
    pub egress_rule_list: Vec<RuleInfo>,
}

/// A rule as answers show it: every field present.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RuleInfo {
    pub direction: String,
    pub policy: String,
    pub priority: i64,
    pub ip_protocol: String,
    pub port_range: String,
    pub cidr_ip: String,
    pub desc: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConfigureSecurityGroupRulesRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub security_group_id: Option<String>,
    /// The whole new set; absent means none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule_infos: Option<Vec<SecurityGroupRuleInfo>>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AssignSecurityGroupVpcRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vpc_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub security_group_id: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UnAssignSecurityGroupVpcRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vpc_id: Option<String>,
    /// Sent by 2024-04-01 clients; when given, it must be the bound group.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub security_group_id: Option<String>,
}

// ---- network interfaces ----

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeNetworkInterfacesRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nic_ids: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vpc_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subnet_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_size: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_num: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nic_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource_group_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub security_group_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag_keys: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<Tag>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nic_subnet_type: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DescribeNetworkInterfacesResponse {
    pub total_count: u64,
    pub data_set: Vec<NicInfo>,
}

/// A network interface, in DescribeNetworkInterfaces and in `InstanceInfo.nics`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct NicInfo {
    pub nic_id: String,
    pub name: String,
    pub status: String,
    pub nic_type: String,
    pub region_id: String,
    pub nic_subnet_type: String,
    pub public_ip_list: Vec<String>,
    pub private_ip_list: Vec<String>,
    pub primary_ipv4: Option<String>,
    pub primary_ipv6: Option<String>,
    pub ipv6_cidr: Option<String>,
    pub secondary_ipv4s: Vec<String>,
    pub mac_address: String,
    /// Null while the NIC is not attached.
    pub instance_id: Option<String>,
    pub vpc_id: String,
    pub subnet_id: String,
    pub create_time: String,
    pub update_time: String,
    pub resource_group: ResourceGroupInfo,
    #[serde(skip_serializing_if = "crate::shape::not_in_2024")]
    pub security_group_id: Option<String>,
    #[serde(skip_serializing_if = "crate::shape::not_in_2024")]
    pub tags: Tags,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModifyNetworkInterfaceAttributeRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nic_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub security_group_id: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateNetworkInterfaceRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subnet_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nic_stack_type: Option<String>,
    /// 2024-04-01 Go SDK's name for it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stack_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource_group_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub security_group_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub internet_charge_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bandwidth: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub package_size: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eip_bind_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eip_ids: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub marketing_options: Option<super::MarketingInfo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Tags>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CreateNetworkInterfaceResponse {
    pub nic_id: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NicIdRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nic_id: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AttachNetworkInterfaceRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nic_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance_id: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AssignNetworkInterfaceIpv4Request {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nic_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip_address: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchAssignNetworkInterfaceIpv4Request {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nic_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip_addresses: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip_address_count: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct BatchAssignNetworkInterfaceIpv4Response {
    pub ip_addresses: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UnassignNetworkInterfaceIpv4Request {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nic_id: Option<String>,
    /// Deprecated: one address (`ipAddresses` wins).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip_address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip_addresses: Option<Vec<String>>,
}
