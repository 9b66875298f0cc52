//! zecd's store.
//!
//! Reads are served from an in-memory [`Index`](index::Index) of every instance, in creation
//! order per account and per resource group, so that paging and counts cost the page, not the
//! account. Writes go through a single writer that commits to the durable backend (SQLite,
//! WAL, fsync on commit) before it publishes to the index and answers: a caller never sees a
//! write that a crash could take back.

#![forbid(unsafe_code)]

pub mod alloc;
pub mod directory;
mod index;
mod ordered;
mod query;
pub mod sqlite;
#[cfg(test)]
mod testing;
#[cfg(test)]
mod tests;

pub use directory::{AccessKey, Account, Directory, ResourceGroup, Scope, Token};
pub use query::{InstanceQuery, Listing, StatusRow};

use index::Index;
use rusqlite::Connection;
use sqlite::writer::{Command, GroupOp, Writer};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, RwLock, Weak};
use std::time::Duration;
use tokio::sync::oneshot;
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

/// What the store needs to know of the world.
#[derive(Clone)]
pub struct StoreOptions {
    pub clock: Arc<dyn Clock>,
    pub timings: Timings,
    pub catalog: Arc<Catalog>,
    /// Fault rules, consulted whenever a phase that can fail begins (and only then).
    pub faults: Arc<Mutex<Faults>>,
}

pub(crate) struct Core {
    index: RwLock<Index>,
    directory: RwLock<Arc<Directory>>,
    clock: Arc<dyn Clock>,
    timings: Timings,
    catalog: Arc<Catalog>,
    faults: Arc<Mutex<Faults>>,
    /// For directory reloads and admin work at start; never for instances.
    admin: Mutex<Connection>,
    data_version: Mutex<i64>,
}

/// A handle to the store; clones share it.
#[derive(Clone)]
pub struct Store {
    core: Arc<Core>,
    commands: mpsc::Sender<Command>,
    _lock: Arc<File>,
}

