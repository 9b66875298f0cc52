//! Instances for tests, made the way CreateZecInstances makes them.

use std::net::Ipv4Addr;
use zec_core::create::{Allocation, plan};
use zec_core::{AccountId, Catalog, Instance, Phase};
use zec_types::model::CreateZecInstancesRequest;

/// A RUNNING instance with the given id, account and resource group.
pub fn instance(id: u64, account: AccountId, group: &str) -> Instance {
    let req = CreateZecInstancesRequest {
        zone_id: Some("asia-east-1a".into()),
        image_id: Some("ubuntu2404_20240712".into()),
        instance_type: Some("z2a.cpu.1".into()),
        subnet_id: Some("1272168087751233112".into()),
        password: Some("Passw0rd!".into()),
        ..Default::default()
    };
    let p = plan(&req, &Catalog::builtin(), account, group).expect("valid request");
    let a = Allocation {
        id,
        nic_id: id + 1_000_000,
        system_disk_id: id + 2_000_000,
        data_disk_id: None,
        private_ipv4: Ipv4Addr::from(0x0a10_0000 + id as u32),
        public_ipv4: None,
    };
    let mut i = p.instantiate(0, a, 0, 0, Phase::Deploy.success());
    i.settle(0);
    i
}
