//! zecd's store.
//!
//! Reads are served from an in-memory [`Index`](index::Index) of every instance, in creation
//! order per account and per resource group, so that paging and counts cost the page, not the
//! account. Writes go through a single writer that commits to the durable backend before it
//! publishes to the index and answers: a caller never sees a write that a crash could take
//! back. The backend is an embedded SQLite database (WAL, fsync on commit) for one process,
//! or a PostgreSQL database shared by several replicas (see [`postgres`]).

#![forbid(unsafe_code)]

pub mod admin;
pub mod alloc;
mod core;
pub mod directory;
mod index;
mod journal;
mod load;
mod ordered;
pub mod postgres;
mod query;
pub mod sqlite;
#[cfg(test)]
mod testing;
#[cfg(test)]
mod tests;
mod writer;

pub use admin::AdminDb;
pub use directory::{AccessKey, Account, Directory, ResourceGroup, Scope, Token};
pub use query::{InstanceQuery, Listing, StatusRow};

use crate::core::{Core, State};
use journal::{Follow, Journal};
use std::fs::File;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex, RwLock, Weak};
use std::time::Duration;
use tokio::sync::{oneshot, watch};
use writer::{Command, GroupOp, Writer};
use zec_core::create::CreatePlan;
use zec_core::faults::Faults;
use zec_core::ids::IdGenerator;
use zec_core::{
    AccountId, Atom, Catalog, Change, Clock, Instance, Millis, Operation, Page, Timings,
};
use zec_types::ApiError;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The request cannot be carried out, for a reason the caller should be told.
    #[error("{0}")]
    Api(ApiError),
    /// An administrative request that makes no sense (unknown account, duplicate name).
    #[error("{0}")]
    Invalid(String),
    #[error("database: {0}")]
    Db(#[from] rusqlite::Error),
    #[error("database: {}", postgres::describe(.0))]
    Pg(#[from] ::postgres::Error),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("stored data cannot be read: {0}")]
    Corrupt(String),
    /// A commit failed; nothing of the request was applied.
    #[error("backend: {0}")]
    Backend(String),
    #[error("the store is shut down")]
    Closed,
}

/// What a CreateZecInstances call made.
#[derive(Debug, Clone, PartialEq)]
pub struct Created {
    pub order_number: u64,
    pub instances: Vec<Instance>,
}

/// What an operation did to each instance it named.
#[derive(Debug, Clone, PartialEq)]
pub struct Operated {
    pub order_number: u64,
    pub outcomes: Vec<(u64, Outcome)>,
}

/// An instance's new status, or the code that denied the operation and the status it had.
pub type Outcome =
    Result<zec_types::InstanceStatus, (zec_types::ErrorCode, zec_types::InstanceStatus)>;

/// Where the store keeps its data.
#[derive(Debug, Clone)]
pub enum Backend {
    /// An embedded SQLite database in this directory, served by one process.
    Sqlite(PathBuf),
    /// A PostgreSQL database (a `postgres://` URL), served by any number of replicas.
    Postgres(String),
}

impl std::fmt::Display for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Backend::Sqlite(dir) => write!(f, "{}", dir.display()),
            // The URL may hold a password.
            Backend::Postgres(_) => f.write_str("PostgreSQL"),
        }
    }
}

impl Backend {
    /// A connection for accounts and credentials, for admin commands beside a serving zecd
    /// (or without one). Creates the database and its schema if needed. Not for use on an
    /// async runtime's thread.
    pub fn admin(&self) -> Result<Box<dyn AdminDb>, StoreError> {
        match self {
            Backend::Sqlite(dir) => {
                sqlite::prepare_data_dir(dir)?;
                let conn = sqlite::open_connection(&dir.join(sqlite::DB_FILE))?;
                sqlite::prepare_data_dir(dir)?;
                Ok(Box::new(sqlite::SqliteAdmin(conn)))
            }
            Backend::Postgres(url) => Ok(Box::new(postgres::open_admin(url)?)),
        }
    }
}

