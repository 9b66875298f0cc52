//! The durable backends, private to the store: an embedded SQLite database for one process,
//! or a PostgreSQL database shared by several replicas. Both keep every kind in a table of the
//! same shape ([`crate::kinds`]) and offer the writer a [`Journal`]: a round begins (on a shared
//! database, by taking the write lock and catching up with what the others committed), then
//! commits its changes at the next log position, or is abandoned.

pub(crate) mod postgres;
pub(crate) mod sqlite;

use crate::admin::AdminDb;
use crate::core::CatchUp;
use crate::directory::Directory;
use crate::error::StoreError;
use crate::kinds::Changes;
use crate::load::Loaded;
use std::fs::File;

/// The writer's side of a backend.
pub(crate) trait Journal: Send {
    /// Starts a round. On a database that other replicas write too, this takes the write lock
    /// (held until [`Journal::commit`] or [`Journal::abort`]) and returns what they committed
    /// after `applied`.
    fn begin(&mut self, applied: u64) -> Result<CatchUp, StoreError>;
    /// Makes the round's changes durable and returns their log position. `last_ordinal` is
    /// the largest ordinal handed out so far (kept, so that none is handed out twice).
    fn commit(&mut self, changes: &Changes, last_ordinal: u64) -> Result<u64, StoreError>;
    /// Ends a round that changed nothing, or whose commit failed.
    fn abort(&mut self);
}

/// The reading side of a backend shared by replicas: what others committed after `applied`.
pub(crate) trait Follow: Send {
    fn poll(&mut self, applied: u64) -> Result<CatchUp, StoreError>;
}

/// What a backend hands the store at start.
pub(crate) struct Parts {
    pub journal: Box<dyn Journal>,
    pub follow: Option<Box<dyn Follow>>,
    pub admin: Box<dyn AdminDb>,
    pub directory: Directory,
    pub loaded: Loaded,
    pub seq: u64,
    pub node: u16,
    pub lock: Option<File>,
}
