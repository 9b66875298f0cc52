//! The one writer: every change to documents of any kind goes through this thread, which
//! batches what arrives together into one transaction of the backend (one fsync), settles the
//! phases whose time has come, and only after the commit publishes the result to the indexes
//! and answers the callers. With replicas on a shared database, each round first takes the
//! database's write lock and catches up with what the others committed, so that every
//! decision is made on the latest state of the whole fleet.
//!
//! A round is a [`Round`]: the time, the shared state, the committed indexes and the changes
//! made so far. Each kind's operations live in a module of their own (`instances`, `groups`)
//! and see documents as the round leaves them, so that one round can touch several kinds
//! atomically and decide on its own earlier changes.
//!
//! Phases are settled from one queue ordered by deadline, not one timer per document; with a
//! real clock the thread sleeps until the earliest deadline or the next command, with a manual
//! clock only commands (including "settle what is due") wake it.

pub(crate) mod eips;
pub(crate) mod groups;
pub(crate) mod instances;
pub(crate) mod network;
pub(crate) mod nics;
pub(crate) mod storage;

use crate::backend::Journal;
use crate::core::{Core, State};
use crate::error::StoreError;
use crate::kinds::{self, Changes, Document, ForKind, Indexes, KindIndex, Settled, Stored, Table};
use crate::{Created, Operated, ResourceGroup};
use std::cmp::Reverse;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError, TryRecvError};
use tokio::sync::oneshot;
use zec_core::create::CreatePlan;
use zec_core::ids::IdGenerator;
use zec_core::{AccountId, Atom, Change, Millis, Operation};
use zec_types::{ApiError, ErrorCode};

/// The resource groups a credential may touch (`None`: all).
pub type Scope<'a> = Option<&'a [Atom]>;

/// Whether a resource group is one the credential may touch.
pub(crate) fn in_scope(scope: Scope<'_>, group: &str) -> bool {
    scope.is_none_or(|groups| groups.iter().any(|g| &**g == group))
}

pub(crate) use groups::GroupOp;

/// Most commands taken into one transaction.
const MAX_BATCH: usize = 256;
/// Most documents the commands of one transaction may name (creates count what they create):
/// a round holds the fleet's write lock on a shared database, and must stay short.
const MAX_BATCH_DOCUMENTS: usize = 5_000;
/// Most phases settled in one transaction; more wait for the next round, straight away.
const MAX_SETTLE: usize = 5_000;

/// How long the writer waits before it tries again after the backend failed (so that a
/// database that is down is not hammered by deadlines falling due).
const RETRY_PAUSE: std::time::Duration = std::time::Duration::from_millis(250);

pub(crate) type Reply<T> = oneshot::Sender<Result<T, StoreError>>;

pub(crate) enum Command {
    CreateInstances {
        account: AccountId,
        plan: Box<CreatePlan>,
        reply: Reply<Created>,
    },
    /// An operation on some of an account's instances, each checked against the lifecycle
    /// table at the moment it is applied.
    OperateInstances {
        account: AccountId,
        ids: Vec<u64>,
        op: Operation,
        change: Change,
        /// The resource groups the caller may touch (`None`: all).
        scope: Option<Vec<Atom>>,
        reply: Reply<Operated>,
    },
    /// Creates, renames or deletes a resource group.
    Group {
        account: AccountId,
        op: GroupOp,
        reply: Reply<ResourceGroup>,
    },
    /// Any other operation: a function of the round, which answers its caller itself (after
    /// the commit, through the [`Answer`] it returns), or is told why the round could not run.
    Run { weight: usize, job: Job },
    /// Every account named that has no default resource group gets one.
    EnsureDefaultGroups {
        accounts: Vec<AccountId>,
        reply: Option<Reply<()>>,
    },
    /// Answered once every phase due at the time it is read has been settled and committed,
    /// or with the backend's error when a round fails; with `record_clock`, the clock's time
    /// is written down too (a manual clock resumes from it after a restart).
    Settle {
        record_clock: bool,
        reply: Reply<()>,
    },
    /// Answered when everything sent before it is committed; the writer then stops.
    Shutdown { reply: Reply<()> },
    /// Another replica's change added an earlier deadline: look at the queue again.
    Wake,
}

