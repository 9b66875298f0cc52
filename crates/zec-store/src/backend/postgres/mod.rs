//! The shared backend: one PostgreSQL database that several zecd replicas serve together.
//!
//! Each replica keeps the whole fleet in memory, as on SQLite, and the database holds a log
//! of who changed what. A write takes the log's one-row lock (`UPDATE log SET seq = seq + 1`),
//! catches up with what other replicas committed, decides on that latest state, writes its
//! rows stamped with its log position, and commits: writes are serialized fleet-wide, so two
//! replicas can never both move one instance. Reads on any replica first catch up to the
//! log's head as it was when the request arrived, so a write through one replica is seen by
//! the next request to any other.
//!
//! Each replica holds three connections: its writer's, its follower's (catching up every
//! 100 ms and before reads), and one for accounts and credentials. Reads are served from
//! memory, so that is all the pool a replica needs; a lost connection is made again on next
//! use.

mod admin;
mod schema;

use crate::backend::{Follow, Journal, Parts};
use crate::core::CatchUp;
use crate::directory::Directory;
use crate::error::{DbError, DbResult, StoreError};
use crate::kinds::{self, Changes, ReadRows, TABLES};
use crate::load::{Loaded, load};
pub use admin::PgAdmin;
use postgres::fallible_iterator::FallibleIterator;
use postgres::{Client, Config, GenericClient, IsolationLevel, NoTls, SimpleQueryMessage};
use std::sync::Arc;
use std::time::Duration;
use zec_core::Catalog;

/// The advisory-lock class of replica numbers: a replica holds `(NODE_LEASE, its number)` on
/// its writer's session, so that no two live replicas hand out ids with the same number.
const NODE_LEASE: i32 = 0x7a65;
/// Replica numbers an id can carry.
const NODES: i64 = 1024;

/// Rows per INSERT statement.
const ROWS_PER_STATEMENT: usize = 1000;
/// Every so many commits, tombstones older than [`KEEP_TOMBSTONES`] positions are pruned.
const PRUNE_EVERY: u64 = if cfg!(test) { 4 } else { 1000 };
/// How far back a replica may be and still catch up change by change (it reloads otherwise).
const KEEP_TOMBSTONES: u64 = if cfg!(test) { 2 } else { 100_000 };

/// How long PostgreSQL sessions may hold what other replicas wait for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PgSettings {
    /// A session that stays idle this long inside a transaction (a replica paused or cut
    /// off mid-write) is ended by PostgreSQL, and its locks are released.
    pub idle_timeout: Duration,
    /// The longest a writer holds the fleet's write lock. A writer that has waited this long
    /// for it ends the session of any writer whose transaction is older than this (one
    /// blocked on anything at all: a slow network, a stopped process), then takes the lock.
    pub lock_timeout: Duration,
}

impl Default for PgSettings {
    fn default() -> Self {
        Self {
            idle_timeout: Duration::from_secs(1),
            lock_timeout: Duration::from_secs(2),
        }
    }
}

/// Sessions other than writers wait this long for a lock (migrations at start).
const OTHER_LOCK_TIMEOUT: Duration = Duration::from_secs(30);
/// The `application_name` of writers' sessions, by which a stuck one is found.
const WRITER_APPLICATION: &str = "zecd-writer";

/// A connection that is made again when it was lost.
pub(crate) struct Pg {
    config: Config,
    client: Option<Client>,
}

impl Pg {
    pub fn new(url: &str, settings: &PgSettings) -> DbResult<Self> {
        Self::with_role(url, settings, None)
    }

    /// A writer's connection: found by its name, and bounded in how long it waits.
    fn writer(url: &str, settings: &PgSettings) -> DbResult<Self> {
        Self::with_role(url, settings, Some(WRITER_APPLICATION))
    }

