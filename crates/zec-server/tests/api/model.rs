//! zecd against a model: random sequences of creates, lifecycle actions, clock moves and
//! restarts (graceful, `kill -9` at rest, and `kill -9` with writes in flight), on both
//! backends. The model holds only what zecd acknowledged; after every step zecd must show
//! exactly the model's world, except that a write cut off by a kill may or may not have
//! happened (and then the model learns which).

use crate::harness::{Database, Options, Server};
use rand::rngs::SmallRng;
use rand::{RngExt, SeedableRng};
use std::collections::BTreeMap;
use std::time::Duration;
use zec_core::lifecycle::{Effect, Operation, Phase, Target, Timings, apply};
use zec_sdk::Client;
use zec_sdk::model::{DescribeInstancesStatusRequest, InstanceBatchRequest};
use zec_types::{ErrorCode, InstanceStatus};

/// An instance as the model knows it: its status, and the phase under way.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Known {
    status: InstanceStatus,
    pending: Option<(Millis, Target)>,
}

type Millis = i64;

impl Known {
    fn status_at(&self, now: Millis) -> Option<InstanceStatus> {
        match self.pending {
            Some((due, Target::Status(s))) if due <= now => Some(s),
            Some((due, Target::Purged)) if due <= now => None,
            _ => Some(self.status),
        }
    }

    fn begin(&mut self, phase: Phase, now: Millis) {
        self.status = phase.status();
        self.pending = Some((now + Timings::default().millis(phase), phase.success()));
    }
}

#[derive(Default)]
struct Model {
    now: Millis,
    instances: BTreeMap<String, Known>,
}

impl Model {
    /// The statuses zecd must show now (purged instances are absent).
    fn expected(&self) -> BTreeMap<String, InstanceStatus> {
        self.instances
            .iter()
            .filter_map(|(id, k)| k.status_at(self.now).map(|s| (id.clone(), s)))
            .collect()
    }

    fn create(&mut self, id: String) {
        let mut k = Known {
            status: InstanceStatus::Deploying,
            pending: None,
        };
        k.begin(Phase::Deploy, self.now);
        self.instances.insert(id, k);
    }

    /// What zecd must answer to `op` on `ids` (spec §4.2), applied to the model if `commit`.
    fn operate(
        &mut self,
        op: Operation,
        ids: &[String],
        commit: bool,
    ) -> Result<Vec<String>, ErrorCode> {
        let now = self.now;
        let mut next = self.instances.clone();
        let mut seen = Vec::new();
        let mut failed = Vec::new();
        let mut first_denial = None;
        for id in ids {
            let Some(k) = next.get_mut(id).filter(|k| k.status_at(now).is_some()) else {
                return Err(ErrorCode::InvalidInstanceNotFound);
            };
            if seen.contains(id) {
                continue;
            }
            seen.push(id.clone());
            let status = k.status_at(now).unwrap();
            // Settle what was due.
            *k = Known {
                status,
                pending: k.pending.filter(|(due, _)| *due > now),
            };
            match apply(status, op) {
                Ok(Effect::Begin(phase)) => k.begin(phase, now),
                Ok(Effect::Unchanged) => {}
                Err(code) => {
                    first_denial.get_or_insert(code);
                    failed.push(id.clone());
                }
            }
        }
        if failed.len() == seen.len()
            && let Some(code) = first_denial
        {
            return Err(code);
        }
        if commit {
            self.instances = next;
        }
        Ok(failed)
    }
}

/// Every instance zecd lists, with its status.
async fn observed(client: &Client) -> BTreeMap<String, InstanceStatus> {
    let mut out = BTreeMap::new();
    for page in 1.. {
        let r = client
            .describe_instances_status(&DescribeInstancesStatusRequest {
                page_size: Some(1000),
                page_num: Some(page),
                ..Default::default()
            })
            .await
            .expect("DescribeInstancesStatus");
        let n = r.data_set.len();
        for s in &r.data.data_set {
            let status = InstanceStatus::parse(&s.instance_status).expect("a known status");
            out.insert(s.instance_id.clone(), status);
        }
        if n < 1000 {
            break;
        }
    }
    out
}

const OPS: [(Operation, &str); 5] = [
    (Operation::Start, "StartInstances"),
    (Operation::Stop, "StopInstances"),
    (Operation::Reboot { force: false }, "RebootInstances"),
    (Operation::Reboot { force: true }, "RebootInstances"),
    (Operation::Release, "ReleaseInstances"),
];

async fn send(
    client: &Client,
    op: Operation,
    ids: &[String],
) -> Result<Vec<String>, zec_sdk::Error> {
    let request = InstanceBatchRequest {
        instance_ids: Some(ids.to_vec()),
        force_reboot: matches!(op, Operation::Reboot { force: true }).then_some(true),
        ..Default::default()
    };
    let r = match op {
        Operation::Start => client.start_instances(&request).await,
        Operation::Stop => client.stop_instances(&request).await,
        Operation::Reboot { .. } => client.reboot_instances(&request).await,
        Operation::Release => client.release_instances(&request).await,
        _ => unreachable!(),
    };
    r.map(|r| r.data.instance_ids)
}

fn pick(rng: &mut SmallRng, model: &Model, n: usize) -> Vec<String> {
    let ids: Vec<&String> = model.instances.keys().collect();
    (0..n)
        .map(|_| ids[rng.random_range(0..ids.len())].clone())
        .collect()
}