impl Command {
    /// How many documents the command names or creates.
    fn weight(&self) -> usize {
        match self {
            Command::CreateInstances { plan, .. } => plan.names.len(),
            Command::OperateInstances { ids, .. } => ids.len(),
            Command::EnsureDefaultGroups { accounts, .. } => accounts.len(),
            Command::Run { weight, .. } => *weight,
            _ => 1,
        }
    }
}

/// A command's answer, sent after the round commits (or with the commit's error).
pub(crate) type Answer = Box<dyn FnOnce(Option<StoreError>) + Send>;

/// An operation run in a round (`Ok`), or refused before any round could run it (`Err`).
pub(crate) type Job =
    Box<dyn for<'r, 'a> FnOnce(Result<&'r mut Round<'a>, &StoreError>) -> Answer + Send>;

/// A job that runs `f` in a round and answers its result after the commit.
pub(crate) fn job<T: Send + 'static>(
    reply: Reply<T>,
    f: impl for<'r, 'a> FnOnce(&'r mut Round<'a>) -> Result<T, StoreError> + Send + 'static,
) -> Job {
    Box::new(move |round| match round {
        Ok(round) => answer(reply, f(round)),
        Err(e) => {
            let _ = reply.send(Err(e.clone()));
            Box::new(|_| {})
        }
    })
}

pub(crate) fn answer<T: Send + 'static>(reply: Reply<T>, result: Result<T, StoreError>) -> Answer {
    Box::new(move |failure| {
        let _ = reply.send(match failure {
            Some(e) => Err(e),
            None => result,
        });
    })
}

/// One round of the writer: everything its decisions need.
pub(crate) struct Round<'a> {
    pub now: Millis,
    pub core: &'a Core,
    pub state: &'a mut State,
    /// What is committed.
    pub indexes: &'a Indexes,
    /// What this round changed so far.
    pub changes: Changes,
    pub ids: &'a mut IdGenerator,
}

