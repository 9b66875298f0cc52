//! The lifecycle clock, injected so that tests can hold and advance time.
//!
//! Only the lifecycle (transition deadlines, creation times) reads this clock. Signature expiry
//! is checked against the real wall clock, because clients sign with their own real time even
//! while a test holds the lifecycle still.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Milliseconds since the Unix epoch.
pub type Millis = i64;

/// The latest time the lifecycle clock may show: 2088-01-01T00:00:00Z. Identifiers carry
/// their creation time in 41 bits of milliseconds from 2019 (see [`crate::ids`]), which end in
/// September 2088; stopping the clock months earlier leaves every id below that bound.
pub const MAX_TIME: Millis = 3_723_753_600_000;

/// The earliest: the Unix epoch.
pub const MIN_TIME: Millis = 0;

/// The real wall clock, in milliseconds.
pub fn wall_clock_millis() -> Millis {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as Millis)
        .unwrap_or(0)
}

pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> Millis;

    /// How long to sleep, in real time, until the clock reads `deadline`; `None` when the
    /// clock moves only when told to (then whoever advances it must wake the sleepers).
    fn real_wait_until(&self, deadline: Millis) -> Option<Duration>;
}

/// The system clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Millis {
        wall_clock_millis()
    }

    fn real_wait_until(&self, deadline: Millis) -> Option<Duration> {
        Some(Duration::from_millis(
            deadline.saturating_sub(self.now()).max(0) as u64,
        ))
    }
}

/// A clock that stands still until [`ManualClock::advance`] moves it.
#[derive(Debug)]
pub struct ManualClock {
    now: AtomicI64,
}

impl ManualClock {
    pub fn new(start: Millis) -> Self {
        Self {
            now: AtomicI64::new(start),
        }
    }

    /// A manual clock resuming from `start`, brought within [`MIN_TIME`]..=[`MAX_TIME`]
    /// (a time outside it, written by an older zecd, is taken back to the nearest bound).
    pub fn resume(start: Millis) -> Self {
        Self::new(start.clamp(MIN_TIME, MAX_TIME))
    }

    /// Moves the clock forward and returns the new time; refused, leaving the clock where
    /// it is, if that would pass [`MAX_TIME`].
    pub fn advance(&self, by: Duration) -> Result<Millis, ClockError> {
        let by = i64::try_from(by.as_millis()).map_err(|_| ClockError::PastTheEnd)?;
        self.now
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |now| {
                now.checked_add(by).filter(|t| *t <= MAX_TIME)
            })
            .map(|before| before + by)
            .map_err(|_| ClockError::PastTheEnd)
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Millis {
        self.now.load(Ordering::SeqCst)
    }

    fn real_wait_until(&self, _deadline: Millis) -> Option<Duration> {
        None
    }
}

/// Why the clock cannot move.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ClockError {
    #[error(
        "that would move the clock past 2088-01-01T00:00:00Z, the latest time zecd can represent"
    )]
    PastTheEnd,
}

/// The last second RFC 3339 can write (9999-12-31T23:59:59Z).
const LAST_WRITABLE_SECOND: u64 = 253_402_300_799;

/// Formats a time as the API does: `YYYY-MM-DDTHH:MM:SSZ` (spec §5). Times outside what the
/// format can write are written as its nearest bound, never a panic.
pub fn format_api_time(t: Millis) -> String {
    api_time_bytes(t).iter().map(|&b| char::from(b)).collect()
}

/// [`format_api_time`] without the allocation: the 20 ASCII bytes, for replies written by
/// hand. Civil date from days since the epoch by Howard Hinnant's algorithm
/// (`civil_from_days`), checked against humantime's RFC 3339 in the tests.
pub fn api_time_bytes(t: Millis) -> [u8; 20] {
    let secs = u64::try_from(t.div_euclid(1000))
        .unwrap_or(0)
        .min(LAST_WRITABLE_SECOND);
    let (days, rest) = (secs / 86_400, secs % 86_400);
    // Days since 0000-03-01, so that a leap day ends its year.
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    let mut out = *b"0000-00-00T00:00:00Z";
    let mut put = |at: usize, width: usize, mut v: u64| {
        for k in (at..at + width).rev() {
            out[k] = b'0' + (v % 10) as u8;
            v /= 10;
        }
    };
    put(0, 4, year);
    put(5, 2, month);
    put(8, 2, day);
    put(11, 2, rest / 3_600);
    put(14, 2, rest / 60 % 60);
    put(17, 2, rest % 60);
    out
}

