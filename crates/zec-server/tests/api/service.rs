//! zecd run as a service: HTTPS (the `zec` CLI trusting zecd's own CA), health and readiness
//! (a replica that loses its database, a replica draining on SIGTERM), metrics, request limits,
//! and state carried between stores by the offline `zecd export` / `zecd import`.

use crate::harness::{Database, KEY_ID, KEY_PASSWORD, Options, Server, eventually, on_postgres};
use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper_util::client::legacy::Client as HttpClient;
use hyper_util::rt::TokioExecutor;
use std::io::{Read, Write};
use std::process::Command;
use std::time::{Duration, Instant};
use zec_sdk::model::*;
use zec_sdk::{Client, Config, Credential};

fn with(args: &[&str]) -> Options {
    let mut o = Options::default();
    o.args.extend(args.iter().map(|a| (*a).to_owned()));
    o
}

/// A plain GET: status, headers, body.
async fn get(addr: &str, path: &str, bearer: Option<&str>) -> (u16, hyper::HeaderMap, String) {
    let http: HttpClient<_, Empty<Bytes>> = HttpClient::builder(TokioExecutor::new()).build_http();
    let mut req = hyper::Request::get(format!("http://{addr}{path}"));
    if let Some(t) = bearer {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let resp = http
        .request(req.body(Empty::new()).unwrap())
        .await
        .expect("answered");
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    (status, headers, String::from_utf8_lossy(&body).into_owned())
}

fn zecd(args: &[String]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_zecd"))
        .args(args)
        .env_remove("ZECD_DATA_DIR")
        .env_remove("ZECD_DATABASE_URL")
        .output()
        .expect("run zecd")
}

#[tokio::test]
async fn health_and_readiness_need_no_credentials_and_name_no_account() {
    let server = Server::start();
    let (status, headers, body) = get(&server.addr, "/_zecd/health", None).await;
    assert_eq!((status, body.as_str()), (200, r#"{"status":"ok"}"#));
    assert_eq!(headers["content-type"], "application/json");
    let (status, _, body) = get(&server.addr, "/_zecd/ready", None).await;
    assert_eq!((status, body.as_str()), (200, r#"{"status":"ready"}"#));
    // Other methods: the vendor's envelope, as every other answer.
    let r = server
        .raw(
            hyper::Request::post(format!("http://{}/_zecd/ready", server.addr))
                .body(http_body_util::Full::new(Bytes::new()))
                .unwrap(),
        )
        .await;
    assert_eq!((r.status, r.error_code()), (400, "INVALID_PARAMETER_VALUE"));
}

#[tokio::test]
async fn a_replica_that_loses_its_database_is_not_ready_until_it_is_back() {
    // Its own database on either run of the suite.
    let own;
    let db = match on_postgres() {
        true => None,
        false => {
            own = Database::create();
            match &own {
                Some(db) => Some(db),
                None => return,
            }
        }
    };
    let server = match db {
        Some(db) => Server::start_with(with(&["--database-url", &db.url])),
        None => Server::start(),
    };
    let db = db.or(server.database()).expect("a database");
    let ready = |want: u16| {
        let addr = server.addr.clone();
        async move {
            eventually(Duration::from_secs(20), || {
                let addr = addr.clone();
                async move {
                    let (status, _, body) = get(&addr, "/_zecd/ready", None).await;
                    (status == want).then_some(body)
                }
            })
            .await
        }
    };
    ready(200).await;
    db.sql(&format!(
        "ALTER DATABASE {name} ALLOW_CONNECTIONS false; \
         SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'",
        name = db.name
    ));
    let body = ready(503).await;
    assert!(body.contains("not ready"), "{body}");
    assert!(!body.contains("default"), "names no account: {body}");
    db.sql(&format!(
        "ALTER DATABASE {} ALLOW_CONNECTIONS true",
        db.name
    ));
    ready(200).await;
    // Counted as a reconnect.
    let (_, _, metrics) = get(&server.addr, "/metrics", None).await;
    let reconnects: f64 = metrics
        .lines()
        .find_map(|l| l.strip_prefix("zecd_replica_reconnects_total "))
        .expect("zecd_replica_reconnects_total")
        .parse()
        .unwrap();
    assert!(reconnects >= 1.0, "{metrics}");
}

#[tokio::test]
async fn on_sigterm_a_replica_is_not_ready_finishes_what_is_in_flight_and_exits_0() {
    let mut server = Server::start_with(with(&["--shutdown-delay", "3s"]));
    // A request in flight: its header and half its body sent.
    let signed = server.signed("DescribeInstancesStatus", "{\"pageSize\": 20}");
    let (parts, body) = signed.into_parts();
    let body = body.collect().await.unwrap().to_bytes();
    let mut head = format!("POST {} HTTP/1.1\r\n", parts.uri.path());
    for (k, v) in &parts.headers {
        head.push_str(&format!("{}: {}\r\n", k, v.to_str().unwrap()));
    }
    head.push_str(&format!(
        "host: {}\r\ncontent-length: {}\r\n\r\n",
        server.addr,
        body.len()
    ));
    let mut slow = std::net::TcpStream::connect(&server.addr).unwrap();
    slow.write_all(head.as_bytes()).unwrap();
    slow.write_all(&body[..5]).unwrap();
    std::thread::sleep(Duration::from_millis(100));

    server.signal("TERM");
    // Not ready as soon as the signal is taken, while still serving during the delay.
    let addr = server.addr.clone();
    let body_text = eventually(Duration::from_secs(1), || {
        let addr = addr.clone();
        async move {
            let (status, _, body) = get(&addr, "/_zecd/ready", None).await;
            (status == 503).then_some(body)
        }
    })
    .await;
    assert!(body_text.contains("draining"), "{body_text}");
    let r = server
        .client()
        .describe_instances_status(&DescribeInstancesStatusRequest::default())
        .await
        .expect("served during the shutdown delay");
    assert_eq!(r.total_count, 0);

    // The request in flight completes.
    slow.write_all(&body[5..]).unwrap();
    slow.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    while !String::from_utf8_lossy(&answer).contains("totalCount") {
        let n = slow.read(&mut buf).expect("the answer");
        assert!(n > 0, "closed without an answer");
        answer.extend_from_slice(&buf[..n]);
    }
    assert!(String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 200"));
    let started = Instant::now();
    let status = server.wait_exit(Duration::from_secs(20));
    assert!(status.success(), "{status:?}");
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[tokio::test]
async fn zec_trusts_zecds_own_ca_over_https_and_refuses_any_other_certificate() {
    let server = Server::start_with(with(&[
        "--listen-tls",
        "127.0.0.1:0",
        "--tls",
        "self-signed",
        "--tls-name",
        "zecd.test",
    ]));
    let tls = server.tls_addr.clone().expect("an HTTPS listener");
    let ca = server.data_dir().join("tls").join("ca.pem");
    assert!(
        server.stdout.contains(&ca.display().to_string()),
        "the CA's path is printed: {}",
        server.stdout
    );
    let other = Server::start_with(with(&[
        "--listen-tls",
        "127.0.0.1:0",
        "--tls",
        "self-signed",
    ]));
    let other_ca = other.data_dir().join("tls").join("ca.pem");
    let zec = |endpoint: &str, extra: &[(&str, &str)], args: &[&str]| {
        let home = tempfile::tempdir().unwrap();
        let mut c = Command::new(
            std::path::PathBuf::from(env!("CARGO_BIN_EXE_zecd")).with_file_name("zec"),
        );
        c.env_clear()
            .env("HOME", home.path())
            .env("ZENLAYER_ACCESS_KEY_ID", KEY_ID)
            .env("ZENLAYER_ACCESS_KEY_SECRET", KEY_PASSWORD)
            .env("ZENLAYER_ENDPOINT", endpoint)
            .args(args)
            .args(["zec", "describe-instances-status", "-o", "json"]);
        for (k, v) in extra {
            c.env(k, v);
        }
        c.output().unwrap()
    };
    let ca_s = ca.to_string_lossy().into_owned();
    // A host-only endpoint is HTTPS, as zeno's; the bundle from the flag or the environment.
    let out = zec(&tls, &[], &["--ca-bundle", &ca_s]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("totalCount"));
    let out = zec(&tls, &[("ZENLAYER_CA_BUNDLE", &ca_s)], &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let localhost = tls.replace("127.0.0.1", "localhost");
    let out = zec(&localhost, &[], &["--ca-bundle", &ca_s]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Without it (the public roots), or with another zecd's CA: refused.
    for args in [
        vec![],
        vec![
            "--ca-bundle".to_owned(),
            other_ca.to_string_lossy().into_owned(),
        ],
    ] {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = zec(&tls, &[], &args);
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr).to_lowercase();
        assert!(err.contains("certificate"), "{err}");
    }
    // Plain HTTP still answers on --listen.
    let (status, _, _) = get(&server.addr, "/_zecd/health", None).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn https_needs_both_a_certificate_and_an_address() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_string_lossy().into_owned();
    for args in [
        vec![
            "serve",
            "--data-dir",
            &d,
            "--listen",
            "127.0.0.1:0",
            "--tls",
            "self-signed",
        ],
        vec![
            "serve",
            "--data-dir",
            &d,
            "--listen",
            "127.0.0.1:0",
            "--listen-tls",
            "127.0.0.1:0",
        ],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_zecd"))
            .args(&args)
            .env_remove("ZECD_DATABASE_URL")
            .output()
            .unwrap();
        assert!(!out.status.success(), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("--listen-tls") || err.contains("certificate"),
            "{err}"
        );
    }
}

#[tokio::test]
async fn metrics_count_every_answer_and_a_token_guards_them() {
    let server = Server::start_with(with(&["--metrics-token", "s3cret"]));
    let (status, headers, _) = get(&server.addr, "/metrics", None).await;
    assert_eq!(status, 401);
    assert!(headers.contains_key("www-authenticate"));
    assert_eq!(get(&server.addr, "/metrics", Some("wrong")).await.0, 401);
    let client = server.client();
    for _ in 0..3 {
        client
            .describe_instances_status(&DescribeInstancesStatusRequest::default())
            .await
            .unwrap();
    }
    let refused = client
        .stop_instances(&InstanceBatchRequest {
            instance_ids: Some(vec!["1".into()]),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(refused.code(), "INVALID_INSTANCE_NOT_FOUND");
    crate::create(&client, 2).await;
    let (status, headers, text) = get(&server.addr, "/metrics", Some("s3cret")).await;
    assert_eq!(status, 200);
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/openmetrics-text")
    );
    for line in [
        r#"zecd_requests_total{service="zec",action="DescribeInstancesStatus",version="2025-09-01",code="OK"} 3"#,
        r#"zecd_requests_total{service="zec",action="StopInstances",version="2025-09-01",code="INVALID_INSTANCE_NOT_FOUND"} 1"#,
        r#"zecd_request_duration_seconds_count{service="zec",action="DescribeInstancesStatus"} 3"#,
        r#"zecd_resources{kind="instances",status="DEPLOYING"} 2"#,
        "zecd_requests_in_flight 0",
    ] {
        assert!(text.contains(line), "{line} in:\n{text}");
    }
    let rounds: f64 = text
        .lines()
        .find_map(|l| l.strip_prefix("zecd_writer_rounds_total "))
        .unwrap()
        .parse()
        .unwrap();
    assert!(rounds >= 1.0);
    assert!(text.ends_with("# EOF\n"));
}

#[tokio::test]
async fn request_limits_are_per_credential_and_per_action() {
    let server = Server::start_with(with(&[
        "--rate-limit",
        "DescribeInstances=2/m",
        "--rate-limit",
        "1000/m",
    ]));
    let strict = |c: Credential| {
        Client::new(
            Config {
                rate_limit_retries: 0,
                ..Config::local(&server.addr)
            },
            c,
        )
    };
    let root = strict(Credential::access_key(KEY_ID, KEY_PASSWORD));
    for _ in 0..2 {
        root.describe_instances(&DescribeInstancesRequest::default())
            .await
            .unwrap();
    }
    let e = root
        .describe_instances(&DescribeInstancesRequest::default())
        .await
        .unwrap_err();
    assert_eq!(e.code(), "REQUEST_LIMIT_EXCEEDED");
    assert!(
        matches!(e, zec_sdk::Error::Api { status: 429, .. }),
        "{e:?}"
    );
    // Another action of the same credential, and another credential: their own buckets.
    root.describe_instances_status(&DescribeInstancesStatusRequest::default())
        .await
        .unwrap();
    let other = server.new_account("limited");
    other
        .describe_instances(&DescribeInstancesRequest::default())
        .await
        .unwrap();
    // The admin API is not limited.
    for _ in 0..5 {
        let _: zec_sdk::Response<serde_json::Value> = root
            .call_admin("DescribeClock", &serde_json::json!({}))
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn zecd_export_and_import_carry_the_state_to_another_store() {
    let mut from = Server::start_with(with(&["--clock", "manual"]));
    let client = from.client();
    let ids = crate::create(&client, 3).await;
    from.advance("1h").await;
    client
        .stop_instances(&InstanceBatchRequest {
            instance_ids: Some(vec![ids[0].clone()]),
            ..Default::default()
        })
        .await
        .unwrap();
    let disk = client
        .create_disks(&CreateDisksRequest {
            zone_id: Some("asia-east-1a".into()),
            disk_name: Some("carried".into()),
            disk_size: Some(40),
            ..Default::default()
        })
        .await
        .unwrap()
        .disk_ids[0]
        .clone();
    from.advance("1h").await;
    let before = client
        .describe_instances(&DescribeInstancesRequest::default())
        .await
        .unwrap()
        .data;
    from.terminate();

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("state.json");
    let mut args = vec!["export".to_owned(), "--output".into()];
    args.push(file.to_string_lossy().into_owned());
    args.extend(from.store_args());
    let out = zecd(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(
        (doc["format"].as_str(), doc["version"].as_u64()),
        (Some("zecd-state"), Some(1))
    );

    let mut to = Server::start_with(with(&["--clock", "manual"]));
    to.terminate();
    let mut args = vec!["import".to_owned(), file.to_string_lossy().into_owned()];
    args.extend(to.store_args());
    for _ in 0..2 {
        // Twice: an import replaces, it does not add.
        let out = zecd(&args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    to.restart();
    let client = to.client();
    let after = client
        .describe_instances(&DescribeInstancesRequest::default())
        .await
        .unwrap()
        .data;
    assert_eq!(after, before);
    let d = client
        .describe_disks(&DescribeDisksRequest {
            disk_ids: Some(vec![disk.clone()]),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(d.data_set[0].disk_status, "AVAILABLE");
    // New ids come after the imported ones.
    let fresh = crate::create(&client, 1).await;
    assert!(fresh[0].parse::<u64>().unwrap() > disk.parse::<u64>().unwrap());

    // A document of another version is refused, saying why; nothing changes.
    let mut doc = doc;
    doc["version"] = 2.into();
    std::fs::write(&file, doc.to_string()).unwrap();
    to.terminate();
    let out = zecd(&args);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("version 2"));
}

#[tokio::test]
async fn reset_account_empties_an_account_and_keeps_its_keys() {
    let server = Server::start_with(with(&["--clock", "manual"]));
    let client = server.client();
    let other = server.new_account("bystander");
    crate::create(&client, 2).await;
    crate::create(&other, 1).await;
    server.advance("1h").await;
    let _: zec_sdk::Response<serde_json::Value> = client
        .call_admin("ResetAccount", &serde_json::json!({"account": "default"}))
        .await
        .unwrap();
    let mine = client
        .describe_instances_status(&DescribeInstancesStatusRequest::default())
        .await
        .unwrap();
    assert_eq!(mine.total_count, 0);
    let disks = client
        .describe_disks(&DescribeDisksRequest::default())
        .await
        .unwrap();
    assert_eq!(
        disks.total_count, 0,
        "system disks went with their instances"
    );
    let theirs = other
        .describe_instances_status(&DescribeInstancesStatusRequest::default())
        .await
        .unwrap();
    assert_eq!(theirs.total_count, 1);
    // The account still works, with its default group.
    crate::create(&client, 1).await;
    let e = client
        .call_admin::<_, serde_json::Value>(
            "ResetAccount",
            &serde_json::json!({"account": "nobody"}),
        )
        .await
        .unwrap_err();
    assert_eq!(e.code(), "INVALID_PARAMETER_VALUE");
}

#[tokio::test]
async fn the_admin_api_makes_accounts_and_scoped_keys_ready_at_once() {
    let server = Server::start();
    let root = server.client();
    let made: zec_sdk::Response<CreateAccountResponse> = root
        .call_admin(
            "CreateAccount",
            &CreateAccountRequest {
                name: Some("suite-1".into()),
            },
        )
        .await
        .unwrap();
    assert_eq!(made.name, "suite-1");
    let server = &server;
    let key = |read_only: bool| {
        let root = root.clone();
        async move {
            let k: zec_sdk::Response<CreateAccessKeyResponse> = root
                .call_admin(
                    "CreateAccessKey",
                    &CreateAccessKeyRequest {
                        account: Some("suite-1".into()),
                        read_only: Some(read_only),
                        resource_group_ids: None,
                    },
                )
                .await
                .unwrap();
            server.client_with(Credential::access_key(
                &k.access_key_id,
                &k.access_key_password,
            ))
        }
    };
    let writer = key(false).await;
    let ids = crate::create(&writer, 1).await;
    let groups = writer
        .describe_resource_groups(&zec_sdk::model::Empty::default())
        .await
        .unwrap();
    assert_eq!(
        groups.resource_groups[0].resource_group_id,
        made.default_resource_group_id
    );
    let reader = key(true).await;
    let seen = reader
        .describe_instances_status(&DescribeInstancesStatusRequest::default())
        .await
        .unwrap();
    assert_eq!(seen.data_set[0].instance_id, ids[0]);
    let refused = reader
        .stop_instances(&InstanceBatchRequest {
            instance_ids: Some(ids.clone()),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(refused.code(), "AUTHFAILURE_UNAUTHORIZED_OPERATION");
    // The root account does not see them; a second account of the same name is refused.
    let root_sees = root
        .describe_instances_status(&DescribeInstancesStatusRequest::default())
        .await
        .unwrap();
    assert_eq!(root_sees.total_count, 0);
    let again = root
        .call_admin::<_, serde_json::Value>(
            "CreateAccount",
            &serde_json::json!({"name": "suite-1"}),
        )
        .await
        .unwrap_err();
    assert_eq!(again.code(), "INVALID_PARAMETER_VALUE");
    // Only a root key reaches the admin API.
    let e = writer
        .call_admin::<_, serde_json::Value>("CreateAccount", &serde_json::json!({"name": "x"}))
        .await
        .unwrap_err();
    assert_eq!(e.code(), "AUTHFAILURE_UNAUTHORIZED_OPERATION");
}

#[tokio::test]
async fn an_imported_state_holds_its_addresses_and_refuses_ids_twice() {
    let server = Server::start();
    let client = server.client();
    crate::create(&client, 2).await;
    let state: zec_sdk::Response<serde_json::Value> = client
        .call_admin("ExportState", &serde_json::json!({"account": "default"}))
        .await
        .unwrap();
    let doc = state.data["state"].clone();
    // Imported over itself: the addresses are the imported instances' again, and a new
    // instance gets another one.
    let _: zec_sdk::Response<serde_json::Value> = client
        .call_admin("ImportState", &serde_json::json!({"state": doc}))
        .await
        .unwrap();
    crate::create(&client, 1).await;
    let all = client
        .describe_instances(&DescribeInstancesRequest::default())
        .await
        .unwrap();
    let mut addresses: Vec<String> = all
        .data_set
        .iter()
        .flat_map(|i| i.private_ip_addresses.clone())
        .collect();
    addresses.sort();
    addresses.dedup();
    assert_eq!(addresses.len(), 3, "{addresses:?}");
    // The same instance under two accounts of one document is refused, and nothing changes.
    let mut twice = doc.clone();
    let mut other = twice["accounts"][0].clone();
    other["name"] = "copy".into();
    twice["accounts"].as_array_mut().unwrap().push(other);
    let e = client
        .call_admin::<_, serde_json::Value>("ImportState", &serde_json::json!({"state": twice}))
        .await
        .unwrap_err();
    assert_eq!(e.code(), "INVALID_PARAMETER_VALUE");
    assert!(e.to_string().contains("twice"), "{e}");
    let after = client
        .describe_instances(&DescribeInstancesRequest::default())
        .await
        .unwrap();
    assert_eq!(after.total_count, 3);
}
