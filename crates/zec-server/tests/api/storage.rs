//! An instance's world beyond its network: data disks, snapshots, EIPs and secondary NICs,
//! through the Rust SDK and the `zec` command line. What DescribeInstances shows of them at each
//! step, what a purge does to them with and without `dependResource`, refusals that change
//! nothing, races the one writer decides, and phases that survive kill -9 on either backend.

use crate::harness::{Options, Server};
use zec_sdk::Client;
use zec_sdk::model::*;

const ZONE: &str = "asia-east-1a";
const REGION: &str = "asia-east-1";

fn manual() -> Server {
    Server::start_with(Options {
        args: vec!["--clock".into(), "manual".into()],
        ..Options::default()
    })
}

fn code(e: zec_sdk::Error) -> String {
    e.code().to_owned()
}

/// A VPC, its security group and a /24 subnet in asia-east-1.
async fn subnet(client: &Client) -> String {
    let vpc = client
        .create_vpc(&CreateVpcRequest {
            name: Some("world".into()),
            cidr_block: Some("10.8.0.0/16".into()),
            ..Default::default()
        })
        .await
        .unwrap()
        .vpc_id
        .clone();
    client
        .create_subnet(&CreateSubnetRequest {
            vpc_id: Some(vpc),
            name: Some("world-a".into()),
            region_id: Some(REGION.into()),
            stack_type: Some("IPv4".into()),
            cidr_block: Some("10.8.1.0/24".into()),
            ..Default::default()
        })
        .await
        .unwrap()
        .subnet_id
        .clone()
}

async fn instance(client: &Client, subnet: &str) -> String {
    client
        .create_zec_instances(&CreateZecInstancesRequest {
            subnet_id: Some(subnet.into()),
            ..crate::create_request(1)
        })
        .await
        .unwrap()
        .instance_id_set[0]
        .clone()
}

async fn instance_info(client: &Client, id: &str) -> Option<InstanceInfo> {
    client
        .describe_instances(&DescribeInstancesRequest {
            instance_ids: Some(vec![id.into()]),
            ..Default::default()
        })
        .await
        .unwrap()
        .data_set
        .first()
        .cloned()
}

async fn disks(client: &Client, r: DescribeDisksRequest) -> Vec<DiskInfo> {
    client
        .describe_disks(&DescribeDisksRequest {
            page_size: Some(1000),
            ..r
        })
        .await
        .unwrap()
        .data_set
        .clone()
}

async fn disk(client: &Client, id: &str) -> Option<DiskInfo> {
    disks(
        client,
        DescribeDisksRequest {
            disk_ids: Some(vec![id.into()]),
            ..Default::default()
        },
    )
    .await
    .pop()
}

async fn eips(client: &Client, r: DescribeEipsRequest) -> Vec<EipInfo> {
    client
        .describe_eips(&DescribeEipsRequest {
            page_size: Some(1000),
            ..r
        })
        .await
        .unwrap()
        .data_set
        .clone()
}

async fn eip(client: &Client, id: &str) -> Option<EipInfo> {
    eips(
        client,
        DescribeEipsRequest {
            eip_ids: Some(vec![id.into()]),
            ..Default::default()
        },
    )
    .await
    .pop()
}

async fn nics(client: &Client, r: DescribeNetworkInterfacesRequest) -> Vec<NicInfo> {
    client
        .describe_network_interfaces(&DescribeNetworkInterfacesRequest {
            page_size: Some(1000),
            ..r
        })
        .await
        .unwrap()
        .data_set
        .clone()
}

async fn nic(client: &Client, id: &str) -> Option<NicInfo> {
    nics(
        client,
        DescribeNetworkInterfacesRequest {
            nic_ids: Some(vec![id.into()]),
            ..Default::default()
        },
    )
    .await
    .pop()
}