/// One random run of `steps` steps on a fresh zecd.
async fn run(seed: u64, steps: usize, database: Option<&Database>) {
    let mut rng = SmallRng::seed_from_u64(seed);
    let mut args = vec!["--clock".to_owned(), "manual".to_owned()];
    if let Some(db) = database {
        args.extend(["--database-url".to_owned(), db.url.clone()]);
    }
    let mut server = Server::start_with(Options {
        args,
        ..Options::default()
    });
    let mut client = server.client();
    let clock: zec_sdk::Response<zec_sdk::model::ClockInfo> = client
        .call_admin("DescribeClock", &serde_json::json!({}))
        .await
        .unwrap();
    let mut model = Model {
        now: clock.data.now_millis,
        ..Model::default()
    };
    let context = |step: usize, what: &str| format!("seed {seed}, step {step}: {what}");
    for step in 0..steps {
        let roll = rng.random_range(0..100);
        let what;
        if roll < 20 || model.instances.is_empty() {
            let n = rng.random_range(1..=4);
            what = format!("create {n}");
            let r = client
                .create_zec_instances(&crate::create_request(n))
                .await
                .unwrap_or_else(|e| panic!("{}: {e}", context(step, &what)));
            for id in r.data.instance_id_set {
                model.create(id);
            }
        } else if roll < 65 {
            let (op, _) = OPS[rng.random_range(0..OPS.len())];
            let n = rng.random_range(1..=3);
            let ids = pick(&mut rng, &model, n);
            what = format!("{op:?} {ids:?}");
            let want = model.operate(op, &ids, true);
            let got = send(&client, op, &ids).await;
            match (&want, &got) {
                (Ok(w), Ok(g)) => assert_eq!(w, g, "{}", context(step, &what)),
                (Err(w), Err(g)) => assert_eq!(w.as_str(), g.code(), "{}", context(step, &what)),
                _ => panic!("{}: expected {want:?}, got {got:?}", context(step, &what)),
            }
        } else if roll < 85 {
            let ms = rng.random_range(0..4_000);
            what = format!("advance {ms}ms");
            server.advance(&format!("{ms}ms")).await;
            model.now += ms;
        } else if roll < 90 {
            what = "graceful restart".into();
            server.restart();
            client = server.client();
        } else if roll < 95 {
            what = "kill -9 at rest".into();
            server.crash_and_restart();
            client = server.client();
        } else {
            what = "kill -9 with writes in flight".into();
            in_flight_kill(&mut rng, &mut server, &mut model).await;
            client = server.client();
        }
        let got = observed(&client).await;
        let want = model.expected();
        assert_eq!(got, want, "{}", context(step, &what));
    }
}

/// Sends a burst of creates and stops, kills zecd while they are under way, and restarts it.
/// Every acknowledged write must be there; each unacknowledged one either happened whole or
/// not at all, and the model learns which.
async fn in_flight_kill(rng: &mut SmallRng, server: &mut Server, model: &mut Model) {
    let client = server.client();
    let targets: Vec<String> = model
        .expected()
        .into_iter()
        .filter(|(_, s)| *s == InstanceStatus::Running)
        .map(|(id, _)| id)
        .take(5)
        .collect();
    let mut stops = Vec::new();
    for id in &targets {
        let (c, id) = (client.clone(), id.clone());
        stops.push((
            id.clone(),
            tokio::spawn(async move { send(&c, Operation::Stop, &[id]).await }),
        ));
    }
    let mut creates = Vec::new();
    for _ in 0..rng.random_range(1..6) {
        let c = client.clone();
        creates.push(tokio::spawn(async move {
            c.create_zec_instances(&crate::create_request(3)).await
        }));
    }
    tokio::time::sleep(Duration::from_millis(rng.random_range(0..15))).await;
    server.crash_and_restart();
    let after = observed(&server.client()).await;
    for (id, task) in stops {
        let status = after.get(&id).copied();
        match task.await.unwrap() {
            Ok(_) => {
                model
                    .operate(Operation::Stop, std::slice::from_ref(&id), true)
                    .unwrap();
            }
            // Cut off: it happened or it did not.
            Err(e) => {
                assert!(e.http_status().is_none(), "an answer, not a cut: {e}");
                if status == Some(InstanceStatus::Stopping) {
                    model
                        .operate(Operation::Stop, std::slice::from_ref(&id), true)
                        .unwrap();
                } else {
                    assert_eq!(status, Some(InstanceStatus::Running), "{id}");
                }
            }
        }
    }
    for task in creates {
        if let Ok(Ok(r)) = task.await {
            for id in r.data.instance_id_set {
                assert!(after.contains_key(&id), "acknowledged create {id} was lost");
                model.create(id);
            }
        }
    }
    // What remains unknown to the model came from creates that were cut off: whole requests
    // of three, each DEPLOYING.
    let unknown: Vec<_> = after
        .iter()
        .filter(|(id, _)| !model.instances.contains_key(*id))
        .collect();
    assert_eq!(unknown.len() % 3, 0, "a create half applied: {unknown:?}");
    for (id, status) in unknown {
        assert_eq!(*status, InstanceStatus::Deploying, "{id}");
        model.create(id.clone());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_histories_on_sqlite_match_the_model() {
    if crate::harness::skip_unless_sqlite("the SQLite model run") {
        return;
    }
    for seed in 1..=6 {
        run(seed, 200, None).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_histories_on_postgresql_match_the_model() {
    for seed in 11..=14 {
        let Some(db) = Database::create() else { return };
        run(seed, 150, Some(&db)).await;
    }
}