impl Store {
    /// Opens the SQLite store in `data_dir`, creating it if needed, and loads it. Only one
    /// process may serve a data directory at a time.
    pub fn open_sqlite(data_dir: &Path, options: StoreOptions) -> Result<Store, StoreError> {
        std::fs::create_dir_all(data_dir)?;
        let lock = File::create(data_dir.join("zecd.lock"))?;
        if lock.try_lock().is_err() {
            return Err(StoreError::Invalid(format!(
                "{} is in use by another zecd",
                data_dir.display()
            )));
        }
        let path: PathBuf = data_dir.join(sqlite::DB_FILE);
        let conn = sqlite::open_connection(&path)?;
        let admin = sqlite::open_connection(&path)?;
        let loaded = sqlite::load(&conn, &options.catalog)?;
        let directory = sqlite::admin::load_directory(&admin)?;
        let data_version: i64 = admin.pragma_query_value(None, "data_version", |r| r.get(0))?;
        let core = Arc::new(Core {
            index: RwLock::new(loaded.index),
            directory: RwLock::new(Arc::new(directory)),
            clock: options.clock,
            timings: options.timings,
            catalog: options.catalog,
            faults: options.faults,
            admin: Mutex::new(admin),
            data_version: Mutex::new(data_version),
        });
        let writer = Writer {
            conn,
            core: core.clone(),
            ids: IdGenerator::new(0, loaded.last_id),
            due: loaded.due,
            alloc: loaded.alloc,
        };
        let (commands, rx) = mpsc::channel();
        std::thread::Builder::new()
            .name("zecd-store-writer".into())
            .spawn(move || writer.run(rx))?;
        spawn_directory_watch(Arc::downgrade(&core));
        Ok(Store {
            core,
            commands,
            _lock: Arc::new(lock),
        })
    }

    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.core.clock
    }

    pub fn now(&self) -> Millis {
        self.core.clock.now()
    }

    pub fn timings(&self) -> &Timings {
        &self.core.timings
    }

    pub fn catalog(&self) -> &Arc<Catalog> {
        &self.core.catalog
    }

    /// The fault rules the store consults.
    pub fn faults(&self) -> &Arc<Mutex<Faults>> {
        &self.core.faults
    }

    /// Accounts, keys, tokens and resource groups as of the last reload.
    pub fn directory(&self) -> Arc<Directory> {
        self.core
            .directory
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Reloads the directory if another process changed the database; returns whether it did.
    pub fn refresh_directory(&self) -> Result<bool, StoreError> {
        self.core.refresh_directory()
    }

    /// Runs admin work (accounts, keys, tokens) on the store's own connection, then reloads
    /// the directory.
    pub fn admin<T>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let out = {
            let mut conn = self.core.admin.lock().unwrap_or_else(|e| e.into_inner());
            f(&mut conn)?
        };
        self.core.reload_directory()?;
        Ok(out)
    }

    /// Ids and statuses of an account's instances (DescribeInstancesStatus).
    pub async fn describe_status(
        &self,
        account: AccountId,
        query: &InstanceQuery,
        page: Page,
    ) -> Result<Listing<StatusRow>, StoreError> {
        let now = self.now();
        let index = self.core.index.read().unwrap_or_else(|e| e.into_inner());
        Ok(index.list_status(account, query, page, now))
    }

    /// An account's instances (DescribeInstances).
    pub async fn describe_instances(
        &self,
        account: AccountId,
        query: &InstanceQuery,
        page: Page,
    ) -> Result<Listing<Instance>, StoreError> {
        let now = self.now();
        let index = self.core.index.read().unwrap_or_else(|e| e.into_inner());
        Ok(index.list_instances(account, query, page, now))
    }

    /// Private addresses the account uses in a subnet; with `groups`, only its instances in
    /// those resource groups count (what a credential limited to them may know).
    pub fn subnet_usage(
        &self,
        account: AccountId,
        subnet_id: &str,
        groups: Option<&[Atom]>,
    ) -> u64 {
        let index = self.core.index.read().unwrap_or_else(|e| e.into_inner());
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
        let index = self.core.index.read().unwrap_or_else(|e| e.into_inner());
        index
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
        self.call(|reply| Command::Settle {
            record_clock: false,
            reply,
        })
        .await
    }

    /// Like [`Store::settle_due`], and writes the clock's time down, for a manual clock to
    /// resume from after a restart.
    pub async fn settle_and_record_clock(&self) -> Result<(), StoreError> {
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
        self.commands
            .send(command(tx))
            .map_err(|_| StoreError::Closed)?;
        rx.await.map_err(|_| StoreError::Closed)?
    }
}

impl Core {
    /// Refreshes are one at a time: a caller that finds a refresh under way waits for it and
    /// then sees its result, rather than a version marked seen but not loaded yet.
    fn refresh_directory(&self) -> Result<bool, StoreError> {
        let mut seen = self.data_version.lock().unwrap_or_else(|e| e.into_inner());
        let version: i64 = {
            let conn = self.admin.lock().unwrap_or_else(|e| e.into_inner());
            conn.pragma_query_value(None, "data_version", |r| r.get(0))?
        };
        if *seen == version {
            return Ok(false);
        }
        self.reload_directory()?;
        *seen = version;
        Ok(true)
    }

    fn reload_directory(&self) -> Result<(), StoreError> {
        let directory = {
            let conn = self.admin.lock().unwrap_or_else(|e| e.into_inner());
            sqlite::admin::load_directory(&conn)?
        };
        *self.directory.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(directory);
        Ok(())
    }
}

/// Picks up accounts, keys and tokens that admin commands change beside a running server:
/// a deleted key stops working within a second.
fn spawn_directory_watch(core: Weak<Core>) {
    let _ = std::thread::Builder::new()
        .name("zecd-directory".into())
        .spawn(move || {
            loop {
                std::thread::sleep(Duration::from_millis(500));
                let Some(core) = core.upgrade() else { break };
                if let Err(e) = core.refresh_directory() {
                    tracing::warn!(error = %e, "directory reload failed");
                }
            }
        });
}
