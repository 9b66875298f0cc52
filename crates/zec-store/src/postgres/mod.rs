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

use crate::StoreError;
use crate::directory::ResourceGroup;
use crate::journal::{CatchUp, Follow, Journal, Overlay};
use crate::load::{Loaded, decode, encode, load};
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
    pub fn new(url: &str, settings: &PgSettings) -> Result<Self, StoreError> {
        Self::with_role(url, settings, None)
    }

    /// A writer's connection: found by its name, and bounded in how long it waits.
    fn writer(url: &str, settings: &PgSettings) -> Result<Self, StoreError> {
        Self::with_role(url, settings, Some(WRITER_APPLICATION))
    }

    fn with_role(
        url: &str,
        settings: &PgSettings,
        writer: Option<&str>,
    ) -> Result<Self, StoreError> {
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
    pub fn connect(&mut self) -> Result<(&mut Client, bool), StoreError> {
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
            .ok_or_else(|| StoreError::Backend("no database connection".into()))?;
        Ok((client, fresh))
    }

    pub fn client(&mut self) -> Result<&mut Client, StoreError> {
        Ok(self.connect()?.0)
    }

    /// The connection a transaction began on, never a new one: a transaction's statements
    /// must not land on a fresh session, outside it.
    fn current(&mut self) -> Result<&mut Client, StoreError> {
        match &mut self.client {
            Some(c) if !c.is_closed() => Ok(c),
            _ => Err(StoreError::Backend(
                "the database connection was lost mid-transaction".into(),
            )),
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
    let mut pg = Pg::new(url, &PgSettings::default())?;
    migrate(pg.client()?)?;
    Ok(PgAdmin(pg))
}

fn migrate(client: &mut Client) -> Result<(), StoreError> {
    let version = schema::version(client)?;
    if version > schema::VERSION {
        return Err(StoreError::Invalid(format!(
            "the database has zecd schema version {version}, newer than this zecd understands ({}); use a newer zecd",
            schema::VERSION
        )));
    }
    schema::migrate(client)?;
    Ok(())
}

/// What a replica starts from.
pub(crate) struct Opened {
    pub journal: PgJournal,
    pub follow: PgFollow,
    pub admin: PgAdmin,
    pub loaded: Loaded,
    pub seq: u64,
    pub node: u16,
}

/// Connects, applies migrations, and loads every instance as of one moment of the log.
pub(crate) fn open(
    url: &str,
    catalog: Arc<Catalog>,
    settings: &PgSettings,
) -> Result<Opened, StoreError> {
    let mut admin = Pg::new(url, settings)?;
    let client = admin.client()?;
    migrate(client)?;
    let first: i64 = client
        .query_one("SELECT nextval('replica_nodes')", &[])?
        .get(0);
    let mut writer = Pg::writer(url, settings)?;
    let node = lease_node(writer.client()?, first)?;
    let mut reader = admin.another();
    let (seq, loaded) = {
        let client = reader.client()?;
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
    Ok(Opened {
        journal: PgJournal {
            pg: writer,
            catalog: catalog.clone(),
            node,
            seq: 0,
            rounds: 0,
            lock_timeout: settings.lock_timeout,
        },
        follow: PgFollow {
            pg: reader,
            catalog,
        },
        admin: PgAdmin(admin),
        loaded,
        seq,
        node: node as u16,
    })
}

/// Takes a replica number no live replica holds, trying from `first` on.
fn lease_node(client: &mut Client, first: i64) -> Result<i32, StoreError> {
    for n in 0..NODES {
        let node = ((first + n) % NODES) as i32;
        if take_lease(client, node)? {
            return Ok(node);
        }
    }
    Err(StoreError::Invalid(format!(
        "{NODES} replicas are running on this database already"
    )))
}

fn take_lease(client: &mut Client, node: i32) -> Result<bool, StoreError> {
    Ok(client
        .query_one("SELECT pg_try_advisory_lock($1, $2)", &[&NODE_LEASE, &node])?
        .get(0))
}

/// Every live instance, in id order.
fn load_all(client: &mut impl GenericClient, catalog: &Catalog) -> Result<Loaded, StoreError> {
    // The planner's estimate is enough to size the index.
    let estimate: f32 = client
        .query_one(
            "SELECT reltuples FROM pg_class WHERE oid = 'instances'::regclass",
            &[],
        )?
        .get(0);
    load(estimate.max(0.0) as usize, 0, catalog, |sink| {
        let mut rows = client.query_raw(
            "SELECT id, doc FROM instances WHERE doc IS NOT NULL ORDER BY id",
            std::iter::empty::<i64>(),
        )?;
        while let Some(row) = rows.next()? {
            if !sink(row.get(0), row.get(1)) {
                break;
            }
        }
        Ok(())
    })
}

fn read_groups(client: &mut impl GenericClient) -> Result<Vec<ResourceGroup>, StoreError> {
    Ok(client
        .query(admin::GROUPS, &[])?
        .iter()
        .map(admin::group_row)
        .collect())
}

/// What was committed after `applied`, up to `head` (the caller reads the log row).
fn changes(
    client: &mut impl GenericClient,
    catalog: &Catalog,
    applied: u64,
    head: u64,
    groups_seq: u64,
    pruned_seq: u64,
) -> Result<CatchUp, StoreError> {
    if head <= applied {
        return Ok(CatchUp::Nothing);
    }
    if applied < pruned_seq {
        let groups = read_groups(client)?;
        let loaded = load_all(client, catalog)?;
        return Ok(CatchUp::Reload {
            seq: head,
            loaded: Box::new(loaded),
            groups,
        });
    }
    let groups = if groups_seq > applied {
        Some(read_groups(client)?)
    } else {
        None
    };
    let mut rows = Vec::new();
    for row in client.query(
        "SELECT id, seq, doc FROM instances WHERE seq > $1",
        &[&(applied as i64)],
    )? {
        let id: i64 = row.get(0);
        let at: i64 = row.get(1);
        let doc: Option<&[u8]> = row.get(2);
        let instance = doc.map(|d| decode(id, d)).transpose()?;
        rows.push((id as u64, at as u64, instance));
    }
    Ok(CatchUp::Changes {
        seq: head,
        rows,
        groups,
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
    fn write(&mut self, overlay: &Overlay) -> Result<(), StoreError> {
        let seq = self.seq as i64;
        let client = self.pg.current()?;
        let rows: Vec<_> = overlay.rows.iter().collect();
        for chunk in rows.chunks(ROWS_PER_STATEMENT) {
            let mut ids = Vec::with_capacity(chunk.len());
            let mut accounts = Vec::with_capacity(chunk.len());
            let mut dues = Vec::with_capacity(chunk.len());
            let mut docs = Vec::with_capacity(chunk.len());
            for (id, row) in chunk {
                ids.push(crate::sqlite::db_id(**id)?);
                accounts.push(row.as_ref().map_or(0, |i| i.account));
                dues.push(row.as_ref().and_then(|i| i.pending.map(|p| p.due)));
                docs.push(row.as_ref().map(encode).transpose()?);
            }
            client.execute(
                "INSERT INTO instances (id, account_id, due_at, seq, doc)
                 SELECT u.id, u.account_id, u.due_at, $5, u.doc
                 FROM unnest($1::int8[], $2::int8[], $3::int8[], $4::bytea[])
                     AS u(id, account_id, due_at, doc)
                 ON CONFLICT (id) DO UPDATE
                 SET due_at = excluded.due_at, seq = excluded.seq, doc = excluded.doc",
                &[&ids, &accounts, &dues, &docs, &seq],
            )?;
        }
        for (id, group) in &overlay.groups {
            match group {
                Some(g) => client.execute(
                    "INSERT INTO resource_groups (id, account_id, name, is_default, created_at)
                     VALUES ($1, $2, $3, $4, $5)
                     ON CONFLICT (id) DO UPDATE SET name = excluded.name",
                    &[&g.id, &g.account, &g.name, &g.is_default, &g.created_at],
                )?,
                None => client.execute("DELETE FROM resource_groups WHERE id = $1", &[id])?,
            };
        }
        if !overlay.groups.is_empty() {
            client.execute("UPDATE log SET groups_seq = $1", &[&seq])?;
        }
        if let Some(t) = overlay.clock {
            client.execute(
                "INSERT INTO meta (key, value) VALUES ($1, $2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                &[&crate::admin::MANUAL_CLOCK_KEY, &t.to_string()],
            )?;
        }
        self.rounds += 1;
        if self.rounds.is_multiple_of(PRUNE_EVERY) && self.seq > KEEP_TOMBSTONES {
            let below = (self.seq - KEEP_TOMBSTONES) as i64;
            client.execute(
                "DELETE FROM instances WHERE doc IS NULL AND seq <= $1",
                &[&below],
            )?;
            client.execute(
                "UPDATE log SET pruned_seq = greatest(pruned_seq, $1)",
                &[&below],
            )?;
        }
        client.batch_execute("COMMIT")?;
        Ok(())
    }
}

impl Journal for PgJournal {
    fn begin(&mut self, applied: u64) -> Result<CatchUp, StoreError> {
        let (client, fresh) = self.pg.connect()?;
        // A new session must hold the replica number again before it writes; if another
        // replica took it meanwhile, this one must not make ids with it.
        if fresh && !take_lease(client, self.node)? {
            return Err(StoreError::Backend(format!(
                "replica number {} was taken by another replica while this one was cut off; restart this replica",
                self.node
            )));
        }
        let row = take_write_lock(client, self.lock_timeout)?;
        let (seq, groups_seq, pruned_seq): (i64, i64, i64) = (row.get(0), row.get(1), row.get(2));
        if (applied as i64) < pruned_seq {
            // Too far behind to catch up change by change: the follower reloads, outside the
            // lock, rather than this writer while the fleet waits.
            let _ = client.batch_execute("ROLLBACK");
            return Err(StoreError::Backend(
                "this replica is catching up with the database; retry shortly".into(),
            ));
        }
        self.seq = seq as u64;
        changes(
            client,
            &self.catalog,
            applied,
            seq as u64 - 1,
            groups_seq as u64,
            pruned_seq as u64,
        )
    }

    fn commit(&mut self, overlay: &Overlay, _last_id: u64) -> Result<u64, StoreError> {
        self.write(overlay)?;
        Ok(self.seq)
    }

    fn abort(&mut self) {
        if let Some(client) = &mut self.pg.client
            && !client.is_closed()
            && let Err(e) = client.batch_execute("ROLLBACK")
        {
            tracing::warn!(error = %e, "rollback failed");
        }
    }
}

/// How many times a writer ends stuck holders and tries again before its round fails.
const LOCK_ATTEMPTS: u32 = 4;

/// Begins a transaction holding the fleet's write lock (the log row), advancing the log.
/// A writer that waits longer than its lock timeout ends the sessions of writers whose
/// transaction has lasted longer than that (stuck: no round of zecd's takes so long), then
/// tries again.
fn take_write_lock(
    client: &mut Client,
    lock_timeout: Duration,
) -> Result<postgres::Row, StoreError> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        client.batch_execute("BEGIN")?;
        match client.query_one(
            "UPDATE log SET seq = seq + 1 RETURNING seq, groups_seq, pruned_seq",
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
                return Err(e.into());
            }
        }
    }
}

/// The reading side: what other replicas committed, in one consistent snapshot.
pub(crate) struct PgFollow {
    pg: Pg,
    catalog: Arc<Catalog>,
}

impl Follow for PgFollow {
    fn poll(&mut self, applied: u64) -> Result<CatchUp, StoreError> {
        let client = self.pg.client()?;
        // The common case, in one round trip (the simple protocol needs no prepare): nothing
        // new.
        let head = client
            .simple_query("SELECT seq FROM log")?
            .iter()
            .find_map(|m| match m {
                SimpleQueryMessage::Row(r) => r.get(0).and_then(|v| v.parse::<u64>().ok()),
                _ => None,
            })
            .ok_or_else(|| StoreError::Corrupt("the log has no head".into()))?;
        if head <= applied {
            return Ok(CatchUp::Nothing);
        }
        let mut tx = client
            .build_transaction()
            .isolation_level(IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()?;
        let row = tx.query_one("SELECT seq, groups_seq, pruned_seq FROM log", &[])?;
        let (seq, groups_seq, pruned_seq): (i64, i64, i64) = (row.get(0), row.get(1), row.get(2));
        let out = changes(
            &mut tx,
            &self.catalog,
            applied,
            seq as u64,
            groups_seq as u64,
            pruned_seq as u64,
        )?;
        tx.commit()?;
        Ok(out)
    }
}
