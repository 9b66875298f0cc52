//! One account's documents of one kind as compressed bitmaps: each document gets a dense slot
//! number in creation order, and every `(field, value)` a kind is filtered by keeps the slots
//! of the documents listed under it in a Roaring bitmap. A value held by a large share of the
//! account (a zone, a status, a type: at least one document in 64) also keeps a plain bitset of
//! the slots beside it, so that filters combined are ANDed a machine word at a time, counted
//! with popcount and paged in the same pass, with nothing allocated; a combination with a rare
//! value walks that value's documents and checks the others. Either way a page and its exact
//! total cost microseconds per million documents, the last page what the first does.
//!
//! Slots follow creation order, which is the order of ordinals: a document that arrives out of
//! order (an import of older documents, another replica's commit) renumbers the account, as
//! does an account whose removed documents outnumber its live ones. Both are rare and cost one
//! pass over the account's bitmaps.

use crate::Map;
use roaring::RoaringBitmap;
use std::borrow::Cow;
use std::collections::hash_map::Entry;
use std::hash::Hash;
use std::ops::Range;

/// Below this many removed slots an account is never renumbered to reclaim them.
const MIN_HOLES: usize = 4096;
/// A value with fewer documents never keeps a bitset.
const MIN_DENSE: u64 = 1024;
/// A value keeps a bitset while it holds at least one slot in this many.
const DENSITY: u64 = 64;

/// The slots of one value: a Roaring bitmap, and a plain bitset beside it while it is dense.
/// A value only one document has (an instance's id on its NIC and disks) keeps that slot
/// alone, in the map's own entry (16 bytes): a bitmap of one costs a few hundred.
#[derive(Debug)]
enum Set {
    One(u32),
    /// At least two slots.
    Many(Box<Many>),
}

#[derive(Debug, Default)]
struct Many {
    bits: RoaringBitmap,
    dense: Option<Vec<u64>>,
}

impl Set {
    fn len(&self) -> u64 {
        match self {
            Set::One(_) => 1,
            Set::Many(m) => m.bits.len(),
        }
    }

    fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        let (one, many) = match self {
            Set::One(s) => (Some(*s), None),
            Set::Many(m) => (None, Some(m.bits.iter())),
        };
        one.into_iter().chain(many.into_iter().flatten())
    }

    /// The slots as a bitmap (made for a single slot).
    fn bitmap(&self) -> Cow<'_, RoaringBitmap> {
        match self {
            Set::One(s) => Cow::Owned(RoaringBitmap::from_iter([*s])),
            Set::Many(m) => Cow::Borrowed(&m.bits),
        }
    }

    /// The plain bitset, while the value is dense.
    fn dense(&self) -> Option<&[u64]> {
        match self {
            Set::One(_) => None,
            Set::Many(m) => m.dense.as_deref(),
        }
    }

    /// The bitmap of a value that is neither dense nor single.
    fn sparse(&self) -> Option<&RoaringBitmap> {
        match self {
            Set::Many(m) if m.dense.is_none() => Some(&m.bits),
            _ => None,
        }
    }

    fn contains(&self, slot: u32) -> bool {
        match self {
            Set::One(s) => *s == slot,
            Set::Many(m) => match &m.dense {
                Some(words) => words
                    .get(slot as usize / 64)
                    .is_some_and(|w| w & (1 << (slot % 64)) != 0),
                None => m.bits.contains(slot),
            },
        }
    }

    fn insert(&mut self, slot: u32, slots: usize) {
        if let Set::One(s) = *self {
            if s == slot {
                return;
            }
            let bits = RoaringBitmap::from_iter([s]);
            *self = Set::Many(Box::new(Many { bits, dense: None }));
        }
        let Set::Many(m) = self else { return };
        m.bits.insert(slot);
        match &mut m.dense {
            Some(words) => {
                let at = slot as usize / 64;
                if words.len() <= at {
                    words.resize(at + 1, 0);
                }
                words[at] |= 1 << (slot % 64);
            }
            None => {
                let n = m.bits.len();
                if n >= MIN_DENSE && n * DENSITY >= slots as u64 {
                    m.densify();
                }
            }
        }
    }

    /// Takes `slot` out; whether the value is left without documents.
    fn remove(&mut self, slot: u32, slots: usize) -> bool {
        let m = match self {
            Set::One(s) => return *s == slot,
            Set::Many(m) => m,
        };
        m.bits.remove(slot);
        if let Some(words) = &mut m.dense {
            if let Some(w) = words.get_mut(slot as usize / 64) {
                *w &= !(1 << (slot % 64));
            }
            let n = m.bits.len();
            if n < MIN_DENSE / 2 || n * DENSITY * 2 < slots as u64 {
                m.dense = None;
            }
        }
        match m.bits.len() {
            0 => true,
            1 => {
                *self = Set::One(m.bits.min().unwrap_or_default());
                false
            }
            _ => false,
        }
    }

    /// Every slot rewritten through `new_of_old`.
    fn renumber(&mut self, new_of_old: &[u32]) {
        match self {
            Set::One(s) => *s = new_of_old[*s as usize],
            Set::Many(m) => {
                m.bits = remap(&m.bits, new_of_old);
                if m.dense.is_some() {
                    m.densify();
                }
            }
        }
    }
}