/// Reads a time as the API writes it (`YYYY-MM-DDTHH:MM:SSZ`); `None` if it is not one.
pub fn parse_api_time(s: &str) -> Option<Millis> {
    let bytes = s.as_bytes();
    // Exactly the API's form: the seconds, the `T` and the `Z` (no fractions, no offsets).
    if bytes.len() != 20 || bytes[10] != b'T' || bytes[19] != b'Z' {
        return None;
    }
    let t = humantime::parse_rfc3339(s).ok()?;
    let ms = t.duration_since(UNIX_EPOCH).ok()?.as_millis();
    Millis::try_from(ms).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_times_round_trip() {
        let t = parse_api_time("2026-11-30T12:34:56Z").unwrap();
        assert_eq!(format_api_time(t), "2026-11-30T12:34:56Z");
        for bad in [
            "2026-11-30 12:34:56Z",
            "2026-11-30T12:34:56",
            "2026-11-30T12:34:56.5Z",
            "x",
        ] {
            assert_eq!(parse_api_time(bad), None, "{bad}");
        }
    }

    #[test]
    fn api_times_are_rfc3339_seconds() {
        let humantime = |t: Millis| {
            let secs = u64::try_from(t.div_euclid(1000))
                .unwrap_or(0)
                .min(LAST_WRITABLE_SECOND);
            humantime::format_rfc3339_seconds(UNIX_EPOCH + Duration::from_secs(secs)).to_string()
        };
        let mut samples = vec![
            i64::MIN,
            -1,
            0,
            999,
            951_782_400_000,   // 2000-02-29
            951_868_799_999,   // its last millisecond
            4_107_542_400_000, // 2100-03-01
            LAST_WRITABLE_SECOND as i64 * 1000,
            i64::MAX,
        ];
        // Every day of four centuries, at a varying time of day.
        let mut t: i64 = 0;
        while t < 12_700_000_000_000 {
            samples.push(t);
            t += 86_400_000 + 3_601_001;
        }
        for t in samples {
            assert_eq!(format_api_time(t), humantime(t), "{t}");
        }
    }

    #[test]
    fn manual_clock_moves_only_when_advanced() {
        let c = ManualClock::new(1_000);
        assert_eq!(c.now(), 1_000);
        assert_eq!(c.real_wait_until(5_000), None);
        assert_eq!(c.advance(Duration::from_secs(2)), Ok(3_000));
        assert_eq!(c.now(), 3_000);
    }

    #[test]
    fn the_manual_clock_refuses_to_pass_the_last_representable_time() {
        let c = ManualClock::new(1_795_000_000_000);
        let years = |n: u64| Duration::from_secs(n * 365 * 24 * 3600);
        assert_eq!(c.advance(years(63)), Err(ClockError::PastTheEnd));
        assert_eq!(c.advance(years(8000)), Err(ClockError::PastTheEnd));
        assert_eq!(c.advance(Duration::MAX), Err(ClockError::PastTheEnd));
        assert_eq!(
            c.now(),
            1_795_000_000_000,
            "a refused move leaves the clock"
        );
        assert!(c.advance(years(61)).is_ok());
        assert_eq!(format_api_time(MAX_TIME), "2088-01-01T00:00:00Z");
        assert_eq!(ManualClock::resume(i64::MAX).now(), MAX_TIME);
        assert_eq!(ManualClock::resume(-5).now(), 0);
    }

    #[test]
    fn any_time_formats_without_panicking() {
        assert_eq!(format_api_time(i64::MAX), "9999-12-31T23:59:59Z");
        assert_eq!(format_api_time(i64::MIN), "1970-01-01T00:00:00Z");
    }

    #[test]
    fn system_clock_waits_for_the_remaining_time_only() {
        let c = SystemClock;
        let now = c.now();
        assert_eq!(c.real_wait_until(now - 10_000), Some(Duration::ZERO));
        assert!(c.real_wait_until(now + 60_000).unwrap() > Duration::from_secs(50));
    }

    #[test]
    fn api_time_format_is_second_precision_utc() {
        assert_eq!(format_api_time(1_700_000_000_999), "2023-11-14T22:13:20Z");
        assert_eq!(format_api_time(0), "1970-01-01T00:00:00Z");
    }
}
