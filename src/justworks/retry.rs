//! When to try a Justworks request again: capped exponential backoff with jitter,
//! `Retry-After`, and the two bounds (attempts and total time) that make a sync give up
//! rather than hang. Pure arithmetic; the HTTP loop that uses it lives in `transport.rs`.

use std::time::Duration;

/// How hard the client tries before giving up on one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (at least 1).
    pub max_attempts: u32,
    /// Backoff before the first retry; it doubles after every failure.
    pub initial_backoff: Duration,
    /// No single wait is longer than this (except a `Retry-After`, which is honoured).
    pub max_backoff: Duration,
    /// From the first attempt, never start a wait that would end after this.
    pub max_total_time: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 6,
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(8),
            max_total_time: Duration::from_secs(90),
        }
    }
}

impl RetryPolicy {
    /// The wait before retry number `retry` (1 = the wait after the first failure),
    /// before jitter: `initial × 2^(retry−1)`, capped at `max_backoff`.
    pub fn base_backoff(&self, retry: u32) -> Duration {
        let factor = 2u32.saturating_pow(retry.saturating_sub(1));
        self.initial_backoff
            .saturating_mul(factor)
            .min(self.max_backoff)
    }

    /// The wait before retry number `retry`, with "equal jitter": somewhere between half
    /// the base backoff and all of it, so that many clients do not retry in lockstep.
    /// `jitter` is a number in `[0, 1]` (random in use, fixed in tests).
    pub fn backoff(&self, retry: u32, jitter: f64) -> Duration {
        let base = self.base_backoff(retry);
        let half = base / 2;
        half + half.mul_f64(jitter.clamp(0.0, 1.0))
    }

    /// What to do after attempt number `attempt` (1-based) failed in a retryable way,
    /// `elapsed` after the first attempt started. `retry_after` is the server's
    /// `Retry-After`, which replaces the backoff when present.
    pub fn next_wait(
        &self,
        attempt: u32,
        elapsed: Duration,
        retry_after: Option<Duration>,
        jitter: f64,
    ) -> Option<Duration> {
        if attempt >= self.max_attempts {
            return None;
        }
        let wait = retry_after.unwrap_or_else(|| self.backoff(attempt, jitter));
        if elapsed.saturating_add(wait) > self.max_total_time {
            return None;
        }
        Some(wait)
    }
}

/// A random jitter factor in `[0, 1)`.
pub fn random_jitter() -> f64 {
    use rand::Rng;
    rand::rng().random_range(0.0..1.0)
}

/// `Retry-After` as a number of seconds (the form Justworks uses). An HTTP date or
/// anything else is ignored, and the ordinary backoff applies.
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_schedule_doubles_from_250_ms_and_stops_at_8_s() {
        let p = RetryPolicy::default();
        let bases: Vec<u64> = (1..=8)
            .map(|r| p.base_backoff(r).as_millis() as u64)
            .collect();
        assert_eq!(bases, [250, 500, 1000, 2000, 4000, 8000, 8000, 8000]);
    }

    #[test]
    fn jitter_keeps_every_wait_between_half_and_all_of_the_base() {
        let p = RetryPolicy::default();
        for retry in 1..=10 {
            let base = p.base_backoff(retry);
            assert_eq!(p.backoff(retry, 0.0), base / 2);
            assert_eq!(p.backoff(retry, 1.0), base);
            let j = random_jitter();
            let w = p.backoff(retry, j);
            assert!(w >= base / 2 && w <= base);
            assert!(w <= p.max_backoff);
        }
    }

    #[test]
    fn a_huge_retry_number_does_not_overflow() {
        let p = RetryPolicy::default();
        assert_eq!(p.base_backoff(u32::MAX), p.max_backoff);
    }

    #[test]
    fn attempts_are_bounded() {
        let p = RetryPolicy::default();
        let mut elapsed = Duration::ZERO;
        let mut attempts = 1;
        while let Some(wait) = p.next_wait(attempts, elapsed, None, 1.0) {
            elapsed += wait;
            attempts += 1;
        }
        assert_eq!(attempts, p.max_attempts);
        // 250 + 500 + 1000 + 2000 + 4000 ms of waiting between six attempts.
        assert_eq!(elapsed, Duration::from_millis(7750));
    }

    #[test]
    fn total_time_is_bounded_even_with_attempts_to_spare() {
        let p = RetryPolicy {
            max_attempts: 1000,
            ..RetryPolicy::default()
        };
        let mut elapsed = Duration::ZERO;
        let mut attempts = 1;
        while let Some(wait) = p.next_wait(attempts, elapsed, None, 1.0) {
            // Each attempt itself also takes time (a timed-out request, say).
            elapsed += wait + Duration::from_secs(1);
            attempts += 1;
        }
        assert!(elapsed <= p.max_total_time + Duration::from_secs(1));
        assert!(attempts < 1000);
    }

    #[test]
    fn retry_after_replaces_the_backoff_but_not_the_budget() {
        let p = RetryPolicy::default();
        assert_eq!(
            p.next_wait(1, Duration::ZERO, Some(Duration::from_secs(30)), 0.5),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            p.next_wait(
                1,
                Duration::from_secs(70),
                Some(Duration::from_secs(30)),
                0.5
            ),
            None
        );
    }

    #[test]
    fn retry_after_is_read_in_seconds() {
        assert_eq!(parse_retry_after(" 7 "), Some(Duration::from_secs(7)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
    }
}
