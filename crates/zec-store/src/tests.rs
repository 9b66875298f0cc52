//! The store as its users see it: writes, deadlines, restarts.

use super::*;
use zec_core::ManualClock;
use zec_core::create::plan;
use zec_types::InstanceStatus as S;
use zec_types::model::CreateZecInstancesRequest;

const START: Millis = 1_795_000_000_000;

struct Fixture {
    dir: tempfile::TempDir,
    clock: Arc<ManualClock>,
}

impl Fixture {
    fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
            clock: Arc::new(ManualClock::new(START)),
        }
    }

    /// The store, with accounts 1 and 2 (each with its default resource group).
    fn open(&self) -> Store {
        let store = self.open_bare();
        store
            .admin(|conn| {
                for name in ["one", "two"] {
                    if crate::sqlite::admin::find_account(conn, name).is_err() {
                        crate::sqlite::admin::create_account(conn, name)?;
                    }
                }
                Ok(())
            })
            .unwrap();
        store
    }

    fn open_bare(&self) -> Store {
        Store::open_sqlite(
            self.dir.path(),
            StoreOptions {
                clock: self.clock.clone(),
                timings: Timings::default(),
                catalog: Arc::new(Catalog::builtin()),
                faults: Default::default(),
            },
        )
        .unwrap()
    }
}

fn request(count: i64) -> CreateZecInstancesRequest {
    CreateZecInstancesRequest {
        zone_id: Some("asia-east-1a".into()),
        image_id: Some("ubuntu2404_20240712".into()),
        instance_type: Some("z2a.cpu.1".into()),
        subnet_id: Some("1272168087751233112".into()),
        password: Some("Passw0rd!".into()),
        instance_count: Some(count),
        internet_charge_type: Some("ByBandwidth".into()),
        ..Default::default()
    }
}

fn default_group(store: &Store, account: AccountId) -> String {
    store.directory().default_group(account).unwrap().id.clone()
}

async fn create(store: &Store, account: AccountId, count: i64) -> Vec<Instance> {
    let p = plan(
        &request(count),
        store.catalog(),
        account,
        &default_group(store, account),
    )
    .unwrap();
    store.create_instances(account, p).await.unwrap().instances
}

async fn statuses(store: &Store, account: AccountId) -> Vec<S> {
    store
        .describe_status(account, &InstanceQuery::default(), Page::ALL)
        .await
        .unwrap()
        .items
        .iter()
        .map(|r| r.status)
        .collect()
}

#[tokio::test]
async fn created_instances_deploy_until_their_time_comes() {
    let f = Fixture::new();
    let store = f.open();
    let made = create(&store, 1, 3).await;
    assert!(made.windows(2).all(|w| w[0].id < w[1].id));
    let ips: std::collections::HashSet<_> = made.iter().map(|i| i.private_ipv4).collect();
    assert_eq!(ips.len(), 3);
    assert!(made.iter().all(|i| i.public_ipv4.is_some()));
    assert_eq!(statuses(&store, 1).await, [S::Deploying; 3]);
    f.clock.advance(Duration::from_millis(2_999));
    store.settle_due().await.unwrap();
    assert_eq!(statuses(&store, 1).await, [S::Deploying; 3]);
    f.clock.advance(Duration::from_millis(1));
    // Visible at once, before the writer has written it down...
    assert_eq!(statuses(&store, 1).await, [S::Running; 3]);
    // ...and after.
    store.settle_due().await.unwrap();
    assert_eq!(statuses(&store, 1).await, [S::Running; 3]);
    assert!(statuses(&store, 2).await.is_empty());
}

