//! Loading everything into memory at start. Instances, by far the most, are read on the
//! caller's thread, decoded on two others, and put into the index in creation order on a
//! fourth (decoding is most of a restart's work, and a restart with a million instances is
//! meant to take seconds); the other kinds' tables are read after them.

use crate::core::State;
use crate::error::{DbResult, StoreError};
use crate::kinds::{self, Changes, Document, Indexes, ReadRows};
use std::cmp::Reverse;
use std::sync::mpsc::sync_channel;
use std::sync::{Arc, Mutex};
use zec_core::{Catalog, Instance};

/// Everything the store starts from: the indexes, and the state that goes with them.
pub(crate) struct Loaded {
    pub indexes: Indexes,
    pub state: State,
}

impl Loaded {
    fn add(&mut self, instance: Instance, catalog: &Catalog) {
        if let Some(due) = instance.due() {
            self.state
                .due
                .push(Reverse((due, Instance::KIND, instance.id)));
        }
        instance.hold(&mut self.state, catalog);
        self.state.last_ordinal = self.state.last_ordinal.max(instance.id);
        self.indexes.instances.upsert(instance);
    }

    /// The documents of another kind's table.
    pub fn add_rows(
        &mut self,
        table: &str,
        rows: ReadRows,
        catalog: &Catalog,
    ) -> Result<(), StoreError> {
        let mut changes = Changes::default();
        changes.read(table, rows, 0)?;
        kinds::catch_up(&mut self.indexes, changes, &mut self.state, catalog);
        Ok(())
    }
}

pub(crate) fn decode(id: i64, doc: &[u8]) -> Result<Instance, StoreError> {
    kinds::decode(Instance::TABLE, id as u64, doc)
}

/// Rows per unit of decoding work.
const CHUNK: usize = 4096;

/// Hands rows, in id order, to the loader; `false` when the loader has stopped.
pub(crate) type Sink<'a> = dyn FnMut(i64, Vec<u8>) -> bool + 'a;

/// Builds the index from the rows `read` produces (id and document, in id order). `count` is
/// a hint for how many there are.
pub(crate) fn load(
    count: usize,
    last_id: u64,
    catalog: &Catalog,
    read: impl FnOnce(&mut Sink<'_>) -> DbResult<()>,
) -> DbResult<Loaded> {
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
                    let decoded = rows.iter().map(|(id, doc)| decode(*id, doc)).collect();
                    if done_tx.send((n, decoded)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(done_tx);
        let builder = scope.spawn(move || {
            let mut loaded = Loaded {
                indexes: Indexes::default(),
                state: State {
                    last_ordinal: last_id,
                    ..State::default()
                },
            };
            loaded.indexes.instances.reserve(count);
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

        let mut chunk = Vec::with_capacity(CHUNK);
        let mut n = 0;
        let read = read(&mut |id, doc| {
            chunk.push((id, doc));
            if chunk.len() < CHUNK {
                return true;
            }
            let full = std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK));
            n += 1;
            raw_tx.send((n - 1, full)).is_ok()
        });
        if read.is_ok() && !chunk.is_empty() {
            let _ = raw_tx.send((n, chunk));
        }
        drop(raw_tx);
        let loaded = builder
            .join()
            .unwrap_or_else(|_| Err(StoreError::Internal("loading the index panicked".into())));
        read.and(loaded.map_err(Into::into))
    })
}
