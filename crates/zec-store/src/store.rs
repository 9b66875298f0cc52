//! The handle: what the server asks of the store. Reads are answered from the in-memory
//! indexes; writes are commands to the one writer, answered after their commit.

use crate::admin::AdminDb;
use crate::backend::{self, Parts};
use crate::core::Core;
use crate::directory::Directory;
use crate::directory::thread::{AdminJob, AdminMsg};
use crate::error::StoreError;
use crate::follower::Rounds;
use crate::kinds::ResourceGroup;
use crate::query::{InstanceQuery, Listing, StatusRow};
use crate::writer::{Command, GroupOp, Writer};
use crate::{Backend, Created, Operated, StoreOptions};
use std::fs::File;
use std::sync::atomic::Ordering;
use std::sync::mpsc;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;
use tokio::sync::oneshot;
use zec_core::create::CreatePlan;
use zec_core::faults::Faults;
use zec_core::ids::IdGenerator;
use zec_core::{
    AccountId, Atom, Catalog, Change, Clock, Instance, Millis, Operation, Page, Timings,
};

/// How long a request waits to catch up with the shared database before it gives up.
const SYNC_TIMEOUT: Duration = Duration::from_secs(10);

struct Shared {
    core: Arc<Core>,
    commands: Arc<mpsc::Sender<Command>>,
    admin: mpsc::Sender<AdminMsg>,
    follow: Option<(Arc<Rounds>, mpsc::Sender<()>)>,
    _lock: Option<File>,
}

/// A handle to the store; clones share it.
#[derive(Clone)]
pub struct Store {
    shared: Arc<Shared>,
}

impl Store {
    /// Opens the store, creating its database if needed, and loads it. A data directory is
    /// served by one process at a time; a PostgreSQL database by any number.
    pub fn open(backend: &Backend, options: StoreOptions) -> Result<Store, StoreError> {
        // The PostgreSQL client runs its own small runtime, which must not start on a thread
        // of the caller's.
        let parts = std::thread::scope(|s| {
            s.spawn(|| {
                let mut parts = match backend {
                    Backend::Sqlite(dir) => backend::sqlite::open(dir, &options.catalog)?,
                    Backend::Postgres(url) => {
                        backend::postgres::open(url, options.catalog.clone(), &options.pg)?
                    }
                };
                parts.directory = crate::admin::load_directory(&mut *parts.admin)?;
                Ok(parts)
            })
            .join()
            .unwrap_or_else(|_| Err(StoreError::Internal("opening the store panicked".into())))
        })?;
        Self::start(parts, options)
    }

    /// Starts the store's threads. Nothing here can fail before every database connection
    /// has moved to the thread that owns it (the PostgreSQL client must not be dropped on an
    /// async runtime's thread).
    fn start(parts: Parts, options: StoreOptions) -> Result<Store, StoreError> {
        let Parts {
            journal,
            follow,
            admin,
            directory,
            mut loaded,
            seq,
            node,
            lock,
        } = parts;
        loaded.state.applied = seq;
        let last = loaded.state.last_ordinal;
        let core = Arc::new(Core {
            indexes: RwLock::new(loaded.indexes),
            directory: RwLock::new(Arc::new(directory)),
            state: Mutex::new(loaded.state),
            clock: options.clock,
            timings: options.timings,
            shared: crate::shared::Shared::from_catalog(&options.catalog),
            catalog: options.catalog,
            faults: options.faults,
            metrics: Default::default(),
            version: tokio::sync::watch::Sender::new(0),
        });
        let writer = Writer {
            journal,
            core: core.clone(),
            ids: IdGenerator::new(node, last),
        };
        let spawn = |name: &str, f: Box<dyn FnOnce() + Send>| {
            std::thread::Builder::new()
                .name(name.into())
                .spawn(f)
                .map_err(|e| StoreError::Internal(format!("cannot start a thread: {e}")))
        };
        let (commands, rx) = mpsc::channel();
        spawn("zecd-store-writer", Box::new(move || writer.run(rx)))?;
        let commands = Arc::new(commands);
        // Accounts made while no zecd ran get their default groups now.
        crate::directory::thread::ensure_default_groups(&core, &commands);
        let (admin_tx, admin_rx) = mpsc::channel();
        let (c, w) = (core.clone(), Arc::downgrade(&commands));
        spawn(
            "zecd-directory",
            Box::new(move || crate::directory::thread::run(admin, c, w, admin_rx)),
        )?;
        let follow = match follow {
            None => None,
            Some(f) => {
                let rounds = Arc::new(Rounds::new());
                let (demand, demand_rx) = mpsc::channel();
                let (r, c, w) = (rounds.clone(), core.clone(), Arc::downgrade(&commands));
                spawn(
                    "zecd-follower",
                    Box::new(move || crate::follower::run(f, c, r, w, demand_rx)),
                )?;
                Some((rounds, demand))
            }
        };
        Ok(Store {
            shared: Arc::new(Shared {
                core,
                commands,
                admin: admin_tx,
                follow,
                _lock: lock,
            }),
        })
    }