async fn new_disk(client: &Client, name: &str, size: i64, attached_to: Option<&str>) -> String {
    client
        .create_disks(&CreateDisksRequest {
            zone_id: Some(ZONE.into()),
            disk_name: Some(name.into()),
            disk_size: Some(size),
            instance_id: attached_to.map(str::to_owned),
            ..Default::default()
        })
        .await
        .unwrap()
        .disk_ids[0]
        .clone()
}

async fn new_eip(client: &Client, name: &str) -> String {
    client
        .create_eips(&CreateEipsRequest {
            region_id: Some(REGION.into()),
            name: Some(name.into()),
            internet_charge_type: Some("ByBandwidth".into()),
            ..Default::default()
        })
        .await
        .unwrap()
        .eip_ids[0]
        .clone()
}

async fn new_nic(client: &Client, subnet: &str, name: &str) -> String {
    client
        .create_network_interface(&CreateNetworkInterfaceRequest {
            name: Some(name.into()),
            subnet_id: Some(subnet.into()),
            ..Default::default()
        })
        .await
        .unwrap()
        .nic_id
        .clone()
}

async fn release_instance(client: &Client, id: &str, depend_resource: Option<bool>) {
    client
        .release_instances(&ReleaseInstancesRequest {
            instance_ids: Some(vec![id.into()]),
            depend_resource,
            ..Default::default()
        })
        .await
        .unwrap();
}

/// Every disk, EIP and NIC of the account as the API shows them: what a refusal must leave as
/// it was.
async fn world(client: &Client) -> (Vec<DiskInfo>, Vec<EipInfo>, Vec<NicInfo>) {
    (
        disks(client, Default::default()).await,
        eips(client, Default::default()).await,
        nics(client, Default::default()).await,
    )
}

