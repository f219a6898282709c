//! How patient the Justworks client is: timeouts, retries, page size and the limits
//! that keep a pull bounded — for a scheduled sync, a person waiting and tests.

use crate::justworks::retry::RetryPolicy;
use std::time::Duration;

/// How patient the client is. [`Default`] suits a scheduled sync; tests shrink it.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// Whole-request timeout (connect, send, read the body), per attempt.
    pub request_timeout: Duration,
    pub connect_timeout: Duration,
    /// Attempts per request in all, the first included.
    pub max_attempts: u32,
    /// First backoff; doubles per retry, with jitter.
    pub initial_backoff: Duration,
    pub max_backoff: Duration,
    /// No retry wait starts that would end later than this after a request's first attempt.
    pub max_total_retry_time: Duration,
    /// Members per page (`limit`, 1..=100).
    pub page_size: u32,
    /// A pull stops (with an error) rather than read more pages than this (raised to
    /// twice the pages `max_members` would fill).
    pub max_pages: usize,
    /// A pull stops (with an error) rather than keep more members than this
    /// (`ORGSYNC_MAX_MEMBERS`).
    pub max_members: usize,
    /// An answer larger than this is refused as unreadable.
    pub max_body_bytes: usize,
    /// Plain `http://` is allowed only to this machine (the sandbox) unless this is set.
    pub allow_plain_http_to_any_host: bool,
}

impl Default for ClientOptions {
    fn default() -> Self {
        let retry = RetryPolicy::default();
        Self {
            request_timeout: Duration::from_secs(20),
            connect_timeout: Duration::from_secs(10),
            max_attempts: retry.max_attempts,
            initial_backoff: retry.initial_backoff,
            max_backoff: retry.max_backoff,
            max_total_retry_time: retry.max_total_time,
            page_size: 100,
            max_pages: 5_000,
            max_members: 200_000,
            max_body_bytes: 8 * 1024 * 1024,
            allow_plain_http_to_any_host: false,
        }
    }
}

impl ClientOptions {
    /// Short timeouts and waits (2 s per request, 4 attempts, 20–200 ms backoff, 10 s in
    /// all): for tests.
    pub fn for_tests() -> Self {
        Self {
            request_timeout: Duration::from_secs(2),
            connect_timeout: Duration::from_secs(1),
            max_attempts: 4,
            initial_backoff: Duration::from_millis(20),
            max_backoff: Duration::from_millis(200),
            max_total_retry_time: Duration::from_secs(10),
            ..Self::default()
        }
    }

    /// For a person waiting on a page (*Test connection*): 10 s per request, 3 attempts,
    /// 15 s of retrying at most.
    pub fn interactive() -> Self {
        Self {
            request_timeout: Duration::from_secs(10),
            connect_timeout: Duration::from_secs(5),
            max_attempts: 3,
            max_total_retry_time: Duration::from_secs(15),
            ..Self::default()
        }
    }

    pub(super) fn retry_policy(&self) -> RetryPolicy {
        RetryPolicy {
            max_attempts: self.max_attempts.max(1),
            initial_backoff: self.initial_backoff,
            max_backoff: self.max_backoff,
            max_total_time: self.max_total_retry_time,
        }
    }
}
