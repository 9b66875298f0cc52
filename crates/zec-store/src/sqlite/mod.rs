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

/// Where the time of a manual clock is written down.
pub(crate) const MANUAL_CLOCK_KEY: &str = "manual_clock";

/// The time a manual clock last had in this data directory, if it ever ran with one.
pub fn manual_clock_time(data_dir: &Path) -> Result<Option<Millis>, StoreError> {
    let path = data_dir.join(DB_FILE);
    if !path.exists() {
        return Ok(None);
    }
    let conn = open_connection(&path)?;
    let value: Option<String> = conn
        .query_row(
            "SELECT value FROM meta WHERE key = ?1",
            [MANUAL_CLOCK_KEY],
            |r| r.get(0),
        )
        .ok();
    Ok(value.and_then(|v| v.parse().ok()))
}

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

/// Rows per unit of decoding work.
const LOAD_CHUNK: usize = 4096;

/// Reads every instance into the index, in creation order. Rows are read on this thread,
/// decoded on two others, and put in order into the index on a fourth: decoding is most of a
/// restart's work, and a restart with a million instances is meant to take seconds.
pub(crate) fn load(conn: &Connection, catalog: &Catalog) -> Result<Loaded, StoreError> {
    use std::sync::mpsc::sync_channel;
    use std::sync::{Arc, Mutex};

    let count: i64 = conn.query_row("SELECT count(*) FROM instances", [], |r| r.get(0))?;
    let last_id: u64 = conn
        .query_row("SELECT value FROM meta WHERE key = 'last_id'", [], |r| {
            r.get::<_, String>(0)
        })
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    type Chunk = (usize, Vec<(i64, Vec<u8>)>);
    type Decoded = (usize, Result<Vec<Instance>, StoreError>);

    std::thread::scope(|scope| {
        let (raw_tx, raw_rx) = sync_channel::<Chunk>(4);
        let raw_rx = Arc::new(Mutex::new(raw_rx));
        let (done_tx, done_rx) = sync_channel::<Decoded>(4);
        for _ in 0..2 {
            let raw_rx = raw_rx.clone();
            let done_tx = done_tx.clone();
            scope.spawn(move || {
                loop {
                    let next = raw_rx.lock().unwrap_or_else(|e| e.into_inner()).recv();
                    let Ok((n, rows)) = next else { break };
                    let decoded = rows.iter().map(|(id, doc)| Row::decode(*id, doc)).collect();
                    if done_tx.send((n, decoded)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(done_tx);
        let builder = scope.spawn(move || {
            let mut loaded = Loaded {
                index: Index::default(),
                due: BinaryHeap::new(),
                alloc: Allocator::default(),
                last_id,
            };
            loaded.index.reserve(usize::try_from(count).unwrap_or(0));
            // Chunks arrive in any order; they go into the index in creation order.
            let mut waiting = std::collections::BTreeMap::new();
            let mut next = 0;
            for (n, decoded) in done_rx {
                waiting.insert(n, decoded);
                while let Some(decoded) = waiting.remove(&next) {
                    for instance in decoded? {
                        loaded.add(instance, catalog);
                    }
                    next += 1;
                }
            }
            Ok::<_, StoreError>(loaded)
        });

        let read = (|| {
            let mut stmt = conn.prepare("SELECT id, doc FROM instances ORDER BY id")?;
            let mut rows = stmt.query([])?;
            let mut chunk = Vec::with_capacity(LOAD_CHUNK);
            let mut n = 0;
            while let Some(row) = rows.next()? {
                chunk.push((row.get::<_, i64>(0)?, row.get::<_, Vec<u8>>(1)?));
                if chunk.len() == LOAD_CHUNK {
                    let full = std::mem::replace(&mut chunk, Vec::with_capacity(LOAD_CHUNK));
                    if raw_tx.send((n, full)).is_err() {
                        break;
                    }
                    n += 1;
                }
            }
            if !chunk.is_empty() {
                let _ = raw_tx.send((n, chunk));
            }
            Ok::<_, StoreError>(())
        })();
        drop(raw_tx);
        let loaded = builder
            .join()
            .unwrap_or_else(|_| Err(StoreError::Corrupt("loading the index panicked".into())));
        read.and(loaded)
    })
}

impl Loaded {
    fn add(&mut self, instance: Instance, catalog: &Catalog) {
        if let Some(p) = instance.pending {
            self.due.push(Reverse((p.due, instance.id)));
        }
        let pool = catalog
            .region(&instance.region_id)
            .map(|r| r.public_ipv4_pool);
        self.alloc.claim(&instance, pool);
        self.last_id = self.last_id.max(instance.id);
        self.index.upsert(instance);
    }
}
