//! Elastic IPs: CREATING → UNBIND (`eip-create`), bound and unbound at once, RECYCLING →
//! RECYCLED (`eip-release`) on the first delete, gone on the second.

pub mod associate_eip_address;
pub mod create_eips;
pub mod delete_eip;
pub mod describe_eips;
pub mod modify_eip_attribute;
pub mod modify_eip_bandwidth;
pub mod modify_eip_bandwidth_limit_mode;
pub mod unassociate_eip_address;

use zec_core::clock::format_api_time;
use zec_store::{Eip, View};
use zec_types::model::{BandwidthClusterInfo, EipInfo};

/// An EIP as DescribeEips shows it, at the view's moment.
pub fn info(view: &View<'_>, e: &Eip) -> EipInfo {
    let binding = e.binding.as_ref();
    let nic = binding.map(|b| b.nic_id.to_string());
    let instance = binding
        .and_then(|b| view.nic(&b.nic_id.to_string()))
        .and_then(|n| n.instance_id)
        .map(|i| i.to_string());
    EipInfo {
        eip_id: e.id.to_string(),
        name: e.name.clone(),
        region_id: e.region_id.clone(),
        peer_region_id: e.peer_region_id.clone(),
        is_default: false,
        is_customized: false,
        status: e.life.at(view.now()).unwrap_or_default().to_owned(),
        public_ip_addresses: vec![e.public_ip.to_string()],
        private_ip_address: binding.map(|b| b.lan_ip.to_string()),
        eip_v4_type: e.eip_v4_type.clone(),
        network_line_type: e.line_type.clone(),
        internet_charge_type: e.charge_type.clone(),
        cidr_id: None,
        nic_id: nic.clone(),
        associated_id: nic,
        associated_type: binding.map(|_| "NIC".to_owned()),
        instance_id: instance,
        bind_type: binding.map(|b| b.bind_type.clone()),
        flow_package: e.flow_package,
        flow_packages: Vec::new(),
        bandwidth: e.bandwidth,
        rate_limit_mode: e.rate_limit_mode.clone(),
        eip_geo_refs: Vec::new(),
        block_info_list: Vec::new(),
        create_time: format_api_time(e.created_at),
        expired_time: None,
        resource_group_id: e.resource_group_id.clone(),
        resource_group_name: view
            .group_name(&e.resource_group_id)
            .unwrap_or_default()
            .to_owned(),
        bandwidth_cluster: e.cluster_id.as_ref().map(|id| BandwidthClusterInfo {
            bandwidth_cluster_id: id.clone(),
            bandwidth_cluster_name: String::new(),
        }),
        tags: super::tags(&e.tags),
        operation_info: None,
        prefix_length: None,
    }
}

/// The one EIP a request names.
pub fn eip_id(r: &Option<String>) -> Result<String, zec_types::ApiError> {
    Ok(zec_core::params::required("eipId", r)?.trim().to_owned())
}