    pub(crate) fn core(&self) -> &Core {
        &self.shared.core
    }

    /// An account's view of the networks, as committed now (its default group made first, if
    /// the account is new).
    pub async fn view(&self, account: AccountId) -> Result<crate::View<'_>, StoreError> {
        let group = self.default_group(account).await?;
        Ok(crate::View::new(self.core(), account, group))
    }

    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.core().clock
    }

    pub fn now(&self) -> Millis {
        self.core().clock.now()
    }

    pub fn timings(&self) -> &Timings {
        &self.core().timings
    }

    pub fn catalog(&self) -> &Arc<Catalog> {
        &self.core().catalog
    }

    /// The fault rules the store consults.
    pub fn faults(&self) -> &Arc<Mutex<Faults>> {
        &self.core().faults
    }

    /// Whether several replicas may share this store's database.
    pub fn is_shared(&self) -> bool {
        self.shared.follow.is_some()
    }

    /// What the store measures of itself.
    pub fn metrics(&self) -> &crate::metrics::StoreMetrics {
        &self.core().metrics
    }

    /// Brings the gauges read at scrape time up to date (the replica's lag).
    pub fn refresh_metrics(&self) {
        if let Some((rounds, _)) = &self.shared.follow {
            let last = rounds.last_ok.load(Ordering::Relaxed);
            let lag = crate::follower::mono_ms().saturating_sub(last);
            self.core()
                .metrics
                .catch_up_lag_seconds
                .set(lag as f64 / 1000.0);
        }
    }

    /// Whether the store can serve: loaded, and on a shared database, that the database
    /// answers and this replica has caught up with it (within `within`).
    pub async fn ready(&self, within: Duration) -> Result<(), StoreError> {
        match tokio::time::timeout(within, self.sync()).await {
            Ok(r) => r,
            Err(_) => Err(StoreError::Unavailable(
                "still catching up with the database".into(),
            )),
        }
    }

    /// How many documents of every kind there are, by the status a reader sees now (`""`
    /// for kinds without statuses), in a stable order.
    pub fn census(&self) -> Vec<(&'static str, String, u64)> {
        use crate::kinds::{ForKind, KindIndex, Stored};
        struct Count<'a> {
            indexes: &'a crate::kinds::Indexes,
            now: zec_core::Millis,
            out: std::collections::BTreeMap<(&'static str, String), u64>,
        }
        impl ForKind for Count<'_> {
            fn call<D: Stored>(&mut self) {
                let now = self.now;
                let mut per: std::collections::HashMap<String, u64> = Default::default();
                D::index(self.indexes).each(None, &mut |d: &D| {
                    // A document whose phase has ended in its removal is gone already.
                    let status = match d.status_now(now) {
                        Some(s) => s,
                        None if d.due().is_some_and(|t| t <= now) => return,
                        None => "",
                    };
                    match per.get_mut(status) {
                        Some(n) => *n += 1,
                        None => {
                            per.insert(status.to_owned(), 1);
                        }
                    }
                });
                for (status, n) in per {
                    *self.out.entry((D::TABLE, status)).or_default() += n;
                }
            }
        }
        let now = self.now();
        let indexes = self.core().indexes();
        let mut count = Count {
            indexes: &indexes,
            now,
            out: Default::default(),
        };
        crate::kinds::for_every_kind(&mut count);
        count
            .out
            .into_iter()
            .map(|((kind, status), n)| (kind, status, n))
            .collect()
    }

    /// Accounts, keys and tokens as of the last reload.
    pub fn directory(&self) -> Arc<Directory> {
        self.core().directory()
    }

    /// Reloads the directory if it changed in the database (a key made a moment ago by
    /// `zecd keys create`). Requests arriving together share one reload.
    pub async fn refresh_directory(&self) -> Result<(), StoreError> {
        let (tx, rx) = oneshot::channel();
        self.shared
            .admin
            .send(AdminMsg::Refresh(tx))
            .map_err(|_| StoreError::closed())?;
        rx.await.map_err(|_| StoreError::closed())
    }

    /// Runs admin work (accounts, keys, tokens) on the store's own connection, then reloads
    /// the directory.
    pub async fn admin<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut dyn AdminDb) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let (tx, rx) = oneshot::channel();
        let job: AdminJob = Box::new(move |db, reload| {
            let out = f(db);
            reload(db);
            let _ = tx.send(out);
        });
        self.shared
            .admin
            .send(AdminMsg::Run(job))
            .map_err(|_| StoreError::closed())?;
        rx.await.map_err(|_| StoreError::closed())?
    }

    /// Returns once this replica has caught up with everything committed to the shared
    /// database before the call (at once on a store of its own). Every request waits for
    /// this before it reads, so that a write through one replica is seen by the next request
    /// to any other.
    pub async fn sync(&self) -> Result<(), StoreError> {
        let Some((rounds, demand)) = &self.shared.follow else {
            return Ok(());
        };
        let target = rounds.started.load(Ordering::SeqCst) + 1;
        let mut finished = rounds.finished.subscribe();
        let _ = demand.send(());
        let reached = tokio::time::timeout(
            SYNC_TIMEOUT,
            finished.wait_for(|(round, _)| *round >= target),
        )
        .await;
        match reached {
            Ok(Ok(r)) if r.1 => Ok(()),
            Ok(Ok(_)) => Err(StoreError::Unavailable(
                "the database cannot be reached".into(),
            )),
            Ok(Err(_)) => Err(StoreError::closed()),
            Err(_) => Err(StoreError::Unavailable(
                "timed out catching up with the database".into(),
            )),
        }
    }

    // ---- instances ----

    /// Ids and statuses of an account's instances (DescribeInstancesStatus).
    pub async fn describe_status(
        &self,
        account: AccountId,
        query: &InstanceQuery,
        page: Page,
    ) -> Result<Listing<StatusRow>, StoreError> {
        let now = self.now();
        Ok(self
            .core()
            .indexes()
            .instances
            .list_status(account, query, page, now))
    }

    /// An account's instances (DescribeInstances).
    pub async fn describe_instances(
        &self,
        account: AccountId,
        query: &InstanceQuery,
        page: Page,
    ) -> Result<Listing<Instance>, StoreError> {
        let now = self.now();
        Ok(self
            .core()
            .indexes()
            .instances
            .list_instances(account, query, page, now))
        .map(|l| Listing {
            total: l.total,
            items: l.items.into_iter().map(|i| i.into_owned()).collect(),
        })
    }

    /// One instance of an account as it is now, if it exists.
    pub fn instance(&self, account: AccountId, id: u64) -> Option<Instance> {
        let now = self.now();
        self.core()
            .indexes()
            .instances
            .get(account, id)
            .filter(|i| i.status_at(now).is_some())
            .map(|i| {
                let mut i = i.clone();
                i.settle(now);
                i
            })
    }

    /// Creates the planned instances, DEPLOYING; each ends its deployment RUNNING, or
    /// CREATE_FAILED if a fault rule says so.
    pub async fn create_instances(
        &self,
        account: AccountId,
        plan: CreatePlan,
    ) -> Result<Created, StoreError> {
        self.call(|reply| Command::CreateInstances {
            account,
            plan: Box::new(plan),
            reply,
        })
        .await
    }

    /// Applies an operation to instances of an account (see [`Operated`]). Any id that names no
    /// instance of the account fails the whole call with INVALID_INSTANCE_NOT_FOUND.
    /// With a `scope`, an instance outside those resource groups fails the whole call with
    /// AUTHFAILURE_UNAUTHORIZED_OPERATION.
    pub async fn operate(
        &self,
        account: AccountId,
        ids: Vec<u64>,
        op: Operation,
        change: Change,
        scope: Option<Vec<Atom>>,
    ) -> Result<Operated, StoreError> {
        self.call(|reply| Command::OperateInstances {
            account,
            ids,
            op,
            change,
            scope,
            reply,
        })
        .await
    }

    /// Every instance of every account, as it is now (due phases settled); for the guest
    /// driver, whose fleets are small.
    pub fn all_instances(&self) -> Vec<Instance> {
        use crate::kinds::KindIndex;
        let now = self.now();
        let mut all = Vec::new();
        self.core().indexes().instances.each(None, &mut |i| {
            if i.status_at(now).is_some() {
                let mut i = i.clone();
                i.settle(now);
                all.push(i);
            }
        });
        all
    }

    /// A key pair of the account, by id.
    pub fn key_pair(&self, account: AccountId, id: &str) -> Option<crate::kinds::KeyPair> {
        self.core().indexes().key_pairs.by_id(account, id).cloned()
    }

    /// Changes whenever what this replica knows changes (its own writes, other replicas'
    /// commits, phases settled).
    pub fn watch(&self) -> tokio::sync::watch::Receiver<u64> {
        self.core().version.subscribe()
    }

    /// News from a real guest, seen while the instance was in the phase `about` (its
    /// `Pending::key`; `None`: no phase): the table of `zec_core::guest` applied to the
    /// instance at this moment, unless that phase is over (stale news changes nothing).
    /// Returns the status afterwards (`None`: no such instance).
    pub async fn guest_event(
        &self,
        id: u64,
        event: zec_core::guest::GuestEvent,
        about: Option<(zec_core::Phase, Millis)>,
    ) -> Result<Option<zec_types::InstanceStatus>, StoreError> {
        self.run(1, move |round| {
            crate::writer::instances::guest_event(round, id, event, about)
        })
        .await
    }

    /// Gives every phase held for a real guest that this store's timings do not hold a
    /// deadline: its duration from when it began (see `Timings::hold`). For a zecd started
    /// without real guests on data made with them, and after an import. Returns how many.
    pub async fn unhold(&self) -> Result<usize, StoreError> {
        self.run(1, |round| Ok(crate::writer::instances::unhold(round)))
            .await
    }

    // ---- resource groups ----

    /// A resource group of the account, by id.
    pub fn group(&self, account: AccountId, id: &str) -> Option<ResourceGroup> {
        self.core().indexes().groups.by_id(account, id).cloned()
    }

    /// The account's resource groups, oldest first.
    pub fn groups_of(&self, account: AccountId) -> Vec<ResourceGroup> {
        self.core()
            .indexes()
            .groups
            .of_account(account)
            .cloned()
            .collect()
    }

    /// The account's default resource group, made first if the account has none yet (an
    /// account created a moment ago).
    pub async fn default_group(&self, account: AccountId) -> Result<ResourceGroup, StoreError> {
        let find = || {
            self.core()
                .indexes()
                .groups
                .of_account(account)
                .find(|g| g.is_default)
                .cloned()
        };
        if let Some(g) = find() {
            return Ok(g);
        }
        self.call(|reply| Command::EnsureDefaultGroups {
            accounts: vec![account],
            reply: Some(reply),
        })
        .await?;
        find()
            .ok_or_else(|| StoreError::Internal(format!("account {account} has no default group")))
    }

    /// Creates a resource group; names are unique within an account.
    pub async fn create_group(
        &self,
        account: AccountId,
        name: String,
    ) -> Result<ResourceGroup, StoreError> {
        self.group_op(account, GroupOp::Create { name }).await
    }

    pub async fn rename_group(
        &self,
        account: AccountId,
        id: String,
        name: String,
    ) -> Result<ResourceGroup, StoreError> {
        self.group_op(account, GroupOp::Rename { id, name }).await
    }

    /// Deletes an empty resource group (never the default one).
    pub async fn delete_group(
        &self,
        account: AccountId,
        id: String,
    ) -> Result<ResourceGroup, StoreError> {
        self.group_op(account, GroupOp::Delete { id }).await
    }

    async fn group_op(&self, account: AccountId, op: GroupOp) -> Result<ResourceGroup, StoreError> {
        self.call(|reply| Command::Group { account, op, reply })
            .await
    }

    // ---- the writer ----

    /// Finishes the writes under way and stops the writer; later writes fail.
    pub async fn close(&self) {
        let _ = self.call(|reply| Command::Shutdown { reply }).await;
    }

    /// Returns once every phase due by now has been settled and committed.
    pub async fn settle_due(&self) -> Result<(), StoreError> {
        // Deadlines of other replicas' documents count too.
        self.sync().await?;
        self.call(|reply| Command::Settle {
            record_clock: false,
            reply,
        })
        .await
    }

    /// Like [`Store::settle_due`], and writes the clock's time down, for a manual clock to
    /// resume from after a restart.
    pub async fn settle_and_record_clock(&self) -> Result<(), StoreError> {
        self.sync().await?;
        self.call(|reply| Command::Settle {
            record_clock: true,
            reply,
        })
        .await
    }

    /// Runs `f` in a round of the writer (`weight`: how many documents it names), and answers
    /// its result once the round is committed.
    pub(crate) async fn run<T: Send + 'static>(
        &self,
        weight: usize,
        f: impl for<'r, 'a> FnOnce(&'r mut crate::writer::Round<'a>) -> Result<T, StoreError>
        + Send
        + 'static,
    ) -> Result<T, StoreError> {
        self.call(|reply| Command::Run {
            weight,
            job: crate::writer::job(reply, f),
        })
        .await
    }

    async fn call<T>(
        &self,
        command: impl FnOnce(oneshot::Sender<Result<T, StoreError>>) -> Command,
    ) -> Result<T, StoreError> {
        let (tx, rx) = oneshot::channel();
        self.shared
            .commands
            .send(command(tx))
            .map_err(|_| StoreError::closed())?;
        rx.await.map_err(|_| StoreError::closed())?
    }
}
