//! The Justworks 2FA seed: the long base32 code shown under "Can't Scan Barcode?".
//!
//! Parse, don't validate: a [`TotpSeed`] always holds at least 128 bits of key,
//! whatever spacing, case or padding the person pasted it with.

use crate::secrets::SecretString;
use data_encoding::BASE32_NOPAD;

/// Fewer bits than this is refused (RFC 4226 asks for at least 128).
pub const MIN_SEED_BITS: usize = 128;

/// Why a pasted seed was refused. The message never repeats the seed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SeedError {
    #[error("Enter the 2FA code.")]
    Empty,
    #[error(
        "This is not a 2FA seed: use the long code of letters A–Z and digits 2–7 shown under \
         “Can't Scan Barcode?”, not a 6-digit code."
    )]
    NotBase32,
    #[error(
        "This 2FA seed is too short ({bits} bits; at least 128 are needed). Copy the whole code \
         shown under “Can't Scan Barcode?”."
    )]
    TooShort { bits: usize },
}

/// A validated TOTP seed, kept in its canonical form (upper case, no spaces, no padding).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TotpSeed(SecretString);

impl TotpSeed {
    /// Accepts the seed the way Justworks displays it (groups of four), in any case,
    /// with or without `=` padding.
    pub fn parse(input: &str) -> Result<Self, SeedError> {
        let canonical: String = input
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-' && *c != '=')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if canonical.is_empty() {
            return Err(SeedError::Empty);
        }
        if canonical.chars().all(|c| c.is_ascii_digit()) && canonical.len() <= 8 {
            return Err(SeedError::NotBase32);
        }
        let bytes = decode_base32(&canonical).ok_or(SeedError::NotBase32)?;
        let bits = bytes.len() * 8;
        if bits < MIN_SEED_BITS {
            return Err(SeedError::TooShort { bits });
        }
        Ok(Self(SecretString::new(canonical)))
    }

    /// The canonical base32 text (secret: use only to store encrypted or to sign in).
    pub fn expose_base32(&self) -> &str {
        self.0.expose()
    }

    /// The raw key bytes (secret: use only to compute a code).
    pub fn key_bytes(&self) -> Vec<u8> {
        decode_base32(self.0.expose()).expect("a parsed seed is valid base32")
    }
}

/// Decodes unpadded base32, tolerating a final partial group (as authenticator apps do).
fn decode_base32(canonical: &str) -> Option<Vec<u8>> {
    let usable = match canonical.len() % 8 {
        // 1, 3 and 6 leftover characters can never be produced by an encoder.
        1 | 3 | 6 => return None,
        _ => canonical.len(),
    };
    BASE32_NOPAD.decode(&canonical.as_bytes()[..usable]).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seed_shown_in_groups_of_four_in_lower_case_is_accepted() {
        let seed = TotpSeed::parse("jbsw y3dp ehpk 3pxp jbsw y3dp ehpk 3pxp").unwrap();
        assert_eq!(seed.expose_base32(), "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP");
        assert_eq!(seed.key_bytes().len(), 20);
    }

    #[test]
    fn padding_is_forgiven() {
        assert!(TotpSeed::parse("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP====").is_ok());
    }

    #[test]
    fn a_six_digit_code_is_not_a_seed() {
        assert_eq!(TotpSeed::parse("123456"), Err(SeedError::NotBase32));
    }

    #[test]
    fn characters_outside_base32_are_refused() {
        assert_eq!(
            TotpSeed::parse("JBSWY3DPEHPK3PXP0189JBSWY3DPEHPK"),
            Err(SeedError::NotBase32)
        );
    }

    #[test]
    fn a_seed_under_128_bits_is_refused() {
        // 16 characters = 80 bits.
        assert_eq!(
            TotpSeed::parse("JBSWY3DPEHPK3PXP"),
            Err(SeedError::TooShort { bits: 80 })
        );
    }

    #[test]
    fn an_empty_seed_is_refused() {
        assert_eq!(TotpSeed::parse("   "), Err(SeedError::Empty));
    }

    #[test]
    fn errors_never_repeat_the_seed() {
        let err = TotpSeed::parse("JBSWY3DPEHPK").unwrap_err();
        assert!(!err.to_string().contains("JBSWY3DPEHPK"));
    }
}