/// The bitmap of the slots `bits` become, renumbered.
fn remap(bits: &RoaringBitmap, new_of_old: &[u32]) -> RoaringBitmap {
    let mut slots: Vec<u32> = bits.iter().map(|s| new_of_old[s as usize]).collect();
    slots.sort_unstable();
    RoaringBitmap::from_sorted_iter(slots).unwrap_or_default()
}

impl Many {
    fn densify(&mut self) {
        let len = self.bits.max().map_or(0, |m| m as usize / 64 + 1);
        let mut words = vec![0u64; len];
        for s in &self.bits {
            words[s as usize / 64] |= 1 << (s % 64);
        }
        self.dense = Some(words);
    }
}

/// Words ANDed at once.
const BLOCK: usize = 64;

/// The AND of `sets` over the words `range` (at most [`BLOCK`]), less the slots `gone`.
fn and_block<'b>(
    sets: &[&[u64]],
    range: Range<usize>,
    gone: &GoneWords,
    block: &'b mut [u64; BLOCK],
) -> &'b [u64] {
    let words = &mut block[..range.len()];
    words.copy_from_slice(&sets[0][range.clone()]);
    for set in &sets[1..] {
        for (w, x) in words.iter_mut().zip(&set[range.clone()]) {
            *w &= x;
        }
    }
    if !gone.0.is_empty() {
        for (i, w) in words.iter_mut().enumerate() {
            *w &= !gone.at(range.start + i);
        }
    }
    words
}

/// Slots left out (a few: removals come due), as words of a bitset, looked up in order.
struct GoneWords(Map<usize, u64>);

impl GoneWords {
    fn new(gone: &RoaringBitmap) -> Self {
        let mut words = Map::default();
        for s in gone {
            *words.entry(s as usize / 64).or_insert(0) |= 1u64 << (s % 64);
        }
        GoneWords(words)
    }

    fn at(&self, word: usize) -> u64 {
        if self.0.is_empty() {
            0
        } else {
            self.0.get(&word).copied().unwrap_or(0)
        }
    }
}

#[derive(Debug)]
pub struct Postings<K> {
    /// Slot to ordinal, strictly increasing: a removed document's slot (a hole, not in `all`)
    /// keeps its ordinal, so a document's slot is found by binary search, with no map of a
    /// million entries beside the list.
    ordinals: Vec<u64>,
    /// Every live slot.
    all: RoaringBitmap,
    lists: Map<K, Set>,
}

impl<K> Default for Postings<K> {
    fn default() -> Self {
        Self {
            ordinals: Vec::new(),
            all: RoaringBitmap::new(),
            lists: Map::default(),
        }
    }
}

