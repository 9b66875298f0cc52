//! CreateZecInstances and DescribeInstances.

use crate::harness::Server;
use crate::{create, create_request};
use zec_sdk::model::{DataDisk, DescribeInstancesRequest, Tag, Tags};

#[tokio::test]
async fn a_created_instance_is_described_with_every_field_populated() {
    let server = Server::start();
    let client = server.client();
    let mut req = create_request(1);
    req.instance_name = Some("web-[7,2]".into());
    req.data_disks = Some(vec![DataDisk {
        disk_size: Some(40),
        ..Default::default()
    }]);
    req.internet_charge_type = Some("ByBandwidth".into());
    req.bandwidth = Some(50);
    req.tags = Some(Tags {
        tags: vec![Tag {
            key: "env".into(),
            value: "test".into(),
        }],
    });
    let created = client.create_zec_instances(&req).await.unwrap();
    assert_eq!(created.instance_id_set.len(), 1);
    assert_eq!(created.instances.len(), 1);
    assert_eq!(created.instances[0].disk_id_set.len(), 1);
    assert!(created.order_number.len() >= 18);

    let id = created.instance_id_set[0].clone();
    let r = client
        .describe_instances(&DescribeInstancesRequest {
            instance_ids: Some(vec![id.clone()]),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(r.total_count, 1);
    let i = &r.data_set[0];
    assert_eq!(i.instance_id, id);
    assert_eq!(i.instance_name, "web-07");
    assert_eq!((i.cpu, i.memory), (1, 2));
    assert_eq!(i.zone_id, "asia-east-1a");
    assert_eq!(i.image_name, "Ubuntu Server 24.04 LTS");
    assert_eq!(i.time_zone, "Asia/Shanghai");
    assert!(i.status == "DEPLOYING" || i.status == "RUNNING");
    assert_eq!(i.system_disk.disk_size, Some(20));
    assert_eq!(
        i.data_disks[0].disk_id.as_ref(),
        Some(&created.instances[0].disk_id_set[0])
    );
    assert_eq!(i.public_ip_addresses.len(), 1);
    assert!(i.private_ip_addresses[0].starts_with("10.16."));
    assert_eq!(i.resource_group_name, "Default Resource Group");
    assert_eq!(i.nics.len(), 1);
    assert_eq!(i.nics[0].nic_type, "Primary");
    assert_eq!(i.nics[0].instance_id.as_deref(), Some(id.as_str()));
    assert_eq!(i.tags.tags[0].key, "env");
    assert!(i.create_time.ends_with('Z') && i.create_time.len() == 20);
    assert!(i.enable_agent);
}

#[tokio::test]
async fn describe_instances_filters_combine() {
    let server = Server::start();
    let client = server.client();
    create(&client, 3).await;
    let mut named = create_request(2);
    named.instance_name = Some("db-[1,1]".into());
    named.instance_type = Some("z2a.cpu.2".into());
    client.create_zec_instances(&named).await.unwrap();
    let count = |r: DescribeInstancesRequest| {
        let client = client.clone();
        async move { client.describe_instances(&r).await.unwrap().total_count }
    };
    assert_eq!(count(DescribeInstancesRequest::default()).await, 5);
    assert_eq!(
        count(DescribeInstancesRequest {
            name: Some("DB".into()),
            ..Default::default()
        })
        .await,
        2
    );
    assert_eq!(
        count(DescribeInstancesRequest {
            name: Some("db".into()),
            instance_type: Some("z2a.cpu.1".into()),
            ..Default::default()
        })
        .await,
        0
    );
    assert_eq!(
        count(DescribeInstancesRequest {
            zone_id: Some("asia-east-1a".into()),
            image_id: Some("ubuntu2404_20240712".into()),
            ..Default::default()
        })
        .await,
        5
    );
    let e = client
        .describe_instances(&DescribeInstancesRequest {
            status: Some("SLEEPING".into()),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(e.code(), "INVALID_PARAMETER_VALUE");
}

#[tokio::test]
async fn invalid_creations_name_their_reason() {
    let server = Server::start();
    let client = server.client();
    type Mutation = Box<dyn Fn(&mut zec_sdk::model::CreateZecInstancesRequest)>;
    let cases: Vec<(&str, Mutation)> = vec![
        (
            "INVALID_ZONE_NOT_FOUND",
            Box::new(|r| r.zone_id = Some("SEL--A".into())),
        ),
        (
            "INVALID_IMAGE_NOT_FOUND",
            Box::new(|r| r.image_id = Some("image-xxxxxxxxx".into())),
        ),
        (
            "INVALID_INSTANCE_TYPE_NOT_FOUND",
            Box::new(|r| r.instance_type = Some("z9.huge".into())),
        ),
        (
            "INVALID_SUBNET_NOT_FOUND",
            Box::new(|r| r.subnet_id = Some("42".into())),
        ),
        (
            "INVALID_PARAMETER_LESS_MINIMUM",
            Box::new(|r| r.instance_count = Some(0)),
        ),
        (
            "INVALID_PARAMETER_EXCEED_MAXIMUM",
            Box::new(|r| r.instance_count = Some(101)),
        ),
        (
            "INVALID_PASSWORD_MALFORMED",
            Box::new(|r| r.password = Some("short".into())),
        ),
        (
            "INVALID_PASSWORD_KEY_PAIR_MISSING",
            Box::new(|r| r.password = None),
        ),
        (
            "INVALID_PARAMETER_INSTANCE_NAME_MALFORMED",
            Box::new(|r| r.instance_name = Some("bad name".into())),
        ),
        ("MISSING_PARAMETER", Box::new(|r| r.zone_id = None)),
        (
            "OPERATION_FAILED_RESOURCE_GROUP_NOT_FOUND",
            Box::new(|r| r.resource_group_id = Some("nope".into())),
        ),
        (
            "STOCK_INSUFFICIENT",
            Box::new(|r| r.instance_type = Some("z2a.mem.4".into())),
        ),
    ];
    for (code, mutate) in cases {
        let mut req = create_request(1);
        mutate(&mut req);
        let e = client.create_zec_instances(&req).await.unwrap_err();
        assert_eq!(e.code(), code, "{e}");
    }
    // Nothing was created by any of them.
    let r = client
        .describe_instances(&DescribeInstancesRequest::default())
        .await
        .unwrap();
    assert_eq!(r.total_count, 0);
}
