//! Several zecd replicas on one PostgreSQL database, as an operator runs them behind a load
//! balancer. Needs a PostgreSQL server (`ZECD_TEST_DATABASE_URL`, which `scripts/test` sets
//! up); skipped without one unless `ZECD_REQUIRE_POSTGRES` is set.

use crate::create_request;
use crate::harness::{KEY_ID, KEY_PASSWORD, Options, Server, eventually};
use std::collections::HashMap;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use zec_sdk::model::{DescribeInstancesStatusRequest, InstanceBatchRequest};
use zec_sdk::{Client, Credential};

/// A database of its own for one test, dropped afterwards.
struct Database {
    server_url: String,
    name: String,
    url: String,
}

impl Database {
    fn create() -> Option<Self> {
        let Ok(server_url) = std::env::var("ZECD_TEST_DATABASE_URL") else {
            assert!(
                std::env::var_os("ZECD_REQUIRE_POSTGRES").is_none(),
                "ZECD_TEST_DATABASE_URL is not set, and ZECD_REQUIRE_POSTGRES is"
            );
            eprintln!("skipped: ZECD_TEST_DATABASE_URL is not set");
            return None;
        };
        let name = format!("zecd_fleet_{}_{}", std::process::id(), rand_suffix());
        let (base, query) = server_url
            .split_once('?')
            .map_or((server_url.as_str(), None), |(b, q)| (b, Some(q)));
        let base = base.rsplit_once('/').map_or(base, |(b, _)| b);
        let url = match query {
            Some(q) => format!("{base}/{name}?{q}"),
            None => format!("{base}/{name}"),
        };
        let db = Self {
            server_url,
            name,
            url,
        };
        db.sql(&format!("CREATE DATABASE {}", db.name));
        Some(db)
    }

    fn sql(&self, sql: &str) {
        let (url, sql) = (self.server_url.clone(), sql.to_owned());
        std::thread::spawn(move || {
            let mut c = postgres::Client::connect(&url, postgres::NoTls).expect("connect");
            c.batch_execute(&sql).expect("sql");
        })
        .join()
        .unwrap();
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        self.sql(&format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.name
        ));
    }
}

fn rand_suffix() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos() as u64
}

const TRANSITIONS: &str = "deploy=1500ms,boot=1s,stop=1500ms,reboot=1s,release=1s,recycle=1s";

/// `n` replicas started at the same moment (their migrations race).
fn replicas(db: &Database, n: usize) -> Vec<Server> {
    let handles: Vec<_> = (0..n)
        .map(|_| {
            let url = db.url.clone();
            std::thread::spawn(move || {
                Server::start_with(Options {
                    args: vec![
                        "--database-url".into(),
                        url,
                        "--transition".into(),
                        TRANSITIONS.into(),
                    ],
                    ..Options::default()
                })
            })
        })
        .collect();
    handles.into_iter().map(|h| h.join().unwrap()).collect()
}

/// Every answer the test got, by HTTP status: none may be a 5xx.
#[derive(Default, Clone)]
struct Seen(Arc<Mutex<HashMap<u16, usize>>>);

impl Seen {
    fn record<T>(&self, r: &Result<T, zec_sdk::Error>) {
        let status = match r {
            Ok(_) => 200,
            Err(e) => match e.http_status() {
                Some(s) => s,
                None => return, // no answer at all: a replica killed mid-request
            },
        };
        *self.0.lock().unwrap().entry(status).or_default() += 1;
        if let Err(e) = r {
            assert!(status < 500, "a 5xx from a replica: {e}");
        }
    }
}

async fn status_map(client: &Client, seen: &Seen) -> HashMap<String, String> {
    let mut out = HashMap::new();
    let mut page = 1;
    loop {
        let r = client
            .describe_instances_status(&DescribeInstancesStatusRequest {
                page_size: Some(1000),
                page_num: Some(page),
                ..Default::default()
            })
            .await;
        seen.record(&r);
        let r = r.unwrap();
        let n = r.data_set.len();
        out.extend(
            r.data
                .data_set
                .into_iter()
                .map(|s| (s.instance_id, s.instance_status)),
        );
        if n < 1000 {
            return out;
        }
        page += 1;
    }
}

