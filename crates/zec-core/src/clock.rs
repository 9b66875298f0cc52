//! The lifecycle clock, injected so that tests can hold and advance time.
//!
//! Only the lifecycle (transition deadlines, creation times) reads this clock. Signature expiry
//! is checked against the real wall clock, because clients sign with their own real time even
//! while a test holds the lifecycle still.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Milliseconds since the Unix epoch.
pub type Millis = i64;

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

    /// Moves the clock forward and returns the new time.
    pub fn advance(&self, by: Duration) -> Millis {
        let by = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
        self.now.fetch_add(by, Ordering::SeqCst).saturating_add(by)
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

/// Formats a time as the API does: `YYYY-MM-DDTHH:MM:SSZ` (spec §5).
pub fn format_api_time(t: Millis) -> String {
    let secs = u64::try_from(t.div_euclid(1000)).unwrap_or(0);
    humantime::format_rfc3339_seconds(UNIX_EPOCH + Duration::from_secs(secs)).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_moves_only_when_advanced() {
        let c = ManualClock::new(1_000);
        assert_eq!(c.now(), 1_000);
        assert_eq!(c.real_wait_until(5_000), None);
        assert_eq!(c.advance(Duration::from_secs(2)), 3_000);
        assert_eq!(c.now(), 3_000);
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
