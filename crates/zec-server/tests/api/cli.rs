//! The `zec` command line end to end, against a real zecd.

use crate::create;
use crate::harness::{KEY_ID, KEY_PASSWORD, Options, Server};
use serde_json::Value;
use std::path::PathBuf;
use std::process::{Command, Output};

/// The `zec` binary beside `zecd` (scripts/test builds every binary first).
fn zec_bin() -> PathBuf {
    let path = PathBuf::from(env!("CARGO_BIN_EXE_zecd")).with_file_name("zec");
    assert!(
        path.exists(),
        "{} is missing: run `cargo build -p zec-cli` first",
        path.display()
    );
    path
}

pub(crate) struct Cli<'a> {
    server: &'a Server,
    home: tempfile::TempDir,
}

impl<'a> Cli<'a> {
    pub(crate) fn new(server: &'a Server) -> Self {
        Self {
            server,
            home: tempfile::tempdir().unwrap(),
        }
    }

    /// Runs `zec` with the test key in ZENLAYER_* variables and the server as endpoint.
    fn run(&self, args: &[&str]) -> Output {
        self.command(args)
            .env("ZENLAYER_ACCESS_KEY_ID", KEY_ID)
            .env("ZENLAYER_ACCESS_KEY_SECRET", KEY_PASSWORD)
            .env("ZENLAYER_ENDPOINT", format!("http://{}", self.server.addr))
            .output()
            .unwrap()
    }

    /// Runs `zec` with nothing but HOME set.
    fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(zec_bin());
        c.args(args).env_clear().env("HOME", self.home.path());
        c
    }

    pub(crate) fn json(&self, args: &[&str]) -> Value {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }
}

fn text(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test]
async fn commands_follow_zenos_shape_and_print_json_or_tables() {
    let server = Server::start();
    let cli = Cli::new(&server);
    let created = cli.json(&[
        "zec",
        "create-zec-instances",
        "--zone-id",
        "asia-east-1a",
        "--image-id",
        "ubuntu2404_20240712",
        "--instance-type",
        "z2a.cpu.1",
        "--subnet-id",
        "1272168087751233112",
        "--password",
        "Passw0rd!",
        "--instance-count",
        "2",
        "--instance-name",
        "cli-[1,1]",
        "--system-disk",
        "diskSize=30",
        "--tags",
        "key=env,value=cli",
        "--enable-agent=false",
    ]);
    let ids: Vec<String> = created["instanceIdSet"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids.len(), 2);
    // JSON (the default off a terminal): the `response` object, keys sorted.
    let out = cli.run(&[
        "zec",
        "describe-instances",
        "--instance-ids",
        &ids[0],
        &ids[1],
    ]);
    let (stdout, _) = text(&out);
    let v: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["totalCount"], 2);
    let i = &v["dataSet"][0];
    assert_eq!(
        (
            i["instanceName"].as_str(),
            i["systemDisk"]["diskSize"].as_i64()
        ),
        (Some("cli-1"), Some(30))
    );
    assert_eq!(i["tags"]["tags"][0]["value"], "cli");
    assert_eq!(i["enableAgent"], false);
    assert!(stdout.find("\"dataSet\"").unwrap() < stdout.find("\"requestId\"").unwrap());
    // A table on request.
    let out = cli.run(&["-o", "table", "zec", "describe-instances-status"]);
    let (table, _) = text(&out);
    assert!(table.contains("| totalCount | 2 |"), "{table}");
    assert!(table.contains(&format!("| {} |", ids[1])), "{table}");
    assert!(
        table.lines().any(|l| l.starts_with("| instanceId ")),
        "{table}"
    );
    assert!(!table.contains("requestId"));
    // user and zrm services, and the 2024 action.
    let g = cli.json(&["user", "create-resource-group", "--name", "cli-group"]);
    let group = g["resourceGroupId"].as_str().unwrap();
    cli.json(&[
        "zec",
        "modify-instances-resource-group",
        "--instance-ids",
        &ids[0],
        "--resource-group-id",
        group,
    ]);
    cli.json(&[
        "zrm",
        "modify-resource-tags",
        "--resource-uuid",
        &ids[0],
        "--replace-tags",
        "key=team,value=ops",
    ]);
    let v = cli.json(&[
        "zec",
        "describe-instances",
        "--resource-group-id",
        group,
        "--tag-keys",
        "team",
    ]);
    assert_eq!(v["totalCount"], 1);
}

