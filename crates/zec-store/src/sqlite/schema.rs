//! Schema migrations, applied in order at open; `PRAGMA user_version` records how far.

use rusqlite::Connection;

const MIGRATIONS: &[&str] = &[
    // 1: accounts, credentials, resource groups, instances.
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
    // 2: what a key or token may do.
    "
    ALTER TABLE access_keys ADD COLUMN read_only INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE access_keys ADD COLUMN resource_groups TEXT NOT NULL DEFAULT '';
    ALTER TABLE tokens ADD COLUMN read_only INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE tokens ADD COLUMN resource_groups TEXT NOT NULL DEFAULT '';
    ",
    // 3: a version that changes with accounts and credentials only, so that servers reload
    // them when they change, not on every write.
    "
    CREATE TABLE directory (
        one     INTEGER PRIMARY KEY CHECK (one = 1),
        version INTEGER NOT NULL
    );
    INSERT INTO directory VALUES (1, 0);
    ",
];

/// Brings a database up to the newest schema.
pub fn migrate(conn: &mut Connection) -> rusqlite::Result<()> {
    let current: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    for (n, sql) in MIGRATIONS.iter().enumerate().skip(current.max(0) as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", n as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}

/// The schema version this build writes.
pub const VERSION: i64 = MIGRATIONS.len() as i64;
