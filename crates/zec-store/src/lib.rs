//! zecd's store: every resource kind's documents, durable and served from memory.
//!
//! Reads are answered from in-memory indexes (each kind's documents in creation order per
//! account, with the lists its filters need), so that paging and counts cost the page, not the
//! account. Writes go through a single writer that commits to the durable backend before it
//! publishes to the indexes and answers: a caller never sees a write that a crash could take
//! back. The backend is an embedded SQLite database (WAL, fsync on commit) for one process, or a
//! PostgreSQL database shared by several replicas.
//!
//! The crate's face: [`Store`] (the handle), [`Backend`] and [`StoreOptions`] (how to open it),
//! [`StoreError`] (what went wrong, by what to do about it), the directory's types and admin
//! functions (accounts, keys, tokens), the kinds' documents and the query types. Everything
//! else (the writer, the follower and directory threads, the backends) is private.

#![forbid(unsafe_code)]

pub mod admin;
mod alloc;
mod backend;
mod core;
mod directory;
mod error;
mod follower;
mod index;
mod kinds;
mod load;
pub mod metrics;
pub mod network;
mod postings;
mod query;
mod shared;
pub mod state;
mod store;
#[cfg(test)]
mod testing;
#[cfg(test)]
mod tests;
mod view;
mod writer;

/// The hash map of every in-memory index: keys are ids, ordinals and filter values, hashed
/// many times per request and per load, where SipHash (std's default) would cost several
/// times foldhash's.
type Map<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

pub use admin::AdminDb;
pub use backend::postgres::PgSettings;
pub use directory::{AccessKey, Account, Directory, Scope, Token};
pub use error::StoreError;
pub use kinds::ResourceGroup;
pub use kinds::eips::{Binding, Eip};
pub use kinds::groups::DEFAULT_NAME as DEFAULT_GROUP_NAME;
pub use kinds::network::{KeyPair, Nic, SHARED, SecurityGroup, Subnet, TagList, Vpc, tag_key};
pub use kinds::storage::{Disk, Snapshot};
pub use query::{InstanceQuery, Listing, StatusRow};
pub use store::Store;
pub use view::{Filters, View};

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use zec_core::faults::Faults;
use zec_core::{Catalog, Clock, Instance, Timings};

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
                backend::sqlite::prepare_data_dir(dir)?;
                let conn = backend::sqlite::open_connection(&dir.join(backend::sqlite::DB_FILE))?;
                backend::sqlite::prepare_data_dir(dir)?;
                Ok(Box::new(backend::sqlite::SqliteAdmin(conn)))
            }
            Backend::Postgres(url) => Ok(Box::new(backend::postgres::open_admin(url)?)),
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
    pub pg: PgSettings,
}
