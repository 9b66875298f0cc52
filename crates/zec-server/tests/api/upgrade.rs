//! A data directory and a PostgreSQL database written by the first release (before resource
//! kinds; `tests/fixtures/v1`, made by `tests/fixtures/make-fixture`) open and upgrade in
//! place: every instance, group, tag, address, phase under way and credential is as that
//! release left it, and everything works on.

use crate::harness::{Database, Options, Server};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use zec_sdk::model::{DescribeInstancesRequest, InstanceBatchRequest};
use zec_sdk::{Client, Credential};

const ROOT_KEY: &str = "AKIDFIXTURE0001";
const ROOT_PASSWORD: &str = "fixture-password-0001";

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/v1")
}

fn expected(name: &str) -> Value {
    let text = std::fs::read_to_string(fixtures().join(name)).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// What must survive the upgrade of each instance.
fn projection(instance: &Value) -> Value {
    let mut out = serde_json::Map::new();
    for key in [
        "instanceId",
        "instanceName",
        "status",
        "zoneId",
        "imageId",
        "instanceType",
        "resourceGroupId",
        "resourceGroupName",
        "privateIpAddresses",
        "publicIpAddresses",
        "createTime",
        "keyId",
        "tags",
        "instanceOptions",
        "subnetId",
    ] {
        out.insert(key.into(), instance[key].clone());
    }
    out.insert(
        "systemDisk".into(),
        instance["systemDisk"]["diskId"].clone(),
    );
    let data: Vec<Value> = instance["dataDisks"]
        .as_array()
        .map(|d| d.iter().map(|d| d["diskId"].clone()).collect())
        .unwrap_or_default();
    out.insert("dataDisks".into(), Value::Array(data));
    Value::Object(out)
}

fn root(options: Options) -> Options {
    Options {
        root_key: false,
        envs: vec![
            ("ZECD_ACCESS_KEY_ID".into(), ROOT_KEY.into()),
            ("ZECD_ACCESS_KEY_PASSWORD".into(), ROOT_PASSWORD.into()),
        ],
        ..options
    }
}

async fn instances(client: &Client) -> Vec<Value> {
    let r: zec_sdk::Response<Value> = client
        .call_action(
            zec_types::Action::DescribeInstances,
            &DescribeInstancesRequest {
                page_size: Some(100),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    r.data["dataSet"].as_array().unwrap().clone()
}

/// Everything the first release answered is answered alike; then phases under way finish,
/// and new writes, groups and restarts work.
async fn check(server: &mut Server, expected: &Value, team_b: Option<(Client, Client)>) {
    let client = server.client_with(Credential::access_key(ROOT_KEY, ROOT_PASSWORD));
    let clock: zec_sdk::Response<Value> = client
        .call_admin("DescribeClock", &json!({}))
        .await
        .unwrap();
    assert_eq!(clock.data["nowMillis"], expected["clock"]["nowMillis"]);
    let got: Vec<Value> = instances(&client).await.iter().map(projection).collect();
    let want: Vec<Value> = expected["instances"]["dataSet"]
        .as_array()
        .unwrap()
        .iter()
        .map(projection)
        .collect();
    assert_eq!(got, want);
    let groups = client
        .describe_resource_groups(&Default::default())
        .await
        .unwrap();
    let got = serde_json::to_value(&groups.data.resource_groups).unwrap();
    assert_eq!(got, expected["groups"]["resourceGroups"]);

    if let Some((key, token)) = team_b {
        // The second account's read-only key and its token: known, and their scope kept.
        assert_eq!(
            key.describe_instances_status(&Default::default())
                .await
                .unwrap()
                .total_count,
            0
        );
        let refused = key
            .create_resource_group(&zec_sdk::model::CreateResourceGroupRequest {
                name: Some("x".into()),
            })
            .await
            .unwrap_err();
        assert_eq!(refused.code(), "AUTHFAILURE_UNAUTHORIZED_OPERATION");
        let own = token
            .describe_resource_groups(&Default::default())
            .await
            .unwrap();
        assert_eq!(own.data.resource_groups.len(), 1, "team-b's default group");
    }

    // The stop and the reboot under way finish.
    let _: zec_sdk::Response<Value> = client
        .call_admin("AdvanceClock", &json!({"by": "10s"}))
        .await
        .unwrap();
    let now = instances(&client).await;
    let statuses: Vec<&str> = now.iter().map(|i| i["status"].as_str().unwrap()).collect();
    assert_eq!(
        statuses,
        [
            "STOPPED", "RECYCLE", "STOPPED", "RUNNING", "RUNNING", "RUNNING"
        ]
    );
    // New writes: an instance (with an id after every old one), a group, a deletion.
    let made = crate::create(&client, 1).await;
    let newest: u64 = made[0].parse().unwrap();
    assert!(
        now.iter()
            .all(|i| i["instanceId"].as_str().unwrap().parse::<u64>().unwrap() < newest)
    );
    let by_name = |name: &str| {
        groups
            .data
            .resource_groups
            .iter()
            .find(|g| g.name == name)
            .unwrap()
            .resource_group_id
            .clone()
    };
    client
        .delete_resource_group(&zec_sdk::model::DeleteResourceGroupRequest {
            resource_group_id: Some(by_name("empty")),
        })
        .await
        .unwrap();
    let full = client
        .delete_resource_group(&zec_sdk::model::DeleteResourceGroupRequest {
            resource_group_id: Some(by_name("web")),
        })
        .await
        .unwrap_err();
    assert_eq!(full.code(), "OPERATION_DENIED_RESOURCE_GROUP_NOT_EMPTY");
    client
        .start_instances(&InstanceBatchRequest {
            instance_ids: Some(vec![now[0]["instanceId"].as_str().unwrap().into()]),
            ..Default::default()
        })
        .await
        .unwrap();
    // And once more after a restart.
    server.restart();
    let client = server.client_with(Credential::access_key(ROOT_KEY, ROOT_PASSWORD));
    assert_eq!(instances(&client).await.len(), 7);
    let groups = client
        .describe_resource_groups(&Default::default())
        .await
        .unwrap();
    assert_eq!(groups.data.resource_groups.len(), 3);
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}

#[tokio::test]
async fn a_data_directory_of_the_first_release_opens_and_upgrades_in_place() {
    if crate::harness::skip_unless_sqlite("a data directory fixture") {
        return;
    }
    let mut server = Server::start_with(root(Options {
        args: vec!["--clock".into(), "manual".into()],
        ..Options::default()
    }));
    server.kill();
    // Replace the new directory's contents with the old release's.
    let dir = server.data_dir().to_owned();
    for entry in std::fs::read_dir(&dir).unwrap() {
        std::fs::remove_file(entry.unwrap().path()).unwrap();
    }
    copy_dir(&fixtures().join("data"), &dir);
    // The first release's credentials of team-b are in its database (passwords are kept).
    let (key_id, secret): (String, String) = rusqlite::Connection::open(dir.join("zecd.db"))
        .unwrap()
        .query_row(
            "SELECT k.id, k.secret FROM access_keys k JOIN accounts a ON a.id = k.account_id
             WHERE a.name = 'team-b'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    server.restart();
    let key = server.client_with(Credential::access_key(&key_id, &secret));
    // Its token is known by hash only: a key of the same account stands in.
    let token = server.client_with(Credential::access_key(&key_id, &secret));
    check(
        &mut server,
        &expected("sqlite-expected.json"),
        Some((key, token)),
    )
    .await;
}

#[tokio::test]
async fn a_postgresql_database_of_the_first_release_opens_and_upgrades_in_place() {
    let Some(db) = Database::create() else { return };
    let dump = std::fs::read_to_string(fixtures().join("postgres.sql")).unwrap();
    // psql's meta-commands are not SQL.
    let sql: String = dump
        .lines()
        .filter(|l| !l.starts_with('\\'))
        .collect::<Vec<_>>()
        .join("\n");
    let url = db.url.clone();
    std::thread::spawn(move || {
        let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
        c.batch_execute(&sql).unwrap();
    })
    .join()
    .unwrap();
    let mut server = Server::start_with(root(Options {
        args: vec![
            "--clock".into(),
            "manual".into(),
            "--database-url".into(),
            db.url.clone(),
        ],
        ..Options::default()
    }));
    let lines = |file: &str| std::fs::read_to_string(fixtures().join(file)).unwrap();
    let after = |text: &str, prefix: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(prefix))
            .unwrap()
            .to_owned()
    };
    let keys = lines("postgres-team-b-key.txt");
    let key = server.client_with(Credential::access_key(
        &after(&keys, "ZENLAYERCLOUD_ACCESS_KEY_ID="),
        &after(&keys, "ZENLAYERCLOUD_ACCESS_KEY_PASSWORD="),
    ));
    let tokens = lines("postgres-team-b-token.txt");
    let token = tokens.lines().find(|l| l.starts_with("pat_")).unwrap();
    let token = server.client_with(Credential::bearer(token));
    check(
        &mut server,
        &expected("postgres-expected.json"),
        Some((key, token)),
    )
    .await;
}
