//! zecd end to end: the real binary, spawned on port 0, driven over HTTP through the SDK.

mod harness;

mod auth;
mod bad_input;
mod catalog;
mod cli;
mod create;
mod describe_status;
mod faults;
mod fleet;
mod hardening;
mod lifecycle;
mod model;
mod network;
mod process;
mod sdk;
mod service;
mod storage;
mod tenancy;
mod upgrade;

use zec_sdk::Client;
use zec_sdk::model::{CreateZecInstancesRequest, DescribeInstancesStatusRequest};

/// A request that creates `count` instances of the smallest type.
pub fn create_request(count: i64) -> CreateZecInstancesRequest {
    CreateZecInstancesRequest {
        zone_id: Some("asia-east-1a".into()),
        image_id: Some("ubuntu2404_20240712".into()),
        instance_type: Some("z2a.cpu.1".into()),
        subnet_id: Some("1272168087751233112".into()),
        password: Some("Passw0rd!".into()),
        instance_count: Some(count),
        ..Default::default()
    }
}

/// Creates `count` instances (in requests of at most 100) and returns their ids in order.
pub async fn create(client: &Client, count: i64) -> Vec<String> {
    let mut ids = Vec::new();
    let mut left = count;
    while left > 0 {
        let n = left.min(100);
        let r = client
            .create_zec_instances(&create_request(n))
            .await
            .unwrap();
        ids.extend(r.instance_id_set.iter().cloned());
        left -= n;
    }
    ids
}

/// The status of one instance, or `None` once it is gone.
pub async fn status(client: &Client, id: &str) -> Option<String> {
    let (_, rows) = statuses(
        client,
        &DescribeInstancesStatusRequest {
            instance_ids: Some(vec![id.to_owned()]),
            ..Default::default()
        },
    )
    .await;
    rows.into_iter().next().map(|(_, s)| s)
}

/// `(id, status)` of the instances DescribeInstancesStatus lists for this request.
pub async fn statuses(
    client: &Client,
    request: &DescribeInstancesStatusRequest,
) -> (u64, Vec<(String, String)>) {
    let r = client.describe_instances_status(request).await.unwrap();
    (
        r.total_count,
        r.data_set
            .iter()
            .map(|s| (s.instance_id.clone(), s.instance_status.clone()))
            .collect(),
    )
}
