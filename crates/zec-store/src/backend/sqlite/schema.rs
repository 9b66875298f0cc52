//! Schema migrations, applied in order at open; `PRAGMA user_version` records how far. A
//! migration is SQL, or Rust where data must be rewritten (the same transaction either way).
//! Every kind's table is then made if missing, so that a new kind needs no migration.

use crate::error::DbResult;
use crate::kinds::{self, TABLES};
use rusqlite::{Connection, Transaction};

enum Migration {
    Sql(&'static str),
    Rust(fn(&Transaction<'_>) -> DbResult<()>),
}

const MIGRATIONS: &[Migration] = &[
    // 1: accounts, credentials, resource groups, instances.
    Migration::Sql(
        "
    CREATE TABLE accounts (
        id         INTEGER PRIMARY KEY,
        name       TEXT NOT NULL UNIQUE,
        created_at INTEGER NOT NULL
    );
    CREATE TABLE access_keys (
        id         TEXT PRIMARY KEY,
        secret     TEXT NOT NULL,
        account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        root       INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL
    );
    CREATE TABLE tokens (
        id         TEXT PRIMARY KEY,
        hash       BLOB NOT NULL UNIQUE,
        account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        name       TEXT NOT NULL,
        created_at INTEGER NOT NULL
    );
    CREATE TABLE resource_groups (
        id         TEXT PRIMARY KEY,
        account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        name       TEXT NOT NULL,
        is_default INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL
    );
    CREATE UNIQUE INDEX resource_groups_one_default
        ON resource_groups(account_id) WHERE is_default = 1;
    -- One row per instance; `doc` is the instance as JSON. `id` is the time-ordered
    -- instance id, so rowid order is creation order.
    CREATE TABLE instances (
        id         INTEGER PRIMARY KEY,
        account_id INTEGER NOT NULL,
        due_at     INTEGER,
        doc        BLOB NOT NULL
    );
    CREATE INDEX instances_account ON instances(account_id, id);
    CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    ",
    ),
    // 2: what a key or token may do.
    Migration::Sql(
        "
    ALTER TABLE access_keys ADD COLUMN read_only INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE access_keys ADD COLUMN resource_groups TEXT NOT NULL DEFAULT '';
    ALTER TABLE tokens ADD COLUMN read_only INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE tokens ADD COLUMN resource_groups TEXT NOT NULL DEFAULT '';
    ",
    ),
    // 3: a version that changes with accounts and credentials only, so that servers reload
    // them when they change, not on every write.
    Migration::Sql(
        "
    CREATE TABLE directory (
        one     INTEGER PRIMARY KEY CHECK (one = 1),
        version INTEGER NOT NULL
    );
    INSERT INTO directory VALUES (1, 0);
    ",
    ),
    // 4: resource groups become documents of a kind, kept like every kind.
    Migration::Rust(groups_to_documents),
    // 5: every instance's primary NIC becomes a document of its own.
    Migration::Rust(primary_nics),
    // 6: so do its system disk and the data disks made with it.
    Migration::Rust(instance_disks),
];

/// The shape of every kind's table.
pub(crate) fn kind_table(table: &str) -> String {
    format!(
        "CREATE TABLE IF NOT EXISTS {table} (
             id         INTEGER PRIMARY KEY,
             account_id INTEGER NOT NULL,
             due_at     INTEGER,
             doc        BLOB NOT NULL
         )"
    )
}

fn groups_to_documents(tx: &Transaction<'_>) -> DbResult<()> {
    tx.execute_batch("ALTER TABLE resource_groups RENAME TO resource_groups_v1")?;
    tx.execute_batch(&kind_table(kinds::groups::TABLE))?;
    let rows: Vec<(String, i64, String, bool, i64)> = tx
        .prepare("SELECT id, account_id, name, is_default, created_at FROM resource_groups_v1")?
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })?
        .collect::<Result<_, _>>()?;
    let mut insert = tx.prepare(
        "INSERT INTO resource_groups (id, account_id, due_at, doc) VALUES (?1, ?2, NULL, ?3)",
    )?;
    for g in kinds::groups::from_v1(rows) {
        insert.execute(rusqlite::params![
            kinds::db_id(g.ordinal)?,
            g.account,
            kinds::encode(&g)?
        ])?;
    }
    drop(insert);
    tx.execute_batch("DROP TABLE resource_groups_v1")?;
    Ok(())
}

fn primary_nics(tx: &Transaction<'_>) -> DbResult<()> {
    tx.execute_batch(&kind_table(kinds::network::NICS))?;
    let mut read = tx.prepare("SELECT id, doc FROM instances")?;
    let mut rows = read.query([])?;
    let mut insert = tx.prepare(
        "INSERT OR IGNORE INTO nics (id, account_id, due_at, doc) VALUES (?1, ?2, NULL, ?3)",
    )?;
    while let Some(row) = rows.next()? {
        let id: i64 = row.get(0)?;
        let doc: Vec<u8> = row.get(1)?;
        let instance: zec_core::Instance = kinds::decode("instances", id as u64, &doc)?;
        let nic = kinds::Nic::primary_of(&instance);
        insert.execute(rusqlite::params![
            kinds::db_id(nic.id)?,
            nic.account,
            kinds::encode(&nic)?
        ])?;
    }
    Ok(())
}

fn instance_disks(tx: &Transaction<'_>) -> DbResult<()> {
    tx.execute_batch(&kind_table(kinds::storage::DISKS))?;
    let mut read = tx.prepare("SELECT id, doc FROM instances")?;
    let mut rows = read.query([])?;
    let mut insert = tx.prepare(
        "INSERT OR IGNORE INTO disks (id, account_id, due_at, doc) VALUES (?1, ?2, NULL, ?3)",
    )?;
    while let Some(row) = rows.next()? {
        let id: i64 = row.get(0)?;
        let doc: Vec<u8> = row.get(1)?;
        let instance: zec_core::Instance = kinds::decode("instances", id as u64, &doc)?;
        for disk in kinds::Disk::of_instance(&instance) {
            insert.execute(rusqlite::params![
                kinds::db_id(disk.id)?,
                disk.account,
                kinds::encode(&disk)?
            ])?;
        }
    }
    Ok(())
}

/// Brings a database up to the newest schema, and makes every kind's table.
pub fn migrate(conn: &mut Connection) -> DbResult<()> {
    let current: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    for (n, m) in MIGRATIONS.iter().enumerate().skip(current.max(0) as usize) {
        let tx = conn.transaction()?;
        match m {
            Migration::Sql(sql) => tx.execute_batch(sql)?,
            Migration::Rust(f) => f(&tx)?,
        }
        tx.pragma_update(None, "user_version", n as i64 + 1)?;
        tx.commit()?;
    }
    for table in TABLES {
        conn.execute_batch(&kind_table(table))?;
    }
    Ok(())
}

/// The schema version this build writes.
pub const VERSION: i64 = MIGRATIONS.len() as i64;