/// An instance with a data disk, an EIP on its primary NIC and a second NIC with two more
/// addresses, all RUNNING/IN_USE/BINDED/USED: (instance, disk, eip, secondary nic).
async fn furnished(
    server: &Server,
    client: &Client,
    subnet: &str,
) -> (String, String, String, String) {
    let id = instance(client, subnet).await;
    server.advance("1h").await;
    let disk = new_disk(client, "data", 40, None).await;
    let eip = new_eip(client, "front").await;
    let second = new_nic(client, subnet, "second").await;
    server.advance("1h").await;
    client
        .attach_disks(&AttachDisksRequest {
            disk_ids: Some(vec![disk.clone()]),
            instance_id: Some(id.clone()),
        })
        .await
        .unwrap();
    let primary = instance_info(client, &id).await.unwrap().nics[0].clone();
    client
        .associate_eip_address(&AssociateEipAddressRequest {
            eip_ids: Some(vec![eip.clone()]),
            nic_id: Some(primary.nic_id.clone()),
            lan_ip: primary.primary_ipv4.clone(),
            ..Default::default()
        })
        .await
        .unwrap();
    client
        .attach_network_interface(&AttachNetworkInterfaceRequest {
            nic_id: Some(second.clone()),
            instance_id: Some(id.clone()),
        })
        .await
        .unwrap();
    // Addresses go to a NIC that is AVAILABLE or USED, not one still ATTACHING.
    server.advance("1h").await;
    let added = client
        .batch_assign_network_interface_ipv4(&BatchAssignNetworkInterfaceIpv4Request {
            nic_id: Some(second.clone()),
            ip_address_count: Some(2),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(added.ip_addresses.len(), 2);
    server.advance("1h").await;
    (id, disk, eip, second)
}

#[tokio::test]
async fn an_instance_shows_its_disks_addresses_and_nics_as_they_are() {
    let server = manual();
    let client = server.client();
    let subnet = subnet(&client).await;
    let (id, disk_id, eip_id, second) = furnished(&server, &client, &subnet).await;

    let i = instance_info(&client, &id).await.unwrap();
    let e = eip(&client, &eip_id).await.unwrap();
    let s = nic(&client, &second).await.unwrap();
    // The system disk is a disk too, listed with the instance.
    let of_instance = disks(
        &client,
        DescribeDisksRequest {
            instance_id: Some(id.clone()),
            ..Default::default()
        },
    )
    .await;
    let kinds: Vec<_> = of_instance
        .iter()
        .map(|d| (d.disk_type.as_str(), d.disk_status.as_str(), d.portable))
        .collect();
    assert_eq!(
        kinds,
        [("SYSTEM", "IN_USE", false), ("DATA", "IN_USE", true)]
    );
    assert!(of_instance.iter().all(|d| d.serial.starts_with("zec")));
    assert_eq!(
        i.system_disk.disk_id.as_deref(),
        Some(of_instance[0].disk_id.as_str())
    );
    assert_eq!(
        i.data_disks
            .iter()
            .map(|d| d.disk_id.clone().unwrap_or_default())
            .collect::<Vec<_>>(),
        std::slice::from_ref(&disk_id)
    );
    // The EIP is the instance's public address; its NICs are primary then secondary, and every
    // private address of both is the instance's.
    assert_eq!(i.public_ip_addresses, e.public_ip_addresses);
    assert_eq!(e.status, "BINDED");
    assert_eq!(e.instance_id.as_deref(), Some(id.as_str()));
    assert_eq!(
        i.nics
            .iter()
            .map(|n| n.nic_type.as_str())
            .collect::<Vec<_>>(),
        ["Primary", "Secondary"]
    );
    assert_eq!(i.nics[1].nic_id, second);
    assert_eq!(s.status, "USED");
    assert_eq!(s.private_ip_list.len(), 3);
    let mut expected: Vec<String> = i.nics[0].private_ip_list.clone();
    expected.extend(s.private_ip_list.clone());
    assert_eq!(i.private_ip_addresses, expected);
    assert_eq!(i.nics[0].public_ip_list, e.public_ip_addresses);
    // The EIP is found by the instance, by the NIC, and by the private address it is bound to.
    for r in [
        DescribeEipsRequest {
            instance_id: Some(id.clone()),
            ..Default::default()
        },
        DescribeEipsRequest {
            associated_id: Some(i.nics[0].nic_id.clone()),
            ..Default::default()
        },
        DescribeEipsRequest {
            private_ip_address: i.nics[0].primary_ipv4.clone(),
            ..Default::default()
        },
    ] {
        let found = eips(&client, r).await;
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].eip_id, eip_id);
    }

    // Detach and unassociate finish before they answer; DescribeInstances follows at once.
    client
        .unassociate_eip_address(&EipIdsRequest {
            eip_ids: Some(vec![eip_id.clone()]),
        })
        .await
        .unwrap();
    client
        .detach_network_interface(&NicIdRequest {
            nic_id: Some(second.clone()),
        })
        .await
        .unwrap();
    client
        .detach_disks(&DetachDisksRequest {
            disk_ids: Some(vec![disk_id.clone()]),
            instance_check_flag: Some(false),
        })
        .await
        .unwrap();
    let i = instance_info(&client, &id).await.unwrap();
    assert!(i.public_ip_addresses.is_empty());
    assert_eq!(i.nics.len(), 1);
    assert_eq!(i.private_ip_addresses, i.nics[0].private_ip_list);
    assert!(i.data_disks.is_empty());
    assert_eq!(eip(&client, &eip_id).await.unwrap().status, "UNBIND");
    assert_eq!(nic(&client, &second).await.unwrap().instance_id, None);
    let d = disk(&client, &disk_id).await.unwrap();
    assert_eq!(
        (d.disk_status.as_str(), d.instance_id.as_deref()),
        ("DETACHING", None)
    );
    server.advance("1h").await;
    assert_eq!(
        disk(&client, &disk_id).await.unwrap().disk_status,
        "AVAILABLE"
    );
}