/// What the store needs to know of the world.
#[derive(Clone)]
pub struct StoreOptions {
    pub clock: Arc<dyn Clock>,
    pub timings: Timings,
    pub catalog: Arc<Catalog>,
    /// Fault rules, consulted whenever a phase that can fail begins (and only then).
    pub faults: Arc<Mutex<Faults>>,
    /// Timeouts of PostgreSQL sessions (shared database only).
    pub pg: postgres::PgSettings,
}

/// How often a replica on a shared database looks for other replicas' changes when no
/// request asks it to.
const FOLLOW_EVERY: Duration = Duration::from_millis(100);
/// How often the directory is checked for changes made beside the server.
const DIRECTORY_EVERY: Duration = Duration::from_millis(500);
/// How long a request waits to catch up with the shared database before it gives up.
const SYNC_TIMEOUT: Duration = Duration::from_secs(10);

/// Admin work: given the connection, and a way to reload the directory before answering.
type AdminJob = Box<dyn FnOnce(&mut dyn AdminDb, &mut dyn FnMut(&mut dyn AdminDb)) + Send>;

enum AdminMsg {
    Run(AdminJob),
    Refresh(oneshot::Sender<()>),
}

/// Rounds of catching up with the shared database: a request waits for one that began after
/// it arrived.
struct Rounds {
    started: AtomicU64,
    /// The last round finished, and whether it reached the database.
    finished: watch::Sender<(u64, bool)>,
}

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

/// What a backend hands the store at start.
struct Parts {
    journal: Box<dyn Journal>,
    follow: Option<Box<dyn Follow>>,
    admin: Box<dyn AdminDb>,
    directory: Directory,
    loaded: load::Loaded,
    seq: u64,
    node: u16,
    lock: Option<File>,
}

impl Store {
    /// Opens the store, creating its database if needed, and loads it. A data directory is
    /// served by one process at a time; a PostgreSQL database by any number.
    pub fn open(backend: &Backend, options: StoreOptions) -> Result<Store, StoreError> {
        // The PostgreSQL client runs its own small runtime, which must not start on a thread
        // of the caller's.
        let parts = std::thread::scope(|s| {
            s.spawn(|| {
                let mut parts = Self::parts(backend, &options.catalog, &options.pg)?;
                parts.directory = admin::load_directory(&mut *parts.admin)?;
                Ok(parts)
            })
            .join()
            .unwrap_or_else(|_| Err(StoreError::Corrupt("opening the store panicked".into())))
        })?;
        Self::start(parts, options)
    }

    fn parts(
        backend: &Backend,
        catalog: &Arc<Catalog>,
        pg: &postgres::PgSettings,
    ) -> Result<Parts, StoreError> {
        match backend {
            Backend::Sqlite(dir) => {
                let o = sqlite::open(dir, catalog)?;
                Ok(Parts {
                    journal: Box::new(o.journal),
                    follow: None,
                    admin: Box::new(o.admin),
                    directory: Directory::default(),
                    loaded: o.loaded,
                    seq: 0,
                    node: 0,
                    lock: Some(o.lock),
                })
            }
            Backend::Postgres(url) => {
                let o = postgres::open(url, catalog.clone(), pg)?;
                Ok(Parts {
                    journal: Box::new(o.journal),
                    follow: Some(Box::new(o.follow)),
                    admin: Box::new(o.admin),
                    directory: Directory::default(),
                    loaded: o.loaded,
                    seq: o.seq,
                    node: o.node,
                    lock: None,
                })
            }
        }
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
            loaded,
            seq,
            node,
            lock,
        } = parts;
        let core = Arc::new(Core {
            index: RwLock::new(loaded.index),
            directory: RwLock::new(Arc::new(directory)),
            state: Mutex::new(State {
                alloc: loaded.alloc,
                due: loaded.due,
                applied: seq,
            }),
            clock: options.clock,
            timings: options.timings,
            catalog: options.catalog,
            faults: options.faults,
        });
        let writer = Writer {
            journal,
            core: core.clone(),
            ids: IdGenerator::new(node, loaded.last_id),
        };
        let (commands, rx) = mpsc::channel();
        std::thread::Builder::new()
            .name("zecd-store-writer".into())
            .spawn(move || writer.run(rx))?;
        let commands = Arc::new(commands);
        let (admin_tx, admin_rx) = mpsc::channel();
        let admin_core = core.clone();
        std::thread::Builder::new()
            .name("zecd-directory".into())
            .spawn(move || run_admin(admin, admin_core, admin_rx))?;
        let follow = match follow {
            None => None,
            Some(f) => {
                let rounds = Arc::new(Rounds {
                    started: AtomicU64::new(0),
                    finished: watch::Sender::new((0, true)),
                });
                let (demand, demand_rx) = mpsc::channel();
                let (r, c, w) = (rounds.clone(), core.clone(), Arc::downgrade(&commands));
                std::thread::Builder::new()
                    .name("zecd-follower".into())
                    .spawn(move || run_follower(f, c, r, w, demand_rx))?;
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

    fn core(&self) -> &Core {
        &self.shared.core
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

    /// Accounts, keys, tokens and resource groups as of the last reload.
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
            .map_err(|_| StoreError::Closed)?;
        rx.await.map_err(|_| StoreError::Closed)
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
            .map_err(|_| StoreError::Closed)?;
        rx.await.map_err(|_| StoreError::Closed)?
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
            Ok(Ok(_)) => Err(StoreError::Backend("the database cannot be reached".into())),
            Ok(Err(_)) => Err(StoreError::Closed),
            Err(_) => Err(StoreError::Backend(
                "timed out catching up with the database".into(),
            )),
        }
    }

    /// Ids and statuses of an account's instances (DescribeInstancesStatus).
    pub async fn describe_status(
        &self,
        account: AccountId,
        query: &InstanceQuery,
        page: Page,
    ) -> Result<Listing<StatusRow>, StoreError> {
        let now = self.now();
        Ok(self.core().index().list_status(account, query, page, now))
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
            .index()
            .list_instances(account, query, page, now))
    }

