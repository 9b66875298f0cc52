//! A sorted set of ids with fast positional access: the list every index key keeps.
//!
//! Ids live in chunks of at most `MAX_CHUNK`, each sorted, chunk after chunk. Insert and remove
//! touch one chunk (a short memmove, not one of the whole list); the n-th id is found by walking
//! chunk lengths, about a thousand additions for a million ids. New instances have the largest
//! id so far, so the common insert is an append to the last chunk.

const MAX_CHUNK: usize = 1024;

#[derive(Debug, Default, Clone)]
pub struct OrderedIds {
    chunks: Vec<Vec<u64>>,
    len: usize,
}

impl OrderedIds {
    pub const fn new() -> Self {
        Self {
            chunks: Vec::new(),
            len: 0,
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    /// The chunk that holds, or would hold, `id`.
    fn chunk_of(&self, id: u64) -> usize {
        // The first chunk whose last id is >= id; else the last chunk.
        let at = self
            .chunks
            .partition_point(|c| c.last().is_some_and(|&last| last < id));
        at.min(self.chunks.len().saturating_sub(1))
    }

    /// Adds an id; returns false if it was there.
    pub fn insert(&mut self, id: u64) -> bool {
        if self.chunks.is_empty() {
            self.chunks.push(Vec::with_capacity(MAX_CHUNK));
        }
        let c = self.chunk_of(id);
        let chunk = &mut self.chunks[c];
        let at = match chunk.binary_search(&id) {
            Ok(_) => return false,
            Err(at) => at,
        };
        chunk.insert(at, id);
        self.len += 1;
        if chunk.len() > MAX_CHUNK {
            // An append leaves a full chunk behind; an insert in the middle splits evenly.
            let keep = if at == MAX_CHUNK {
                MAX_CHUNK
            } else {
                MAX_CHUNK / 2
            };
            let tail = chunk.split_off(keep);
            self.chunks.insert(c + 1, tail);
        }
        true
    }

    /// Removes an id; returns false if it was not there.
    pub fn remove(&mut self, id: u64) -> bool {
        if self.chunks.is_empty() {
            return false;
        }
        let c = self.chunk_of(id);
        let chunk = &mut self.chunks[c];
        let Ok(at) = chunk.binary_search(&id) else {
            return false;
        };
        chunk.remove(at);
        self.len -= 1;
        if chunk.is_empty() {
            self.chunks.remove(c);
        }
        true
    }

    /// How many ids are smaller than `id`.
    pub fn rank(&self, id: u64) -> usize {
        if self.chunks.is_empty() {
            return 0;
        }
        let c = self.chunk_of(id);
        let before: usize = self.chunks[..c].iter().map(Vec::len).sum();
        before + self.chunks[c].partition_point(|&x| x < id)
    }

    /// The ids from position `from` on, in order.
    pub fn iter_from(&self, from: usize) -> impl Iterator<Item = u64> + '_ {
        let mut skip = from;
        let mut first = self.chunks.len();
        for (n, c) in self.chunks.iter().enumerate() {
            if skip < c.len() {
                first = n;
                break;
            }
            skip -= c.len();
        }
        self.chunks
            .get(first..)
            .unwrap_or_default()
            .iter()
            .enumerate()
            .flat_map(move |(n, c)| {
                let start = if n == 0 { skip } else { 0 };
                c[start..].iter().copied()
            })
    }

    pub fn iter(&self) -> impl Iterator<Item = u64> + '_ {
        self.chunks.iter().flatten().copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// Random inserts and removes against a BTreeSet, checking every query.
    #[test]
    fn behaves_like_a_sorted_set_with_positions() {
        let mut ours = OrderedIds::default();
        let mut model = BTreeSet::new();
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for step in 0..40_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let id = x % 5_000;
            if step % 3 == 2 {
                assert_eq!(ours.remove(id), model.remove(&id));
            } else {
                assert_eq!(ours.insert(id), model.insert(id));
            }
            assert_eq!(ours.len(), model.len());
            if step % 997 == 0 {
                let all: Vec<u64> = model.iter().copied().collect();
                assert_eq!(ours.iter().collect::<Vec<_>>(), all);
                for from in [
                    0,
                    1,
                    all.len() / 2,
                    all.len().saturating_sub(1),
                    all.len(),
                    all.len() + 5,
                ] {
                    let want: Vec<u64> = all.iter().skip(from).take(7).copied().collect();
                    assert_eq!(ours.iter_from(from).take(7).collect::<Vec<_>>(), want);
                }
                assert_eq!(ours.rank(2_500), model.range(..2_500).count());
                assert_eq!(ours.iter().any(|x| x == id), model.contains(&id));
            }
        }
    }

    #[test]
    fn appends_fill_chunks_and_deep_positions_are_cheap_to_reach() {
        let mut ids = OrderedIds::default();
        for id in 0..1_000_000u64 {
            ids.insert(id * 3);
        }
        assert_eq!(ids.len(), 1_000_000);
        assert_eq!(
            ids.chunks.len(),
            1_000_000usize.div_ceil(MAX_CHUNK),
            "appends fill chunks"
        );
        assert_eq!(ids.iter_from(999_990).next(), Some(999_990 * 3));
        assert_eq!(ids.rank(300_000), 100_000);
        assert!(ids.remove(3));
        assert_eq!(ids.iter_from(0).take(2).collect::<Vec<_>>(), [0, 6]);
    }
}
