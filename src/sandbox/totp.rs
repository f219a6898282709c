//! RFC 6238 codes as Justworks checks them: HMAC-SHA1, 30-second steps, 6 digits, the
//! current step and one either side accepted for clock skew.
//!
//! Time is always passed in, never read here, so the tests can stand at any instant.

use totp_rs::{Algorithm, Builder, Totp};

pub(crate) const STEP_SECONDS: u64 = 30;
/// Steps accepted on each side of the current one.
pub(crate) const SKEW_STEPS: u64 = 1;
pub(crate) const DIGITS: u8 = 6;

pub(crate) struct TotpKey(Totp);

impl TotpKey {
    /// `key` is the raw seed (160 bits for the sandbox's service user).
    pub(crate) fn new(key: &[u8]) -> Self {
        let totp = Builder::new()
            .with_algorithm(Algorithm::SHA1)
            .with_digits(DIGITS)
            // Skew is handled in `matching_steps`, which must say *which* steps matched.
            .with_skew(0)
            .with_step_duration(STEP_SECONDS)
            .with_secret(key.to_vec())
            .build()
            .expect("the sandbox's seed is at least 128 bits");
        Self(totp)
    }

    /// The code for the step containing `unix_seconds`.
    #[cfg(test)]
    pub(crate) fn code_at(&self, unix_seconds: u64) -> String {
        self.0.generate(unix_seconds).to_string()
    }

    /// The time steps within the skew window around `unix_seconds` whose code is `code`
    /// (compared in constant time). Usually none or one; two only by coincidence.
    pub(crate) fn matching_steps(&self, code: &str, unix_seconds: u64) -> Vec<u64> {
        let now = unix_seconds / STEP_SECONDS;
        (now.saturating_sub(SKEW_STEPS)..=now + SKEW_STEPS)
            .filter(|step| self.0.check(code, step * STEP_SECONDS).is_some())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 Appendix B's SHA-1 seed ("12345678901234567890").
    const RFC_SEED: &[u8] = b"12345678901234567890";

    #[test]
    fn codes_match_the_rfc_6238_test_vectors() {
        // Appendix B lists 8 digits; a 6-digit code is its last six.
        let key = TotpKey::new(RFC_SEED);
        for (time, eight) in [
            (59, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
            (20_000_000_000, "65353130"),
        ] {
            assert_eq!(key.code_at(time), eight[2..], "at {time}");
        }
    }

    #[test]
    fn a_code_is_accepted_one_step_either_side_and_refused_two_steps_away() {
        let key = TotpKey::new(RFC_SEED);
        let now = 1_700_000_015;
        let step = now / STEP_SECONDS;
        for offset in [-1i64, 0, 1] {
            let at = (now as i64 + offset * STEP_SECONDS as i64) as u64;
            assert_eq!(
                key.matching_steps(&key.code_at(at), now),
                vec![(step as i64 + offset) as u64],
                "offset {offset}"
            );
        }
        for offset in [-2i64, 2, 3] {
            let at = (now as i64 + offset * STEP_SECONDS as i64) as u64;
            assert!(
                key.matching_steps(&key.code_at(at), now).is_empty(),
                "offset {offset}"
            );
        }
    }

    #[test]
    fn malformed_codes_match_nothing() {
        let key = TotpKey::new(RFC_SEED);
        let code = key.code_at(59);
        for bad in [
            "",
            "12345",
            "1234567",
            "abcdef",
            &format!("+{}", &code[1..]),
        ] {
            assert!(key.matching_steps(bad, 59).is_empty(), "{bad:?}");
        }
    }
}