/// How a combination of values is answered.
enum Plan<'a> {
    /// A value no document holds.
    Empty,
    /// One value (or none: every document): its bitmap is the answer.
    One(Cow<'a, RoaringBitmap>),
    /// The rarest value's documents, each checked against the other values.
    Walk(Cow<'a, RoaringBitmap>, Vec<&'a Set>),
    /// Every value dense: their bitsets ANDed word by word.
    Words(Vec<&'a [u64]>),
}

impl<K: Hash + Eq> Postings<K> {
    pub fn len(&self) -> usize {
        self.all.len() as usize
    }

    pub fn is_empty(&self) -> bool {
        self.all.is_empty()
    }

    /// How many documents are listed under `key`.
    pub fn list_len(&self, key: &K) -> usize {
        self.lists.get(key).map_or(0, |s| s.len() as usize)
    }

    /// The slot of a document that is here.
    fn slot(&self, ordinal: u64) -> Option<u32> {
        let at = match self.ordinals.last() {
            // Documents come in creation order: the newest is the one usually asked about.
            Some(&last) if last == ordinal => self.ordinals.len() - 1,
            Some(&last) if last < ordinal => return None,
            _ => self.ordinals.partition_point(|&o| o < ordinal),
        };
        let slot = u32::try_from(at).ok()?;
        (self.ordinals.get(at) == Some(&ordinal) && self.all.contains(slot)).then_some(slot)
    }

    /// Adds a document, listed under `keys`; a document already here is relisted instead.
    pub fn insert(&mut self, ordinal: u64, keys: impl IntoIterator<Item = K>) {
        if self.slot(ordinal).is_some() {
            self.relist(ordinal, [], keys);
            return;
        }
        // Trailing holes are never kept, so the last slot holds the latest document.
        let last = self.ordinals.last().copied();
        if self.ordinals.len() >= u32::MAX as usize {
            self.renumber();
        }
        let slot = self.ordinals.len() as u32;
        self.ordinals.push(ordinal);
        self.all.insert(slot);
        let n = self.ordinals.len();
        for k in keys {
            self.list(k, slot, n);
        }
        if last.is_some_and(|l| l > ordinal) {
            self.renumber();
        }
    }

    /// Moves a document from the lists `removed` to the lists `added`.
    pub fn relist(
        &mut self,
        ordinal: u64,
        removed: impl IntoIterator<Item = K>,
        added: impl IntoIterator<Item = K>,
    ) {
        let Some(slot) = self.slot(ordinal) else {
            return;
        };
        for k in removed {
            self.unlist(&k, slot);
        }
        let n = self.ordinals.len();
        for k in added {
            self.list(k, slot, n);
        }
    }

    fn list(&mut self, key: K, slot: u32, slots: usize) {
        match self.lists.entry(key) {
            Entry::Occupied(mut set) => set.get_mut().insert(slot, slots),
            Entry::Vacant(v) => {
                v.insert(Set::One(slot));
            }
        }
    }

    fn unlist(&mut self, key: &K, slot: u32) {
        let n = self.ordinals.len();
        if let Some(set) = self.lists.get_mut(key)
            && set.remove(slot, n)
        {
            self.lists.remove(key);
        }
    }

    /// Removes a document from every list (`keys`: those it is listed under).
    pub fn remove(&mut self, ordinal: u64, keys: impl IntoIterator<Item = K>) -> bool {
        let Some(slot) = self.slot(ordinal) else {
            return false;
        };
        for k in keys {
            self.unlist(&k, slot);
        }
        self.all.remove(slot);
        // Trailing holes are simply dropped; holes inside are reclaimed by renumbering
        // once they outnumber the documents.
        let live = self.all.max().map_or(0, |m| m as usize + 1);
        self.ordinals.truncate(live);
        let (slots, docs) = (self.ordinals.len(), self.len());
        if slots - docs > MIN_HOLES && slots - docs > docs {
            self.renumber();
        }
        true
    }

    /// Slots in ordinal order, without holes: every bitmap rewritten through the new numbers.
    fn renumber(&mut self) {
        let mut live: Vec<(u64, u32)> = self.all.iter().map(|s| (self.ordinal(s), s)).collect();
        live.sort_unstable();
        let mut new_of_old = vec![u32::MAX; self.ordinals.len()];
        self.ordinals = Vec::with_capacity(live.len());
        for (new, (ordinal, old)) in live.into_iter().enumerate() {
            new_of_old[old as usize] = new as u32;
            self.ordinals.push(ordinal);
        }
        self.all = remap(&self.all, &new_of_old);
        for set in self.lists.values_mut() {
            set.renumber(&new_of_old);
        }
    }

    fn plan<'a>(&'a self, keys: impl IntoIterator<Item = &'a K>) -> Plan<'a> {
        let mut sets: Vec<&Set> = Vec::new();
        for k in keys {
            match self.lists.get(k) {
                Some(s) => sets.push(s),
                None => return Plan::Empty,
            }
        }
        sets.sort_by_key(|s| s.len());
        sets.dedup_by(|a, b| std::ptr::eq(*a, *b));
        match sets.as_slice() {
            [] => Plan::One(Cow::Borrowed(&self.all)),
            [one] => Plan::One(one.bitmap()),
            _ => match sets.iter().map(|s| s.dense()).collect() {
                Some(words) => Plan::Words(words),
                None => {
                    // The sparse values are intersected as bitmaps (container by container,
                    // far cheaper than asking each of them about every candidate); the dense
                    // ones are then checked bit by bit on what is left.
                    let mut small = sets[0].bitmap();
                    let mut rest = Vec::new();
                    for s in &sets[1..] {
                        if let Some(bits) = s.sparse() {
                            small = Cow::Owned(&*small & bits);
                        } else {
                            rest.push(*s);
                        }
                    }
                    Plan::Walk(small, rest)
                }
            },
        }
    }

    /// The documents listed under every one of `keys` (every document if none) but `gone`:
    /// how many there are, and those at positions `range`, in creation order.
    pub fn page<'a>(
        &'a self,
        keys: impl IntoIterator<Item = &'a K>,
        gone: &RoaringBitmap,
        range: Range<usize>,
    ) -> (usize, Vec<u64>) {
        let mut out = Vec::new();
        let total = match self.plan(keys) {
            Plan::Empty => 0,
            Plan::One(b) if gone.is_empty() => return self.page_of_one(&b, range),
            Plan::One(b) => {
                // Documents whose removal is due are few: taken out of a copy.
                let kept = &*b - gone;
                return self.page_of_one(&kept, range);
            }
            Plan::Words(sets) => {
                // ANDed and counted a block of words at a time (loops the compiler turns into
                // vector instructions); only the page's words are taken apart.
                let gone = GoneWords::new(gone);
                let len = sets.iter().map(|w| w.len()).min().unwrap_or(0);
                let mut block = [0u64; BLOCK];
                let mut n = 0usize;
                for start in (0..len).step_by(BLOCK) {
                    let end = (start + BLOCK).min(len);
                    let words = and_block(&sets, start..end, &gone, &mut block);
                    let count: usize = words.iter().map(|w| w.count_ones() as usize).sum();
                    if n + count <= range.start || n >= range.end {
                        n += count;
                        continue;
                    }
                    for (i, &word) in words.iter().enumerate() {
                        let mut word = word;
                        let count = word.count_ones() as usize;
                        if n + count <= range.start || n >= range.end {
                            n += count;
                            continue;
                        }
                        while word != 0 {
                            let bit = word.trailing_zeros();
                            word &= word - 1;
                            if range.contains(&n) {
                                out.push(self.ordinal(((start + i) * 64) as u32 + bit));
                            }
                            n += 1;
                        }
                    }
                }
                n
            }
            plan => {
                let mut n = 0usize;
                self.scan(plan, gone, |slot| {
                    if range.contains(&n) {
                        out.push(self.ordinal(slot));
                    }
                    n += 1;
                });
                n
            }
        };
        (total, out)
    }

    fn page_of_one(&self, b: &RoaringBitmap, range: Range<usize>) -> (usize, Vec<u64>) {
        let total = b.len() as usize;
        let start = u32::try_from(range.start).ok().and_then(|n| b.select(n));
        let take = range.end.min(total).saturating_sub(range.start);
        // Pushed one by one: collecting would ask the bitmap's iterator for its exact
        // remaining length, a walk of every container after the page.
        let mut out = Vec::with_capacity(take);
        if let Some(start) = start {
            for s in b.range(start..).take(take) {
                out.push(self.ordinal(s));
            }
        }
        (total, out)
    }

    /// Every document listed under every one of `keys` but `gone`, in creation order.
    pub fn each<'a>(
        &'a self,
        keys: impl IntoIterator<Item = &'a K>,
        gone: &RoaringBitmap,
        mut f: impl FnMut(u64),
    ) {
        let plan = self.plan(keys);
        self.scan(plan, gone, |slot| f(self.ordinal(slot)));
    }

    fn scan(&self, plan: Plan<'_>, gone: &RoaringBitmap, mut f: impl FnMut(u32)) {
        match plan {
            Plan::Empty => {}
            Plan::One(b) => b.iter().filter(|s| !gone.contains(*s)).for_each(f),
            Plan::Walk(small, rest) => small
                .iter()
                .filter(|&s| rest.iter().all(|r| r.contains(s)) && !gone.contains(s))
                .for_each(f),
            Plan::Words(sets) => {
                let gone = GoneWords::new(gone);
                let len = sets.iter().map(|w| w.len()).min().unwrap_or(0);
                let mut block = [0u64; BLOCK];
                for start in (0..len).step_by(BLOCK) {
                    let end = (start + BLOCK).min(len);
                    let words = and_block(&sets, start..end, &gone, &mut block);
                    for (i, &word) in words.iter().enumerate() {
                        let mut word = word;
                        while word != 0 {
                            let bit = word.trailing_zeros();
                            word &= word - 1;
                            f(((start + i) * 64) as u32 + bit);
                        }
                    }
                }
            }
        }
    }

    /// Whether a document here is listed under `key`.
    pub fn holds(&self, ordinal: u64, key: &K) -> bool {
        let Some(slot) = self.slot(ordinal) else {
            return false;
        };
        self.lists.get(key).is_some_and(|set| set.contains(slot))
    }

    /// The slots of these documents (those that are here).
    pub fn slots_of(&self, ordinals: impl IntoIterator<Item = u64>) -> RoaringBitmap {
        ordinals.into_iter().filter_map(|o| self.slot(o)).collect()
    }

    /// The document in a slot.
    fn ordinal(&self, slot: u32) -> u64 {
        self.ordinals.get(slot as usize).copied().unwrap_or(0)
    }

    /// Every document, in creation order.
    pub fn all(&self) -> impl Iterator<Item = u64> + '_ {
        self.all.iter().map(|s| self.ordinal(s))
    }

    /// Every document listed under `key`, in creation order.
    pub fn listed<'a>(&'a self, key: &K) -> impl Iterator<Item = u64> + use<'a, K> {
        self.lists
            .get(key)
            .into_iter()
            .flat_map(|s| s.iter())
            .map(|s| self.ordinal(s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, BTreeSet};

    fn xorshift(x: &mut u64) -> u64 {
        *x ^= *x << 13;
        *x ^= *x >> 7;
        *x ^= *x << 17;
        *x
    }

    /// Random inserts (mostly in order, some out of order), relists and removes against a
    /// model, checking selections, counts, positions and order.
    #[test]
    fn behaves_like_sorted_sets_per_key() {
        let mut ours: Postings<u8> = Postings::default();
        let mut model: BTreeMap<u64, BTreeSet<u8>> = BTreeMap::new();
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = 1_000u64;
        for step in 0..30_000 {
            let r = xorshift(&mut x);
            let mut keys: BTreeSet<u8> = (0..3).map(|i| ((r >> (8 * i)) % 6) as u8).collect();
            if r.is_multiple_of(50) {
                // A rare value: combined with a common one, its few documents are walked.
                keys.insert(7);
            }
            if r.is_multiple_of(35) {
                // Another: two rare values are intersected as bitmaps.
                keys.insert(8);
            }
            match r % 10 {
                0..=4 => {
                    next += 1 + r % 3;
                    ours.insert(next, keys.iter().copied());
                    model.insert(next, keys);
                }
                5 => {
                    // Out of order: an older ordinal.
                    let o = 1 + r % 999;
                    if let std::collections::btree_map::Entry::Vacant(e) = model.entry(o) {
                        ours.insert(o, keys.iter().copied());
                        e.insert(keys);
                    }
                }
                6 => {
                    if let Some((&o, old)) = model.range((r % next)..).next() {
                        ours.relist(o, old.iter().copied(), keys.iter().copied());
                        model.insert(o, keys);
                    }
                }
                _ => {
                    if let Some((&o, old)) = model.range((r % next)..).next() {
                        assert!(ours.remove(o, old.iter().copied()));
                        model.remove(&o);
                    }
                }
            }
            if step % 499 == 0 {
                assert_eq!(ours.len(), model.len());
                let all: Vec<u64> = model.keys().copied().collect();
                assert_eq!(ours.all().collect::<Vec<_>>(), all);
                for want in [
                    vec![],
                    vec![0u8],
                    vec![1, 2],
                    vec![3, 4, 5],
                    vec![0, 7],
                    vec![7, 8],
                    vec![1, 7, 8],
                    vec![9],
                ] {
                    let expect: Vec<u64> = model
                        .iter()
                        .filter(|(_, k)| want.iter().all(|w| k.contains(w)))
                        .map(|(o, _)| *o)
                        .collect();
                    let none = RoaringBitmap::new();
                    let mut each = Vec::new();
                    ours.each(want.iter(), &none, |o| each.push(o));
                    assert_eq!(each, expect);
                    for from in [0, 1, expect.len() / 2, expect.len(), expect.len() + 3] {
                        let (total, page) = ours.page(want.iter(), &none, from..from + 5);
                        let want_page: Vec<u64> =
                            expect.iter().skip(from).take(5).copied().collect();
                        assert_eq!((total, page), (expect.len(), want_page));
                    }
                    // Leaving out some documents, as a purge come due does.
                    let gone_ordinals: Vec<u64> = expect.iter().step_by(3).copied().collect();
                    let gone = ours.slots_of(gone_ordinals.iter().copied());
                    let kept: Vec<u64> = expect
                        .iter()
                        .filter(|o| !gone_ordinals.contains(o))
                        .copied()
                        .collect();
                    let (total, page) = ours.page(want.iter(), &gone, 1..4);
                    assert_eq!(total, kept.len());
                    assert_eq!(
                        page,
                        kept.iter().skip(1).take(3).copied().collect::<Vec<_>>()
                    );
                }
            }
        }
    }

    /// Values one document has (an instance id on its NIC) keep that slot alone, and behave
    /// like any other as documents come, go and share them.
    #[test]
    fn values_of_one_document() {
        let mut p: Postings<u32> = Postings::default();
        let none = RoaringBitmap::new();
        for o in 1..=3_000u64 {
            p.insert(o, [0, 1_000 + o as u32]);
        }
        assert_eq!(p.page([&1_500u32], &none, 0..5), (1, vec![500]));
        assert_eq!(p.page([&0, &1_500u32], &none, 0..5), (1, vec![500]));
        // A second document takes the value, then the first leaves it.
        p.relist(2_000, [], [1_500u32]);
        assert_eq!(p.page([&1_500u32], &none, 0..5), (2, vec![500, 2_000]));
        p.remove(500, [0, 1_500u32]);
        assert_eq!(p.page([&1_500u32], &none, 0..5), (1, vec![2_000]));
        assert_eq!(p.list_len(&1_500), 1);
        // An older document arrives: the account is renumbered, the single slot with it.
        p.insert(0, [1_500u32]);
        let mut each = Vec::new();
        p.each([&1_500u32], &none, |o| each.push(o));
        assert_eq!(each, [0, 2_000]);
        p.remove(0, [1_500u32]);
        p.remove(2_000, [0, 1_500u32, 3_000]);
        assert_eq!(p.list_len(&1_500), 0);
        assert_eq!(p.page([&1_500u32], &none, 0..5), (0, vec![]));
        assert_eq!(p.page([&2_999u32], &none, 0..5), (1, vec![1_999]));
    }

    #[test]
    fn removed_slots_are_reclaimed() {
        let mut p: Postings<u8> = Postings::default();
        for o in 1..=20_000u64 {
            p.insert(o, [(o % 2) as u8]);
        }
        for o in (1..=20_000u64).filter(|o| o % 10 != 0) {
            p.remove(o, [(o % 2) as u8]);
        }
        assert_eq!(p.len(), 2_000);
        assert!(p.ordinals.len() < 2 * 2_000 + MIN_HOLES + 1);
        let none = RoaringBitmap::new();
        assert_eq!(p.page([&0u8], &none, 1_999..2_000), (2_000, vec![20_000]));
    }
}
