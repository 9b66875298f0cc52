//! DescribeInstancesStatus, every parameter and limit (the user's source document).

use crate::harness::{Server, eventually};
use crate::{create, statuses};
use std::time::Duration;
use zec_sdk::model::{DescribeInstancesRequest, DescribeInstancesStatusRequest};

fn req() -> DescribeInstancesStatusRequest {
    DescribeInstancesStatusRequest::default()
}

#[tokio::test]
async fn the_documented_empty_request_returns_the_first_20_in_creation_order() {
    let server = Server::start();
    let client = server.client();
    let ids = create(&client, 25).await;
    let (total, rows) = statuses(&client, &req()).await;
    assert_eq!(total, 25);
    let listed: Vec<_> = rows.iter().map(|(id, _)| id.clone()).collect();
    assert_eq!(listed, ids[..20]);
    assert!(rows.iter().all(|(_, s)| s == "DEPLOYING" || s == "RUNNING"));
}

#[tokio::test]
async fn paging_visits_every_instance_exactly_once_and_past_the_end_is_empty() {
    let server = Server::start();
    let client = server.client();
    let ids = create(&client, 57).await;
    let mut seen = Vec::new();
    for page in 1..=6 {
        let r = DescribeInstancesStatusRequest {
            page_size: Some(10),
            page_num: Some(page),
            ..req()
        };
        let (total, rows) = statuses(&client, &r).await;
        assert_eq!(total, 57, "totalCount counts every match, not the page");
        seen.extend(rows.into_iter().map(|(id, _)| id));
    }
    assert_eq!(seen, ids);
    let past = DescribeInstancesStatusRequest {
        page_size: Some(10),
        page_num: Some(7),
        ..req()
    };
    assert_eq!(statuses(&client, &past).await, (57, vec![]));
    let far = DescribeInstancesStatusRequest {
        page_size: Some(1000),
        page_num: Some(i64::MAX),
        ..req()
    };
    assert_eq!(statuses(&client, &far).await, (57, vec![]));
}

#[tokio::test]
async fn page_size_and_page_num_limits_have_their_codes() {
    let server = Server::start();
    let client = server.client();
    create(&client, 3).await;
    for (size, num, code) in [
        (Some(1001), None, Some("INVALID_PARAMETER_EXCEED_MAXIMUM")),
        (Some(0), None, Some("INVALID_PARAMETER_LESS_MINIMUM")),
        (Some(-1), None, Some("INVALID_PARAMETER_LESS_MINIMUM")),
        (None, Some(0), Some("INVALID_PARAMETER_LESS_MINIMUM")),
        (None, Some(-3), Some("INVALID_PARAMETER_LESS_MINIMUM")),
        (Some(1000), Some(1), None),
        (Some(1), Some(3), None),
    ] {
        let r = DescribeInstancesStatusRequest {
            page_size: size,
            page_num: num,
            ..req()
        };
        let got = client.describe_instances_status(&r).await;
        match code {
            None => assert!(got.is_ok(), "{size:?}/{num:?}: {:?}", got.err()),
            Some(code) => {
                let e = got.unwrap_err();
                assert_eq!(e.code(), code, "{size:?}/{num:?}");
                assert_eq!(e.http_status(), Some(400));
            }
        }
    }
}

