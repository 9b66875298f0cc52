//! Loading everything into memory at start. Every kind's table is read on the caller's
//! thread, in id order, decoded on two others, and put into the index in creation order on a
//! fourth (decoding is most of a restart's work, and a restart with a million instances, each
//! with its NIC and disk, is meant to take seconds). Rows are streamed in chunks, so a table
//! is never held whole in memory as text.

use crate::core::State;
use crate::error::{DbResult, StoreError};
use crate::kinds::{self, ForKind, Indexes, KindIndex, Stored};
use std::sync::mpsc::sync_channel;
use std::sync::{Arc, Mutex};
use zec_core::Catalog;

/// Everything the store starts from: the indexes, and the state that goes with them.
pub(crate) struct Loaded {
    pub indexes: Indexes,
    pub state: State,
}

/// Rows per unit of decoding work.
const CHUNK: usize = 4096;

/// Hands rows, in id order, to the loader; `false` when the loader has stopped.
pub(crate) type Sink<'a> = dyn FnMut(i64, Vec<u8>) -> bool + 'a;

/// Reads a table's rows (id and document, in id order) into the sink.
pub(crate) type Reader<'r> = dyn FnMut(&str, &mut Sink<'_>) -> DbResult<()> + 'r;

/// Builds the indexes from every kind's rows, which `read` produces table by table. `count`
/// is a hint for how many instances there are.
pub(crate) fn load(
    count: usize,
    last_id: u64,
    catalog: &Catalog,
    read: &mut Reader<'_>,
) -> DbResult<Loaded> {
    let mut loaded = Loaded {
        indexes: Indexes::default(),
        state: State {
            last_ordinal: last_id,
            ..State::default()
        },
    };
    struct Each<'a, 'r> {
        loaded: &'a mut Loaded,
        count: usize,
        catalog: &'a Catalog,
        read: &'a mut Reader<'r>,
        result: DbResult<()>,
    }
    impl ForKind for Each<'_, '_> {
        fn call<D: Stored>(&mut self) {
            if self.result.is_ok() {
                self.result = load_kind::<D>(self.loaded, self.count, self.catalog, self.read);
            }
        }
    }
    let mut each = Each {
        loaded: &mut loaded,
        count,
        catalog,
        read,
        result: Ok(()),
    };
    kinds::for_every_kind(&mut each);
    each.result?;
    Ok(loaded)
}

/// One kind's table: read here, decoded on two threads, installed in id order on a third.
/// `instances` is the hint of how many instances there are.
fn load_kind<D: Stored>(
    loaded: &mut Loaded,
    instances: usize,
    catalog: &Catalog,
    read: &mut Reader<'_>,
) -> DbResult<()> {
    if D::ONE_PER_INSTANCE {
        D::index_mut(&mut loaded.indexes).reserve(instances);
    }
    type Chunk = (usize, Vec<(i64, Vec<u8>)>);
    type Decoded<D> = (usize, Result<Vec<D>, StoreError>);

    std::thread::scope(|scope| {
        let (raw_tx, raw_rx) = sync_channel::<Chunk>(4);
        let raw_rx = Arc::new(Mutex::new(raw_rx));
        let (done_tx, done_rx) = sync_channel::<Decoded<D>>(4);
        for _ in 0..2 {
            let raw_rx = raw_rx.clone();
            let done_tx = done_tx.clone();
            scope.spawn(move || {
                loop {
                    let next = raw_rx.lock().unwrap_or_else(|e| e.into_inner()).recv();
                    let Ok((n, rows)) = next else { break };
                    let decoded = rows
                        .iter()
                        .map(|(id, doc)| kinds::decode::<D>(D::TABLE, *id as u64, doc))
                        .collect();
                    if done_tx.send((n, decoded)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(done_tx);
        let builder = scope.spawn(move || {
            // Chunks arrive in any order; they go into the index in creation order.
            let mut waiting = std::collections::BTreeMap::new();
            let mut next = 0;
            for (n, decoded) in done_rx {
                waiting.insert(n, decoded);
                while let Some(decoded) = waiting.remove(&next) {
                    for d in decoded? {
                        let index = D::index_mut(&mut loaded.indexes);
                        kinds::install_one(index, d, &mut loaded.state, catalog);
                    }
                    next += 1;
                }
            }
            Ok::<_, StoreError>(())
        });

        let mut chunk = Vec::with_capacity(CHUNK);
        let mut n = 0;
        let read = read(D::TABLE, &mut |id, doc| {
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
        let built = builder
            .join()
            .unwrap_or_else(|_| Err(StoreError::Internal("loading the index panicked".into())));
        read.and(built.map_err(Into::into))
    })
}
