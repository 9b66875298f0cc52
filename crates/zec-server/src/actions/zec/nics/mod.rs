//! Network interfaces. Every instance has a primary NIC, made and purged with it.

pub mod describe_network_interfaces;
pub mod modify_network_interface_attribute;

use zec_core::clock::format_api_time;
use zec_store::{Nic, View};
use zec_types::model::{NicInfo, ResourceGroupInfo};

/// A NIC as DescribeNetworkInterfaces (and `InstanceInfo.nics`) shows it.
pub fn info(view: &View<'_>, n: &Nic) -> NicInfo {
    let private: Vec<String> = n.private_ipv4s().map(|ip| ip.to_string()).collect();
    NicInfo {
        nic_id: n.id.to_string(),
        name: n.name.clone(),
        status: n.status.clone(),
        nic_type: n.nic_type().into(),
        region_id: n.region_id.clone(),
        nic_subnet_type: n.subnet_type().into(),
        public_ip_list: n.public_ipv4s.iter().map(|ip| ip.to_string()).collect(),
        private_ip_list: private,
        primary_ipv4: n.primary_ipv4.map(|ip| ip.to_string()),
        primary_ipv6: None,
        ipv6_cidr: None,
        secondary_ipv4s: n.secondary_ipv4s.iter().map(|ip| ip.to_string()).collect(),
        mac_address: n.mac_address(),
        instance_id: n.instance_id.map(|i| i.to_string()),
        vpc_id: n.vpc_id.clone(),
        subnet_id: n.subnet_id.clone(),
        create_time: format_api_time(n.created_at),
        update_time: format_api_time(n.updated_at),
        resource_group: ResourceGroupInfo {
            resource_group_id: n.resource_group_id.clone(),
            resource_group_name: view
                .group_name(&n.resource_group_id)
                .unwrap_or_default()
                .to_owned(),
        },
        security_group_id: n.security_group_id.clone(),
        tags: super::tags(&n.tags),
    }
}