impl Round<'_> {
    /// A document as this round leaves it (deleted: `None`).
    pub fn get<D: Stored>(&self, ordinal: u64) -> Option<D> {
        match D::changes(&self.changes).get(&ordinal) {
            Some(d) => d.clone(),
            None => D::index(self.indexes).get(ordinal).cloned(),
        }
    }

    /// Writes a document (new or changed) into this round.
    pub fn put<D: Stored>(&mut self, d: D) {
        D::changes_mut(&mut self.changes).insert(d.ordinal(), Some(d));
    }

    /// Deletes a document, giving back what it held.
    pub fn delete<D: Stored>(&mut self, d: &D) {
        d.release(self.state, &self.core.catalog);
        D::changes_mut(&mut self.changes).insert(d.ordinal(), None);
        d.went(self);
    }

    /// Queues a phase's deadline.
    pub fn schedule<D: Document>(&mut self, d: &D) {
        if let Some(due) = d.due() {
            self.state.due.push(Reverse((due, D::KIND, d.ordinal())));
        }
    }

    /// A new ordinal (a new document's, or an order number).
    pub fn next_id(&mut self) -> u64 {
        self.ids.next(self.now)
    }

    /// Writes down a document's phase that ended by now: the document as it is afterwards
    /// (`None`: gone).
    pub fn settle<D: Stored>(&mut self, mut d: D) -> Option<D> {
        match d.settle(self.now) {
            Settled::Unchanged => Some(d),
            Settled::Changed => {
                self.put(d.clone());
                Some(d)
            }
            Settled::Gone => {
                self.delete(&d);
                None
            }
        }
    }

    /// A resource group of the account, as this round leaves it.
    pub fn group(&self, account: AccountId, id: &str) -> Option<ResourceGroup> {
        let committed = self.indexes.groups.by_id(account, id).map(|g| g.ordinal);
        let changed = self
            .changes
            .groups
            .iter()
            .find(|(_, g)| {
                g.as_ref()
                    .is_some_and(|g| g.id == id && g.account == account)
            })
            .map(|(o, _)| *o);
        changed
            .or(committed)
            .and_then(|o| self.get::<ResourceGroup>(o))
            .filter(|g| g.account == account)
    }

    /// A document of the account, by the id clients know, as this round leaves it.
    pub fn find<D: Stored<Index = Table<D>>>(&self, account: AccountId, id: &str) -> Option<D> {
        let changed = D::changes(&self.changes).iter().find_map(|(_, d)| {
            d.as_ref()
                .filter(|d| d.account() == account && d.public_id() == id)
        });
        if let Some(d) = changed {
            return Some(d.clone());
        }
        let committed = D::index(self.indexes).by_id(account, id)?;
        match D::changes(&self.changes).get(&committed.ordinal()) {
            // Changed in this round (found above if it still has the id), or deleted.
            Some(_) => None,
            None => Some(committed.clone()),
        }
    }

    /// Whether any account's document of this kind has this public id, in this round.
    pub fn id_taken<D: Stored<Index = Table<D>>>(&self, id: &str) -> bool {
        D::changes(&self.changes)
            .values()
            .any(|d| d.as_ref().is_some_and(|d| d.public_id() == id))
            || D::index(self.indexes).by_public_id(id).is_some()
    }

    /// The account's documents listed under `(field, value)`, as this round leaves them, in
    /// creation order.
    pub fn listed<D: Stored<Index = Table<D>>>(
        &self,
        account: AccountId,
        field: &'static str,
        value: &str,
    ) -> Vec<D> {
        let mut ordinals: std::collections::BTreeSet<u64> = D::index(self.indexes)
            .listed(account, field, value)
            .map(Document::ordinal)
            .collect();
        ordinals.extend(D::changes(&self.changes).keys().copied());
        ordinals
            .into_iter()
            .filter_map(|o| self.get::<D>(o))
            .filter(|d| {
                d.account() == account && d.keys().iter().any(|(f, v)| *f == field && v == value)
            })
            .collect()
    }

    /// How many documents of this kind the account has, as this round leaves them.
    pub fn count<D: Stored<Index = Table<D>>>(&self, account: AccountId) -> usize {
        let committed = D::index(self.indexes).count(account) as i64;
        let delta: i64 = D::changes(&self.changes)
            .iter()
            .map(|(o, after)| {
                let was = D::index(self.indexes)
                    .get(*o)
                    .is_some_and(|d| d.account() == account);
                let is = after.as_ref().is_some_and(|d| d.account() == account);
                i64::from(is) - i64::from(was)
            })
            .sum();
        (committed + delta).max(0) as usize
    }

    /// Documents (of every kind) in a resource group, as this round leaves them.
    pub fn in_group(&self, account: AccountId, group: &str) -> usize {
        struct Count<'r, 'a> {
            round: &'r Round<'a>,
            account: AccountId,
            group: &'r str,
            delta: i64,
        }
        impl ForKind for Count<'_, '_> {
            fn call<D: Stored>(&mut self) {
                for (ordinal, after) in D::changes(&self.round.changes) {
                    let before = D::index(self.round.indexes).get(*ordinal);
                    let was = before.is_some_and(|d| {
                        d.account() == self.account && d.resource_group() == Some(self.group)
                    });
                    let is = after.as_ref().is_some_and(|d| {
                        d.account() == self.account && d.resource_group() == Some(self.group)
                    });
                    self.delta += i64::from(is) - i64::from(was);
                }
            }
        }
        let mut count = Count {
            round: self,
            account,
            group,
            delta: 0,
        };
        kinds::for_every_kind(&mut count);
        let committed = self.indexes.in_group(account, group) as i64;
        (committed + count.delta).max(0) as usize
    }
}

pub(crate) struct Writer {
    pub journal: Box<dyn Journal>,
    pub core: Arc<Core>,
    pub ids: IdGenerator,
}

