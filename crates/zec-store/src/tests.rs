//! The store as its users see it: writes, deadlines, restarts.

use super::*;
use std::time::Duration;
use zec_core::create::plan;
use zec_core::networks::CatalogNetworks;
use zec_core::{AccountId, Change, ManualClock, Millis, Operation, Page};
use zec_types::InstanceStatus as S;
use zec_types::model::CreateZecInstancesRequest;

const START: Millis = 1_795_000_000_000;

/// Each test runs on SQLite and on PostgreSQL (when the test database server is there; see
/// `ZECD_TEST_DATABASE_URL`).
macro_rules! on_every_backend {
    ($($name:ident),* $(,)?) => {
        mod on_sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name(super::Fixture::sqlite()).await
                }
            )*
        }
        mod on_postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    if let Some(f) = super::Fixture::postgres() {
                        super::$name(f).await
                    }
                }
            )*
        }
    };
}

on_every_backend!(
    created_instances_deploy_until_their_time_comes,
    everything_survives_a_restart_including_phases_under_way,
    a_full_subnet_fails_the_whole_request_and_leaks_nothing,
    operations_follow_the_lifecycle_table_and_denials_change_nothing,
    an_unknown_or_foreign_id_fails_the_whole_batch,
    release_twice_purges_and_frees_the_address,
    a_reinstall_can_be_made_to_fail_and_phases_under_way_survive_a_restart,
    resource_groups_are_made_renamed_and_deleted_only_when_empty,
    accounts_keys_and_tokens_are_kept_and_checked,
    a_manual_clock_is_written_down,
    the_writer_decides_on_networks_as_they_are_at_commit,
    networks_survive_a_restart_and_nics_follow_their_instances,
    disks_eips_and_nics_survive_a_restart_and_follow_a_purge,
    held_phases_end_only_by_guest_reports_and_end_on_time_once_unheld,
);

struct Fixture {
    _dir: tempfile::TempDir,
    clock: Arc<ManualClock>,
    backend: Backend,
    _database: Option<crate::testing::TestDatabase>,
}

impl Fixture {
    fn sqlite() -> Self {
        let dir = tempfile::tempdir().unwrap();
        Self {
            backend: Backend::Sqlite(dir.path().to_owned()),
            _dir: dir,
            clock: Arc::new(ManualClock::new(START)),
            _database: None,
        }
    }

    /// A fresh database on the test server, or `None` (the test is skipped) when there is
    /// none and none is required.
    fn postgres() -> Option<Self> {
        let db = crate::testing::TestDatabase::create()?;
        Some(Self {
            backend: Backend::Postgres(db.url.clone()),
            _dir: tempfile::tempdir().unwrap(),
            clock: Arc::new(ManualClock::new(START)),
            _database: Some(db),
        })
    }

    fn options(&self) -> StoreOptions {
        self.options_with(Timings::default())
    }

    fn options_with(&self, timings: Timings) -> StoreOptions {
        StoreOptions {
            clock: self.clock.clone(),
            timings,
            catalog: Arc::new(Catalog::builtin()),
            faults: Default::default(),
            pg: Default::default(),
        }
    }

    /// The store, with accounts 1 and 2 (each with its default resource group).
    async fn open(&self) -> Store {
        let store = self.open_bare();
        store
            .admin(|db| {
                for name in ["one", "two"] {
                    if crate::admin::find_account(db, name).is_err() {
                        crate::admin::create_account(db, name)?;
                    }
                }
                Ok(())
            })
            .await
            .unwrap();
        for account in [1, 2] {
            store.default_group(account).await.unwrap();
        }
        store
    }