    /// Private addresses the account uses in a subnet; with `groups`, only its instances in
    /// those resource groups count (what a credential limited to them may know).
    pub fn subnet_usage(
        &self,
        account: AccountId,
        subnet_id: &str,
        groups: Option<&[Atom]>,
    ) -> u64 {
        let index = self.core().index();
        match groups {
            None => index.subnet_usage(account, subnet_id),
            Some(groups) => index.subnet_usage_in_groups(account, subnet_id, groups),
        }
    }

    /// Creates the planned instances, DEPLOYING; each ends its deployment RUNNING, or
    /// CREATE_FAILED if a fault rule says so.
    pub async fn create_instances(
        &self,
        account: AccountId,
        plan: CreatePlan,
    ) -> Result<Created, StoreError> {
        self.call(|reply| Command::Create {
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
        self.call(|reply| Command::Operate {
            account,
            ids,
            op,
            change,
            scope,
            reply,
        })
        .await
    }

    /// Creates a resource group; names are unique within an account.
    pub async fn create_group(
        &self,
        account: AccountId,
        name: String,
    ) -> Result<ResourceGroup, StoreError> {
        self.call(|reply| Command::Group {
            account,
            op: GroupOp::Create { name },
            reply,
        })
        .await
    }

    pub async fn rename_group(
        &self,
        account: AccountId,
        id: String,
        name: String,
    ) -> Result<ResourceGroup, StoreError> {
        self.call(|reply| Command::Group {
            account,
            op: GroupOp::Rename { id, name },
            reply,
        })
        .await
    }

    /// Deletes an empty resource group (never the default one).
    pub async fn delete_group(
        &self,
        account: AccountId,
        id: String,
    ) -> Result<ResourceGroup, StoreError> {
        self.call(|reply| Command::Group {
            account,
            op: GroupOp::Delete { id },
            reply,
        })
        .await
    }

    /// One instance of an account as it is now, if it exists.
    pub fn instance(&self, account: AccountId, id: u64) -> Option<Instance> {
        let now = self.now();
        self.core()
            .index()
            .get(account, id)
            .filter(|i| i.status_at(now).is_some())
            .map(|i| {
                let mut i = i.clone();
                i.settle(now);
                i
            })
    }

    /// Finishes the writes under way and stops the writer; later writes fail with `Closed`.
    pub async fn close(&self) {
        let _ = self.call(|reply| Command::Shutdown { reply }).await;
    }

    /// Returns once every phase due by now has been settled and committed.
    pub async fn settle_due(&self) -> Result<(), StoreError> {
        // Deadlines of other replicas' instances count too.
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

    async fn call<T>(
        &self,
        command: impl FnOnce(oneshot::Sender<Result<T, StoreError>>) -> Command,
    ) -> Result<T, StoreError> {
        let (tx, rx) = oneshot::channel();
        self.shared
            .commands
            .send(command(tx))
            .map_err(|_| StoreError::Closed)?;
        rx.await.map_err(|_| StoreError::Closed)?
    }
}

/// Reads the directory and installs it, under the state lock, so that a read never
/// overwrites a newer one installed meanwhile (see [`Core::set_directory`]).
fn reload_directory(db: &mut dyn AdminDb, core: &Core) -> Result<i64, StoreError> {
    let version = db.directory_version()?;
    let _state = core.state();
    core.set_directory(admin::load_directory(db)?);
    Ok(version)
}

/// The directory's thread: admin work, and reloads when the database changed beside us.
fn run_admin(mut db: Box<dyn AdminDb>, core: Arc<Core>, rx: mpsc::Receiver<AdminMsg>) {
    let mut seen = db.directory_version().ok();
    let refresh = |db: &mut dyn AdminDb, force: bool, seen: &mut Option<i64>| {
        let changed = match db.directory_version() {
            Ok(v) => Some(v) != *seen,
            Err(e) => {
                tracing::warn!(error = %e, "directory check failed");
                return;
            }
        };
        if force || changed {
            match reload_directory(db, &core) {
                Ok(v) => *seen = Some(v),
                Err(e) => tracing::warn!(error = %e, "directory reload failed"),
            }
        }
    };
    loop {
        match rx.recv_timeout(DIRECTORY_EVERY) {
            Ok(AdminMsg::Run(job)) => job(&mut *db, &mut |db| refresh(db, true, &mut seen)),
            Ok(AdminMsg::Refresh(reply)) => {
                // Requests that arrived together share one reload.
                let mut replies = vec![reply];
                let mut jobs = Vec::new();
                while let Ok(m) = rx.try_recv() {
                    match m {
                        AdminMsg::Refresh(r) => replies.push(r),
                        AdminMsg::Run(job) => jobs.push(job),
                    }
                }
                for job in jobs {
                    job(&mut *db, &mut |db| refresh(db, true, &mut seen));
                }
                refresh(&mut *db, false, &mut seen);
                for r in replies {
                    let _ = r.send(());
                }
            }
            Err(RecvTimeoutError::Timeout) => refresh(&mut *db, false, &mut seen),
            Err(RecvTimeoutError::Disconnected) => break,
        }
    }
}

/// The follower's thread (shared database only): catches up with other replicas every
/// [`FOLLOW_EVERY`], and at once when a request asks.
fn run_follower(
    mut follow: Box<dyn Follow>,
    core: Arc<Core>,
    rounds: Arc<Rounds>,
    writer: Weak<mpsc::Sender<Command>>,
    demand: mpsc::Receiver<()>,
) {
    let mut healthy = true;
    while let Ok(()) | Err(RecvTimeoutError::Timeout) = demand.recv_timeout(FOLLOW_EVERY) {
        while demand.try_recv().is_ok() {}
        let round = rounds.started.fetch_add(1, Ordering::SeqCst) + 1;
        // Read without the state lock (the writer may be waiting for it while it holds the
        // fleet's write lock); installed under it. What the writer applied meanwhile is not
        // applied again, and an older read is never installed over a newer one: every change,
        // to instances and to groups alike, has its log position.
        let applied = core.state().applied;
        let outcome = follow
            .poll(applied)
            .map(|catch_up| core.catch_up(&mut core.state(), catch_up));
        let ok = match outcome {
            Ok(earlier_deadline) => {
                if earlier_deadline && let Some(w) = writer.upgrade() {
                    let _ = w.send(Command::Wake);
                }
                if !healthy {
                    tracing::info!("the database is reachable again");
                }
                true
            }
            Err(e) => {
                if healthy {
                    tracing::error!(error = %e, "cannot catch up with the database");
                }
                false
            }
        };
        healthy = ok;
        rounds.finished.send_replace((round, ok));
    }
}
