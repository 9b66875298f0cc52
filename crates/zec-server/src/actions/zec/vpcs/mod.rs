//! VPCs: the account's own, and the catalog's, shared by every account (read and use only).

pub mod assign_security_group_vpc;
pub mod create_vpc;
pub mod delete_vpc;
pub mod describe_vpcs;
pub mod modify_vpc_attribute;
pub mod un_assign_security_group_vpc;

use zec_core::Atom;
use zec_core::clock::format_api_time;
use zec_store::{View, Vpc};
use zec_types::model::{ResourceGroupInfo, VpcInfo};

/// A VPC as DescribeVpcs shows it to the account (usage counted over the NICs the caller may
/// see).
pub fn info(view: &View<'_>, v: &Vpc, groups: Option<&[Atom]>) -> VpcInfo {
    VpcInfo {
        vpc_id: v.id.clone(),
        name: v.name.clone(),
        cidr_block: v.cidr.to_string(),
        secondary_cidr_blocks: Vec::new(),
        ipv6_cidr_block: v.ipv6_cidr.clone(),
        mtu: v.mtu,
        is_default: view.is_default(&v.id),
        create_time: format_api_time(v.created_at),
        usage_ipv4_count: view.usage("vpcId", &v.id, groups),
        usage_ipv6_count: 0,
        security_group_id: v.security_group_id.clone(),
        dns_zone_ids: Vec::new(),
        resource_group: ResourceGroupInfo {
            resource_group_id: v.resource_group_id.clone(),
            resource_group_name: view
                .group_name(&v.resource_group_id)
                .unwrap_or_default()
                .to_owned(),
        },
        tags: super::tags(&v.tags),
    }
}