#[tokio::test]
async fn everything_survives_a_restart_including_phases_under_way() {
    let f = Fixture::new();
    let store = f.open();
    let first = create(&store, 1, 2).await;
    f.clock.advance(Duration::from_secs(5));
    store.settle_due().await.unwrap();
    let second = create(&store, 1, 1).await;
    drop(store);
    let store = f.open();
    let listed = store
        .describe_instances(1, &InstanceQuery::default(), Page::ALL)
        .await
        .unwrap();
    let ids: Vec<u64> = listed.items.iter().map(|i| i.id).collect();
    assert_eq!(ids, [first[0].id, first[1].id, second[0].id]);
    assert_eq!(listed.items[0], first[0].clone().tap_settle(f.clock.now()));
    assert_eq!(
        statuses(&store, 1).await,
        [S::Running, S::Running, S::Deploying]
    );
    // The deadline was kept: the third instance finishes on time after the restart.
    f.clock.advance(Duration::from_secs(3));
    store.settle_due().await.unwrap();
    assert_eq!(statuses(&store, 1).await, [S::Running; 3]);
    // New ids keep growing after a restart, and addresses are not handed out twice.
    let third = create(&store, 1, 1).await;
    assert!(third[0].id > second[0].id);
    assert!(
        !first
            .iter()
            .chain(&second)
            .any(|i| i.private_ipv4 == third[0].private_ipv4)
    );
}

#[tokio::test]
async fn a_data_directory_serves_one_process_at_a_time() {
    let f = Fixture::new();
    let _store = f.open();
    let err = Store::open_sqlite(
        f.dir.path(),
        StoreOptions {
            clock: f.clock.clone(),
            timings: Timings::default(),
            catalog: Arc::new(Catalog::builtin()),
            faults: Default::default(),
        },
    )
    .err()
    .unwrap();
    assert!(err.to_string().contains("in use"), "{err}");
}

#[tokio::test]
async fn a_full_subnet_fails_the_whole_request_and_leaks_nothing() {
    let f = Fixture::new();
    let store = f.open();
    let mut catalog = Catalog::builtin();
    catalog.subnets[0].cidr = "10.16.0.0/29".parse().unwrap(); // 5 assignable addresses
    let small = |count| {
        let p = plan(&request(count), &catalog, 1, &default_group(&store, 1)).unwrap();
        store.create_instances(1, p)
    };
    small(3).await.unwrap();
    let err = small(3).await.unwrap_err();
    assert!(
        matches!(&err, StoreError::Api(e) if e.code == zec_types::ErrorCode::InvalidSubnetIpv4Insufficient),
        "{err}"
    );
    assert_eq!(statuses(&store, 1).await.len(), 3);
    small(2).await.unwrap();
    assert_eq!(store.subnet_usage(1, "1272168087751233112", None), 5);
}

trait TapSettle {
    fn tap_settle(self, now: Millis) -> Self;
}

impl TapSettle for Instance {
    fn tap_settle(mut self, now: Millis) -> Self {
        self.settle(now);
        self
    }
}

async fn operate(store: &Store, ids: &[u64], op: Operation, change: Change) -> Operated {
    store
        .operate(1, ids.to_vec(), op, change, None)
        .await
        .unwrap()
}

async fn status_of(store: &Store, id: u64) -> Option<S> {
    store.instance(1, id).map(|i| i.status)
}

#[tokio::test]
async fn operations_follow_the_lifecycle_table_and_denials_change_nothing() {
    let f = Fixture::new();
    let store = f.open();
    let ids: Vec<u64> = create(&store, 1, 2).await.iter().map(|i| i.id).collect();
    // Stop while DEPLOYING: denied, with the table's code, and nothing changes.
    let r = operate(&store, &ids, Operation::Stop, Change::None).await;
    assert!(r.outcomes.iter().all(|(_, o)| *o
        == Err((
            zec_types::ErrorCode::OperationDeniedInstanceNotRunning,
            S::Deploying
        ))));
    assert_eq!(status_of(&store, ids[0]).await, Some(S::Deploying));
    // Exactly when the deployment ends, a stop sees RUNNING: the due phase is settled first.
    f.clock.advance(Duration::from_secs(3));
    let r = operate(&store, &ids[..1], Operation::Stop, Change::None).await;
    assert_eq!(r.outcomes, vec![(ids[0], Ok(S::Stopping))]);
    assert_eq!(status_of(&store, ids[1]).await, Some(S::Running));
    f.clock.advance(Duration::from_secs(2));
    store.settle_due().await.unwrap();
    assert_eq!(status_of(&store, ids[0]).await, Some(S::Stopped));
    // A mixed batch: one allowed, one denied.
    let r = operate(
        &store,
        &ids,
        Operation::Reboot { force: false },
        Change::None,
    )
    .await;
    let denied = zec_types::ErrorCode::OperationDeniedInstanceStatus;
    assert_eq!(
        r.outcomes,
        vec![(ids[0], Err((denied, S::Stopped))), (ids[1], Ok(S::Reboot))]
    );
    // Starting what is already up is done already.
    f.clock.advance(Duration::from_secs(2));
    let r = operate(&store, &ids[1..], Operation::Start, Change::None).await;
    assert_eq!(r.outcomes, vec![(ids[1], Ok(S::Running))]);
}

