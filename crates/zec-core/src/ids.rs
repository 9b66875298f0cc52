//! Resource identifiers in the vendor's format: 19 digit, time-ordered decimal numbers
//! ("snowflakes"), like the subnet, disk and order ids in the vendor's examples.
//!
//! An id is `(milliseconds since 2019-01-01) << 22 | node << 12 | sequence`. The generator
//! never goes backwards, even when the clock does or stands still (a manual clock): it takes
//! the larger of the clock's id and the last id plus one. Ids therefore sort in creation order,
//! which is the order Describe* lists instances in.

use crate::clock::Millis;

/// 2019-01-01: ids made since 2026 have 19 digits, as the vendor's do (the Zenlayer CSI
/// driver takes a disk id of exactly 19 digits).
const EPOCH_MS: Millis = 1_546_300_800_000;
const NODE_BITS: u32 = 10;
const SEQUENCE_BITS: u32 = 12;

#[derive(Debug, Clone)]
pub struct IdGenerator {
    node: u64,
    last: u64,
}

impl IdGenerator {
    /// `node` tells replicas apart (0..1024); `last` is the largest id already handed out.
    pub fn new(node: u16, last: u64) -> Self {
        Self {
            node: u64::from(node) & ((1 << NODE_BITS) - 1),
            last,
        }
    }

    /// The next id: later than every id this generator has seen, and carrying this node's
    /// number, so that replicas never hand out the same id.
    ///
    /// Ids stay unique and growing while the clock is at most [`crate::clock::MAX_TIME`] (the
    /// lifecycle clock never passes it, and the store refuses writes if the system clock
    /// does); beyond it they saturate rather than overflow.
    pub fn next(&mut self, now: Millis) -> u64 {
        const SEQUENCE_MASK: u64 = (1 << SEQUENCE_BITS) - 1;
        const SHIFT: u32 = NODE_BITS + SEQUENCE_BITS;
        // Ids are stored as signed 64-bit integers.
        const MAX_MS: u64 = (i64::MAX as u64) >> SHIFT;
        let ms = (now.saturating_sub(EPOCH_MS).max(0) as u64)
            .max(self.last >> SHIFT)
            .min(MAX_MS - 1);
        let mut id = (ms << SHIFT) | (self.node << SEQUENCE_BITS);
        if id <= self.last {
            let ours = (self.last >> SEQUENCE_BITS) & ((1 << NODE_BITS) - 1) == self.node;
            id = if ours && self.last & SEQUENCE_MASK < SEQUENCE_MASK {
                self.last + 1
            } else {
                // Another node's id in this millisecond, or this millisecond is used up.
                ((ms + 1) << SHIFT) | (self.node << SEQUENCE_BITS)
            };
        }
        self.last = id;
        id
    }

    pub fn last(&self) -> u64 {
        self.last
    }

    /// An id handed out elsewhere (an imported document's): later ids come after it.
    pub fn observe(&mut self, id: u64) {
        self.last = self.last.max(id);
    }
}

/// Parses an id as a client sends it. Anything that is not a canonical decimal id names
/// nothing (`None`), which Describe* treats like any other unknown id.
pub fn parse_id(s: &str) -> Option<u64> {
    if s.is_empty() || s.len() > 20 || s.starts_with('0') || !s.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    if s.len() <= 19 {
        // Nineteen digits never overflow 64 bits: no checks needed (a listing of 100 ids
        // parses 100 of these per request).
        return Some(
            s.bytes()
                .fold(0u64, |acc, b| acc * 10 + u64::from(b - b'0')),
        );
    }
    s.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_look_like_the_vendors_and_only_grow() {
        let mut g = IdGenerator::new(0, 0);
        let now = 1_795_000_000_000; // 2026
        let a = g.next(now);
        let b = g.next(now); // same millisecond
        let c = g.next(now - 60_000); // clock went back
        assert!(a < b && b < c);
        assert!((18..=19).contains(&a.to_string().len()), "{a}");
        assert_eq!(parse_id(&a.to_string()), Some(a));
    }

    #[test]
    fn nodes_never_hand_out_the_same_id() {
        let now = 1_795_000_000_000;
        let mut a = IdGenerator::new(1, 0);
        let mut b = IdGenerator::new(2, 0);
        let mut seen = std::collections::HashSet::new();
        for _ in 0..10_000 {
            let x = a.next(now);
            // b has seen a's ids (it loaded them) and still keeps to its own node number.
            b = IdGenerator::new(2, b.last().max(x));
            let y = b.next(now);
            assert!(seen.insert(x) && seen.insert(y));
            assert_eq!((x >> 12) & 1023, 1);
            assert_eq!((y >> 12) & 1023, 2);
        }
    }

    #[test]
    fn ids_stay_in_range_up_to_the_last_representable_time() {
        let mut g = IdGenerator::new(5, 0);
        let a = g.next(crate::clock::MAX_TIME);
        assert!(
            a <= i64::MAX as u64,
            "ids fit the store's signed 64 bits: {a}"
        );
        assert!(g.next(crate::clock::MAX_TIME) > a);
        // Beyond it nothing panics.
        let mut g = IdGenerator::new(5, 0);
        let _ = g.next(i64::MAX);
        let _ = g.next(i64::MAX);
    }

    #[test]
    fn restarts_continue_after_the_last_id() {
        let mut g = IdGenerator::new(3, u64::MAX / 4);
        assert!(g.next(1_795_000_000_000) > u64::MAX / 4);
    }

    #[test]
    fn non_canonical_ids_name_nothing() {
        assert_eq!(parse_id("18446744073709551615"), Some(u64::MAX));
        assert_eq!(
            parse_id("9999999999999999999"),
            Some(9_999_999_999_999_999_999)
        );
        assert_eq!(parse_id("1"), Some(1));
        for bad in [
            "",
            "ins-1",
            "0123",
            "12a",
            " 12",
            "+12",
            "18446744073709551616",
            "99999999999999999999999",
        ] {
            assert_eq!(parse_id(bad), None, "{bad:?}");
        }
    }
}