#[tokio::test]
async fn a_purge_with_depend_resource_takes_everything_without_it_frees_it() {
    let server = manual();
    let client = server.client();
    let subnet = subnet(&client).await;

    // With dependResource (2025-09-01's default): the attached disk and the EIP go to the
    // recycle bin, the secondary NIC is deleted, the system disk goes with the instance.
    let (id, disk_id, eip_id, second) = furnished(&server, &client, &subnet).await;
    let system = instance_info(&client, &id)
        .await
        .unwrap()
        .system_disk
        .disk_id
        .unwrap();
    release_instance(&client, &id, None).await;
    server.advance("1h").await;
    // In the recycle bin nothing moves yet.
    assert_eq!(disk(&client, &disk_id).await.unwrap().disk_status, "IN_USE");
    release_instance(&client, &id, Some(true)).await;
    server.advance("1h").await;
    assert!(instance_info(&client, &id).await.is_none());
    assert!(disk(&client, &system).await.is_none());
    let d = disk(&client, &disk_id).await.unwrap();
    assert_eq!(
        (d.disk_status.as_str(), d.instance_id.as_deref()),
        ("RECYCLED", None)
    );
    let e = eip(&client, &eip_id).await.unwrap();
    assert_eq!(
        (e.status.as_str(), e.associated_id.as_deref()),
        ("RECYCLED", None)
    );
    assert!(nic(&client, &second).await.is_none());
    // Released again, they are gone; the EIP's address can be had again.
    client
        .release_disk(&DiskIdRequest {
            disk_id: Some(disk_id.clone()),
        })
        .await
        .unwrap();
    client
        .delete_eip(&EipIdRequest {
            eip_id: Some(eip_id.clone()),
        })
        .await
        .unwrap();
    assert_eq!(world(&client).await, (vec![], vec![], vec![]));

    // Without it: every portable thing stays, free.
    let (id, disk_id, eip_id, second) = furnished(&server, &client, &subnet).await;
    release_instance(&client, &id, Some(false)).await;
    server.advance("1h").await;
    release_instance(&client, &id, Some(false)).await;
    server.advance("1h").await;
    assert!(instance_info(&client, &id).await.is_none());
    let d = disk(&client, &disk_id).await.unwrap();
    assert_eq!(
        (d.disk_status.as_str(), d.instance_id.as_deref()),
        ("AVAILABLE", None)
    );
    let e = eip(&client, &eip_id).await.unwrap();
    assert_eq!(
        (e.status.as_str(), e.associated_id.as_deref()),
        ("UNBIND", None)
    );
    let n = nic(&client, &second).await.unwrap();
    assert_eq!(
        (n.status.as_str(), n.instance_id.as_deref()),
        ("AVAILABLE", None)
    );
    assert_eq!(n.private_ip_list.len(), 3, "its addresses stay with it");
    // Only the secondary NIC is left: the primary went with the instance.
    assert_eq!(nics(&client, Default::default()).await.len(), 1);
}