#[tokio::test]
async fn an_unknown_or_foreign_id_fails_the_whole_batch() {
    let f = Fixture::new();
    let store = f.open();
    let mine = create(&store, 1, 1).await[0].id;
    let theirs = create(&store, 2, 1).await[0].id;
    f.clock.advance(Duration::from_secs(3));
    for bad in [theirs, 12345] {
        let err = store
            .operate(1, vec![mine, bad], Operation::Stop, Change::None, None)
            .await
            .unwrap_err();
        assert!(
            matches!(&err, StoreError::Api(e) if e.code == zec_types::ErrorCode::InvalidInstanceNotFound),
            "{err}"
        );
    }
    assert_eq!(status_of(&store, mine).await, Some(S::Running));
}

#[tokio::test]
async fn release_twice_purges_and_frees_the_address() {
    let f = Fixture::new();
    let store = f.open();
    let first = create(&store, 1, 1).await.remove(0);
    f.clock.advance(Duration::from_secs(3));
    operate(&store, &[first.id], Operation::Release, Change::None).await;
    assert_eq!(status_of(&store, first.id).await, Some(S::Releasing));
    f.clock.advance(Duration::from_secs(2));
    assert_eq!(status_of(&store, first.id).await, Some(S::Recycle));
    let r = operate(&store, &[first.id], Operation::Release, Change::None).await;
    assert_eq!(r.outcomes, vec![(first.id, Ok(S::Recycling))]);
    f.clock.advance(Duration::from_secs(2));
    // Gone from every read at once, then for good.
    assert_eq!(status_of(&store, first.id).await, None);
    assert_eq!(statuses(&store, 1).await, []);
    store.settle_due().await.unwrap();
    let err = store
        .operate(1, vec![first.id], Operation::Release, Change::None, None)
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Api(e) if e.code == zec_types::ErrorCode::InvalidInstanceNotFound)
    );
    assert_eq!(store.subnet_usage(1, "1272168087751233112", None), 0);
    let mut req = request(1);
    req.lan_ip = Some(first.private_ipv4.to_string());
    let p = plan(&req, store.catalog(), 1, &default_group(&store, 1)).unwrap();
    let again = store.create_instances(1, p).await.unwrap();
    assert_eq!(
        again.instances[0].private_ipv4, first.private_ipv4,
        "the freed address can be had again"
    );
    drop(store);
    // The purge is durable.
    let store = f.open();
    assert_eq!(status_of(&store, first.id).await, None);
}