    fn open_bare(&self) -> Store {
        Store::open(&self.backend, self.options()).unwrap()
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

async fn default_group(store: &Store, account: AccountId) -> String {
    store.default_group(account).await.unwrap().id
}

async fn create(store: &Store, account: AccountId, count: i64) -> Vec<Instance> {
    let p = plan(
        &request(count),
        store.catalog(),
        &CatalogNetworks::new(store.catalog()),
        account,
        &default_group(store, account).await,
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

/// Timings as with `--guests qemu`.
fn guest_timings() -> Timings {
    let mut t = Timings::default();
    for p in zec_core::Phase::ALL {
        if zec_core::guest::held_by_guest(p) {
            t.hold(p);
        }
    }
    t
}

async fn held_phases_end_only_by_guest_reports_and_end_on_time_once_unheld(f: Fixture) {
    use zec_core::guest::GuestEvent;
    let store = Store::open(&f.backend, f.options_with(guest_timings())).unwrap();
    store.default_group(1).await.unwrap();
    let made = create(&store, 1, 2).await;
    let (a, b) = (made[0].id, made[1].id);
    let deploy = made[0].pending.unwrap().key();
    // No clock ends a held phase.
    f.clock.advance(Duration::from_secs(3600)).unwrap();
    store.settle_due().await.unwrap();
    assert_eq!(statuses(&store, 1).await, [S::Deploying; 2]);
    // The guest booted: RUNNING.
    let now = store.guest_event(a, GuestEvent::Booted, Some(deploy)).await;
    assert_eq!(now.unwrap(), Some(S::Running));
    // A stop begun since makes news about the boot stale.
    store
        .operate(1, vec![a], Operation::Stop, Change::None, None)
        .await
        .unwrap();
    let stale = store.guest_event(a, GuestEvent::Booted, Some(deploy)).await;
    assert_eq!(stale.unwrap(), Some(S::Stopping));
    let stop = store.instance(1, a).unwrap().pending.unwrap().key();
    // A rename during the phase does not change which phase it is.
    store
        .operate(
            1,
            vec![a],
            Operation::ModifyAttributes,
            Change::Rename("x".into()),
            None,
        )
        .await
        .unwrap();
    assert_eq!(store.instance(1, a).unwrap().pending.unwrap().key(), stop);
    let off = store.guest_event(a, GuestEvent::Off, Some(stop)).await;
    assert_eq!(off.unwrap(), Some(S::Stopped));
    // A guest that goes off on its own while RUNNING is STOPPED; one RUNNING with no
    // machine boots again.
    let deploy_b = store.instance(1, b).unwrap().pending.unwrap().key();
    store
        .guest_event(b, GuestEvent::Booted, Some(deploy_b))
        .await
        .unwrap();
    let missing = store.guest_event(b, GuestEvent::Missing, None).await;
    assert_eq!(missing.unwrap(), Some(S::Booting));
    // The held phase survives a restart as it was ...
    drop(store);
    let store = Store::open(&f.backend, f.options_with(guest_timings())).unwrap();
    assert_eq!(store.unhold().await.unwrap(), 0);
    assert!(store.instance(1, b).unwrap().pending.unwrap().is_held());
    // ... and, opened without real guests, ends on its duration from when it began.
    drop(store);
    let store = f.open_bare();
    assert_eq!(store.unhold().await.unwrap(), 1);
    let p = store.instance(1, b).unwrap().pending;
    assert!(p.is_some_and(|p| !p.is_held()), "{p:?}");
    f.clock.advance(Duration::from_secs(2)).unwrap();
    store.settle_due().await.unwrap();
    assert_eq!(statuses(&store, 1).await, [S::Stopped, S::Running]);
}

async fn created_instances_deploy_until_their_time_comes(f: Fixture) {
    let store = f.open().await;
    let made = create(&store, 1, 3).await;
    assert!(made.windows(2).all(|w| w[0].id < w[1].id));
    let ips: std::collections::HashSet<_> = made.iter().map(|i| i.private_ipv4).collect();
    assert_eq!(ips.len(), 3);
    assert!(made.iter().all(|i| i.public_ipv4.is_some()));
    assert_eq!(statuses(&store, 1).await, [S::Deploying; 3]);
    f.clock.advance(Duration::from_millis(2_999)).unwrap();
    store.settle_due().await.unwrap();
    assert_eq!(statuses(&store, 1).await, [S::Deploying; 3]);
    f.clock.advance(Duration::from_millis(1)).unwrap();
    // Visible at once, before the writer has written it down...
    assert_eq!(statuses(&store, 1).await, [S::Running; 3]);
    // ...and after.
    store.settle_due().await.unwrap();
    assert_eq!(statuses(&store, 1).await, [S::Running; 3]);
    assert!(statuses(&store, 2).await.is_empty());
}

async fn everything_survives_a_restart_including_phases_under_way(f: Fixture) {
    let store = f.open().await;
    let first = create(&store, 1, 2).await;
    f.clock.advance(Duration::from_secs(5)).unwrap();
    store.settle_due().await.unwrap();
    let second = create(&store, 1, 1).await;
    drop(store);
    let store = f.open().await;
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
    f.clock.advance(Duration::from_secs(3)).unwrap();
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
    let f = Fixture::sqlite();
    let _store = f.open().await;
    let err = Store::open(&f.backend, f.options()).err().unwrap();
    assert!(err.to_string().contains("in use"), "{err}");
}

async fn a_full_subnet_fails_the_whole_request_and_leaks_nothing(f: Fixture) {
    let mut catalog = Catalog::builtin();
    catalog.subnets[0].cidr = "10.16.0.0/29".parse().unwrap(); // 5 assignable addresses
    let store = Store::open(
        &f.backend,
        StoreOptions {
            catalog: Arc::new(catalog.clone()),
            ..f.options()
        },
    )
    .unwrap();
    let group = default_group(&store, 1).await;
    let small = |count| {
        let p = plan(
            &request(count),
            &catalog,
            &CatalogNetworks::new(&catalog),
            1,
            &group,
        )
        .unwrap();
        store.create_instances(1, p)
    };
    small(3).await.unwrap();
    let err = small(3).await.unwrap_err();
    assert!(
        matches!(&err, StoreError::Refused(e) if e.code == zec_types::ErrorCode::InvalidSubnetIpv4Insufficient),
        "{err}"
    );
    assert_eq!(statuses(&store, 1).await.len(), 3);
    small(2).await.unwrap();
    assert_eq!(
        store
            .view(1)
            .await
            .unwrap()
            .usage("subnetId", "1272168087751233112", None),
        5
    );
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

async fn operations_follow_the_lifecycle_table_and_denials_change_nothing(f: Fixture) {
    let store = f.open().await;
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
    f.clock.advance(Duration::from_secs(3)).unwrap();
    let r = operate(&store, &ids[..1], Operation::Stop, Change::None).await;
    assert_eq!(r.outcomes, vec![(ids[0], Ok(S::Stopping))]);
    assert_eq!(status_of(&store, ids[1]).await, Some(S::Running));
    f.clock.advance(Duration::from_secs(2)).unwrap();
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
    f.clock.advance(Duration::from_secs(2)).unwrap();
    let r = operate(&store, &ids[1..], Operation::Start, Change::None).await;
    assert_eq!(r.outcomes, vec![(ids[1], Ok(S::Running))]);
}

async fn an_unknown_or_foreign_id_fails_the_whole_batch(f: Fixture) {
    let store = f.open().await;
    let mine = create(&store, 1, 1).await[0].id;
    let theirs = create(&store, 2, 1).await[0].id;
    f.clock.advance(Duration::from_secs(3)).unwrap();
    for bad in [theirs, 12345] {
        let err = store
            .operate(1, vec![mine, bad], Operation::Stop, Change::None, None)
            .await
            .unwrap_err();
        assert!(
            matches!(&err, StoreError::Refused(e) if e.code == zec_types::ErrorCode::InvalidInstanceNotFound),
            "{err}"
        );
    }
    assert_eq!(status_of(&store, mine).await, Some(S::Running));
}

async fn release_twice_purges_and_frees_the_address(f: Fixture) {
    let store = f.open().await;
    let first = create(&store, 1, 1).await.remove(0);
    f.clock.advance(Duration::from_secs(3)).unwrap();
    operate(&store, &[first.id], Operation::Release, Change::None).await;
    assert_eq!(status_of(&store, first.id).await, Some(S::Releasing));
    f.clock.advance(Duration::from_secs(2)).unwrap();
    assert_eq!(status_of(&store, first.id).await, Some(S::Recycle));
    let r = operate(&store, &[first.id], Operation::Release, Change::None).await;
    assert_eq!(r.outcomes, vec![(first.id, Ok(S::Recycling))]);
    f.clock.advance(Duration::from_secs(2)).unwrap();
    // Gone from every read at once, then for good.
    assert_eq!(status_of(&store, first.id).await, None);
    assert_eq!(statuses(&store, 1).await, []);
    store.settle_due().await.unwrap();
    let err = store
        .operate(1, vec![first.id], Operation::Release, Change::None, None)
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Refused(e) if e.code == zec_types::ErrorCode::InvalidInstanceNotFound)
    );
    assert_eq!(
        store
            .view(1)
            .await
            .unwrap()
            .usage("subnetId", "1272168087751233112", None),
        0
    );
    let mut req = request(1);
    req.lan_ip = Some(first.private_ipv4.to_string());
    let p = plan(
        &req,
        store.catalog(),
        &CatalogNetworks::new(store.catalog()),
        1,
        &default_group(&store, 1).await,
    )
    .unwrap();
    let again = store.create_instances(1, p).await.unwrap();
    assert_eq!(
        again.instances[0].private_ipv4, first.private_ipv4,
        "the freed address can be had again"
    );
    drop(store);
    // The purge is durable.
    let store = f.open().await;
    assert_eq!(status_of(&store, first.id).await, None);
}

async fn a_reinstall_can_be_made_to_fail_and_phases_under_way_survive_a_restart(f: Fixture) {
    let store = f.open().await;
    let ids: Vec<u64> = create(&store, 1, 2).await.iter().map(|i| i.id).collect();
    f.clock.advance(Duration::from_secs(3)).unwrap();
    operate(&store, &ids, Operation::Stop, Change::None).await;
    f.clock.advance(Duration::from_secs(2)).unwrap();
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
    f.clock.advance(Duration::from_secs(3)).unwrap();
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
        (i.status, i.image_name.as_str(), &*i.name),
        (S::Rebuilding, "Debian 12", "rebuilt")
    );
    drop(store);
    let store = f.open().await;
    f.clock.advance(Duration::from_millis(3_999)).unwrap();
    assert_eq!(status_of(&store, ids[0]).await, Some(S::Rebuilding));
    f.clock.advance(Duration::from_millis(1)).unwrap();
    store.settle_due().await.unwrap();
    assert_eq!(status_of(&store, ids[0]).await, Some(S::ReinstallFailed));
    assert_eq!(status_of(&store, ids[1]).await, Some(S::Running));
}

async fn resource_groups_are_made_renamed_and_deleted_only_when_empty(f: Fixture) {
    let store = f.open().await;
    let account = store
        .admin(|db| crate::admin::create_account(db, "team"))
        .await
        .unwrap()
        .id;
    let default = store.default_group(account).await.unwrap();
    let g = store.create_group(account, "web".into()).await.unwrap();
    assert_eq!(store.group(account, &g.id).unwrap().name, "web");
    let dup = store.create_group(account, "web".into()).await.unwrap_err();
    assert!(
        matches!(dup, StoreError::Refused(e) if e.code == zec_types::ErrorCode::InvalidParameterValue)
    );
    store
        .rename_group(account, g.id.clone(), "frontend".into())
        .await
        .unwrap();
    // Move an instance in: now the group cannot be deleted.
    let p = plan(
        &request(1),
        store.catalog(),
        &CatalogNetworks::new(store.catalog()),
        account,
        &default.id,
    )
    .unwrap();
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
        matches!(full, StoreError::Refused(e) if e.code == zec_types::ErrorCode::OperationDeniedResourceGroupNotEmpty)
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
        matches!(scoped, StoreError::Refused(e) if e.code == zec_types::ErrorCode::AuthFailureUnauthorizedOperation)
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
        matches!(gone, StoreError::Refused(e) if e.code == zec_types::ErrorCode::OperationFailedResourceGroupNotFound)
    );
    let default_delete = store
        .delete_group(account, default.id.clone())
        .await
        .unwrap_err();
    assert!(
        matches!(default_delete, StoreError::Refused(e) if e.code == zec_types::ErrorCode::OperationDeniedDefaultResourceGroup)
    );
    drop(store);
    // Durable.
    let store = f.open().await;
    assert!(store.group(account, &g.id).is_none());
    assert_eq!(store.groups_of(account).len(), 1);
}

async fn accounts_keys_and_tokens_are_kept_and_checked(f: Fixture) {
    use crate::admin::*;
    let store = f.open().await;
    let out = store
        .admin(|db| {
            let a = ensure_default_account(db)?;
            assert_eq!(ensure_default_account(db)?, a, "made once");
            let dup = create_account(db, "one").unwrap_err();
            assert!(dup.to_string().contains("already exists"), "{dup}");
            assert!(create_account(db, " ").is_err());
            let one = find_account(db, "one")?;
            let names: Vec<_> = list_accounts(db)?.into_iter().map(|a| a.name).collect();
            assert_eq!(names, ["one", "two", DEFAULT_ACCOUNT]);
            // A scope may only name the account's own groups.
            let theirs = db
                .groups()?
                .into_iter()
                .find(|g| g.account != one.id)
                .unwrap();
            let scope = Scope {
                read_only: true,
                groups: vec![theirs.id.clone()],
            };
            assert!(create_key(db, one.id, false, scope).is_err());
            let key = create_key(
                db,
                one.id,
                false,
                Scope {
                    read_only: true,
                    groups: vec![],
                },
            )?;
            ensure_key(db, one.id, "ROOTKEY", "first")?;
            ensure_key(db, one.id, "ROOTKEY", "second")?;
            assert_eq!(count_keys(db)?, 2);
            let (token, secret) = create_token(db, one.id, "ci", Scope::default())?;
            assert!(secret.starts_with("pat_") && secret.len() == 68);
            assert_eq!(list_tokens(db, one.id)?.len(), 1);
            assert!(
                delete_key(db, a.id, &key.id).is_err(),
                "another account's key"
            );
            Ok((one.id, key, token, secret))
        })
        .await
        .unwrap();
    let (one, key, token, secret) = out;
    let d = store.directory();
    assert_eq!(d.key(&key.id).unwrap().account, one);
    assert!(d.key(&key.id).unwrap().scope.read_only);
    assert_eq!(d.key("ROOTKEY").unwrap().secret, "second");
    assert!(d.key("ROOTKEY").unwrap().root);
    assert_eq!(d.token(&secret).unwrap().id, token.id);
    assert!(d.token("pat_0000").is_none());
    let key_id = key.id.clone();
    store
        .admin(move |db| {
            delete_key(db, one, &key_id)?;
            delete_token(db, one, &token.id)
        })
        .await
        .unwrap();
    assert!(store.directory().key(&key.id).is_none());
    assert!(store.directory().token(&secret).is_none());
    drop(store);
    let store = f.open().await;
    assert_eq!(store.directory().key("ROOTKEY").unwrap().secret, "second");
}

async fn a_manual_clock_is_written_down(f: Fixture) {
    let store = f.open().await;
    f.clock.advance(Duration::from_secs(90)).unwrap();
    store.settle_and_record_clock().await.unwrap();
    drop(store);
    let backend = f.backend.clone();
    let recorded = std::thread::spawn(move || {
        crate::admin::manual_clock_time(&mut *backend.admin().unwrap()).unwrap()
    })
    .join()
    .unwrap();
    assert_eq!(recorded, Some(START + 90_000));
}

/// Replicas: several stores on one PostgreSQL database.
mod replicas {
    use super::*;
    use zec_types::ErrorCode;

