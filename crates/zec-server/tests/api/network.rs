//! The networks an account makes (VPCs, subnets, security groups, key pairs, NICs) through the
//! Rust SDK and the `zec` command line: an instance on them from create to purge, with every
//! relation exact at each step, and concurrent creates and deletes decided by the one writer.

use crate::harness::{ED25519_KEY, Options, Server};
use zec_sdk::Client;
use zec_sdk::model::*;

fn manual() -> Server {
    Server::start_with(Options {
        args: vec!["--clock".into(), "manual".into()],
        ..Options::default()
    })
}

fn code(e: zec_sdk::Error) -> String {
    e.code().to_owned()
}

async fn vpc(client: &Client, id: &str) -> Option<VpcInfo> {
    let r = client
        .describe_vpcs(&DescribeVpcsRequest {
            vpc_ids: Some(vec![id.into()]),
            ..Default::default()
        })
        .await
        .unwrap();
    r.data_set.first().cloned()
}

async fn security_group(client: &Client, id: &str) -> SecurityGroupInfo {
    client
        .describe_security_groups(&DescribeSecurityGroupsRequest {
            security_group_ids: Some(vec![id.into()]),
            ..Default::default()
        })
        .await
        .unwrap()
        .data_set[0]
        .clone()
}

async fn instance(client: &Client, id: &str) -> Option<InstanceInfo> {
    let r = client
        .describe_instances(&DescribeInstancesRequest {
            instance_ids: Some(vec![id.into()]),
            ..Default::default()
        })
        .await
        .unwrap();
    r.data_set.first().cloned()
}

/// A VPC with a bound security group and a subnet in asia-east-1.
async fn network(client: &Client) -> (String, String, String) {
    let vpc = client
        .create_vpc(&CreateVpcRequest {
            name: Some("app".into()),
            cidr_block: Some("172.16.0.0/16".into()),
            ..Default::default()
        })
        .await
        .unwrap()
        .vpc_id
        .clone();
    let sg = client
        .create_security_group(&CreateSecurityGroupRequest {
            security_group_name: Some("app".into()),
            ..Default::default()
        })
        .await
        .unwrap()
        .security_group_id
        .clone();
    client
        .assign_security_group_vpc(&AssignSecurityGroupVpcRequest {
            vpc_id: Some(vpc.clone()),
            security_group_id: Some(sg.clone()),
        })
        .await
        .unwrap();
    let subnet = client
        .create_subnet(&CreateSubnetRequest {
            vpc_id: Some(vpc.clone()),
            name: Some("app-a".into()),
            region_id: Some("asia-east-1".into()),
            stack_type: Some("IPv4".into()),
            cidr_block: Some("172.16.1.0/24".into()),
            ..Default::default()
        })
        .await
        .unwrap()
        .subnet_id
        .clone();
    (vpc, sg, subnet)
}

