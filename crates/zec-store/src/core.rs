//! The state every read is served from, and the two ways it changes: a round of this
//! replica's writer, published after its commit, and what other replicas committed, caught up
//! with in log order. Both happen under the [`State`] lock, so that holdings (addresses),
//! deadlines and the indexes always agree.

use crate::alloc::Allocator;
use crate::directory::Directory;
use crate::kinds::{self, Changes, Indexes, KindId};
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::{Arc, Mutex, MutexGuard, RwLock, RwLockReadGuard};
use zec_core::faults::Faults;
use zec_core::{Catalog, Clock, Millis, Timings};

/// A phase's deadline: when, of which kind, which document.
pub(crate) type Deadline = Reverse<(Millis, KindId, u64)>;

/// What changes with the indexes, under one lock: what documents hold (addresses), the
/// deadlines to settle, and how far the log has been applied.
#[derive(Default)]
pub struct State {
    pub(crate) alloc: Allocator,
    pub(crate) due: BinaryHeap<Deadline>,
    /// The last log position applied (0: none).
    pub(crate) applied: u64,
    /// The largest ordinal seen, of any kind (ids are never handed out twice).
    pub(crate) last_ordinal: u64,
}

impl State {
    pub fn earliest_due(&self) -> Option<Millis> {
        self.due.peek().map(|Reverse((t, _, _))| *t)
    }
}

pub(crate) struct Core {
    pub indexes: RwLock<Indexes>,
    pub directory: RwLock<Arc<Directory>>,
    pub state: Mutex<State>,
    pub clock: Arc<dyn Clock>,
    pub timings: Timings,
    pub catalog: Arc<Catalog>,
    /// The catalog's networks, as documents every account shares.
    pub shared: crate::shared::Shared,
    pub faults: Arc<Mutex<Faults>>,
    pub metrics: crate::metrics::StoreMetrics,
    /// Bumped whenever the indexes change (this replica's rounds, other replicas' commits),
    /// for watchers such as the guest driver.
    pub version: tokio::sync::watch::Sender<u64>,
}

/// What another replica committed, or the whole store read again.
pub(crate) enum CatchUp {
    /// Nothing new.
    Nothing,
    /// The documents changed up to log position `seq` (those at or before the position
    /// already applied are left out when read).
    Changes { seq: u64, changes: Box<Changes> },
    /// The replica fell too far behind (the deletions it missed were pruned): everything.
    Reload {
        seq: u64,
        loaded: Box<crate::load::Loaded>,
    },
}

impl Core {
    pub fn indexes(&self) -> RwLockReadGuard<'_, Indexes> {
        self.indexes.read().unwrap_or_else(|e| e.into_inner())
    }

    pub fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn directory(&self) -> Arc<Directory> {
        self.directory
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Replaces the directory. Callers hold the state lock while they read the new one from
    /// the database and install it, so that an older read never overwrites a newer one.
    pub fn set_directory(&self, d: Directory) {
        *self.directory.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(d);
    }

    /// Publishes a round of this replica's writer, committed at `seq`. The writer has already
    /// taken the holdings and deadlines it needs.
    pub fn publish(&self, state: &mut State, changes: Changes, seq: u64) {
        self.indexes
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .apply(changes);
        state.applied = state.applied.max(seq);
        self.version.send_modify(|v| *v += 1);
    }

    /// Applies what other replicas committed. Returns whether it added a deadline earlier than
    /// any before.
    pub fn catch_up(&self, state: &mut State, catch_up: CatchUp) -> bool {
        let earliest = state.earliest_due();
        match catch_up {
            CatchUp::Nothing => return false,
            CatchUp::Changes { seq, changes } => {
                if seq <= state.applied {
                    return false;
                }
                let mut indexes = self.indexes.write().unwrap_or_else(|e| e.into_inner());
                kinds::catch_up(&mut indexes, *changes, state, &self.catalog);
                state.applied = seq;
            }
            CatchUp::Reload { seq, loaded } => {
                if seq <= state.applied {
                    return false;
                }
                let loaded = *loaded;
                *self.indexes.write().unwrap_or_else(|e| e.into_inner()) = loaded.indexes;
                state.alloc = loaded.state.alloc;
                state.due = loaded.state.due;
                state.last_ordinal = state.last_ordinal.max(loaded.state.last_ordinal);
                state.applied = seq;
                tracing::warn!(seq, "fell behind the shared log; reloaded everything");
            }
        }
        self.version.send_modify(|v| *v += 1);
        match (earliest, state.earliest_due()) {
            (_, None) => false,
            (None, Some(_)) => true,
            (Some(a), Some(b)) => b < a,
        }
    }
}