fn one(id: &str) -> InstanceBatchRequest {
    InstanceBatchRequest {
        instance_ids: Some(vec![id.to_owned()]),
        ..Default::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_replicas_behave_as_one_server_and_survive_a_kill() {
    let Some(db) = Database::create() else { return };
    let mut fleet = replicas(&db, 3);
    let clients: Vec<Client> = fleet.iter().map(Server::client).collect();
    let seen = Seen::default();

    // Created through each replica at once; each creation is seen through every replica by
    // the very next request.
    let mut creations = Vec::new();
    for (n, c) in clients.iter().enumerate() {
        let (c, all, seen) = (c.clone(), clients.clone(), seen.clone());
        creations.push(tokio::spawn(async move {
            let r = c.create_zec_instances(&create_request(10)).await;
            seen.record(&r);
            let ids = r.unwrap().data.instance_id_set;
            for (m, other) in all.iter().enumerate() {
                let r = other
                    .describe_instances_status(&DescribeInstancesStatusRequest {
                        instance_ids: Some(ids.clone()),
                        ..Default::default()
                    })
                    .await;
                seen.record(&r);
                assert_eq!(
                    r.unwrap().total_count,
                    10,
                    "made through replica {n}, not yet seen through replica {m}"
                );
            }
            ids
        }));
    }
    let mut ids = Vec::new();
    for c in creations {
        ids.extend(c.await.unwrap());
    }
    assert_eq!(ids.len(), 30);
    eventually(Duration::from_secs(20), || async {
        let m = status_map(&clients[1], &seen).await;
        (m.len() == 30 && m.values().all(|s| s == "RUNNING")).then_some(())
    })
    .await;

    // Conflicting actions on the same instance through two replicas at once: exactly one
    // wins, the other is told why.
    let mut expected: HashMap<String, &str> = HashMap::new();
    let mut races = Vec::new();
    for id in &ids[..10] {
        let (a, b, seen, id) = (
            clients[0].clone(),
            clients[1].clone(),
            seen.clone(),
            id.clone(),
        );
        races.push(tokio::spawn(async move {
            let (stop_req, reboot_req) = (one(&id), one(&id));
            let (stop, reboot) =
                tokio::join!(a.stop_instances(&stop_req), b.reboot_instances(&reboot_req));
            seen.record(&stop);
            seen.record(&reboot);
            let winner = match (&stop, &reboot) {
                (Ok(_), Err(e)) | (Err(e), Ok(_)) => {
                    assert!(e.code().starts_with("OPERATION_DENIED"), "{e}");
                    if stop.is_ok() { "STOPPED" } else { "RUNNING" }
                }
                _ => panic!("instance {id}: stop {stop:?}, reboot {reboot:?}"),
            };
            (id, winner)
        }));
    }
    for r in races {
        let (id, winner) = r.await.unwrap();
        expected.insert(id, winner);
    }

    // A credential made with the admin command beside the fleet works at once everywhere.
    let out = Command::new(env!("CARGO_BIN_EXE_zecd"))
        .args([
            "keys",
            "create",
            "--account",
            "default",
            "--database-url",
            &db.url,
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = String::from_utf8(out.stdout).unwrap();
    let field = |k: &str| {
        out.lines()
            .find_map(|l| l.strip_prefix(k))
            .unwrap()
            .to_owned()
    };
    let fresh = fleet[2].client_with(Credential::access_key(
        &field("ZENLAYERCLOUD_ACCESS_KEY_ID="),
        &field("ZENLAYERCLOUD_ACCESS_KEY_PASSWORD="),
    ));
    let r = fresh
        .describe_instances_status(&DescribeInstancesStatusRequest::default())
        .await;
    seen.record(&r);
    assert_eq!(r.unwrap().total_count, 30);

    // Replica 0 starts stopping ten instances and deploying five more, and is killed with
    // those transitions under way. The others finish them, on time.
    for id in &ids[10..20] {
        let r = clients[0].stop_instances(&one(id)).await;
        seen.record(&r);
        r.unwrap();
        expected.insert(id.clone(), "STOPPED");
    }
    let r = clients[0].create_zec_instances(&create_request(5)).await;
    seen.record(&r);
    let late = r.unwrap().data.instance_id_set;
    let killed_at = Instant::now();
    fleet[0].kill();
    for id in ids[20..].iter().chain(&late) {
        expected.insert(id.clone(), "RUNNING");
    }
    let survivors = &clients[1..];
    eventually(Duration::from_secs(15), || async {
        let m = status_map(&survivors[0], &seen).await;
        (m.len() == 35
            && expected
                .iter()
                .all(|(id, s)| m.get(id).map(String::as_str) == Some(s)))
        .then_some(())
    })
    .await;
    assert!(
        killed_at.elapsed() < Duration::from_secs(8),
        "transitions of the killed replica finished late: {:?}",
        killed_at.elapsed()
    );
    // Both survivors agree, and keep working.
    assert_eq!(
        status_map(&survivors[0], &seen).await,
        status_map(&survivors[1], &seen).await
    );
    let r = survivors[1].start_instances(&one(&ids[10])).await;
    seen.record(&r);
    r.unwrap();
    let statuses = seen.0.lock().unwrap().clone();
    assert!(statuses.keys().all(|s| *s < 500), "{statuses:?}");
    let _ = (KEY_ID, KEY_PASSWORD);
}
