//! The process: first start, configuration from the environment, graceful stop, kill -9,
//! one server per data directory.

use crate::harness::{Options, Server, admin, eventually};
use crate::{create, statuses};
use std::process::Command;
use std::time::Duration;
use zec_sdk::Credential;
use zec_sdk::model::DescribeInstancesStatusRequest;

#[tokio::test]
async fn the_first_start_creates_a_key_prints_it_once_and_it_works() {
    let mut server = Server::start_with(Options {
        root_key: false,
        ..Options::default()
    });
    let field = |out: &str, k: &str| {
        out.lines()
            .find_map(|l| l.trim().strip_prefix(k))
            .map(str::to_owned)
    };
    let id = field(&server.stdout, "ZENLAYERCLOUD_ACCESS_KEY_ID=").expect("key printed");
    let password = field(&server.stdout, "ZENLAYERCLOUD_ACCESS_KEY_PASSWORD=").unwrap();
    let client = server.client_with(Credential::access_key(&id, &password));
    client
        .describe_instances_status(&DescribeInstancesStatusRequest::default())
        .await
        .unwrap();
    assert!(
        !server.log().contains(&password),
        "the password is never logged"
    );
    server.restart();
    assert!(
        !server.stdout.contains("ZENLAYERCLOUD_ACCESS_KEY_PASSWORD"),
        "printed once only"
    );
}

#[tokio::test]
async fn settings_come_from_zecd_environment_variables() {
    let server = Server::start_with(Options {
        args: vec![],
        envs: vec![
            ("ZECD_TRANSITION".into(), "deploy=100ms".into()),
            ("ZECD_MAX_BODY_BYTES".into(), "400".into()),
        ],
        root_key: true,
        nofile: None,
    });
    let client = server.client();
    let ids = create(&client, 1).await;
    eventually(Duration::from_secs(10), || async {
        let (_, rows) = statuses(&client, &DescribeInstancesStatusRequest::default()).await;
        (rows[0].1 == "RUNNING").then_some(())
    })
    .await;
    let big = format!(
        r#"{{"instanceIds":["{}"],"pageNum":1,"pageSize":20,"x":"{}"}}"#,
        ids[0],
        "y".repeat(400)
    );
    let r = server
        .raw(server.signed("DescribeInstancesStatus", big))
        .await;
    assert_eq!(r.error_code(), "INVALID_PARAMETER_EXCEED_LENGTH");
}

#[tokio::test]
async fn sigterm_stops_gracefully_and_nothing_committed_is_lost() {
    let mut server = Server::start();
    let client = server.client();
    let ids = create(&client, 5).await;
    let status = server.terminate();
    assert!(status.success(), "{status:?}");
    assert!(server.log().contains("zecd stopped"));
    server.restart();
    let (total, rows) =
        statuses(&server.client(), &DescribeInstancesStatusRequest::default()).await;
    assert_eq!(total, 5);
    assert_eq!(rows.iter().map(|r| r.0.clone()).collect::<Vec<_>>(), ids);
}

#[tokio::test]
async fn kill_9_loses_no_acknowledged_write_and_deployments_finish_after_restart() {
    let mut server = Server::start_with(Options {
        args: vec!["--transition".into(), "deploy=2s".into()],
        ..Options::default()
    });
    let client = server.client();
    let ids = create(&client, 40).await;
    let (_, before) = statuses(&client, &DescribeInstancesStatusRequest::default()).await;
    assert!(before.iter().all(|r| r.1 == "DEPLOYING"));
    server.crash_and_restart();
    let client = server.client();
    let all = DescribeInstancesStatusRequest {
        page_size: Some(100),
        ..Default::default()
    };
    let (total, rows) = statuses(&client, &all).await;
    assert_eq!(total, 40);
    assert_eq!(rows.iter().map(|r| r.0.clone()).collect::<Vec<_>>(), ids);
    eventually(Duration::from_secs(15), || async {
        let (_, rows) = statuses(&client, &all).await;
        rows.iter().all(|r| r.1 == "RUNNING").then_some(())
    })
    .await;
}

#[tokio::test]
async fn a_second_server_on_the_same_data_directory_refuses_to_start() {
    if crate::harness::skip_unless_sqlite("the data directory's lock") {
        return;
    }
    let server = Server::start();
    let out = Command::new(env!("CARGO_BIN_EXE_zecd"))
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(server.data_dir())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("in use by another zecd"));
}

#[test]
fn admin_subcommands_manage_accounts_keys_and_tokens() {
    let dir = tempfile::tempdir().unwrap();
    admin(dir.path(), &["accounts", "create", "team-a"]);
    let list = admin(dir.path(), &["accounts", "list"]);
    assert!(list.contains("team-a"));
    let key = admin(dir.path(), &["keys", "create", "--account", "team-a"]);
    let id = key
        .lines()
        .next()
        .unwrap()
        .strip_prefix("ZENLAYERCLOUD_ACCESS_KEY_ID=")
        .unwrap();
    let keys = admin(dir.path(), &["keys", "list", "--account", "team-a"]);
    assert!(keys.contains(id));
    let password = key.lines().nth(1).unwrap().split('=').nth(1).unwrap();
    assert!(!keys.contains(password), "lists never show secrets");
    let out = Command::new(env!("CARGO_BIN_EXE_zecd"))
        .args(["keys", "list", "--account", "nobody", "--data-dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no account named nobody"));
}