#[tokio::test]
async fn a_reinstall_can_be_made_to_fail_and_phases_under_way_survive_a_restart() {
    let f = Fixture::new();
    let store = f.open();
    let ids: Vec<u64> = create(&store, 1, 2).await.iter().map(|i| i.id).collect();
    f.clock.advance(Duration::from_secs(3));
    operate(&store, &ids, Operation::Stop, Change::None).await;
    f.clock.advance(Duration::from_secs(2));
    let reinstall = zec_core::change::Reinstall {
        image_id: "debian12_20251225".into(),
        image_name: "Debian 12".into(),
        time_zone: "UTC".into(),
        enable_agent: true,
        key_id: None,
        name: "rebuilt".into(),
    };
    // The next rebuild fails; a refused reinstall (of a running instance) spends nothing.
    let rule = "[[failures]]\nphase = \"rebuild\"\ncount = 1";
    *store.faults().lock().unwrap() = Faults::from_toml(rule, |_| true).unwrap();
    let running = create(&store, 1, 1).await[0].id;
    f.clock.advance(Duration::from_secs(3));
    let refused = operate(
        &store,
        &[running],
        Operation::Reinstall,
        Change::Reinstall(Box::new(reinstall.clone())),
    )
    .await;
    assert!(refused.outcomes[0].1.is_err());
    operate(
        &store,
        &ids[..1],
        Operation::Reinstall,
        Change::Reinstall(Box::new(reinstall.clone())),
    )
    .await;
    operate(
        &store,
        &ids[1..],
        Operation::Reinstall,
        Change::Reinstall(Box::new(reinstall)),
    )
    .await;
    let i = store.instance(1, ids[0]).unwrap();
    assert_eq!(
        (i.status, i.image_name.as_str(), i.name.as_str()),
        (S::Rebuilding, "Debian 12", "rebuilt")
    );
    drop(store);
    let store = f.open();
    f.clock.advance(Duration::from_millis(3_999));
    assert_eq!(status_of(&store, ids[0]).await, Some(S::Rebuilding));
    f.clock.advance(Duration::from_millis(1));
    store.settle_due().await.unwrap();
    assert_eq!(status_of(&store, ids[0]).await, Some(S::ReinstallFailed));
    assert_eq!(status_of(&store, ids[1]).await, Some(S::Running));
}

#[tokio::test]
async fn resource_groups_are_made_renamed_and_deleted_only_when_empty() {
    let f = Fixture::new();
    let store = f.open();
    let account = store
        .admin(|conn| crate::sqlite::admin::create_account(conn, "team"))
        .unwrap()
        .id;
    let default = store.directory().default_group(account).unwrap().clone();
    let g = store.create_group(account, "web".into()).await.unwrap();
    assert_eq!(store.directory().group(account, &g.id).unwrap().name, "web");
    let dup = store.create_group(account, "web".into()).await.unwrap_err();
    assert!(
        matches!(dup, StoreError::Api(e) if e.code == zec_types::ErrorCode::InvalidParameterValue)
    );
    store
        .rename_group(account, g.id.clone(), "frontend".into())
        .await
        .unwrap();
    // Move an instance in: now the group cannot be deleted.
    let p = plan(&request(1), store.catalog(), account, &default.id).unwrap();
    let id = store.create_instances(account, p).await.unwrap().instances[0].id;
    store
        .operate(
            account,
            vec![id],
            Operation::ModifyAttributes,
            Change::ResourceGroup(g.id.as_str().into()),
            None,
        )
        .await
        .unwrap();
    let full = store.delete_group(account, g.id.clone()).await.unwrap_err();
    assert!(
        matches!(full, StoreError::Api(e) if e.code == zec_types::ErrorCode::OperationDeniedResourceGroupNotEmpty)
    );
    let scoped = store
        .operate(
            account,
            vec![id],
            Operation::Stop,
            Change::None,
            Some(vec![default.id.as_str().into()]),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(scoped, StoreError::Api(e) if e.code == zec_types::ErrorCode::AuthFailureUnauthorizedOperation)
    );
    store
        .operate(
            account,
            vec![id],
            Operation::ModifyAttributes,
            Change::ResourceGroup(default.id.as_str().into()),
            None,
        )
        .await
        .unwrap();
    store.delete_group(account, g.id.clone()).await.unwrap();
    let gone = store
        .operate(
            account,
            vec![id],
            Operation::ModifyAttributes,
            Change::ResourceGroup(g.id.as_str().into()),
            None,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(gone, StoreError::Api(e) if e.code == zec_types::ErrorCode::OperationFailedResourceGroupNotFound)
    );
    let default_delete = store
        .delete_group(account, default.id.clone())
        .await
        .unwrap_err();
    assert!(
        matches!(default_delete, StoreError::Api(e) if e.code == zec_types::ErrorCode::OperationDeniedDefaultResourceGroup)
    );
    drop(store);
    // Durable.
    let store = f.open();
    assert!(store.directory().group(account, &g.id).is_none());
    assert_eq!(store.directory().groups_of(account).len(), 1);
}