#[tokio::test]
async fn an_instance_on_the_accounts_own_network_from_create_to_purge() {
    let server = manual();
    let client = server.client();
    let (vpc_id, sg, subnet) = network(&client).await;
    let key = client
        .import_key_pair(&ImportKeyPairRequest {
            key_name: Some("ops".into()),
            public_key: Some(ED25519_KEY.into()),
            ..Default::default()
        })
        .await
        .unwrap()
        .key_id
        .clone();
    let id = client
        .create_zec_instances(&CreateZecInstancesRequest {
            subnet_id: Some(subnet.clone()),
            key_id: Some(key.clone()),
            password: None,
            ..crate::create_request(1)
        })
        .await
        .unwrap()
        .instance_id_set[0]
        .clone();

    server.advance("1h").await;

    // The instance took the VPC's group, an address of the subnet, and a primary NIC that is
    // listed on its own and in the group's nicIdList.
    let i = instance(&client, &id).await.unwrap();
    assert_eq!(
        (i.subnet_id.as_str(), i.security_group_id.as_str()),
        (subnet.as_str(), sg.as_str())
    );
    assert!(i.private_ip_addresses[0].starts_with("172.16.1."));
    assert_eq!(i.key_id.as_deref(), Some(key.as_str()));
    let nic = i.nics[0].clone();
    assert_eq!(nic.nic_type, "Primary");
    let nics = client
        .describe_network_interfaces(&DescribeNetworkInterfacesRequest {
            instance_id: Some(id.clone()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(nics.total_count, 1);
    assert_eq!(nics.data_set[0], nic);
    assert_eq!(
        security_group(&client, &sg).await.nic_id_list,
        std::slice::from_ref(&nic.nic_id)
    );
    assert_eq!(vpc(&client, &vpc_id).await.unwrap().usage_ipv4_count, 1);

    // Everything in use refuses to go.
    let refused = client
        .delete_subnet(&DeleteSubnetRequest {
            subnet_id: Some(subnet.clone()),
        })
        .await
        .unwrap_err();
    assert_eq!(code(refused), "INVALID_SUBNET_IN_USE");
    let refused = client
        .delete_vpc(&DeleteVpcRequest {
            vpc_id: Some(vpc_id.clone()),
        })
        .await
        .unwrap_err();
    assert_eq!(code(refused), "INVALID_VPC_SUBNET_ASSOCIATED");

    // The provider's security group change: the instance shows the new group at once, and the
    // NIC moves between the groups' lists.
    let other = client
        .create_security_group(&CreateSecurityGroupRequest {
            security_group_name: Some("other".into()),
            ..Default::default()
        })
        .await
        .unwrap()
        .security_group_id
        .clone();
    client
        .modify_network_interface_attribute(&ModifyNetworkInterfaceAttributeRequest {
            nic_id: Some(nic.nic_id.clone()),
            security_group_id: Some(other.clone()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        instance(&client, &id).await.unwrap().security_group_id,
        other
    );
    assert!(security_group(&client, &sg).await.nic_id_list.is_empty());
    assert_eq!(
        security_group(&client, &other).await.nic_id_list,
        std::slice::from_ref(&nic.nic_id)
    );
    let refused = client
        .delete_security_group(&SecurityGroupIdRequest {
            security_group_id: Some(other.clone()),
        })
        .await
        .unwrap_err();
    assert_eq!(
        code(refused),
        "OPERATION_DENIED_SECURITY_GROUP_EXIST_INSTANCE"
    );

    // The 2024-04-01 zec SDKs list key pairs through service zec.
    let listed: zec_sdk::Response<DescribeKeyPairsResponse> = client
        .call(
            "zec",
            "2024-04-01",
            "DescribeKeyPairs",
            &DescribeKeyPairsRequest {
                key_ids: Some(vec![key.clone()]),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(listed.data_set[0].public_key, ED25519_KEY);

    // Released twice and purged: the NIC goes with the instance, from every list at once.
    for _ in 0..2 {
        client
            .release_instances(&ReleaseInstancesRequest {
                instance_ids: Some(vec![id.clone()]),
                ..Default::default()
            })
            .await
            .unwrap();
        server.advance("1h").await;
    }
    assert!(instance(&client, &id).await.is_none());
    assert!(security_group(&client, &other).await.nic_id_list.is_empty());
    let left = client
        .describe_network_interfaces(&DescribeNetworkInterfacesRequest::default())
        .await
        .unwrap();
    assert_eq!(left.total_count, 0);

    // Then everything goes, in the provider's order.
    client
        .delete_subnet(&DeleteSubnetRequest {
            subnet_id: Some(subnet.clone()),
        })
        .await
        .unwrap();
    client
        .un_assign_security_group_vpc(&UnAssignSecurityGroupVpcRequest {
            vpc_id: Some(vpc_id.clone()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(vpc(&client, &vpc_id).await.unwrap().security_group_id, None);
    for g in [&sg, &other] {
        client
            .delete_security_group(&SecurityGroupIdRequest {
                security_group_id: Some(g.to_string()),
            })
            .await
            .unwrap();
    }
    client
        .delete_vpc(&DeleteVpcRequest {
            vpc_id: Some(vpc_id.clone()),
        })
        .await
        .unwrap();
    let gone = client
        .delete_vpc(&DeleteVpcRequest {
            vpc_id: Some(vpc_id.clone()),
        })
        .await
        .unwrap_err();
    assert_eq!(code(gone), "INVALID_VPC_NOT_FOUND");
    // Only the shared catalog networks are left.
    let vpcs = client
        .describe_vpcs(&DescribeVpcsRequest::default())
        .await
        .unwrap();
    assert!(vpcs.data_set.iter().all(|v| v.is_default));
}

#[tokio::test]
async fn creates_into_a_subnet_racing_its_delete_never_leave_an_instance_without_one() {
    let server = Server::start();
    let client = server.client();
    let (_, _, subnet) = network(&client).await;
    let creates = (0..8).map(|_| {
        let client = client.clone();
        let subnet = subnet.clone();
        tokio::spawn(async move {
            client
                .create_zec_instances(&CreateZecInstancesRequest {
                    subnet_id: Some(subnet),
                    ..crate::create_request(1)
                })
                .await
                .map(|r| r.instance_id_set[0].clone())
        })
    });
    let creates: Vec<_> = creates.collect();
    let delete = client
        .delete_subnet(&DeleteSubnetRequest {
            subnet_id: Some(subnet.clone()),
        })
        .await;
    let mut made = Vec::new();
    for c in creates {
        match c.await.unwrap() {
            Ok(id) => made.push(id),
            Err(e) => assert_eq!(code(e), "INVALID_SUBNET_NOT_FOUND"),
        }
    }
    let subnets = client
        .describe_subnets(&DescribeSubnetsRequest {
            subnet_ids: Some(vec![subnet.clone()]),
            ..Default::default()
        })
        .await
        .unwrap();
    match delete {
        // Deleted: no instance made it in.
        Ok(_) => {
            assert!(made.is_empty(), "{made:?}");
            assert_eq!(subnets.total_count, 0);
        }
        // Refused: some instance was in first, and every one made is in the subnet.
        Err(e) => {
            assert_eq!(code(e), "INVALID_SUBNET_IN_USE");
            assert!(!made.is_empty());
            assert_eq!(subnets.data_set[0].usage_ipv4_count, made.len() as u64);
        }
    }
}

#[tokio::test]
async fn another_accounts_networks_answer_as_nonexistent() {
    let server = Server::start();
    let client = server.client();
    let (vpc_id, sg, subnet) = network(&client).await;
    let other = server.new_account("neighbour");
    assert!(vpc(&other, &vpc_id).await.is_none());
    let e = other
        .create_zec_instances(&CreateZecInstancesRequest {
            subnet_id: Some(subnet.clone()),
            ..crate::create_request(1)
        })
        .await
        .unwrap_err();
    assert_eq!(code(e), "INVALID_SUBNET_NOT_FOUND");
    let e = other
        .delete_security_group(&SecurityGroupIdRequest {
            security_group_id: Some(sg.clone()),
        })
        .await
        .unwrap_err();
    assert_eq!(code(e), "OPERATION_FAILED_RESOURCE_NOT_FOUND");
    let e = other
        .create_zec_instances(&CreateZecInstancesRequest {
            key_id: Some("key-Abc12345".into()),
            password: None,
            ..crate::create_request(1)
        })
        .await
        .unwrap_err();
    assert_eq!(code(e), "INVALID_KEY_PAIR_NOT_FOUND");
}