impl Writer {
    pub fn run(mut self, rx: Receiver<Command>) {
        // Settle requests wait until nothing due at the time they arrived is left.
        let mut settles: Vec<(Millis, Reply<()>)> = Vec::new();
        let mut shutdown: Option<Reply<()>> = None;
        while let Some(batch) = self.next_batch(&rx) {
            let now = self.core.clock.now();
            let mut record = false;
            let mut commands = Vec::with_capacity(batch.len());
            for cmd in batch {
                match cmd {
                    Command::Settle {
                        record_clock,
                        reply,
                    } => {
                        record |= record_clock;
                        settles.push((now, reply));
                    }
                    Command::Shutdown { reply } => shutdown = Some(reply),
                    Command::Wake => {}
                    // Nothing after a shutdown is taken.
                    other if shutdown.is_none() => commands.push(other),
                    _ => {}
                }
            }
            let due_now = self.core.state().earliest_due().is_some_and(|t| t <= now);
            if (due_now || !commands.is_empty() || record)
                && let Err(e) = self.round(now, commands, record.then_some(now))
            {
                // What was due is still due: the settles waiting for it are told now, not
                // when the backend is back.
                for (_, reply) in settles.drain(..) {
                    let _ = reply.send(Err(e.clone()));
                }
            }
            if let Some(reply) = shutdown.take() {
                let _ = reply.send(Ok(()));
                break;
            }
            let earliest = self.core.state().earliest_due();
            for (_, reply) in settles.extract_if(.., |(at, _)| earliest.is_none_or(|t| t > *at)) {
                let _ = reply.send(Ok(()));
            }
        }
        // Callers still waiting learn that the store closed when their reply is dropped.
        tracing::debug!("store writer stopped");
    }

    /// Waits for commands, or for the earliest deadline, and takes what has arrived.
    /// `None` when every handle to the store is gone.
    fn next_batch(&self, rx: &Receiver<Command>) -> Option<Vec<Command>> {
        let now = self.core.clock.now();
        let wait = match self.core.state().earliest_due() {
            Some(t) if t <= now => Some(std::time::Duration::ZERO),
            Some(t) => self.core.clock.real_wait_until(t),
            None => None,
        };
        let first = match wait {
            Some(d) => match rx.recv_timeout(d) {
                Ok(c) => Some(c),
                Err(RecvTimeoutError::Timeout) => None,
                Err(RecvTimeoutError::Disconnected) => return None,
            },
            None => Some(rx.recv().ok()?),
        };
        let mut weight = first.as_ref().map_or(0, Command::weight);
        let mut batch: Vec<Command> = first.into_iter().collect();
        while batch.len() < MAX_BATCH && weight < MAX_BATCH_DOCUMENTS {
            match rx.try_recv() {
                Ok(c) => {
                    weight += c.weight();
                    batch.push(c);
                }
                Err(TryRecvError::Empty | TryRecvError::Disconnected) => break,
            }
        }
        Some(batch)
    }

    /// One transaction: catch up with other replicas, settle what is due, apply the commands,
    /// commit, publish, answer. On failure nothing of the round is applied, and every command
    /// has been answered with the error (returned too).
    fn round(
        &mut self,
        now: Millis,
        commands: Vec<Command>,
        clock: Option<Millis>,
    ) -> Result<(), StoreError> {
        if now > zec_core::clock::MAX_TIME {
            // Only a system clock set decades ahead gets here (a manual clock cannot).
            let e = StoreError::Refused(ApiError::new(
                ErrorCode::ServiceTemporaryUnavailable,
                format!(
                    "The clock reads {}, after the latest time zecd can represent ({}); writes are refused until it is corrected.",
                    zec_core::clock::format_api_time(now),
                    zec_core::clock::format_api_time(zec_core::clock::MAX_TIME)
                ),
            ));
            tracing::error!(error = %e, "the clock is out of range");
            refuse(commands, &e);
            std::thread::sleep(RETRY_PAUSE);
            return Err(e);
        }
        let applied = self.core.state().applied;
        let catch_up = match self.journal.begin(applied) {
            Ok(c) => c,
            Err(e) => {
                tracing::error!(error = %e, "store round could not begin; the batch is not applied");
                self.journal.abort();
                refuse(commands, &e);
                std::thread::sleep(RETRY_PAUSE);
                return Err(e);
            }
        };
        let core = self.core.clone();
        core.metrics.rounds.inc();
        core.metrics.batch_size.observe(commands.len() as f64);
        let mut state = core.state();
        core.catch_up(&mut state, catch_up);
        let indexes = core.indexes();
        let mut round = Round {
            now,
            core: &core,
            state: &mut state,
            indexes: &indexes,
            changes: Changes {
                clock,
                ..Changes::default()
            },
            ids: &mut self.ids,
        };
        settle_due(&mut round);
        let mut answers: Vec<Answer> = Vec::with_capacity(commands.len());
        for cmd in commands {
            answers.push(match cmd {
                Command::CreateInstances {
                    account,
                    plan,
                    reply,
                } => answer(reply, instances::create(&mut round, account, &plan)),
                Command::OperateInstances {
                    account,
                    ids,
                    op,
                    change,
                    scope,
                    reply,
                } => answer(
                    reply,
                    instances::operate(
                        &mut round,
                        instances::Operate {
                            account,
                            ids: &ids,
                            op,
                            change: &change,
                            scope: scope.as_deref(),
                        },
                    ),
                ),
                Command::Group { account, op, reply } => {
                    answer(reply, groups::apply(&mut round, account, op))
                }
                Command::Run { job, .. } => job(Ok(&mut round)),
                Command::EnsureDefaultGroups { accounts, reply } => {
                    let result = groups::ensure_defaults(&mut round, &accounts);
                    match reply {
                        Some(reply) => answer(reply, result),
                        None => Box::new(|_| {}),
                    }
                }
                Command::Settle { reply, .. } | Command::Shutdown { reply } => {
                    answer(reply, Ok(()))
                }
                Command::Wake => Box::new(|_| {}),
            });
        }
        let changes = std::mem::take(&mut round.changes);
        drop(round);
        drop(indexes);
        if changes.is_empty() {
            self.journal.abort();
            core.metrics.deadlines.set(state.due.len() as i64);
            answers.into_iter().for_each(|a| a(None));
            return Ok(());
        }
        let started = std::time::Instant::now();
        let committed = self.journal.commit(&changes, self.ids.last());
        core.metrics
            .commit_seconds
            .observe(started.elapsed().as_secs_f64());
        match committed {
            Ok(seq) => {
                core.publish(&mut state, changes, seq);
                core.metrics.deadlines.set(state.due.len() as i64);
                drop(state);
                answers.into_iter().for_each(|a| a(None));
                Ok(())
            }
            Err(e) => {
                tracing::error!(error = %e, "store commit failed; the batch is not applied");
                self.journal.abort();
                core.indexes().undo(&changes, &mut state, &core.catalog);
                drop(state);
                answers.into_iter().for_each(|a| a(Some(e.clone())));
                std::thread::sleep(RETRY_PAUSE);
                Err(e)
            }
        }
    }
}

