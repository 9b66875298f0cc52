//! Schema migrations for PostgreSQL, applied at start under an advisory lock so that replicas
//! starting together apply each exactly once.

use crate::error::DbResult;
use crate::kinds::{self, TABLES};
use postgres::{Client, Transaction};

enum Migration {
    Sql(&'static str),
    Rust(fn(&mut Transaction<'_>) -> DbResult<()>),
}

/// Taken for the duration of the migrations ("zecd" in ASCII).
const MIGRATION_LOCK: i64 = 0x7a65_6364;

const MIGRATIONS: &[Migration] = &[
    // 1: accounts, credentials, resource groups, instances, the shared log.
    Migration::Sql(
        "
    CREATE TABLE accounts (
        id         BIGSERIAL PRIMARY KEY,
        name       TEXT NOT NULL UNIQUE,
        created_at BIGINT NOT NULL
    );
    CREATE TABLE access_keys (
        id              TEXT PRIMARY KEY,
        secret          TEXT NOT NULL,
        account_id      BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        root            BOOLEAN NOT NULL DEFAULT false,
        created_at      BIGINT NOT NULL,
        read_only       BOOLEAN NOT NULL DEFAULT false,
        resource_groups TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE tokens (
        id              TEXT PRIMARY KEY,
        hash            BYTEA NOT NULL UNIQUE,
        account_id      BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        name            TEXT NOT NULL,
        created_at      BIGINT NOT NULL,
        read_only       BOOLEAN NOT NULL DEFAULT false,
        resource_groups TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE resource_groups (
        id         TEXT PRIMARY KEY,
        account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        name       TEXT NOT NULL,
        is_default BOOLEAN NOT NULL DEFAULT false,
        created_at BIGINT NOT NULL
    );
    CREATE UNIQUE INDEX resource_groups_one_default
        ON resource_groups(account_id) WHERE is_default;
    -- One row per instance: `doc` is the instance as JSON, NULL once it is gone (a
    -- tombstone, pruned 100,000 log positions later; a replica further behind reloads
    -- everything). `seq` is the log position of the row's last change.
    CREATE TABLE instances (
        id         BIGINT PRIMARY KEY,
        account_id BIGINT NOT NULL,
        due_at     BIGINT,
        seq        BIGINT NOT NULL,
        doc        BYTEA
    );
    CREATE INDEX instances_seq ON instances(seq);
    -- The shared log's head: one row, locked by the writing replica for the length of its
    -- transaction. `groups_seq`: the last position that changed a resource group;
    -- `pruned_seq`: tombstones at or before it are gone.
    CREATE TABLE log (
        one        BOOLEAN PRIMARY KEY DEFAULT true CHECK (one),
        seq        BIGINT NOT NULL,
        groups_seq BIGINT NOT NULL,
        pruned_seq BIGINT NOT NULL
    );
    INSERT INTO log VALUES (true, 0, 0, 0);
    -- Bumped by every change to accounts and credentials, so that replicas reload them.
    CREATE TABLE directory (
        one     BOOLEAN PRIMARY KEY DEFAULT true CHECK (one),
        version BIGINT NOT NULL
    );
    INSERT INTO directory VALUES (true, 0);
    CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    -- Replica numbers, for ids that no two replicas hand out alike.
    CREATE SEQUENCE replica_nodes;
    ",
    ),
    // 2: resource groups become documents of a kind, kept and followed like every kind.
    Migration::Rust(groups_to_documents),
    // 3: every instance's primary NIC becomes a document of its own.
    Migration::Rust(primary_nics),
    // 4: so do its system disk and the data disks made with it.
    Migration::Rust(instance_disks),
];

/// The shape of every kind's table: a row per document, `doc` NULL once it is gone (a
/// tombstone, pruned later), `seq` the log position of the row's last change.
pub(crate) fn kind_table(table: &str) -> String {
    format!(
        "CREATE TABLE IF NOT EXISTS {table} (
             id         BIGINT PRIMARY KEY,
             account_id BIGINT NOT NULL,
             due_at     BIGINT,
             seq        BIGINT NOT NULL,
             doc        BYTEA
         );
         CREATE INDEX IF NOT EXISTS {table}_seq ON {table}(seq);"
    )
}

fn groups_to_documents(tx: &mut Transaction<'_>) -> DbResult<()> {
    tx.batch_execute("ALTER TABLE resource_groups RENAME TO resource_groups_v1")?;
    tx.batch_execute(&kind_table(kinds::groups::TABLE))?;
    let rows: Vec<(String, i64, String, bool, i64)> = tx
        .query(
            "SELECT id, account_id, name, is_default, created_at FROM resource_groups_v1",
            &[],
        )?
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4)))
        .collect();
    let seq: i64 = tx.query_one("SELECT seq FROM log", &[])?.get(0);
    for g in kinds::groups::from_v1(rows) {
        tx.execute(
            "INSERT INTO resource_groups (id, account_id, due_at, seq, doc)
             VALUES ($1, $2, NULL, $3, $4)",
            &[
                &kinds::db_id(g.ordinal)?,
                &g.account,
                &seq,
                &kinds::encode(&g)?,
            ],
        )?;
    }
    tx.batch_execute(
        "DROP TABLE resource_groups_v1;
         ALTER TABLE log DROP COLUMN groups_seq;",
    )?;
    Ok(())
}

fn primary_nics(tx: &mut Transaction<'_>) -> DbResult<()> {
    tx.batch_execute(&kind_table(kinds::network::NICS))?;
    let seq: i64 = tx.query_one("SELECT seq FROM log", &[])?.get(0);
    let rows = tx.query("SELECT id, doc FROM instances WHERE doc IS NOT NULL", &[])?;
    for row in rows {
        let id: i64 = row.get(0);
        let doc: &[u8] = row.get(1);
        let instance: zec_core::Instance = kinds::decode("instances", id as u64, doc)?;
        let nic = kinds::Nic::primary_of(&instance);
        tx.execute(
            "INSERT INTO nics (id, account_id, due_at, seq, doc) VALUES ($1, $2, NULL, $3, $4)
             ON CONFLICT (id) DO NOTHING",
            &[
                &kinds::db_id(nic.id)?,
                &nic.account,
                &seq,
                &kinds::encode(&nic)?,
            ],
        )?;
    }
    Ok(())
}

fn instance_disks(tx: &mut Transaction<'_>) -> DbResult<()> {
    tx.batch_execute(&kind_table(kinds::storage::DISKS))?;
    let seq: i64 = tx.query_one("SELECT seq FROM log", &[])?.get(0);
    let rows = tx.query("SELECT id, doc FROM instances WHERE doc IS NOT NULL", &[])?;
    for row in rows {
        let id: i64 = row.get(0);
        let doc: &[u8] = row.get(1);
        let instance: zec_core::Instance = kinds::decode("instances", id as u64, doc)?;
        for disk in kinds::Disk::of_instance(&instance) {
            tx.execute(
                "INSERT INTO disks (id, account_id, due_at, seq, doc) VALUES ($1, $2, NULL, $3, $4)
                 ON CONFLICT (id) DO NOTHING",
                &[
                    &kinds::db_id(disk.id)?,
                    &disk.account,
                    &seq,
                    &kinds::encode(&disk)?,
                ],
            )?;
        }
    }
    Ok(())
}

/// The schema version this build writes.
pub const VERSION: i64 = MIGRATIONS.len() as i64;

/// Brings the database up to the newest schema. Safe when several replicas start at once:
/// the first applies the migrations, the others wait for it and find nothing left to do.
pub fn migrate(client: &mut Client) -> DbResult<()> {
    client.execute("SELECT pg_advisory_lock($1)", &[&MIGRATION_LOCK])?;
    let result = (|| {
        client.batch_execute(
            "CREATE TABLE IF NOT EXISTS zecd_schema (version BIGINT NOT NULL);
             INSERT INTO zecd_schema SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM zecd_schema);",
        )?;
        let current: i64 = client
            .query_one("SELECT version FROM zecd_schema", &[])?
            .get(0);
        for (n, m) in MIGRATIONS.iter().enumerate().skip(current.max(0) as usize) {
            let mut tx = client.transaction()?;
            match m {
                Migration::Sql(sql) => tx.batch_execute(sql)?,
                Migration::Rust(f) => f(&mut tx)?,
            }
            tx.execute("UPDATE zecd_schema SET version = $1", &[&(n as i64 + 1)])?;
            tx.commit()?;
        }
        for table in TABLES {
            client.batch_execute(&kind_table(table))?;
        }
        Ok::<_, crate::error::DbError>(current)
    })();
    client.execute("SELECT pg_advisory_unlock($1)", &[&MIGRATION_LOCK])?;
    result.map(|_| ())
}

/// The version a database is at (0 if zecd never ran on it).
pub fn version(client: &mut Client) -> Result<i64, postgres::Error> {
    let exists: bool = client
        .query_one("SELECT to_regclass('zecd_schema') IS NOT NULL", &[])?
        .get(0);
    if !exists {
        return Ok(0);
    }
    Ok(client
        .query_opt("SELECT version FROM zecd_schema", &[])?
        .map_or(0, |r| r.get(0)))
}