    fn with_role(url: &str, settings: &PgSettings, writer: Option<&str>) -> DbResult<Self> {
        let mut config: Config = url
            .parse()
            .map_err(|e| StoreError::Invalid(format!("bad database URL: {e}")))?;
        match writer {
            Some(name) => {
                config.application_name(name);
            }
            None if config.get_application_name().is_none() => {
                config.application_name("zecd");
            }
            None => {}
        }
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(5));
        }
        let lock_timeout = match writer {
            Some(_) => settings.lock_timeout,
            None => OTHER_LOCK_TIMEOUT,
        };
        // Sessions never hold the log's lock for long: a replica that stops mid-transaction
        // loses it after the idle timeout, and a writer waiting for it gives up after its
        // lock timeout (and ends a stuck holder, see PgJournal::begin).
        let session = format!(
            "-c idle_in_transaction_session_timeout={} -c lock_timeout={}",
            settings.idle_timeout.as_millis().max(1),
            lock_timeout.as_millis().max(1)
        );
        let options = match config.get_options() {
            Some(o) => format!("{o} {session}"),
            None => session,
        };
        config
            .options(&options)
            .keepalives_idle(Duration::from_secs(10))
            .keepalives_interval(Duration::from_secs(5))
            .keepalives_retries(3)
            .tcp_user_timeout(Duration::from_secs(20));
        Ok(Self {
            config,
            client: None,
        })
    }

    /// The connection, made (again) if there is none; and whether it was just made.
    pub fn connect(&mut self) -> DbResult<(&mut Client, bool)> {
        let fresh = match &self.client {
            Some(c) => c.is_closed(),
            None => true,
        };
        if fresh {
            self.client = None;
            self.client = Some(self.config.connect(NoTls)?);
        }
        let client = self
            .client
            .as_mut()
            .ok_or_else(|| StoreError::Unavailable("no database connection".into()))?;
        Ok((client, fresh))
    }

    pub fn client(&mut self) -> Result<&mut Client, StoreError> {
        Ok(self.connect()?.0)
    }

    fn db_client(&mut self) -> DbResult<&mut Client> {
        Ok(self.connect()?.0)
    }

    /// The connection a transaction began on, never a new one: a transaction's statements
    /// must not land on a fresh session, outside it.
    fn current(&mut self) -> DbResult<&mut Client> {
        match &mut self.client {
            Some(c) if !c.is_closed() => Ok(c),
            _ => Err(StoreError::Unavailable(
                "the database connection was lost mid-transaction".into(),
            )
            .into()),
        }
    }

    fn another(&self) -> Self {
        Self {
            config: self.config.clone(),
            client: None,
        }
    }
}

/// A PostgreSQL error as the log should tell it: the server's own words (severity, SQLSTATE
/// and message, e.g. `FATAL 25P03: terminating connection due to idle-in-transaction
/// timeout`) or the connection's cause, not just "db error".
pub(crate) fn describe(e: &postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        return format!("{} {}: {}", db.severity(), db.code().code(), db.message());
    }
    let mut out = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

fn is_lock_timeout(e: &postgres::Error) -> bool {
    e.code() == Some(&postgres::error::SqlState::LOCK_NOT_AVAILABLE)
}

/// A connection for accounts and credentials, with the schema brought up to date.
pub(crate) fn open_admin(url: &str) -> Result<PgAdmin, StoreError> {
    let go = || -> DbResult<PgAdmin> {
        let mut pg = Pg::new(url, &PgSettings::default())?;
        migrate(pg.db_client()?)?;
        Ok(PgAdmin(pg))
    };
    Ok(go()?)
}

fn migrate(client: &mut Client) -> DbResult<()> {
    let version = schema::version(client)?;
    if version > schema::VERSION {
        return Err(StoreError::Invalid(format!(
            "the database has zecd schema version {version}, newer than this zecd understands ({}); use a newer zecd",
            schema::VERSION
        ))
        .into());
    }
    schema::migrate(client)
}

/// Connects, applies migrations, and loads everything as of one moment of the log.
pub(crate) fn open(
    url: &str,
    catalog: Arc<Catalog>,
    settings: &PgSettings,
) -> Result<Parts, StoreError> {
    Ok(open_parts(url, catalog, settings)?)
}

