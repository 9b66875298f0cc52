//! Network interfaces. Every instance has a primary NIC, made and purged with it; secondary
//! NICs are made in a subnet (PENDING → AVAILABLE, `nic-create`), attached to running
//! instances (ATTACHING → USED, `nic-attach`), detached and deleted at once.

pub mod assign_network_interface_ipv4;
pub mod attach_network_interface;
pub mod batch_assign_network_interface_ipv4;
pub mod create_network_interface;
pub mod delete_network_interface;
pub mod describe_network_interfaces;
pub mod detach_network_interface;
pub mod modify_network_interface_attribute;
pub mod unassign_network_interface_ipv4;

use zec_core::clock::format_api_time;
use zec_store::{Nic, View};
use zec_types::model::{NicInfo, ResourceGroupInfo};

/// A NIC as DescribeNetworkInterfaces (and `InstanceInfo.nics`) shows it.
pub fn info(view: &View<'_>, n: &Nic) -> NicInfo {
    let private: Vec<String> = n.private_ipv4s().map(|ip| ip.to_string()).collect();
    let public: Vec<String> = n
        .public_ipv4s
        .iter()
        .copied()
        .chain(view.eips_on(n.id).iter().map(|e| e.public_ip))
        .map(|ip| ip.to_string())
        .collect();
    NicInfo {
        nic_id: n.id.to_string(),
        name: n.name.to_string(),
        status: n.life.at(view.now()).unwrap_or_default().to_owned(),
        nic_type: n.nic_type().into(),
        region_id: n.region_id.to_string(),
        nic_subnet_type: n.subnet_type().into(),
        public_ip_list: public,
        private_ip_list: private,
        primary_ipv4: n.primary_ipv4.map(|ip| ip.to_string()),
        primary_ipv6: None,
        ipv6_cidr: None,
        secondary_ipv4s: n.secondary_ipv4s.iter().map(|ip| ip.to_string()).collect(),
        mac_address: n.mac_address(),
        instance_id: n.instance_id.map(|i| i.to_string()),
        vpc_id: n.vpc_id.to_string(),
        subnet_id: n.subnet_id.to_string(),
        create_time: format_api_time(n.created_at),
        update_time: format_api_time(n.updated_at),
        resource_group: ResourceGroupInfo {
            resource_group_id: n.resource_group_id.to_string(),
            resource_group_name: view
                .group_name(&n.resource_group_id)
                .unwrap_or_default()
                .to_owned(),
        },
        security_group_id: n.security_group_id.as_deref().map(str::to_owned),
        tags: super::tags(&n.tags),
    }
}

/// The NIC a request names.
pub fn nic_id(r: &Option<String>) -> Result<String, zec_types::ApiError> {
    Ok(zec_core::params::required("nicId", r)?.trim().to_owned())
}

/// Addresses a request lists, each an IPv4 address.
pub fn addresses(
    field: &str,
    list: &[String],
) -> Result<Vec<std::net::Ipv4Addr>, zec_types::ApiError> {
    list.iter()
        .map(|s| {
            s.trim().parse().map_err(|_| {
                zec_types::ApiError::new(
                    zec_types::ErrorCode::InvalidParameterValue,
                    format!(
                        "`{field}` holds `{}`, which is not an IPv4 address.",
                        zec_types::error::echo(s)
                    ),
                )
            })
        })
        .collect()
}
