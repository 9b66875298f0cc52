//! The embedded default backend: one SQLite database in the data directory, WAL mode,
//! `synchronous=FULL`, so that a write is on disk before its caller hears it succeeded.

mod admin;
mod schema;

use crate::backend::{Journal, Parts};
use crate::core::CatchUp;
use crate::directory::Directory;
use crate::error::{DbResult, StoreError};
use crate::kinds::{self, Changes};
use crate::load::{Loaded, load};
pub use admin::SqliteAdmin;
use rusqlite::{Connection, OpenFlags, params};
use std::path::Path;
use std::time::Duration;
use zec_core::Catalog;

/// The database file inside the data directory.
pub const DB_FILE: &str = "zecd.db";

/// The files of a data directory: the database, its write-ahead log and shared memory, and
/// the lock that keeps a second zecd out.
const DATA_FILES: [&str; 4] = [DB_FILE, "zecd.db-wal", "zecd.db-shm", "zecd.lock"];

/// Creates the data directory if needed, readable by its owner only (0700), with every data
/// file 0600: the database holds access-key passwords in clear (an HMAC cannot be checked
/// without them). A directory made by an older zecd with wider permissions is narrowed, with a
/// warning.
pub(crate) fn prepare_data_dir(dir: &Path) -> Result<(), StoreError> {
    use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
    let io = |e: std::io::Error| StoreError::from(crate::error::DbError::from(e));
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(io)?;
    let narrow = |path: &Path, mode: u32| -> Result<(), StoreError> {
        let Ok(meta) = std::fs::metadata(path) else {
            return Ok(());
        };
        let had = meta.permissions().mode() & 0o777;
        if had & !mode != 0 {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).map_err(io)?;
            tracing::warn!(
                path = %path.display(),
                was = format!("{had:o}"),
                now = format!("{mode:o}"),
                "narrowed the permissions of zecd's data (it holds access-key passwords)"
            );
        }
        Ok(())
    };
    // A directory that holds other things than zecd's (a home directory, /tmp) is the
    // user's to set; zecd's files are narrowed anyway.
    let ours = std::fs::read_dir(dir)
        .map_err(io)?
        .filter_map(Result::ok)
        .all(|e| DATA_FILES.iter().any(|f| e.file_name() == *f));
    if ours {
        narrow(dir, 0o700)?;
    } else if std::fs::metadata(dir).map_err(io)?.permissions().mode() & 0o077 != 0 {
        tracing::warn!(
            path = %dir.display(),
            "the data directory holds other files and others may read it; zecd's own files are \
             0600, but a directory of its own is better"
        );
    }
    // SQLite gives its -wal and -shm files the database file's mode: make that file first.
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(dir.join(DB_FILE))
        .map_err(io)?;
    for file in DATA_FILES {
        narrow(&dir.join(file), 0o600)?;
    }
    Ok(())
}

/// Opens (creating if needed) the database and brings its schema up to date.
pub(crate) fn open_connection(path: &Path) -> Result<Connection, StoreError> {
    Ok(open_db(path)?)
}

fn open_db(path: &Path) -> DbResult<Connection> {
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
        ))
        .into());
    }
    schema::migrate(&mut conn)?;
    Ok(conn)
}

/// The writer's journal: one transaction per round, `synchronous=FULL`.
pub(crate) struct SqliteJournal {
    conn: Connection,
    /// Log positions only order this process's own rounds.
    seq: u64,
}

impl SqliteJournal {
    fn write(&mut self, changes: &Changes, last_ordinal: u64) -> DbResult<()> {
        let tx = self.conn.transaction()?;
        for (table, rows) in changes.rows()? {
            if rows.is_empty() {
                continue;
            }
            let mut upsert = tx.prepare_cached(&format!(
                "INSERT INTO {table} (id, account_id, due_at, doc) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT(id) DO UPDATE SET
                     account_id = excluded.account_id, due_at = excluded.due_at, doc = excluded.doc"
            ))?;
            let mut delete = tx.prepare_cached(&format!("DELETE FROM {table} WHERE id = ?1"))?;
            for row in rows {
                let id = kinds::db_id(row.ordinal)?;
                match row.doc {
                    Some(doc) => {
                        upsert.execute(params![id, row.account, row.due, doc])?;
                    }
                    None => {
                        delete.execute([id])?;
                    }
                }
            }
        }
        let mut meta = tx.prepare_cached(
            "INSERT INTO meta (key, value) VALUES (?1, ?2)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        )?;
        meta.execute(["last_id", &last_ordinal.to_string()])?;
        if let Some(t) = changes.clock {
            meta.execute([crate::admin::MANUAL_CLOCK_KEY, &t.to_string()])?;
        }
        drop(meta);
        tx.commit()?;
        Ok(())
    }
}

impl Journal for SqliteJournal {
    fn begin(&mut self, _applied: u64) -> Result<CatchUp, StoreError> {
        // One process owns the data directory: nobody else commits.
        Ok(CatchUp::Nothing)
    }

    fn commit(&mut self, changes: &Changes, last_ordinal: u64) -> Result<u64, StoreError> {
        self.write(changes, last_ordinal)?;
        self.seq += 1;
        Ok(self.seq)
    }

    fn abort(&mut self) {}
}

/// Opens (creating if needed) the database in `data_dir` and loads it. Only one process may
/// serve a data directory at a time.
pub(crate) fn open(data_dir: &Path, catalog: &Catalog) -> Result<Parts, StoreError> {
    Ok(open_parts(data_dir, catalog)?)
}

fn open_parts(data_dir: &Path, catalog: &Catalog) -> DbResult<Parts> {
    use std::os::unix::fs::OpenOptionsExt;
    prepare_data_dir(data_dir)?;
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(true)
        .write(true)
        .mode(0o600)
        .open(data_dir.join("zecd.lock"))?;
    if lock.try_lock().is_err() {
        return Err(StoreError::Invalid(format!(
            "{} is in use by another zecd",
            data_dir.display()
        ))
        .into());
    }
    let path = data_dir.join(DB_FILE);
    let conn = open_db(&path)?;
    let admin = SqliteAdmin(open_db(&path)?);
    // The -wal and -shm files exist now.
    prepare_data_dir(data_dir)?;
    let loaded = load_all(&conn, catalog)?;
    Ok(Parts {
        journal: Box::new(SqliteJournal { conn, seq: 0 }),
        follow: None,
        admin: Box::new(admin),
        directory: Directory::default(),
        loaded,
        seq: 0,
        node: 0,
        lock: Some(lock),
    })
}

fn load_all(conn: &Connection, catalog: &Catalog) -> DbResult<Loaded> {
    let count: i64 = conn.query_row("SELECT count(*) FROM instances", [], |r| r.get(0))?;
    let last_id: u64 = conn
        .query_row("SELECT value FROM meta WHERE key = 'last_id'", [], |r| {
            r.get::<_, String>(0)
        })
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    load(
        usize::try_from(count).unwrap_or(0),
        last_id,
        catalog,
        &mut |table, sink| {
            let mut stmt = conn.prepare(&format!("SELECT id, doc FROM {table} ORDER BY id"))?;
            let mut rows = stmt.query([])?;
            while let Some(row) = rows.next()? {
                if !sink(row.get(0)?, row.get(1)?) {
                    break;
                }
            }
            Ok(())
        },
    )
}
