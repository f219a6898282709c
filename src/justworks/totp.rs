//! Six-digit 2FA codes from the stored seed, per RFC 6238 (HMAC-SHA1, 30-second step).
//!
//! One code path, [`code_at`], serves both the sign-in (6 digits, current time) and the
//! RFC 6238 Appendix B test vectors (8 digits, fixed times), so the vectors test exactly
//! what signs in.

use super::seed::TotpSeed;
use crate::clock::{Clock, SystemClock};
use crate::secrets::SecretString;
use totp_rs::{Algorithm, Builder};

/// Length of one TOTP time step, in seconds.
pub const STEP_SECONDS: u64 = 30;
/// Digits Justworks asks for.
pub const JUSTWORKS_DIGITS: u8 = 6;

/// A one-time code. Its `Debug` is redacted; read it with [`TotpCode::expose`] only to
/// put it in the sign-in request body.
#[derive(Clone, PartialEq, Eq)]
pub struct TotpCode(SecretString);

impl TotpCode {
    pub fn expose(&self) -> &str {
        self.0.expose()
    }
}

impl std::fmt::Debug for TotpCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TotpCode([redacted])")
    }
}

/// The seed or digit count could not make a code (a seed under 128 bits, digits outside
/// 6..=8). The message never repeats the seed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a 2FA code could not be computed from this seed")]
pub struct CodeError;

/// The RFC 6238 code (HMAC-SHA1, 30 s step) for `key` at `unix_time`, with `digits` digits.
pub fn code_at(key: &[u8], unix_time: u64, digits: u8) -> Result<TotpCode, CodeError> {
    let totp = Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(digits)
        .with_step_duration(STEP_SECONDS)
        .with_secret(key)
        .build()
        .map_err(|_| CodeError)?;
    Ok(TotpCode(SecretString::new(
        totp.generate(unix_time).to_string(),
    )))
}

/// The 6-digit Justworks code for `seed` at `unix_time`.
pub fn justworks_code(seed: &TotpSeed, unix_time: u64) -> Result<TotpCode, CodeError> {
    code_at(&seed.key_bytes(), unix_time, JUSTWORKS_DIGITS)
}

/// The time step `unix_time` falls in.
pub fn step_of(unix_time: u64) -> u64 {
    unix_time / STEP_SECONDS
}

/// The first second of the step after the one `unix_time` falls in.
pub fn next_step_start(unix_time: u64) -> u64 {
    (step_of(unix_time) + 1) * STEP_SECONDS
}

/// Seconds since the Unix epoch, by the machine's clock: a code must be valid on
/// Justworks' wall clock, so never a test clock.
pub fn now_unix() -> u64 {
    u64::try_from(SystemClock.now().as_second()).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 Appendix B, SHA-1 column: the key is the ASCII string "12345678901234567890".
    #[test]
    fn the_rfc_6238_sha1_vectors_come_out_of_the_sign_in_code_path() {
        let key = b"12345678901234567890";
        let vectors = [
            (59, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
            (20_000_000_000, "65353130"),
        ];
        for (time, expected) in vectors {
            assert_eq!(
                code_at(key, time, 8).unwrap().expose(),
                expected,
                "t={time}"
            );
        }
    }

    #[test]
    fn a_justworks_code_is_the_last_six_digits_of_the_same_computation() {
        // The RFC key in base32 is GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ.
        let seed = TotpSeed::parse("gezd gnbv gy3t qojq gezd gnbv gy3t qojq").unwrap();
        assert_eq!(justworks_code(&seed, 59).unwrap().expose(), "287082");
        assert_eq!(
            justworks_code(&seed, 1_111_111_109).unwrap().expose(),
            "081804"
        );
    }

    #[test]
    fn steps_are_thirty_seconds() {
        assert_eq!(step_of(59), 1);
        assert_eq!(next_step_start(59), 60);
        assert_eq!(next_step_start(60), 90);
    }

    #[test]
    fn a_code_never_shows_in_debug_output() {
        let code = code_at(b"12345678901234567890", 59, 8).unwrap();
        assert!(!format!("{code:?}").contains("94287082"));
    }

    #[test]
    fn a_digit_count_outside_the_rfc_is_refused() {
        assert_eq!(code_at(b"12345678901234567890", 59, 10), Err(CodeError));
    }
}
