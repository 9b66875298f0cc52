//! Several zecd replicas on one PostgreSQL database, as an operator runs them behind a load
//! balancer. Needs a PostgreSQL server (`ZECD_TEST_DATABASE_URL`, which `scripts/test` sets
//! up); skipped without one unless `ZECD_REQUIRE_POSTGRES` is set.

use crate::create_request;
use crate::harness::{Database, KEY_ID, KEY_PASSWORD, Options, Server, eventually};
use std::collections::HashMap;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use zec_sdk::model::{DescribeInstancesStatusRequest, InstanceBatchRequest};
use zec_sdk::{Client, Credential};

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

/// How long one create through `client` takes.
async fn timed_create(client: &Client) -> (Duration, Result<(), zec_sdk::Error>) {
    let started = Instant::now();
    let r = client.create_zec_instances(&create_request(1)).await;
    (started.elapsed(), r.map(|_| ()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_writer_stuck_while_holding_the_fleets_write_lock_is_ended_and_writes_resume() {
    let Some(db) = Database::create() else { return };
    let fleet = replicas(&db, 1);
    let client = fleet[0].client();
    client
        .create_zec_instances(&create_request(1))
        .await
        .unwrap();
    // A writer's session that takes the lock and then hangs while active (as one blocked on a
    // slow network is): PostgreSQL's idle timeout does not see it.
    let url = db.url.clone();
    let (locked_tx, locked_rx) = std::sync::mpsc::channel();
    let holder = std::thread::spawn(move || {
        let mut c: postgres::Config = url.parse().unwrap();
        c.application_name("zecd-writer");
        let mut c = c.connect(postgres::NoTls).unwrap();
        c.batch_execute("BEGIN; UPDATE log SET seq = seq + 1")
            .unwrap();
        locked_tx.send(()).unwrap();
        // Ended by the replica: this fails.
        c.batch_execute("SELECT pg_sleep(60)").is_err()
    });
    locked_rx.recv().unwrap();
    let (took, r) = timed_create(&client).await;
    r.expect("the write went through once the stuck holder was ended");
    assert!(took < Duration::from_secs(5), "took {took:?}");
    assert!(holder.join().unwrap(), "the stuck session was ended");
    // zecd's log is read from its stderr on a thread of its own: the line may trail the answer.
    crate::harness::eventually(Duration::from_secs(5), || async {
        fleet[0]
            .log()
            .contains("held the fleet's write lock too long")
            .then_some(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_replica_frozen_mid_write_holds_up_the_others_for_under_two_seconds() {
    let Some(db) = Database::create() else { return };
    let fleet = replicas(&db, 2);
    let (frozen, healthy) = (fleet[0].client(), fleet[1].client());
    for _ in 0..5 {
        // Replica 0 writes without pause, and is stopped (SIGSTOP) at some moment of it:
        // often in the middle of a transaction that holds the fleet's write lock.
        let load = {
            let c = frozen.clone();
            tokio::spawn(async move {
                loop {
                    let _ = c.create_zec_instances(&create_request(20)).await;
                }
            })
        };
        tokio::time::sleep(Duration::from_millis(300)).await;
        fleet[0].signal("STOP");
        tokio::time::sleep(Duration::from_millis(50)).await;
        let (took, r) = timed_create(&healthy).await;
        r.expect("writes on the healthy replica go on");
        assert!(
            took < Duration::from_millis(2500),
            "a write waited {took:?}"
        );
        load.abort();
        fleet[0].signal("CONT");
        // The frozen replica finds its session ended (if it had one open) and writes again.
        eventually(Duration::from_secs(10), || async {
            frozen.create_zec_instances(&create_request(1)).await.ok()
        })
        .await;
    }
    // Both agree on everything.
    let seen = Seen::default();
    assert_eq!(
        status_map(&frozen, &seen).await.len(),
        status_map(&healthy, &seen).await.len()
    );
}
