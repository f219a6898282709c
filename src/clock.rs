//! What time it is, injectable: the server reads the system clock, tests set and advance
//! a [`TestClock`] so that "06:00 tomorrow in New York" needs no waiting. The scheduler
//! and a sync's "today" read time only through here.

use jiff::{SignedDuration, Timestamp};
use std::sync::Mutex;

/// A source of the current instant.
pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> Timestamp;

    /// Now, as stored: UTC milliseconds since the epoch.
    fn now_ms(&self) -> i64 {
        self.now().as_millisecond()
    }
}

/// The machine's clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}

/// A clock that stands still until told otherwise; share it in an `Arc` between the
/// test and the app (or several apps) it drives.
#[derive(Debug)]
pub struct TestClock(Mutex<Timestamp>);

impl TestClock {
    pub fn new(at: Timestamp) -> Self {
        Self(Mutex::new(at))
    }

    pub fn set(&self, at: Timestamp) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = at;
    }

    pub fn advance(&self, by: SignedDuration) {
        let mut now = self.0.lock().unwrap_or_else(|e| e.into_inner());
        *now = now
            .checked_add(by)
            .expect("a test clock stays within jiff's range");
    }
}

impl Clock for TestClock {
    fn now(&self) -> Timestamp {
        *self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_test_clock_moves_only_when_told() {
        let start: Timestamp = "2026-11-26T11:00:00Z".parse().unwrap();
        let clock = TestClock::new(start);
        assert_eq!(clock.now(), start);
        clock.advance(SignedDuration::from_hours(25));
        assert_eq!(clock.now().to_string(), "2026-11-27T12:00:00Z");
        clock.set(start);
        assert_eq!(clock.now_ms(), start.as_millisecond());
    }
}