    async fn pair() -> Option<(Fixture, Store, Store)> {
        let f = Fixture::postgres()?;
        let a = f.open().await;
        let b = f.open_bare();
        Some((f, a, b))
    }

    #[tokio::test]
    async fn a_write_through_one_is_read_through_the_other_at_once() {
        let Some((_f, a, b)) = pair().await else {
            return;
        };
        let made = create(&a, 1, 3).await;
        let g = a.create_group(1, "web".into()).await.unwrap();
        // No waiting: the next request to the other replica sees it.
        b.sync().await.unwrap();
        let seen: Vec<u64> = b
            .describe_instances(1, &InstanceQuery::default(), Page::ALL)
            .await
            .unwrap()
            .items
            .iter()
            .map(|i| i.id)
            .collect();
        assert_eq!(seen, made.iter().map(|i| i.id).collect::<Vec<_>>());
        assert_eq!(b.group(1, &g.id).unwrap().name, "web");
        // And the other way round, with ids and addresses never handed out twice.
        let more = create(&b, 1, 3).await;
        a.sync().await.unwrap();
        assert_eq!(statuses(&a, 1).await.len(), 6);
        let all: Vec<&Instance> = made.iter().chain(&more).collect();
        let ids: std::collections::HashSet<_> = all.iter().map(|i| i.id).collect();
        let ips: std::collections::HashSet<_> = all.iter().map(|i| i.private_ipv4).collect();
        assert_eq!((ids.len(), ips.len()), (6, 6));
        // Each replica holds a replica number of its own, which its ids carry.
        let node = |i: &Instance| (i.id >> 12) & 1023;
        assert!(made.iter().all(|i| node(i) == node(&made[0])));
        assert!(more.iter().all(|i| node(i) != node(&made[0])));
    }