#[tokio::test]
async fn refusals_change_nothing() {
    let server = manual();
    let client = server.client();
    let subnet = subnet(&client).await;
    let (id, disk_id, eip_id, second) = furnished(&server, &client, &subnet).await;
    let other = instance(&client, &subnet).await;
    server.advance("1h").await;
    let other_primary = instance_info(&client, &other).await.unwrap().nics[0].clone();
    let gone = instance(&client, &subnet).await;
    server.advance("1h").await;
    for _ in 0..2 {
        release_instance(&client, &gone, None).await;
        server.advance("1h").await;
    }
    let free = new_disk(&client, "free", 50, None).await;
    server.advance("1h").await;
    let before = world(&client).await;

    let attach_gone = client
        .attach_disks(&AttachDisksRequest {
            disk_ids: Some(vec![free.clone()]),
            instance_id: Some(gone.clone()),
        })
        .await
        .unwrap_err();
    assert_eq!(code(attach_gone), "INVALID_INSTANCE_NOT_FOUND");
    let attach_twice = client
        .attach_disks(&AttachDisksRequest {
            disk_ids: Some(vec![free.clone(), disk_id.clone()]),
            instance_id: Some(other.clone()),
        })
        .await
        .unwrap_err();
    assert_eq!(code(attach_twice), "UNSUPPORTED_OPERATION_DISK_STATUS");
    let release_attached = client
        .release_disk(&DiskIdRequest {
            disk_id: Some(disk_id.clone()),
        })
        .await
        .unwrap_err();
    assert_eq!(code(release_attached), "UNSUPPORTED_OPERATION_DISK_STATUS");
    let smaller = client
        .resize_disk(&ResizeDiskRequest {
            disk_id: Some(free.clone()),
            disk_size: Some(40),
        })
        .await
        .unwrap_err();
    assert_eq!(code(smaller), "INVALID_PARAMETER_LESS_MINIMUM");
    let bound_again = client
        .associate_eip_address(&AssociateEipAddressRequest {
            eip_ids: Some(vec![eip_id.clone()]),
            nic_id: Some(other_primary.nic_id.clone()),
            lan_ip: other_primary.primary_ipv4.clone(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(code(bound_again), "OPERATION_DENIED_EIP_STATUS_NOT_SUPPORT");
    let delete_bound = client
        .delete_eip(&EipIdRequest {
            eip_id: Some(eip_id.clone()),
        })
        .await
        .unwrap_err();
    assert_eq!(code(delete_bound), "OPERATION_DENIED_EIP_IS_NOT_UN_ASSIGN");
    let attach_used = client
        .attach_network_interface(&AttachNetworkInterfaceRequest {
            nic_id: Some(second.clone()),
            instance_id: Some(other.clone()),
        })
        .await
        .unwrap_err();
    assert_eq!(code(attach_used), "INVALID_NIC_ATTACHED");
    let delete_primary = client
        .delete_network_interface(&NicIdRequest {
            nic_id: Some(other_primary.nic_id.clone()),
        })
        .await
        .unwrap_err();
    assert_eq!(code(delete_primary), "INVALID_NIC_PRIMARY_CANT_DELETE");
    let detach_on = client
        .detach_disks(&DetachDisksRequest {
            disk_ids: Some(vec![disk_id.clone()]),
            instance_check_flag: None,
        })
        .await
        .unwrap_err();
    assert_eq!(code(detach_on), "UNSUPPORTED_OPERATION_INSTANCE_STATUS");
    let system = instance_info(&client, &id)
        .await
        .unwrap()
        .system_disk
        .disk_id
        .unwrap();
    let snapshot_system = client
        .create_snapshot(&CreateSnapshotRequest {
            disk_id: Some(system),
            snapshot_name: Some("sys".into()),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(code(snapshot_system), "OPERATION_DENIED_DISK_SYSTEM_TYPE");
    assert_eq!(world(&client).await, before);
}

#[tokio::test]
async fn racing_attachments_leave_nothing_attached_to_two_things() {
    let server = manual();
    let client = server.client();
    let subnet = subnet(&client).await;
    let instances = [
        instance(&client, &subnet).await,
        instance(&client, &subnet).await,
    ];
    let disk_id = new_disk(&client, "contested", 20, None).await;
    let eip_id = new_eip(&client, "contested").await;
    let nic_id = new_nic(&client, &subnet, "contested").await;
    server.advance("1h").await;
    let primaries = [
        instance_info(&client, &instances[0]).await.unwrap().nics[0].clone(),
        instance_info(&client, &instances[1]).await.unwrap().nics[0].clone(),
    ];
    for round in 0..5 {
        let mut tasks = Vec::new();
        for n in 0..2 {
            let c = client.clone();
            let (i, d) = (instances[n].clone(), disk_id.clone());
            tasks.push(tokio::spawn(async move {
                c.attach_disks(&AttachDisksRequest {
                    disk_ids: Some(vec![d]),
                    instance_id: Some(i),
                })
                .await
                .is_ok()
            }));
            let (c, e, p) = (client.clone(), eip_id.clone(), primaries[n].clone());
            tasks.push(tokio::spawn(async move {
                c.associate_eip_address(&AssociateEipAddressRequest {
                    eip_ids: Some(vec![e]),
                    nic_id: Some(p.nic_id),
                    lan_ip: p.primary_ipv4,
                    ..Default::default()
                })
                .await
                .is_ok()
            }));
            let (c, i, v) = (client.clone(), instances[n].clone(), nic_id.clone());
            tasks.push(tokio::spawn(async move {
                c.attach_network_interface(&AttachNetworkInterfaceRequest {
                    nic_id: Some(v),
                    instance_id: Some(i),
                })
                .await
                .is_ok()
            }));
        }
        let mut won = Vec::new();
        for t in tasks {
            won.push(t.await.unwrap());
        }
        // Per resource (disk, EIP, NIC), exactly one of the two won.
        for k in 0..3 {
            assert!(won[k] ^ won[k + 3], "round {round}: {won:?}");
        }
        server.advance("1h").await;
        let d = disk(&client, &disk_id).await.unwrap();
        let e = eip(&client, &eip_id).await.unwrap();
        let v = nic(&client, &nic_id).await.unwrap();
        let winner = |k: usize| if won[k] { 0 } else { 1 };
        assert_eq!(
            d.instance_id.as_deref(),
            Some(instances[winner(0)].as_str())
        );
        assert_eq!(
            e.associated_id.as_deref(),
            Some(primaries[winner(1)].nic_id.as_str())
        );
        assert_eq!(
            v.instance_id.as_deref(),
            Some(instances[winner(2)].as_str())
        );
        for (n, i) in instances.iter().enumerate() {
            let info = instance_info(&client, i).await.unwrap();
            assert_eq!(info.data_disks.len(), usize::from(winner(0) == n));
            assert_eq!(info.public_ip_addresses.len(), usize::from(winner(1) == n));
            assert_eq!(info.nics.len(), 1 + usize::from(winner(2) == n));
        }
        // Undo, for the next round.
        client
            .detach_disks(&DetachDisksRequest {
                disk_ids: Some(vec![disk_id.clone()]),
                instance_check_flag: Some(false),
            })
            .await
            .unwrap();
        client
            .unassociate_eip_address(&EipIdsRequest {
                eip_ids: Some(vec![eip_id.clone()]),
            })
            .await
            .unwrap();
        client
            .detach_network_interface(&NicIdRequest {
                nic_id: Some(nic_id.clone()),
            })
            .await
            .unwrap();
        server.advance("1h").await;
    }
}

/// Phases under way when zecd is killed finish after it comes back, on either backend: none is
/// lost, none is run twice, no address is held twice.
#[tokio::test]
async fn phases_under_way_survive_kill_9() {
    let mut server = manual();
    let client = server.client();
    let subnet = subnet(&client).await;
    let id = instance(&client, &subnet).await;
    let attached = new_disk(&client, "attached", 30, None).await;
    let grown = new_disk(&client, "grown", 30, None).await;
    let doomed = new_eip(&client, "doomed").await;
    server.advance("1h").await;
    // Every kind of phase, each started and none finished.
    let creating = new_disk(&client, "creating", 20, None).await;
    client
        .attach_disks(&AttachDisksRequest {
            disk_ids: Some(vec![attached.clone()]),
            instance_id: Some(id.clone()),
        })
        .await
        .unwrap();
    client
        .resize_disk(&ResizeDiskRequest {
            disk_id: Some(grown.clone()),
            disk_size: Some(64),
        })
        .await
        .unwrap();
    let snapshot = client
        .create_snapshot(&CreateSnapshotRequest {
            disk_id: Some(grown.clone()),
            snapshot_name: Some("before".into()),
            ..Default::default()
        })
        .await
        .unwrap_err();
    // A disk being resized cannot be snapshotted; one that is available can.
    assert_eq!(code(snapshot), "UNSUPPORTED_OPERATION_DISK_STATUS");
    let fresh_eip = new_eip(&client, "fresh").await;
    let fresh_nic = new_nic(&client, &subnet, "fresh").await;
    client
        .delete_eip(&EipIdRequest {
            eip_id: Some(doomed.clone()),
        })
        .await
        .unwrap();
    let before = world(&client).await;
    let statuses = |w: &(Vec<DiskInfo>, Vec<EipInfo>, Vec<NicInfo>)| {
        let mut s: Vec<(String, String)> = Vec::new();
        s.extend(
            w.0.iter()
                .map(|d| (d.disk_id.clone(), d.disk_status.clone())),
        );
        s.extend(w.1.iter().map(|e| (e.eip_id.clone(), e.status.clone())));
        s.extend(w.2.iter().map(|n| (n.nic_id.clone(), n.status.clone())));
        s
    };
    let during = statuses(&before);
    for (id, want) in [
        (&creating, "CREATING"),
        (&attached, "ATTACHING"),
        (&grown, "CHANGING"),
        (&fresh_eip, "CREATING"),
        (&doomed, "RECYCLING"),
        (&fresh_nic, "PENDING"),
    ] {
        assert!(
            during.contains(&(id.clone(), want.into())),
            "{id} {want}: {during:?}"
        );
    }

    server.crash_and_restart();
    let client = server.client();
    assert_eq!(world(&client).await, before, "as it was, still under way");
    server.advance("1h").await;
    let after = statuses(&world(&client).await);
    for (id, want) in [
        (&creating, "AVAILABLE"),
        (&attached, "IN_USE"),
        (&grown, "AVAILABLE"),
        (&fresh_eip, "UNBIND"),
        (&doomed, "RECYCLED"),
        (&fresh_nic, "AVAILABLE"),
    ] {
        assert!(
            after.contains(&(id.clone(), want.into())),
            "{id} {want}: {after:?}"
        );
    }
    assert_eq!(disk(&client, &grown).await.unwrap().disk_size, 64);
    // Addresses held before the crash are still held once: a new EIP gets another one.
    let held: Vec<String> = eips(&client, Default::default())
        .await
        .iter()
        .flat_map(|e| e.public_ip_addresses.clone())
        .collect();
    let another = new_eip(&client, "another").await;
    let got = eip(&client, &another).await.unwrap().public_ip_addresses[0].clone();
    assert!(!held.contains(&got), "{got} handed out twice");
}

#[tokio::test]
async fn disks_snapshots_and_eips_have_their_commands() {
    let server = manual();
    let cli = crate::cli::Cli::new(&server);
    let made = cli.json(&[
        "zec",
        "create-disks",
        "--zone-id",
        ZONE,
        "--disk-name",
        "cli-disk",
        "--disk-size",
        "30",
    ]);
    let disk_id = made["diskIds"][0].as_str().unwrap().to_owned();
    server.advance("1h").await;
    let listed = cli.json(&["zec", "describe-disks", "--disk-name", "^cli-disk$"]);
    assert_eq!(listed["totalCount"], 1);
    assert_eq!(listed["dataSet"][0]["diskStatus"], "AVAILABLE");
    let snap = cli.json(&[
        "zec",
        "create-snapshot",
        "--disk-id",
        &disk_id,
        "--snapshot-name",
        "cli-snap",
    ]);
    assert!(snap["snapshotId"].is_string());
    let eip = cli.json(&[
        "zec",
        "create-eips",
        "--region-id",
        REGION,
        "--name",
        "cli-eip",
        "--internet-charge-type",
        "ByBandwidth",
    ]);
    let eip_id = eip["eipIds"][0].as_str().unwrap().to_owned();
    server.advance("1h").await;
    let shown = cli.json(&["zec", "describe-eips", "--eip-ids", &eip_id]);
    assert_eq!(shown["dataSet"][0]["status"], "UNBIND");
}
