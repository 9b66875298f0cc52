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
            self.chunks.push(Vec::with_capacity(8));
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

    /// The smallest id that is `>= id`.
    pub fn seek(&self, id: u64) -> Option<u64> {
        if self.chunks.is_empty() {
            return None;
        }
        let c = self.chunk_of(id);
        let chunk = &self.chunks[c];
        let at = chunk.partition_point(|&x| x < id);
        match chunk.get(at) {
            Some(&x) => Some(x),
            None => self
                .chunks
                .get(c + 1)
                .and_then(|next| next.first().copied()),
        }
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
                for probe in [0, id, 2_500, 4_999, 6_000] {
                    assert_eq!(ours.seek(probe), model.range(probe..).next().copied());
                }
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

/// The ids on every one of `lists`, in order: a leapfrog join, each list seeking past what the
/// others ruled out, so that the cost follows the answer more than the longest list.
pub fn intersect<'a>(lists: &[&'a OrderedIds]) -> impl Iterator<Item = u64> + 'a {
    let mut lists: Vec<&'a OrderedIds> = lists.to_vec();
    lists.sort_by_key(|l| l.len());
    let mut next = lists.first().and_then(|l| l.seek(0));
    std::iter::from_fn(move || {
        'candidates: while let Some(candidate) = next {
            for l in &lists[1..] {
                match l.seek(candidate) {
                    None => {
                        next = None;
                        return None;
                    }
                    Some(x) if x != candidate => {
                        next = lists[0].seek(x);
                        continue 'candidates;
                    }
                    Some(_) => {}
                }
            }
            next = candidate.checked_add(1).and_then(|n| lists[0].seek(n));
            return Some(candidate);
        }
        None
    })
}

#[cfg(test)]
mod join_tests {
    use super::*;

    #[test]
    fn intersection_is_the_ids_on_every_list() {
        let make = |step: u64| {
            let mut l = OrderedIds::default();
            for id in (0..30_000).step_by(step as usize) {
                l.insert(id);
            }
            l
        };
        let (a, b, c) = (make(2), make(3), make(5));
        let got: Vec<u64> = intersect(&[&a, &b, &c]).collect();
        let want: Vec<u64> = (0..30_000).step_by(30).collect();
        assert_eq!(got, want);
        assert_eq!(intersect(&[&a]).count(), 15_000);
        let empty = OrderedIds::default();
        assert_eq!(intersect(&[&a, &empty]).count(), 0);
        assert_eq!(intersect(&[]).count(), 0);
    }
}
