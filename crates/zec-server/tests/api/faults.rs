//! Faults on purpose: failing phases and injected errors.

use crate::harness::{Options, Server};
use crate::{create, status};
use serde_json::json;
use zec_sdk::model::*;

fn manual() -> Server {
    Server::start_with(Options {
        args: vec!["--clock".into(), "manual".into()],
        ..Options::default()
    })
}

#[tokio::test]
async fn the_next_create_in_a_zone_fails_and_only_that_one() {
    let server = manual();
    let c = server.client();
    server
        .faults(json!({"failures": [{"phase": "deploy", "zone": "asia-east-1a", "count": 1}]}))
        .await;
    let first = create(&c, 2).await;
    let second = create(&c, 1).await;
    server.advance("3s").await;
    assert_eq!(
        status(&c, &first[0]).await.as_deref(),
        Some("CREATE_FAILED")
    );
    assert_eq!(status(&c, &first[1]).await.as_deref(), Some("RUNNING"));
    assert_eq!(status(&c, &second[0]).await.as_deref(), Some("RUNNING"));
    // A failed instance can be released.
    c.release_instances(&InstanceBatchRequest {
        instance_ids: Some(vec![first[0].clone()]),
        ..Default::default()
    })
    .await
    .unwrap();
    assert_eq!(status(&c, &first[0]).await.as_deref(), Some("RELEASING"));
}

#[tokio::test]
async fn a_failing_rebuild_ends_in_reinstall_failed_and_can_be_retried() {
    let server = manual();
    let c = server.client();
    let id = create(&c, 1).await.remove(0);
    server.advance("3s").await;
    let batch = InstanceBatchRequest {
        instance_ids: Some(vec![id.clone()]),
        ..Default::default()
    };
    c.stop_instances(&batch).await.unwrap();
    server.advance("2s").await;
    server
        .faults(json!({"failures": [{"phase": "rebuild", "count": 1}]}))
        .await;
    let reset = ResetInstanceRequest {
        instance_id: Some(id.clone()),
        password: Some("Passw0rd!".into()),
        ..Default::default()
    };
    c.reset_instance(&reset).await.unwrap();
    server.advance("4s").await;
    assert_eq!(status(&c, &id).await.as_deref(), Some("REINSTALL_FAILED"));
    c.reset_instance(&reset).await.unwrap();
    assert_eq!(status(&c, &id).await.as_deref(), Some("REBUILDING"));
    server.advance("4s").await;
    assert_eq!(status(&c, &id).await.as_deref(), Some("RUNNING"));
}

#[tokio::test]
async fn an_injected_error_answers_the_chosen_action_a_chosen_number_of_times() {
    let server = Server::start();
    let c = server.client();
    let ids = server
        .faults(json!({"errors": [
            {"action": "DescribeInstancesStatus", "code": "REQUEST_LIMIT_EXCEEDED", "count": 2},
            {"action": "CreateZecInstances", "code": "INTERNAL_SERVER_ERROR", "count": 1, "message": "boom"}
        ]}))
        .await;
    assert_eq!(ids.len(), 2);
    let req = DescribeInstancesStatusRequest::default();
    for _ in 0..2 {
        let e = c.describe_instances_status(&req).await.unwrap_err();
        assert_eq!(
            (e.code(), e.http_status()),
            ("REQUEST_LIMIT_EXCEEDED", Some(429))
        );
    }
    c.describe_instances_status(&req).await.unwrap();
    let e = c
        .create_zec_instances(&crate::create_request(1))
        .await
        .unwrap_err();
    assert_eq!(
        (e.code(), e.http_status(), e.to_string().contains("boom")),
        ("INTERNAL_SERVER_ERROR", Some(500), true)
    );
    assert_eq!(
        create(&c, 1).await.len(),
        1,
        "the injected failure created nothing"
    );
    let left: zec_sdk::Response<serde_json::Value> =
        c.call_admin("DescribeFaults", &json!({})).await.unwrap();
    assert_eq!(
        (&left.data["failures"], &left.data["errors"]),
        (&json!([]), &json!([]))
    );
}

#[tokio::test]
async fn fault_rules_can_be_listed_and_removed_and_bad_ones_are_refused() {
    let server = Server::start();
    let c = server.client();
    let ids = server
        .faults(json!({"errors": [{"action": "*", "code": "SERVICE_TEMPORARY_UNAVAILABLE", "probability": 1.0}]}))
        .await;
    let e = c
        .describe_zones(&DescribeZonesRequest::default())
        .await
        .unwrap_err();
    assert_eq!(
        (e.code(), e.http_status()),
        ("SERVICE_TEMPORARY_UNAVAILABLE", Some(503))
    );
    let listed: zec_sdk::Response<serde_json::Value> =
        c.call_admin("DescribeFaults", &json!({})).await.unwrap();
    assert_eq!(listed.data["errors"][0]["id"], ids[0].as_str());
    let gone: zec_sdk::Response<DeleteFaultsResponse> = c
        .call_admin("DeleteFaults", &json!({"ids": ids}))
        .await
        .unwrap();
    assert_eq!(gone.deleted, 1);
    c.describe_zones(&DescribeZonesRequest::default())
        .await
        .unwrap();
    for bad in [
        json!({"errors": [{"action": "NoSuchAction", "code": "INTERNAL_SERVER_ERROR"}]}),
        json!({"errors": [{"action": "*", "code": "NOT_A_CODE"}]}),
        json!({"failures": [{"phase": "stop"}]}),
        json!({"failures": [{"phase": "deploy", "probability": 7}]}),
    ] {
        let e = c
            .call_admin::<_, CreateFaultsResponse>("CreateFaults", &bad)
            .await
            .unwrap_err();
        assert_eq!(e.code(), "INVALID_PARAMETER_VALUE", "{bad}");
    }
}

#[tokio::test]
async fn a_fault_file_is_read_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("faults.toml");
    std::fs::write(
        &path,
        "[[errors]]\naction = \"DescribeZones\"\ncode = \"REQUEST_LIMIT_EXCEEDED\"\ncount = 1\n",
    )
    .unwrap();
    let server = Server::start_with(Options {
        args: vec!["--faults".into(), path.display().to_string()],
        ..Options::default()
    });
    let c = server.client();
    let e = c
        .describe_zones(&DescribeZonesRequest::default())
        .await
        .unwrap_err();
    assert_eq!(e.code(), "REQUEST_LIMIT_EXCEEDED");
    c.describe_zones(&DescribeZonesRequest::default())
        .await
        .unwrap();
}