    #[tokio::test]
    async fn conflicting_actions_on_two_replicas_end_in_an_allowed_state() {
        let Some((f, a, b)) = pair().await else {
            return;
        };
        let ids: Vec<u64> = create(&a, 1, 20).await.iter().map(|i| i.id).collect();
        f.clock.advance(Duration::from_secs(3)).unwrap();
        // The same instances stopped through one replica and rebooted through the other,
        // at the same moment: each instance takes exactly one of the two, and the loser is
        // told why.
        let (stop, reboot) = tokio::join!(
            a.operate(1, ids.clone(), Operation::Stop, Change::None, None),
            b.operate(
                1,
                ids.clone(),
                Operation::Reboot { force: false },
                Change::None,
                None
            ),
        );
        let (stop, reboot) = (stop.unwrap(), reboot.unwrap());
        for (n, id) in ids.iter().enumerate() {
            let s = &stop.outcomes[n].1;
            let r = &reboot.outcomes[n].1;
            match (s, r) {
                (
                    Ok(S::Stopping),
                    Err((ErrorCode::OperationDeniedInstanceNotRunning, S::Stopping)),
                )
                | (Ok(S::Stopping), Err((ErrorCode::OperationDeniedInstanceStatus, S::Stopping))) =>
                    {}
                (Err((_, S::Reboot)), Ok(S::Reboot)) => {}
                other => panic!("instance {id}: {other:?}"),
            }
        }
        a.sync().await.unwrap();
        b.sync().await.unwrap();
        for id in &ids {
            assert_eq!(
                a.instance(1, *id).map(|i| i.status),
                b.instance(1, *id).map(|i| i.status)
            );
        }
    }