#[tokio::test]
async fn networks_and_key_pairs_have_their_commands() {
    let server = Server::start();
    let cli = Cli::new(&server);
    let sg = cli.json(&[
        "zec",
        "create-security-group",
        "--security-group-name",
        "cli-web",
        "--rule-infos",
        "direction=ingress,policy=accept,ipProtocol=tcp,portRange=22,cidrIp=0.0.0.0/0",
        "--rule-infos",
        "direction=egress,ipProtocol=all,portRange=-1,cidrIp=0.0.0.0/0,priority=5",
    ]);
    let sg = sg["securityGroupId"].as_str().unwrap().to_owned();
    let rules = cli.json(&[
        "zec",
        "describe-security-group-rule",
        "--security-group-id",
        &sg,
    ]);
    assert_eq!(rules["ingressRuleList"][0]["portRange"], "22");
    assert_eq!(rules["egressRuleList"][0]["priority"], 5);
    let vpc = cli.json(&[
        "zec",
        "create-vpc",
        "--name",
        "cli-vpc",
        "--cidr-block",
        "172.16.0.0/16",
    ]);
    let vpc = vpc["vpcId"].as_str().unwrap().to_owned();
    // A 2024-04-01 action of the table, sent with its version.
    let subnet = cli.json(&[
        "zec",
        "create-subnet",
        "--vpc-id",
        &vpc,
        "--name",
        "cli-subnet",
        "--region-id",
        "asia-east-1",
        "--stack-type",
        "IPv4",
        "--cidr-block",
        "172.16.3.0/24",
    ]);
    assert!(subnet["subnetId"].is_string());
    let key = cli.json(&[
        "ccs",
        "import-key-pair",
        "--key-name",
        "cli-key",
        "--public-key",
        crate::harness::ED25519_KEY,
    ]);
    let key = key["keyId"].as_str().unwrap().to_owned();
    let keys = cli.json(&["ccs", "describe-key-pairs", "--key-ids", &key]);
    assert_eq!(keys["dataSet"][0]["publicKey"], crate::harness::ED25519_KEY);
    // A missing required flag is a usage error, before anything is sent.
    let out = cli.run(&["zec", "create-vpc", "--name", "no-block"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out).1);
}

#[tokio::test]
async fn page_all_merges_every_page() {
    let server = Server::start();
    let ids = create(&server.client(), 230).await;
    let cli = Cli::new(&server);
    let v = cli.json(&[
        "zec",
        "describe-instances-status",
        "--page-size",
        "100",
        "--page-all",
    ]);
    assert_eq!(v["totalCount"], 230);
    let listed: Vec<&str> = v["dataSet"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["instanceId"].as_str().unwrap())
        .collect();
    assert_eq!(listed, ids.iter().map(String::as_str).collect::<Vec<_>>());
}

#[tokio::test]
async fn exit_codes_tell_api_errors_usage_errors_timeouts_and_network_errors_apart() {
    let server = Server::start();
    let cli = Cli::new(&server);
    let api = cli.run(&[
        "zec",
        "stop-instances",
        "--instance-ids",
        "913659857599463425",
    ]);
    let (_, err) = text(&api);
    assert_eq!(api.status.code(), Some(1));
    assert!(
        err.contains("Code=INVALID_INSTANCE_NOT_FOUND") && err.contains("RequestId=T"),
        "{err}"
    );
    for usage in [
        vec!["zec", "describe-instances", "--page-size", "ten"],
        vec!["zec", "create-zec-instances", "--zone-id", "x"],
        vec!["zec", "no-such-action"],
        vec![
            "zec",
            "create-zec-instances",
            "--zone-id",
            "a",
            "--image-id",
            "b",
            "--instance-type",
            "c",
            "--subnet-id",
            "d",
            "--system-disk",
            "diskSize=big",
        ],
    ] {
        assert_eq!(cli.run(&usage).status.code(), Some(2), "{usage:?}");
    }
    let no_credentials = cli.command(&["zec", "describe-zones"]).output().unwrap();
    assert_eq!(no_credentials.status.code(), Some(2));
    let network = cli
        .command(&[
            "--endpoint",
            "http://127.0.0.1:1",
            "--token",
            "pat_x",
            "zec",
            "describe-zones",
        ])
        .output()
        .unwrap();
    assert_eq!(network.status.code(), Some(4));
    assert!(text(&network).1.contains("NETWORK_ERROR"));
    let ok = cli.run(&["version"]);
    assert_eq!(
        (ok.status.code(), text(&ok).0.trim()),
        (Some(0), env!("CARGO_PKG_VERSION"))
    );
}

