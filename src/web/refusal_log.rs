//! Log lines about refused requests that anyone on the internet can cause (a webhook
//! with a bad signature): at most one line per reason a minute, and the next line says
//! how many were left out meanwhile — so that a flood cannot fill the disk or drown
//! the lines that matter, and the log still tells that it happened.

use std::collections::HashMap;
use std::sync::Mutex;

/// How long after a line for one reason the next may be written.
pub const WINDOW_MS: i64 = 60_000;

/// Per reason: when its last line was written, and how many were left out since.
#[derive(Debug, Default)]
pub struct RefusalLog {
    reasons: Mutex<HashMap<&'static str, Window>>,
}

#[derive(Debug, Clone, Copy)]
struct Window {
    logged_at: i64,
    suppressed: u64,
}

impl RefusalLog {
    /// Whether a line for `reason` may be written at `now_ms`: `Some(n)` with the number
    /// of refusals left out of the log since its last line, or `None` (this one is
    /// counted and left out).
    pub fn admit(&self, reason: &'static str, now_ms: i64) -> Option<u64> {
        let mut reasons = self.reasons.lock().unwrap_or_else(|e| e.into_inner());
        match reasons.get_mut(reason) {
            Some(window) if now_ms - window.logged_at < WINDOW_MS => {
                window.suppressed += 1;
                None
            }
            Some(window) => {
                let suppressed = window.suppressed;
                *window = Window {
                    logged_at: now_ms,
                    suppressed: 0,
                };
                Some(suppressed)
            }
            None => {
                reasons.insert(
                    reason,
                    Window {
                        logged_at: now_ms,
                        suppressed: 0,
                    },
                );
                Some(0)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_a_minute_per_reason_and_the_next_counts_those_left_out() {
        let log = RefusalLog::default();
        assert_eq!(log.admit("bad_signature", 0), Some(0));
        for at in [1, 10_000, 59_999] {
            assert_eq!(log.admit("bad_signature", at), None);
        }
        // Another reason has its own minute.
        assert_eq!(log.admit("stale_timestamp", 30_000), Some(0));
        assert_eq!(log.admit("bad_signature", 60_000), Some(3));
        assert_eq!(log.admit("bad_signature", 60_001), None);
        assert_eq!(log.admit("bad_signature", 200_000), Some(1));
        assert_eq!(log.admit("bad_signature", 400_000), Some(0));
    }
}