    #[tokio::test]
    async fn a_replica_that_dies_leaves_its_transitions_to_the_others() {
        let Some((f, a, b)) = pair().await else {
            return;
        };
        let ids: Vec<u64> = create(&a, 1, 5).await.iter().map(|i| i.id).collect();
        f.clock.advance(Duration::from_secs(3)).unwrap();
        a.operate(1, ids[..2].to_vec(), Operation::Stop, Change::None, None)
            .await
            .unwrap();
        drop(a);
        f.clock.advance(Duration::from_secs(2)).unwrap();
        b.settle_due().await.unwrap();
        // Written down by the survivor: a third replica started now agrees.
        let c = f.open_bare();
        c.sync().await.unwrap();
        for store in [&b, &c] {
            let got: Vec<_> = ids
                .iter()
                .map(|id| store.instance(1, *id).unwrap().status)
                .collect();
            assert_eq!(
                got,
                [S::Stopped, S::Stopped, S::Running, S::Running, S::Running]
            );
            let stored = store.instance(1, ids[0]).unwrap();
            assert!(
                stored.pending.is_none(),
                "settled, not only computed: {stored:?}"
            );
        }
    }

    #[tokio::test]
    async fn a_transition_is_settled_once_however_many_replicas_race_for_it() {
        let Some((f, a, b)) = pair().await else {
            return;
        };
        let c = f.open_bare();
        let made = create(&a, 1, 50).await;
        b.sync().await.unwrap();
        c.sync().await.unwrap();
        let head = |f: &Fixture| {
            let Backend::Postgres(url) = f.backend.clone() else {
                unreachable!()
            };
            std::thread::spawn(move || {
                let mut c = ::postgres::Client::connect(&url, ::postgres::NoTls).unwrap();
                let seq: i64 = c.query_one("SELECT seq FROM log", &[]).unwrap().get(0);
                let rows: i64 = c
                    .query_one(
                        "SELECT count(*) FROM instances WHERE seq = (SELECT seq FROM log)",
                        &[],
                    )
                    .unwrap()
                    .get(0);
                (seq, rows)
            })
            .join()
            .unwrap()
        };
        let (before, _) = head(&f);
        f.clock.advance(Duration::from_secs(3)).unwrap();
        let (x, y, z) = tokio::join!(a.settle_due(), b.settle_due(), c.settle_due());
        x.unwrap();
        y.unwrap();
        z.unwrap();
        // One commit settled all fifty; the other replicas found nothing left to do.
        let (after, rows) = head(&f);
        assert_eq!((after - before, rows), (1, 50));
        for store in [&a, &b, &c] {
            store.sync().await.unwrap();
            assert!(
                made.iter()
                    .all(|i| store.instance(1, i.id).unwrap().pending.is_none())
            );
        }
    }