#[tokio::test]
async fn instance_ids_are_limited_to_100_and_unknown_ones_are_omitted() {
    let server = Server::start();
    let client = server.client();
    let ids = create(&client, 30).await;
    let many: Vec<String> = (0..101).map(|i| format!("{}", 1_000_000 + i)).collect();
    let e = client
        .describe_instances_status(&DescribeInstancesStatusRequest {
            instance_ids: Some(many[..101].to_vec()),
            ..req()
        })
        .await
        .unwrap_err();
    assert_eq!(e.code(), "INVALID_PARAMETER_EXCEED_LENGTH");

    // 100 ids, of which 30 exist: all 30 come back without a pageSize, in creation order.
    let mut asked: Vec<String> = many[..70].to_vec();
    asked.extend(ids.iter().rev().cloned());
    let (total, rows) = statuses(
        &client,
        &DescribeInstancesStatusRequest {
            instance_ids: Some(asked.clone()),
            ..req()
        },
    )
    .await;
    assert_eq!(total, 30);
    assert_eq!(rows.iter().map(|r| r.0.clone()).collect::<Vec<_>>(), ids);

    // With a pageSize the listed set pages like any other.
    let (total, rows) = statuses(
        &client,
        &DescribeInstancesStatusRequest {
            instance_ids: Some(asked),
            page_size: Some(20),
            page_num: Some(2),
            ..req()
        },
    )
    .await;
    assert_eq!((total, rows.len()), (30, 10));
    assert_eq!(rows[0].0, ids[20]);

    // Ids of no instance at all, and ids that are not ids.
    let odd = vec!["ins-1".to_string(), String::new(), "007".into(), "1".into()];
    assert_eq!(
        statuses(
            &client,
            &DescribeInstancesStatusRequest {
                instance_ids: Some(odd),
                ..req()
            }
        )
        .await,
        (0, vec![])
    );
    // An empty list is no filter.
    let (total, rows) = statuses(
        &client,
        &DescribeInstancesStatusRequest {
            instance_ids: Some(vec![]),
            ..req()
        },
    )
    .await;
    assert_eq!((total, rows.len()), (30, 20));
}

#[tokio::test]
async fn resource_group_id_filters_and_an_unknown_group_is_empty() {
    let server = Server::start();
    let client = server.client();
    create(&client, 4).await;
    let group = client
        .describe_instances(&DescribeInstancesRequest::default())
        .await
        .unwrap()
        .data_set[0]
        .resource_group_id
        .clone();
    let by_group = |g: &str| DescribeInstancesStatusRequest {
        resource_group_id: Some(g.to_owned()),
        ..req()
    };
    assert_eq!(statuses(&client, &by_group(&group)).await.0, 4);
    assert_eq!(
        statuses(&client, &by_group("c91db3f4-b15e-4323-9a12-fd3f0330b74b")).await,
        (0, vec![])
    );
}

#[tokio::test]
async fn deploying_is_observed_turning_into_running() {
    let server = Server::start();
    let client = server.client();
    let ids = create(&client, 2).await;
    let only = DescribeInstancesStatusRequest {
        instance_ids: Some(ids.clone()),
        ..req()
    };
    let (_, first) = statuses(&client, &only).await;
    assert!(first.iter().all(|(_, s)| s == "DEPLOYING"), "{first:?}");
    eventually(Duration::from_secs(10), || async {
        let (_, rows) = statuses(&client, &only).await;
        rows.iter().all(|(_, s)| s == "RUNNING").then_some(())
    })
    .await;
}

#[tokio::test]
async fn accounts_cannot_see_each_others_instances() {
    let server = Server::start();
    let mine = server.client();
    let theirs = server.new_account("other");
    let my_ids = create(&mine, 3).await;
    let their_ids = create(&theirs, 2).await;
    assert_eq!(statuses(&mine, &req()).await.0, 3);
    assert_eq!(statuses(&theirs, &req()).await.0, 2);
    let all: Vec<String> = my_ids.iter().chain(&their_ids).cloned().collect();
    let r = DescribeInstancesStatusRequest {
        instance_ids: Some(all),
        ..req()
    };
    let (total, rows) = statuses(&theirs, &r).await;
    assert_eq!(total, 2);
    assert!(rows.iter().all(|(id, _)| their_ids.contains(id)));
    let full = theirs
        .describe_instances(&DescribeInstancesRequest {
            instance_ids: Some(my_ids),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(full.total_count, 0);
}

#[tokio::test]
async fn concurrent_creates_lose_nothing_and_never_share_an_id() {
    let server = Server::start();
    let client = server.client();
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let c = client.clone();
            tokio::spawn(async move { create(&c, 30).await })
        })
        .collect();
    let mut ids = Vec::new();
    for t in tasks {
        ids.extend(t.await.unwrap());
    }
    let unique: std::collections::HashSet<_> = ids.iter().collect();
    assert_eq!(unique.len(), 240);
    let (total, _) = statuses(&client, &req()).await;
    assert_eq!(total, 240);
}
