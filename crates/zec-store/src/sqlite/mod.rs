//! The embedded default backend: one SQLite database in the data directory, WAL mode,
//! `synchronous=FULL`, so that a write is on disk before its caller hears it succeeded.

pub mod admin;
mod schema;
pub(crate) mod writer;

use crate::StoreError;
use crate::alloc::Allocator;
use crate::index::Index;
pub use rusqlite::Connection;
use rusqlite::OpenFlags;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::path::Path;
use std::time::Duration;
use zec_core::{Catalog, Instance, Millis};

/// The database file inside the data directory.
pub const DB_FILE: &str = "zecd.db";

/// Opens (creating if needed) the database and brings its schema up to date.
pub fn open_connection(path: &Path) -> Result<Connection, StoreError> {
    let mut conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(Duration::from_secs(10))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if version > schema::VERSION {
        return Err(StoreError::Invalid(format!(
            "{} has schema version {version}, newer than this zecd understands ({}); use a newer zecd",
            path.display(),
            schema::VERSION
        )));
    }
    schema::migrate(&mut conn)?;
    Ok(conn)
}

/// An instance as a database row.
pub(crate) struct Row {
    pub id: i64,
    pub account: i64,
    pub due: Option<Millis>,
    pub doc: Vec<u8>,
}

impl Row {
    pub fn encode(i: &Instance) -> Result<Self, StoreError> {
        Ok(Self {
            id: i64::try_from(i.id).map_err(|_| StoreError::Corrupt(format!("id {}", i.id)))?,
            account: i.account,
            due: i.pending.map(|p| p.due),
            doc: serde_json::to_vec(i).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        })
    }

    pub fn decode(id: i64, doc: &[u8]) -> Result<Instance, StoreError> {
        serde_json::from_slice(doc).map_err(|e| StoreError::Corrupt(format!("instance {id}: {e}")))
    }
}

/// Everything the writer and the index start from.
pub(crate) struct Loaded {
    pub index: Index,
    pub due: BinaryHeap<Reverse<(Millis, u64)>>,
    pub alloc: Allocator,
    pub last_id: u64,
}

/// Reads every instance into the index, in creation order.
pub(crate) fn load(conn: &Connection, catalog: &Catalog) -> Result<Loaded, StoreError> {
    let mut index = Index::default();
    let mut due = BinaryHeap::new();
    let mut alloc = Allocator::default();
    let mut last_id: u64 = conn
        .query_row("SELECT value FROM meta WHERE key = 'last_id'", [], |r| {
            r.get::<_, String>(0)
        })
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut stmt = conn.prepare("SELECT id, doc FROM instances ORDER BY id")?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let id: i64 = row.get(0)?;
        let doc = row
            .get_ref(1)?
            .as_blob()
            .map_err(|e| StoreError::Corrupt(format!("instance {id}: {e}")))?;
        let instance = Row::decode(id, doc)?;
        if let Some(p) = instance.pending {
            due.push(Reverse((p.due, instance.id)));
        }
        let pool = catalog
            .region(&instance.region_id)
            .map(|r| r.public_ipv4_pool);
        alloc.claim(&instance, pool);
        last_id = last_id.max(instance.id);
        index.upsert(instance);
    }
    Ok(Loaded {
        index,
        due,
        alloc,
        last_id,
    })
}