    #[tokio::test]
    async fn a_replica_too_far_behind_reloads_everything() {
        let Some((f, a, _b)) = pair().await else {
            return;
        };
        let made = create(&a, 1, 3).await;
        f.clock.advance(Duration::from_secs(3)).unwrap();
        // Enough commits, with deletions, for old tombstones to be pruned.
        for id in [made[0].id, made[1].id] {
            for _ in 0..2 {
                a.operate(1, vec![id], Operation::Release, Change::None, None)
                    .await
                    .unwrap();
                f.clock.advance(Duration::from_secs(2)).unwrap();
                a.settle_due().await.unwrap();
            }
        }
        for _ in 0..8 {
            a.operate(
                1,
                vec![made[2].id],
                Operation::ModifyAttributes,
                Change::None,
                None,
            )
            .await
            .unwrap();
        }
        let Backend::Postgres(url) = f.backend.clone() else {
            unreachable!()
        };
        let catalog = a.catalog().clone();
        let (from_start, up_to_date) = std::thread::spawn(move || {
            let mut o = crate::backend::postgres::open(&url, catalog, &Default::default()).unwrap();
            let follow = o.follow.as_mut().unwrap();
            (follow.poll(0).unwrap(), follow.poll(o.seq).unwrap())
        })
        .join()
        .unwrap();
        match from_start {
            crate::core::CatchUp::Reload { loaded, .. } => {
                let instances = &loaded.indexes.instances;
                assert!(instances.by_id(made[2].id).is_some());
                assert!(instances.by_id(made[0].id).is_none());
                assert!(instances.by_id(made[1].id).is_none());
                let groups = [1, 2].map(|a| loaded.indexes.groups.of_account(a).count());
                assert_eq!(groups, [1, 1], "the two accounts' default groups");
            }
            _ => panic!("a replica behind the pruned tombstones must reload"),
        }
        assert!(matches!(up_to_date, crate::core::CatchUp::Nothing));
    }

    #[tokio::test]
    async fn a_replica_whose_connections_are_cut_reconnects() {
        let Some((f, a, b)) = pair().await else {
            return;
        };
        let first = create(&a, 1, 2).await;
        let Backend::Postgres(url) = f.backend.clone() else {
            unreachable!()
        };
        std::thread::spawn(move || {
            let mut c = ::postgres::Client::connect(&url, ::postgres::NoTls).unwrap();
            c.batch_execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                 WHERE datname = current_database() AND pid <> pg_backend_pid()",
            )
            .unwrap();
        })
        .join()
        .unwrap();
        // A request that meets a dead connection may fail (and is told so); the next one
        // works, on a new connection that holds the replica number again.
        let mut made = None;
        for _ in 0..3 {
            let p = plan(
                &request(2),
                a.catalog(),
                &CatalogNetworks::new(a.catalog()),
                1,
                &default_group(&a, 1).await,
            )
            .unwrap();
            match a.create_instances(1, p).await {
                Ok(c) => {
                    made = Some(c.instances);
                    break;
                }
                Err(e) => assert!(matches!(e, StoreError::Unavailable(_)), "{e}"),
            }
        }
        let made = made.expect("the writer reconnects");
        assert_eq!((made[0].id >> 12) & 1023, (first[0].id >> 12) & 1023);
        let mut seen = None;
        for _ in 0..3 {
            if b.sync().await.is_ok() {
                seen = Some(statuses(&b, 1).await.len());
                break;
            }
        }
        assert_eq!(seen, Some(4), "the other replica's follower reconnects");
    }
}

/// A VPC (172.16.0.0/16) and a subnet (172.16.1.0/24, asia-east-1) of the account.
async fn own_network(store: &Store, account: AccountId) -> (Vpc, Subnet) {
    use crate::network::{NewSubnet, NewVpc};
    let group = default_group(store, account).await;
    let vpc = store
        .create_vpc(
            account,
            NewVpc {
                name: "app".into(),
                cidr: "172.16.0.0/16".parse().unwrap(),
                mtu: 1500,
                ipv6: false,
                resource_group_id: group,
                tags: Vec::new(),
            },
        )
        .await
        .unwrap();
    let subnet = store
        .create_subnet(
            account,
            NewSubnet {
                vpc_id: vpc.id.clone(),
                name: "app-a".into(),
                region_id: "asia-east-1".into(),
                cidr: Some("172.16.1.0/24".parse().unwrap()),
                ipv6_type: None,
            },
            None,
        )
        .await
        .unwrap();
    (vpc, subnet)
}

fn refused_with(e: StoreError, code: zec_types::ErrorCode) {
    assert!(
        matches!(&e, StoreError::Refused(a) if a.code == code),
        "{e}"
    );
}