fn open_parts(url: &str, catalog: Arc<Catalog>, settings: &PgSettings) -> DbResult<Parts> {
    let mut admin = Pg::new(url, settings)?;
    let client = admin.db_client()?;
    migrate(client)?;
    let first: i64 = client
        .query_one("SELECT nextval('replica_nodes')", &[])?
        .get(0);
    let mut writer = Pg::writer(url, settings)?;
    let node = lease_node(writer.db_client()?, first)?;
    let mut reader = admin.another();
    let (seq, loaded) = {
        let client = reader.db_client()?;
        let mut tx = client
            .build_transaction()
            .isolation_level(IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()?;
        let seq: i64 = tx.query_one("SELECT seq FROM log", &[])?.get(0);
        let loaded = load_all(&mut tx, &catalog)?;
        tx.commit()?;
        (seq as u64, loaded)
    };
    Ok(Parts {
        journal: Box::new(PgJournal {
            pg: writer,
            catalog: catalog.clone(),
            node,
            seq: 0,
            rounds: 0,
            lock_timeout: settings.lock_timeout,
        }),
        follow: Some(Box::new(PgFollow {
            pg: reader,
            catalog,
        })),
        admin: Box::new(PgAdmin(admin)),
        directory: Directory::default(),
        loaded,
        seq,
        node: node as u16,
        lock: None,
    })
}

/// Takes a replica number no live replica holds, trying from `first` on.
fn lease_node(client: &mut Client, first: i64) -> DbResult<i32> {
    for n in 0..NODES {
        let node = ((first + n) % NODES) as i32;
        if take_lease(client, node)? {
            return Ok(node);
        }
    }
    Err(StoreError::Invalid(format!(
        "{NODES} replicas are running on this database already"
    ))
    .into())
}

fn take_lease(client: &mut Client, node: i32) -> DbResult<bool> {
    Ok(client
        .query_one("SELECT pg_try_advisory_lock($1, $2)", &[&NODE_LEASE, &node])?
        .get(0))
}

/// Every live document of every kind.
fn load_all(client: &mut impl GenericClient, catalog: &Catalog) -> DbResult<Loaded> {
    // The planner's estimate is enough to size the index.
    let estimate: f32 = client
        .query_one(
            "SELECT reltuples FROM pg_class WHERE oid = 'instances'::regclass",
            &[],
        )?
        .get(0);
    load(
        estimate.max(0.0) as usize,
        0,
        catalog,
        &mut |table, sink| {
            let mut rows = client.query_raw(
                &format!("SELECT id, doc FROM {table} WHERE doc IS NOT NULL ORDER BY id"),
                std::iter::empty::<i64>(),
            )?;
            while let Some(row) = rows.next()? {
                if !sink(row.get(0), row.get(1)) {
                    break;
                }
            }
            Ok(())
        },
    )
}

fn read_rows(
    client: &mut impl GenericClient,
    query: &str,
    after: Option<u64>,
) -> DbResult<ReadRows> {
    let rows = match after {
        Some(after) => client.query(query, &[&(after as i64)])?,
        None => client.query(query, &[])?,
    };
    Ok(rows
        .iter()
        .map(|r| {
            let id: i64 = r.get(0);
            let seq: i64 = r.get(1);
            let doc: Option<Vec<u8>> = r.get(2);
            (id as u64, seq as u64, doc)
        })
        .collect())
}

/// What was committed after `applied`, up to `head` (the caller reads the log row).
fn changes(
    client: &mut impl GenericClient,
    catalog: &Catalog,
    applied: u64,
    head: u64,
    pruned_seq: u64,
) -> DbResult<CatchUp> {
    if head <= applied {
        return Ok(CatchUp::Nothing);
    }
    if applied < pruned_seq {
        let loaded = load_all(client, catalog)?;
        return Ok(CatchUp::Reload {
            seq: head,
            loaded: Box::new(loaded),
        });
    }
    let mut changes = Changes::default();
    for table in TABLES {
        let rows = read_rows(
            client,
            &format!("SELECT id, seq, doc FROM {table} WHERE seq > $1"),
            Some(applied),
        )?;
        changes.read(table, rows, applied)?;
    }
    Ok(CatchUp::Changes {
        seq: head,
        changes: Box::new(changes),
    })
}

/// The writer's side: one transaction per round, holding the log's row lock from
/// [`Journal::begin`] to its end.
pub(crate) struct PgJournal {
    pg: Pg,
    catalog: Arc<Catalog>,
    /// The replica number this writer's session holds (see [`NODE_LEASE`]).
    node: i32,
    /// The position of the round under way.
    seq: u64,
    rounds: u64,
    /// See [`PgSettings::lock_timeout`].
    lock_timeout: Duration,
}

impl PgJournal {
    fn write(&mut self, changes: &Changes) -> DbResult<()> {
        let seq = self.seq as i64;
        let client = self.pg.current()?;
        for (table, rows) in changes.rows()? {
            for chunk in rows.chunks(ROWS_PER_STATEMENT) {
                let mut ids = Vec::with_capacity(chunk.len());
                let mut accounts = Vec::with_capacity(chunk.len());
                let mut dues = Vec::with_capacity(chunk.len());
                let mut docs = Vec::with_capacity(chunk.len());
                for row in chunk {
                    ids.push(kinds::db_id(row.ordinal)?);
                    accounts.push(row.account);
                    dues.push(row.due);
                    docs.push(row.doc.as_deref());
                }
                client.execute(
                    &format!(
                        "INSERT INTO {table} (id, account_id, due_at, seq, doc)
                         SELECT u.id, u.account_id, u.due_at, $5, u.doc
                         FROM unnest($1::int8[], $2::int8[], $3::int8[], $4::bytea[])
                             AS u(id, account_id, due_at, doc)
                         ON CONFLICT (id) DO UPDATE
                         SET account_id = CASE WHEN excluded.doc IS NULL
                                 THEN {table}.account_id ELSE excluded.account_id END,
                             due_at = excluded.due_at, seq = excluded.seq, doc = excluded.doc"
                    ),
                    &[&ids, &accounts, &dues, &docs, &seq],
                )?;
            }
        }
        if let Some(t) = changes.clock {
            client.execute(
                "INSERT INTO meta (key, value) VALUES ($1, $2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                &[&crate::admin::MANUAL_CLOCK_KEY, &t.to_string()],
            )?;
        }
        self.rounds += 1;
        if self.rounds.is_multiple_of(PRUNE_EVERY) && self.seq > KEEP_TOMBSTONES {
            let below = (self.seq - KEEP_TOMBSTONES) as i64;
            for table in TABLES {
                client.execute(
                    &format!("DELETE FROM {table} WHERE doc IS NULL AND seq <= $1"),
                    &[&below],
                )?;
            }
            client.execute(
                "UPDATE log SET pruned_seq = greatest(pruned_seq, $1)",
                &[&below],
            )?;
        }
        client.batch_execute("COMMIT")?;
        Ok(())
    }

    fn start(&mut self, applied: u64) -> DbResult<CatchUp> {
        let (client, fresh) = self.pg.connect()?;
        // A new session must hold the replica number again before it writes; if another
        // replica took it meanwhile, this one must not make ids with it.
        if fresh && !take_lease(client, self.node)? {
            return Err(StoreError::Unavailable(format!(
                "replica number {} was taken by another replica while this one was cut off; restart this replica",
                self.node
            ))
            .into());
        }
        let row = take_write_lock(client, self.lock_timeout)?;
        let (seq, pruned_seq): (i64, i64) = (row.get(0), row.get(1));
        if (applied as i64) < pruned_seq {
            // Too far behind to catch up change by change: the follower reloads, outside the
            // lock, rather than this writer while the fleet waits.
            let _ = client.batch_execute("ROLLBACK");
            return Err(StoreError::Unavailable(
                "this replica is catching up with the database; retry shortly".into(),
            )
            .into());
        }
        self.seq = seq as u64;
        changes(
            client,
            &self.catalog,
            applied,
            seq as u64 - 1,
            pruned_seq as u64,
        )
    }
}

impl Journal for PgJournal {
    fn begin(&mut self, applied: u64) -> Result<CatchUp, StoreError> {
        Ok(self.start(applied)?)
    }

    fn commit(&mut self, changes: &Changes, _last_ordinal: u64) -> Result<u64, StoreError> {
        self.write(changes)?;
        Ok(self.seq)
    }

    fn abort(&mut self) {
        if let Some(client) = &mut self.pg.client
            && !client.is_closed()
            && let Err(e) = client.batch_execute("ROLLBACK")
        {
            tracing::warn!(error = %describe(&e), "rollback failed");
        }
    }
}

/// How many times a writer ends stuck holders and tries again before its round fails.
const LOCK_ATTEMPTS: u32 = 4;

/// Begins a transaction holding the fleet's write lock (the log row), advancing the log.
/// A writer that waits longer than its lock timeout ends the sessions of writers whose
/// transaction has lasted longer than that (stuck: no round of zecd's takes so long), then
/// tries again.
fn take_write_lock(client: &mut Client, lock_timeout: Duration) -> DbResult<postgres::Row> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        client.batch_execute("BEGIN")?;
        match client.query_one(
            "UPDATE log SET seq = seq + 1 RETURNING seq, pruned_seq",
            &[],
        ) {
            Ok(row) => return Ok(row),
            Err(e) if is_lock_timeout(&e) && attempt < LOCK_ATTEMPTS => {
                client.batch_execute("ROLLBACK")?;
                let ended = client.query(
                    "SELECT pid, pg_terminate_backend(pid) FROM pg_stat_activity
                     WHERE datname = current_database() AND application_name = $1
                       AND pid <> pg_backend_pid()
                       AND xact_start < clock_timestamp() - make_interval(secs => $2)",
                    &[&WRITER_APPLICATION, &lock_timeout.as_secs_f64()],
                )?;
                for row in &ended {
                    let pid: i32 = row.get(0);
                    tracing::warn!(
                        pid,
                        held_longer_than = ?lock_timeout,
                        "ended a replica's session that held the fleet's write lock too long"
                    );
                }
            }
            Err(e) => {
                let _ = client.batch_execute("ROLLBACK");
                return Err(DbError::from(e));
            }
        }
    }
}

