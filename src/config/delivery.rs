//! When the mailer looks for mail and how it retries a failed send: configuration (a
//! knob so tests can make the schedule seconds long), read by `mail::mailer`.

use std::time::Duration;

/// When the mailer looks for mail and how it retries (a config knob so tests can make
/// the schedule seconds long).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryPolicy {
    /// How often the mailer looks for due mail when nothing wakes it.
    pub poll: Duration,
    /// The wait after the first failed attempt; each further failure doubles it …
    pub first_retry: Duration,
    /// … up to this.
    pub max_retry: Duration,
    /// A mail still failing this long after it was queued is given up as failed.
    pub give_up_after: Duration,
    /// How long a claimed mail is this sender's alone; a crash lets it lapse.
    pub lease: Duration,
    /// Bounds connecting and each SMTP command.
    pub smtp_timeout: Duration,
}

impl Default for DeliveryPolicy {
    fn default() -> Self {
        Self {
            poll: Duration::from_secs(5),
            first_retry: Duration::from_secs(15),
            max_retry: Duration::from_secs(30 * 60),
            give_up_after: Duration::from_secs(24 * 3600),
            lease: Duration::from_secs(60),
            smtp_timeout: Duration::from_secs(10),
        }
    }
}

impl DeliveryPolicy {
    /// The wait before the next try after `attempts` failed ones: 15 s, 30 s, 1 min, 2 min
    /// … 30 min, 30 min, … with the defaults.
    pub fn retry_delay(&self, attempts: u32) -> Duration {
        let doublings = attempts.saturating_sub(1).min(20);
        self.first_retry
            .saturating_mul(1u32 << doublings)
            .min(self.max_retry)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_exponentially_up_to_half_an_hour() {
        let p = DeliveryPolicy::default();
        let secs: Vec<u64> = (1..=10).map(|a| p.retry_delay(a).as_secs()).collect();
        assert_eq!(secs, [15, 30, 60, 120, 240, 480, 960, 1800, 1800, 1800]);
        assert_eq!(p.retry_delay(0).as_secs(), 15);
        assert_eq!(p.retry_delay(u32::MAX).as_secs(), 1800);
    }

    #[test]
    fn the_default_schedule_gives_up_after_about_a_day_of_tries() {
        let p = DeliveryPolicy::default();
        let mut waited = Duration::ZERO;
        let mut attempts = 0;
        while waited < p.give_up_after {
            attempts += 1;
            waited += p.retry_delay(attempts);
        }
        assert!((50..60).contains(&attempts), "{attempts} tries in a day");
    }
}
