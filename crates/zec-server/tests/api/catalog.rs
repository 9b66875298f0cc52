//! The lookups a client makes before CreateZecInstances find everything it needs.

use crate::harness::Server;
use zec_sdk::model::*;

#[tokio::test]
async fn a_client_can_find_everything_creation_needs_and_create_with_it() {
    let server = Server::start();
    let client = server.client();
    let zones = client
        .describe_zones(&DescribeZonesRequest::default())
        .await
        .unwrap();
    let zone = zones
        .zone_set
        .iter()
        .find(|z| z.zone_id == "na-west-1a")
        .unwrap();
    assert_eq!(zone.region_id, "na-west-1");
    assert_eq!(zone.city_name, "Los Angeles");
    let types = client
        .describe_zone_instance_config_infos(&DescribeZoneInstanceConfigInfosRequest {
            zone_id: Some(zone.zone_id.clone()),
            ..Default::default()
        })
        .await
        .unwrap();
    let itype = types
        .instance_type_quota_set
        .iter()
        .find(|t| t.with_stock && t.cpu_count == 2)
        .unwrap();
    let images = client
        .describe_images(&DescribeImagesRequest {
            zone_id: Some(zone.zone_id.clone()),
            os_type: Some("linux".into()),
            image_name: Some("debian".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(images.total_count, 1);
    let subnets = client
        .describe_subnets(&DescribeSubnetsRequest {
            region_id: Some(zone.region_id.clone()),
            ..Default::default()
        })
        .await
        .unwrap();
    let subnet = &subnets.data_set[0];
    assert_eq!(subnet.usage_ipv4_count, 0);
    let vpcs = client
        .describe_vpcs(&DescribeVpcsRequest::default())
        .await
        .unwrap();
    assert_eq!(vpcs.data_set[0].vpc_id, subnet.vpc_id);
    let groups = client
        .describe_security_groups(&DescribeSecurityGroupsRequest {
            is_default: Some(true),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        Some(&groups.data_set[0].security_group_id),
        vpcs.data_set[0].security_group_id.as_ref()
    );

    let key = client
        .import_key_pair(&ImportKeyPairRequest {
            key_name: Some("laptop".into()),
            public_key: Some(crate::harness::ED25519_KEY.into()),
            ..Default::default()
        })
        .await
        .unwrap()
        .key_id
        .clone();
    let created = client
        .create_zec_instances(&CreateZecInstancesRequest {
            zone_id: Some(zone.zone_id.clone()),
            instance_type: Some(itype.instance_type.clone()),
            image_id: Some(images.data_set[0].image_id.clone()),
            subnet_id: Some(subnet.subnet_id.clone()),
            key_id: Some(key),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(created.instance_id_set.len(), 1);
    let subnets = client
        .describe_subnets(&DescribeSubnetsRequest {
            subnet_ids: Some(vec![subnet.subnet_id.clone()]),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(subnets.data_set[0].usage_ipv4_count, 1);
    let e = client
        .describe_images(&DescribeImagesRequest::default())
        .await
        .unwrap_err();
    assert_eq!(e.code(), "MISSING_PARAMETER");
}