#[tokio::test]
async fn the_waiter_finishes_when_the_status_comes_and_times_out_when_it_does_not() {
    let server = Server::start_with(Options {
        args: vec!["--clock".into(), "manual".into()],
        ..Options::default()
    });
    let ids = create(&server.client(), 2).await;
    let cli = Cli::new(&server);
    let mut args = vec![
        "zec",
        "wait-instances",
        "--interval",
        "50ms",
        "--instance-ids",
    ];
    args.extend(ids.iter().map(String::as_str));
    let waiting = cli
        .command(&args)
        .env("ZENLAYER_ACCESS_KEY_ID", KEY_ID)
        .env("ZENLAYER_ACCESS_KEY_SECRET", KEY_PASSWORD)
        .env("ZENLAYER_ENDPOINT", format!("http://{}", server.addr))
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    server.advance("3s").await;
    let out = waiting.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        v["dataSet"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["instanceStatus"] == "RUNNING")
    );

    let mut timeout = args.clone();
    timeout.extend(["--status", "STOPPED", "--timeout", "300ms"]);
    let out = cli.run(&timeout);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out).1);
    assert!(text(&out).1.contains("timed out"));

    server
        .faults(serde_json::json!({"failures": [{"phase": "deploy", "count": 1}]}))
        .await;
    let failing = create(&server.client(), 1).await;
    server.advance("3s").await;
    let out = cli.run(&[
        "zec",
        "wait-instances",
        "--instance-ids",
        &failing[0],
        "--interval",
        "50ms",
    ]);
    assert_eq!(out.status.code(), Some(5));
    assert!(text(&out).1.contains("CREATE_FAILED"));
    // The admin API from the command line too.
    let clock = cli.json(&["admin", "describe-clock"]);
    assert_eq!(clock["mode"], "manual");
}