async fn the_writer_decides_on_networks_as_they_are_at_commit(f: Fixture) {
    use zec_types::ErrorCode as C;
    let store = f.open().await;
    let (_, subnet) = own_network(&store, 1).await;
    let group = default_group(&store, 1).await;
    let mut req = request(1);
    req.subnet_id = Some(subnet.id.clone());
    // Planned while the subnet is there; committed after it went.
    let p = {
        let view = store.view(1).await.unwrap();
        plan(&req, store.catalog(), &view, 1, &group).unwrap()
    };
    store
        .delete_subnet(1, subnet.id.clone(), None)
        .await
        .unwrap();
    refused_with(
        store.create_instances(1, p).await.unwrap_err(),
        C::InvalidSubnetNotFound,
    );
    assert!(statuses(&store, 1).await.is_empty());

    // A lanIp planned in the old block of a subnet whose block changed since.
    let (_, subnet) = {
        let vpc = store
            .view(1)
            .await
            .unwrap()
            .vpcs(&[], |_| true, Page::ALL)
            .items
            .iter()
            .find(|v| v.account == 1)
            .map(|v| (*v).clone())
            .unwrap();
        let subnet = store
            .create_subnet(
                1,
                crate::network::NewSubnet {
                    vpc_id: vpc.id.clone(),
                    name: "app-b".into(),
                    region_id: "asia-east-1".into(),
                    cidr: Some("172.16.2.0/24".parse().unwrap()),
                    ipv6_type: None,
                },
                None,
            )
            .await
            .unwrap();
        (vpc, subnet)
    };
    let mut req = request(1);
    req.subnet_id = Some(subnet.id.clone());
    req.lan_ip = Some("172.16.2.200".into());
    let p = {
        let view = store.view(1).await.unwrap();
        plan(&req, store.catalog(), &view, 1, &group).unwrap()
    };
    store
        .modify_subnet(
            1,
            subnet.id.clone(),
            None,
            Some("172.16.2.0/25".parse().unwrap()),
            None,
        )
        .await
        .unwrap();
    refused_with(
        store.create_instances(1, p).await.unwrap_err(),
        C::InvalidIpOutOfRange,
    );

    // A security group deleted between the plan and the commit.
    let sg = store
        .create_security_group(1, "temp".into(), Vec::new())
        .await
        .unwrap();
    let mut req = request(1);
    req.subnet_id = Some(subnet.id.clone());
    req.security_group_id = Some(sg.id.clone());
    let p = {
        let view = store.view(1).await.unwrap();
        plan(&req, store.catalog(), &view, 1, &group).unwrap()
    };
    store.delete_security_group(1, sg.id.clone()).await.unwrap();
    refused_with(
        store.create_instances(1, p).await.unwrap_err(),
        C::InvalidSecurityGroupNotFound,
    );
    assert!(statuses(&store, 1).await.is_empty());
}

