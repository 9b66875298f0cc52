//! Subnets: the account's own (in its VPCs, one region each), and the catalog's, shared.

pub mod create_subnet;
pub mod delete_subnet;
pub mod describe_subnets;
pub mod modify_subnet_attribute;
pub mod modify_subnet_stack_type;

use zec_core::Atom;
use zec_core::clock::format_api_time;
use zec_core::rules::network::ipv6_gateway;
use zec_store::{Subnet, View};
use zec_types::model::SubnetInfo;

/// A subnet as DescribeSubnets shows it to the account.
pub fn info(view: &View<'_>, s: &Subnet, groups: Option<&[Atom]>) -> SubnetInfo {
    SubnetInfo {
        subnet_id: s.id.clone(),
        region_id: s.region_id.clone(),
        name: s.name.clone(),
        cidr_block: s.cidr.map(|c| c.to_string()),
        gateway_ip_address: s.cidr.map(|c| c.gateway().to_string()),
        ipv6_cidr_block: s.ipv6_cidr.clone(),
        ipv6_gateway_ip_address: s.ipv6_cidr.as_deref().and_then(ipv6_gateway),
        stack_type: s.stack_type.clone(),
        ipv6_type: s.ipv6_type.clone(),
        vpc_id: s.vpc_id.clone(),
        vpc_name: view
            .vpc(&s.vpc_id)
            .map(|v| v.name.clone())
            .unwrap_or_default(),
        usage_ipv4_count: view.usage("subnetId", &s.id, groups),
        usage_ipv6_count: 0,
        create_time: format_api_time(s.created_at),
        is_default: view.is_default(&s.id),
        dhcp_options_set_id: None,
        ipv6_mask_length: s.ipv6_cidr.as_ref().map(|_| 64),
    }
}