#[tokio::test]
async fn dry_run_prints_the_signed_request_and_sends_nothing() {
    let server = Server::start();
    let cli = Cli::new(&server);
    let out = cli.run(&[
        "--dry-run",
        "zec",
        "create-zec-instances",
        "--zone-id",
        "asia-east-1a",
        "--image-id",
        "ubuntu2404_20240712",
        "--instance-type",
        "z2a.cpu.1",
        "--subnet-id",
        "1272168087751233112",
        "--password",
        "Passw0rd!",
    ]);
    let (stdout, _) = text(&out);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stdout.starts_with(&format!("POST http://{}/api/v2/zec", server.addr)),
        "{stdout}"
    );
    assert!(stdout.contains("x-zc-action: CreateZecInstances"));
    assert!(stdout.contains(&format!("authorization: ZC2-HMAC-SHA256 Credential={KEY_ID}, SignedHeaders=content-type;host, Signature=")));
    assert!(stdout.contains(r#""zoneId":"asia-east-1a""#));
    let v = cli.json(&["zec", "describe-instances-status"]);
    assert_eq!(v["totalCount"], 0, "nothing was created");
}

#[tokio::test]
async fn credentials_come_from_flags_environment_and_zenos_files() {
    let server = Server::start();
    let cli = Cli::new(&server);
    let dir = cli.home.path().join(".zenlayer");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("config.json"),
        r#"{"current_profile":"wrong","profiles":{"wrong":{"output":"json"},"zecd":{"output":"table"}}}"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("credentials.json"),
        format!(
            r#"{{"wrong":{{"access_key_id":"NOPE","access_key_secret":"nope"}},"zecd":{{"access_key_id":"{KEY_ID}","access_key_secret":"{KEY_PASSWORD}"}}}}"#
        ),
    )
    .unwrap();
    let endpoint = format!("http://{}", server.addr);
    let profile = cli
        .command(&[
            "-p",
            "zecd",
            "--endpoint",
            &endpoint,
            "zec",
            "describe-zones",
        ])
        .output()
        .unwrap();
    assert!(profile.status.success(), "{}", text(&profile).1);
    assert!(
        text(&profile).0.contains("| zoneId"),
        "the profile asks for tables"
    );
    let current = cli
        .command(&["--endpoint", &endpoint, "zec", "describe-zones"])
        .output()
        .unwrap();
    assert_eq!(
        current.status.code(),
        Some(1),
        "the current profile's key is wrong"
    );
    let env = cli
        .command(&["--endpoint", &endpoint, "zec", "describe-zones"])
        .env("ZENLAYER_PROFILE", "zecd")
        .output()
        .unwrap();
    assert!(env.status.success());
    let flags = cli
        .command(&[
            "--endpoint",
            &endpoint,
            "--access-key-id",
            KEY_ID,
            "--access-key-secret",
            KEY_PASSWORD,
            "-o",
            "json",
            "zec",
            "describe-zones",
        ])
        .output()
        .unwrap();
    assert!(flags.status.success());
    serde_json::from_slice::<Value>(&flags.stdout).unwrap();
    let missing = cli
        .command(&["-p", "ghost", "zec", "describe-zones"])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    let completion = cli.command(&["completion", "bash"]).output().unwrap();
    assert!(text(&completion).0.contains("zec"));
}

#[tokio::test]
async fn a_closed_output_pipe_ends_zec_quietly() {
    let server = Server::start();
    let cli = Cli::new(&server);
    // Output far larger than a pipe holds, read by nobody: the reader has gone.
    let mut child = cli
        .command(&["completion", "bash"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(141), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
    // The same for an API answer.
    create(&server.client(), 300).await;
    let mut child = cli
        .command(&[
            "-o",
            "json",
            "zec",
            "describe-instances",
            "--page-size",
            "300",
        ])
        .env("ZENLAYER_ACCESS_KEY_ID", KEY_ID)
        .env("ZENLAYER_ACCESS_KEY_SECRET", KEY_PASSWORD)
        .env("ZENLAYER_ENDPOINT", format!("http://{}", server.addr))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(141));
    assert!(out.stderr.is_empty(), "{}", text(&out).1);
}

#[test]
fn dry_run_applies_to_wait_instances_too() {
    let server = Server::start();
    let cli = Cli::new(&server);
    let out = cli.run(&[
        "--dry-run",
        "zec",
        "wait-instances",
        "--instance-ids",
        "1",
        "2",
        "--timeout",
        "1s",
    ]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.starts_with("POST http://"), "{stdout}");
    assert!(
        stdout.contains("x-zc-action: DescribeInstancesStatus"),
        "{stdout}"
    );
    assert!(
        stdout.contains(r#"{"instanceIds":["1","2"],"pageSize":100}"#),
        "{stdout}"
    );
    // Nothing was sent: the server logged no request.
    assert!(
        !server.log().contains("DescribeInstancesStatus"),
        "{}",
        server.log()
    );
}

#[test]
fn an_https_endpoint_answered_in_plain_http_is_named_as_such() {
    let server = Server::start();
    let cli = Cli::new(&server);
    // Host only: HTTPS, as zeno does.
    let out = cli
        .command(&["zec", "describe-zones"])
        .env("ZENLAYER_ACCESS_KEY_ID", KEY_ID)
        .env("ZENLAYER_ACCESS_KEY_SECRET", KEY_PASSWORD)
        .env("ZENLAYER_ENDPOINT", &server.addr)
        .output()
        .unwrap();
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(4), "{stderr}");
    assert!(
        stderr.contains("answered in plain HTTP, not HTTPS"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("http://{}", server.addr)),
        "{stderr}"
    );
}
