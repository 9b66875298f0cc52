//! The Rust SDK's own features against a real zecd: configuration from the environment, the
//! paginator, the waiter, retries.

use crate::harness::{KEY_ID, KEY_PASSWORD, Options, Server};
use crate::{create, create_request};
use futures_util::{StreamExt, TryStreamExt};
use serde_json::json;
use std::time::Duration;
use zec_sdk::model::*;
use zec_sdk::{Client, Config, Credential, GONE, Wait, WaitError};

fn manual() -> Server {
    Server::start_with(Options {
        args: vec!["--clock".into(), "manual".into()],
        ..Options::default()
    })
}

#[tokio::test]
async fn a_client_configured_from_the_environment_reaches_zecd() {
    let server = Server::start();
    let vars = |k: &str| match k {
        "ZENLAYERCLOUD_DOMAIN" => Some(server.addr.clone()),
        "ZENLAYERCLOUD_SCHEME" => Some("HTTP".into()),
        "ZENLAYERCLOUD_ACCESS_KEY_ID" => Some(KEY_ID.into()),
        "ZENLAYERCLOUD_ACCESS_KEY_PASSWORD" => Some(KEY_PASSWORD.into()),
        _ => None,
    };
    let client = Client::new(
        Config::from_vars(vars).unwrap(),
        Credential::from_vars(vars).unwrap(),
    );
    let r = client
        .describe_zones(&DescribeZonesRequest::default())
        .await
        .unwrap();
    assert!(r.request_id.starts_with('T'));
    assert_eq!(r.zone_set.len(), 4);
    // The default is the real cloud, over HTTPS.
    assert_eq!(Config::default().domain, "console.zenlayer.com");
}

#[tokio::test]
async fn the_paginator_walks_every_page_in_order() {
    let server = Server::start();
    let c = server.client();
    let ids = create(&c, 250).await;
    let items: Vec<InstanceStatusItem> = c
        .paginate(DescribeInstancesStatusRequest::default())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        items
            .iter()
            .map(|i| i.instance_id.clone())
            .collect::<Vec<_>>(),
        ids
    );
    let pages: Vec<_> = c
        .pages(DescribeInstancesRequest {
            page_size: Some(120),
            ..Default::default()
        })
        .collect()
        .await;
    assert_eq!(pages.len(), 3);
    assert_eq!(pages[2].as_ref().unwrap().data_set.len(), 10);
    // A failing page ends the stream with its error.
    server
        .faults(json!({"errors": [{"action": "DescribeInstancesStatus", "code": "INTERNAL_SERVER_ERROR", "count": 1}]}))
        .await;
    let mut stream = std::pin::pin!(c.paginate(DescribeInstancesStatusRequest::default()));
    let e = stream.next().await.unwrap().unwrap_err();
    assert_eq!(e.code(), "INTERNAL_SERVER_ERROR");
    assert!(stream.next().await.is_none());
}

#[tokio::test]
async fn the_waiter_sees_running_failure_timeout_and_gone() {
    let server = manual();
    let c = server.client();
    server
        .faults(json!({"failures": [{"phase": "deploy", "count": 1}]}))
        .await;
    let failing = create(&c, 1).await;
    let fine = create(&c, 2).await;
    let fast = Wait {
        interval: Duration::from_millis(20),
        ..Wait::until("RUNNING")
    };
    let waiter = {
        let (c, ids, wait) = (c.clone(), fine.clone(), fast.clone());
        tokio::spawn(async move { c.wait_instances(&ids, &wait, |_| {}).await })
    };
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(!waiter.is_finished(), "the clock has not moved");
    server.advance("3s").await;
    let done = waiter.await.unwrap().unwrap();
    assert!(done.iter().all(|(_, s)| s == "RUNNING"));
    match c.wait_instances(&failing, &fast, |_| {}).await {
        Err(WaitError::Failed { status, .. }) => assert_eq!(status, "CREATE_FAILED"),
        other => panic!("{other:?}"),
    }
    let short = Wait {
        timeout: Duration::from_millis(200),
        ..Wait::until("STOPPED")
    };
    let mut polls = 0;
    match c.wait_instances(&fine, &short, |_| polls += 1).await {
        Err(WaitError::Timeout { last }) => assert!(last.iter().all(|(_, s)| s == "RUNNING")),
        other => panic!("{other:?}"),
    }
    assert!(polls >= 2);
    let batch = InstanceBatchRequest {
        instance_ids: Some(failing.clone()),
        ..Default::default()
    };
    c.release_instances(&batch).await.unwrap();
    server.advance("2s").await;
    c.release_instances(&batch).await.unwrap();
    server.advance("2s").await;
    match c.wait_instances(&failing, &fast, |_| {}).await {
        Err(WaitError::Missing { ids }) => assert_eq!(ids, failing),
        other => panic!("{other:?}"),
    }
    let gone = c
        .wait_instances(&failing, &Wait::until(GONE), |_| {})
        .await
        .unwrap();
    assert_eq!(gone[0].1, GONE);
}

#[tokio::test]
async fn rate_limits_are_retried_with_the_configured_backoff() {
    let server = Server::start();
    let config = Config::local(&server.addr).with_retry_delay(|_| Duration::ZERO);
    let c = Client::new(config, Credential::access_key(KEY_ID, KEY_PASSWORD));
    server
        .faults(json!({"errors": [{"action": "DescribeZones", "code": "REQUEST_LIMIT_EXCEEDED", "count": 3}]}))
        .await;
    c.describe_zones(&DescribeZonesRequest::default())
        .await
        .unwrap();
    server
        .faults(json!({"errors": [{"action": "DescribeZones", "code": "REQUEST_LIMIT_EXCEEDED", "count": 5}]}))
        .await;
    let e = c
        .describe_zones(&DescribeZonesRequest::default())
        .await
        .unwrap_err();
    assert_eq!(
        (e.code(), e.http_status()),
        ("REQUEST_LIMIT_EXCEEDED", Some(429))
    );
    assert!(e.request_id().is_some_and(|r| r.starts_with('T')));
    let left: zec_sdk::Response<serde_json::Value> =
        c.call_admin("DescribeFaults", &json!({})).await.unwrap();
    assert_eq!(
        left.data["errors"][0]["count"], 1,
        "4 attempts: the first and 3 retries"
    );
    let none = Client::new(
        Config {
            rate_limit_retries: 0,
            ..Config::local(&server.addr)
        },
        Credential::access_key(KEY_ID, KEY_PASSWORD),
    );
    assert_eq!(
        none.describe_zones(&DescribeZonesRequest::default())
            .await
            .unwrap_err()
            .code(),
        "REQUEST_LIMIT_EXCEEDED"
    );
    // Errors of every other kind carry their code too.
    let e = Client::new(Config::local("127.0.0.1:1"), Credential::bearer("pat_x"))
        .describe_zones(&DescribeZonesRequest::default())
        .await
        .unwrap_err();
    assert_eq!(e.code(), "NETWORK_ERROR");
    let _ = create_request(1);
}
