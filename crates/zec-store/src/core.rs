//! The state every read is served from, and the two ways it changes: a round of this
//! replica's writer, published after its commit, and what other replicas committed, caught up
//! with in log order. Both happen under the [`State`] lock, so that addresses in use,
//! deadlines and the index always agree.

use crate::alloc::Allocator;
use crate::directory::{Directory, ResourceGroup};
use crate::index::Index;
use crate::journal::{CatchUp, Overlay};
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::{Arc, Mutex, MutexGuard, RwLock, RwLockReadGuard};
use zec_core::faults::Faults;
use zec_core::{Catalog, Clock, Instance, Millis, Timings};

/// What changes with the index, under one lock: addresses in use, deadlines to settle, and how
/// far the log has been applied.
#[derive(Default)]
pub(crate) struct State {
    pub alloc: Allocator,
    pub due: BinaryHeap<Reverse<(Millis, u64)>>,
    /// The last log position applied (0: none).
    pub applied: u64,
}

impl State {
    pub fn earliest_due(&self) -> Option<Millis> {
        self.due.peek().map(|Reverse((t, _))| *t)
    }
}

pub(crate) struct Core {
    pub index: RwLock<Index>,
    pub directory: RwLock<Arc<Directory>>,
    pub state: Mutex<State>,
    pub clock: Arc<dyn Clock>,
    pub timings: Timings,
    pub catalog: Arc<Catalog>,
    pub faults: Arc<Mutex<Faults>>,
}

impl Core {
    pub fn index(&self) -> RwLockReadGuard<'_, Index> {
        self.index.read().unwrap_or_else(|e| e.into_inner())
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

    pub fn public_pool(&self, i: &Instance) -> Option<zec_core::cidr::Ipv4Cidr> {
        self.catalog
            .region(&i.region_id)
            .map(|r| r.public_ipv4_pool)
    }

    /// Publishes a round of this replica's writer, committed at `seq`. The writer has already
    /// taken the addresses and deadlines it needs.
    pub fn publish(&self, state: &mut State, overlay: Overlay, seq: u64) {
        {
            let mut index = self.index.write().unwrap_or_else(|e| e.into_inner());
            for (id, row) in overlay.rows {
                match row {
                    Some(i) => index.upsert(i),
                    None => {
                        index.remove(id);
                    }
                }
            }
        }
        if !overlay.groups.is_empty() {
            let mut next = (*self.directory()).clone();
            for (id, group) in overlay.groups {
                match group {
                    Some(g) => next.groups.insert(id, g),
                    None => next.groups.remove(&id),
                };
            }
            self.set_directory(next);
        }
        state.applied = state.applied.max(seq);
    }

    /// Applies what other replicas committed. Changes at or before the position already
    /// applied are skipped, so a catch-up read before a later one was applied does no harm.
    /// Returns whether it added a deadline earlier than any before.
    pub fn catch_up(&self, state: &mut State, catch_up: CatchUp) -> bool {
        let earliest = state.earliest_due();
        match catch_up {
            CatchUp::Nothing => return false,
            CatchUp::Changes { seq, rows, groups } => {
                if seq <= state.applied {
                    return false;
                }
                let mut index = self.index.write().unwrap_or_else(|e| e.into_inner());
                for (id, at, row) in rows {
                    if at <= state.applied {
                        continue;
                    }
                    match row {
                        Some(i) => {
                            if index.by_id(id).is_none() {
                                let pool = self.public_pool(&i);
                                state.alloc.claim(&i, pool);
                            }
                            if let Some(p) = i.pending {
                                state.due.push(Reverse((p.due, i.id)));
                            }
                            index.upsert(i);
                        }
                        None => {
                            if let Some(old) = index.remove(id) {
                                let pool = self.public_pool(&old);
                                state.alloc.release(&old, pool);
                            }
                        }
                    }
                }
                drop(index);
                if let Some(groups) = groups {
                    self.replace_groups(groups);
                }
                state.applied = seq;
            }
            CatchUp::Reload {
                seq,
                loaded,
                groups,
            } => {
                if seq <= state.applied {
                    return false;
                }
                let loaded = *loaded;
                *self.index.write().unwrap_or_else(|e| e.into_inner()) = loaded.index;
                state.alloc = loaded.alloc;
                state.due = loaded.due;
                self.replace_groups(groups);
                state.applied = seq;
                tracing::warn!(seq, "fell behind the shared log; reloaded every instance");
            }
        }
        match (earliest, state.earliest_due()) {
            (_, None) => false,
            (None, Some(_)) => true,
            (Some(a), Some(b)) => b < a,
        }
    }

    fn replace_groups(&self, groups: Vec<ResourceGroup>) {
        let mut next = (*self.directory()).clone();
        next.groups = groups.into_iter().map(|g| (g.id.clone(), g)).collect();
        self.set_directory(next);
    }
}