/// Answers commands that a round could not take up.
fn refuse(commands: Vec<Command>, e: &StoreError) {
    for cmd in commands {
        match cmd {
            Command::CreateInstances { reply, .. } => {
                let _ = reply.send(Err(e.clone()));
            }
            Command::OperateInstances { reply, .. } => {
                let _ = reply.send(Err(e.clone()));
            }
            Command::Group { reply, .. } => {
                let _ = reply.send(Err(e.clone()));
            }
            Command::EnsureDefaultGroups { reply, .. } => {
                if let Some(reply) = reply {
                    let _ = reply.send(Err(e.clone()));
                }
            }
            Command::Run { job, .. } => {
                // Refused before it ran: the job answers the error itself.
                job(Err(e))(None);
            }
            Command::Settle { reply, .. } | Command::Shutdown { reply } => {
                let _ = reply.send(Err(e.clone()));
            }
            Command::Wake => {}
        }
    }
}

/// Settles the phases whose time has come, of every kind, up to [`MAX_SETTLE`].
fn settle_due(round: &mut Round<'_>) {
    struct One<'r, 'a> {
        round: &'r mut Round<'a>,
        due: Millis,
        ordinal: u64,
        settled: bool,
    }
    impl ForKind for One<'_, '_> {
        fn call<D: Stored>(&mut self) {
            let Some(d) = self.round.get::<D>(self.ordinal) else {
                return;
            };
            // A deadline left over from a phase that has since been replaced.
            if d.due() != Some(self.due) {
                return;
            }
            self.round.settle(d);
            self.settled = true;
            let late = self.round.now.saturating_sub(self.due).max(0);
            self.round
                .core
                .metrics
                .lateness_seconds
                .observe(late as f64 / 1000.0);
        }
    }
    let mut settled = 0;
    while settled < MAX_SETTLE {
        match round.state.due.peek() {
            Some(Reverse((t, _, _))) if *t <= round.now => {}
            _ => break,
        }
        let Some(Reverse((due, kind, ordinal))) = round.state.due.pop() else {
            break;
        };
        let mut one = One {
            round,
            due,
            ordinal,
            settled: false,
        };
        kinds::for_kind(kind, &mut one);
        settled += usize::from(one.settled);
    }
}