async fn networks_survive_a_restart_and_nics_follow_their_instances(f: Fixture) {
    let store = f.open().await;
    let (vpc, subnet) = own_network(&store, 1).await;
    let sg = store
        .create_security_group(1, "web".into(), Vec::new())
        .await
        .unwrap();
    store
        .assign_security_group(1, vpc.id.clone(), sg.id.clone(), None)
        .await
        .unwrap();
    let group = default_group(&store, 1).await;
    let mut req = request(2);
    req.subnet_id = Some(subnet.id.clone());
    let p = {
        let view = store.view(1).await.unwrap();
        plan(&req, store.catalog(), &view, 1, &group).unwrap()
    };
    let made = store.create_instances(1, p).await.unwrap().instances;
    assert!(made.iter().all(|i| *i.security_group_id == sg.id));
    let nic_ids = |store: &Store| {
        let store = store.clone();
        let sg = sg.id.clone();
        async move {
            let view = store.view(1).await.unwrap();
            view.nics_where("securityGroupId", &sg)
                .map(|n| n.id)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        nic_ids(&store).await,
        made.iter().map(|i| i.nic_id).collect::<Vec<_>>()
    );
    drop(store);
    let store = f.open().await;
    assert_eq!(nic_ids(&store).await.len(), 2);
    let view = store.view(1).await.unwrap();
    assert_eq!(
        view.vpc(&vpc.id).unwrap().security_group_id,
        Some(sg.id.clone())
    );
    assert_eq!(view.usage("subnetId", &subnet.id, None), 2);
    drop(view);
    // Released twice, the instances go, and their NICs with them.
    let ids: Vec<u64> = made.iter().map(|i| i.id).collect();
    f.clock.advance(Duration::from_secs(3600)).unwrap();
    for _ in 0..2 {
        store
            .operate(1, ids.clone(), Operation::Release, Change::None, None)
            .await
            .unwrap();
        f.clock.advance(Duration::from_secs(3600)).unwrap();
        store.settle_due().await.unwrap();
    }
    assert!(statuses(&store, 1).await.is_empty());
    assert!(nic_ids(&store).await.is_empty());
    store
        .delete_subnet(1, subnet.id.clone(), None)
        .await
        .unwrap();
    store
        .unassign_security_group(1, vpc.id.clone(), None, None)
        .await
        .unwrap();
    store.delete_security_group(1, sg.id.clone()).await.unwrap();
    store.delete_vpc(1, vpc.id.clone(), None).await.unwrap();
    drop(store);
    let store = f.open().await;
    let view = store.view(1).await.unwrap();
    assert!(view.vpc(&vpc.id).is_none());
    assert_eq!(view.nics(&[], None, Page::ALL).total, 0);
}

/// The NICs of account 1 as their list shows them (counted from the bitmaps), and the data
/// disk's status as DescribeDisks shows it.
async fn listed(store: &Store) -> (u64, Vec<u64>) {
    let view = store.view(1).await.unwrap();
    let nics = view.nics(&[], None, Page::ALL);
    (nics.total, nics.items.iter().map(|n| n.id).collect())
}

async fn disks_eips_and_nics_survive_a_restart_and_follow_a_purge(f: Fixture) {
    use crate::network::{EipTarget, NewDisks, NewEips, NewNic};
    let store = f.open().await;
    let (_, subnet) = own_network(&store, 1).await;
    let group = default_group(&store, 1).await;
    let mut req = request(1);
    req.subnet_id = Some(subnet.id.clone());
    let p = {
        let view = store.view(1).await.unwrap();
        plan(&req, store.catalog(), &view, 1, &group).unwrap()
    };
    let i = store.create_instances(1, p).await.unwrap().instances[0].clone();
    f.clock.advance(Duration::from_secs(3600)).unwrap();
    store.settle_due().await.unwrap();
    let disk = store
        .create_disks(
            1,
            NewDisks {
                zone_id: "asia-east-1a".into(),
                region_id: "asia-east-1".into(),
                name: "data".into(),
                size: 40,
                amount: 1,
                category: "Standard NVMe SSD".into(),
                bursting: false,
                instances: vec![i.id.to_string()],
                snapshot_id: None,
                resource_group_id: group.clone(),
                tags: Vec::new(),
            },
            None,
        )
        .await
        .unwrap()
        .items[0]
        .id;
    let eip = store
        .create_eips(
            1,
            NewEips {
                region_id: "asia-east-1".into(),
                name: "front".into(),
                amount: 1,
                charge_type: "ByBandwidth".into(),
                eip_v4_type: None,
                line_type: "PremiumBGP".into(),
                bandwidth: 1,
                flow_package: None,
                cluster_id: None,
                peer_region_id: None,
                rate_limit_mode: None,
                instances: Vec::new(),
                bind_type: "FullNat".into(),
                resource_group_id: group.clone(),
                tags: Vec::new(),
            },
            None,
        )
        .await
        .unwrap()
        .items[0]
        .clone();
    let nic = store
        .create_nic(
            1,
            NewNic {
                name: "second".into(),
                subnet_id: subnet.id.clone(),
                security_group_id: None,
                resource_group_id: group.clone(),
                tags: Vec::new(),
                eip_ids: Vec::new(),
                eip_bind_type: "FullNat".into(),
            },
            None,
        )
        .await
        .unwrap();
    f.clock.advance(Duration::from_secs(3600)).unwrap();
    store.settle_due().await.unwrap();
    store
        .attach_nic(1, nic.id.to_string(), i.id.to_string(), None)
        .await
        .unwrap();
    let lan_ip = nic.primary_ipv4.unwrap();
    store
        .associate_eips(
            1,
            vec![eip.id.to_string()],
            EipTarget {
                nic_id: nic.id.to_string(),
                lan_ip,
                bind_type: "FullNat".into(),
            },
            None,
        )
        .await
        .unwrap();
    // What is attached, bound and under way is all there after a restart.
    drop(store);
    let store = f.open().await;
    f.clock.advance(Duration::from_secs(3600)).unwrap();
    store.settle_due().await.unwrap();
    let now = f.clock.now();
    {
        let view = store.view(1).await.unwrap();
        let disks = view.disks_of(i.id);
        assert_eq!(disks.len(), 2, "the system disk and the data disk");
        assert!(disks.iter().all(|d| d.life.at(now) == Some("IN_USE")));
        assert_eq!(view.nics_of(i.id).len(), 2);
        let bound = view.eips_on(nic.id);
        assert_eq!(bound.len(), 1);
        assert_eq!(bound[0].life.at(now), Some("BINDED"));
    }
    // Purged with dependResource: the data disk and the EIP to the recycle bin, the NICs gone.
    for _ in 0..2 {
        store
            .operate(
                1,
                vec![i.id],
                Operation::Release,
                Change::Release {
                    depend_resource: true,
                },
                None,
            )
            .await
            .unwrap();
        f.clock.advance(Duration::from_secs(3600)).unwrap();
        // A NIC goes with its instance's purge the moment it comes, before the writer
        // writes it down (the count from the bitmaps leaves it out as the walk did).
        let before = listed(&store).await;
        store.settle_due().await.unwrap();
        assert_eq!(before, listed(&store).await);
    }
    drop(store);
    let store = f.open().await;
    let now = f.clock.now();
    let view = store.view(1).await.unwrap();
    assert!(view.disks_of(i.id).is_empty());
    let d = view.disk(&disk.to_string()).unwrap();
    assert_eq!((d.life.at(now), d.instance_id), (Some("RECYCLED"), None));
    let e = view.eip(&eip.id.to_string()).unwrap();
    assert_eq!((e.life.at(now), &e.binding), (Some("RECYCLED"), &None));
    assert!(view.nic(&nic.id.to_string()).is_none());
    assert_eq!(view.usage("subnetId", &subnet.id, None), 0);
}
/// Every document is boxed in memory, a million of each kind: a field that grows one past its
/// allocator's size class (mimalloc's classes of 320, 224 and 192 bytes) costs a million times
/// the step to the next class.
#[test]
fn documents_stay_within_their_size_class() {
    use std::mem::size_of;
    assert!(size_of::<zec_core::Instance>() <= 320);
    assert!(size_of::<crate::kinds::network::Nic>() <= 224);
    assert!(size_of::<crate::kinds::storage::Disk>() <= 192);
    assert_eq!(size_of::<zec_core::Atom>(), 8);
}