/// The reading side: what other replicas committed, in one consistent snapshot.
pub(crate) struct PgFollow {
    pg: Pg,
    catalog: Arc<Catalog>,
}

impl PgFollow {
    fn read(&mut self, applied: u64) -> DbResult<CatchUp> {
        let client = self.pg.db_client()?;
        // The common case, in one round trip (the simple protocol needs no prepare): nothing
        // new.
        let head = client
            .simple_query("SELECT seq FROM log")?
            .iter()
            .find_map(|m| match m {
                SimpleQueryMessage::Row(r) => r.get(0).and_then(|v| v.parse::<u64>().ok()),
                _ => None,
            })
            .ok_or_else(|| StoreError::Internal("the log has no head".into()))?;
        if head <= applied {
            return Ok(CatchUp::Nothing);
        }
        let mut tx = client
            .build_transaction()
            .isolation_level(IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()?;
        let row = tx.query_one("SELECT seq, pruned_seq FROM log", &[])?;
        let (seq, pruned_seq): (i64, i64) = (row.get(0), row.get(1));
        let out = changes(
            &mut tx,
            &self.catalog,
            applied,
            seq as u64,
            pruned_seq as u64,
        )?;
        tx.commit()?;
        Ok(out)
    }
}

impl Follow for PgFollow {
    fn poll(&mut self, applied: u64) -> Result<CatchUp, StoreError> {
        Ok(self.read(applied)?)
    }
}
