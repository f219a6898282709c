//! Encryption at rest for stored secrets (the Justworks password and TOTP seed).
//!
//! XChaCha20-Poly1305 with a random 192-bit nonce per encryption and the row's identity
//! as associated data, so a ciphertext copied to another row does not decrypt. The key
//! comes from `ORGSYNC_SECRET_KEY[_FILE]` or a 0600 key file made at first start — never
//! from the database — and a check value stored at first start catches a wrong key
//! before anything is overwritten.

use crate::db::Db;
use crate::secrets::SecretString;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use data_encoding::{BASE64, HEXLOWER_PERMISSIVE};
use jiff::Timestamp;
use rand::RngCore;
use std::path::Path;
use zeroize::Zeroizing;

const VERSION: &str = "v1";
const CHECK_PLAINTEXT: &[u8] = b"orgsync key check";
const CHECK_AAD: &[u8] = b"orgsync/key_check";
pub const KEY_FILE_NAME: &str = "secret.key";

/// The server's encryption key. `Debug` never prints it.
#[derive(Clone)]
pub struct Crypto {
    cipher: XChaCha20Poly1305,
}

impl std::fmt::Debug for Crypto {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Crypto([key redacted])")
    }
}

/// Why a stored secret could not be read back.
#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    #[error("a stored secret is damaged or was encrypted under another key")]
    Undecryptable,
}

impl Crypto {
    pub fn from_key_bytes(key: &[u8; 32]) -> Self {
        Self {
            cipher: XChaCha20Poly1305::new(key.into()),
        }
    }

    /// The configured key, or the key file in the data directory (created, mode 0600,
    /// when neither exists).
    pub fn load(configured: Option<&SecretString>, data_dir: &Path) -> anyhow::Result<Self> {
        if let Some(key) = configured {
            let bytes = decode_key(key.expose()).ok_or_else(|| {
                anyhow::anyhow!(
                    "ORGSYNC_SECRET_KEY must be 32 bytes, written as base64 (44 characters) \
                     or 64 hex digits"
                )
            })?;
            return Ok(Self::from_key_bytes(&bytes));
        }
        let path = data_dir.join(KEY_FILE_NAME);
        if path.exists() {
            let text = Zeroizing::new(std::fs::read_to_string(&path)?);
            let bytes = decode_key(text.trim()).ok_or_else(|| {
                anyhow::anyhow!("the key file {} is not a valid key", path.display())
            })?;
            return Ok(Self::from_key_bytes(&bytes));
        }
        let mut key = Zeroizing::new([0u8; 32]);
        rand::rng().fill_bytes(key.as_mut());
        write_private_file(&path, &BASE64.encode(key.as_ref()))?;
        tracing::info!(path = %path.display(), "created a new encryption key file; back it up with the database");
        Ok(Self::from_key_bytes(&key))
    }

    /// `v1:<base64 of nonce ‖ ciphertext>`.
    pub fn encrypt(&self, plaintext: &[u8], aad: &[u8]) -> String {
        let mut nonce = [0u8; 24];
        rand::rng().fill_bytes(&mut nonce);
        let sealed = self
            .cipher
            .encrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: plaintext,
                    aad,
                },
            )
            .expect("encryption of an in-memory buffer cannot fail");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        format!("{VERSION}:{}", BASE64.encode(&out))
    }

    pub fn decrypt(&self, stored: &str, aad: &[u8]) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
        let body = stored
            .strip_prefix("v1:")
            .ok_or(CryptoError::Undecryptable)?;
        let bytes = BASE64
            .decode(body.as_bytes())
            .map_err(|_| CryptoError::Undecryptable)?;
        if bytes.len() < 24 + 16 {
            return Err(CryptoError::Undecryptable);
        }
        let (nonce, sealed) = bytes.split_at(24);
        let nonce = XNonce::try_from(nonce).map_err(|_| CryptoError::Undecryptable)?;
        self.cipher
            .decrypt(&nonce, Payload { msg: sealed, aad })
            .map(Zeroizing::new)
            .map_err(|_| CryptoError::Undecryptable)
    }

    pub fn decrypt_str(&self, stored: &str, aad: &[u8]) -> Result<SecretString, CryptoError> {
        let bytes = self.decrypt(stored, aad)?;
        String::from_utf8(bytes.to_vec())
            .map(SecretString::new)
            .map_err(|_| CryptoError::Undecryptable)
    }

    /// Stores a check value on first start; on later starts, refuses a key that cannot
    /// read it, so a wrong key never overwrites secrets stored under the right one.
    /// `now` is when a first check value is recorded.
    pub async fn verify_or_record(&self, db: &Db, now: Timestamp) -> anyhow::Result<()> {
        let stored: Option<(String,)> =
            sqlx::query_as("SELECT ciphertext FROM key_check WHERE id = 1")
                .fetch_optional(db.pool())
                .await?;
        match stored {
            Some((ciphertext,)) => match self.decrypt(&ciphertext, CHECK_AAD) {
                Ok(plain) if plain.as_slice() == CHECK_PLAINTEXT => Ok(()),
                _ => anyhow::bail!(
                    "the encryption key does not match the one this database was created with \
                     (ORGSYNC_SECRET_KEY or the key file in the data directory); orgsync will \
                     not start, so that nothing stored under the right key is overwritten"
                ),
            },
            None => {
                let ciphertext = self.encrypt(CHECK_PLAINTEXT, CHECK_AAD);
                sqlx::query(
                    "INSERT INTO key_check (id, ciphertext, created_at) VALUES (1, $1, $2) \
                     ON CONFLICT (id) DO NOTHING",
                )
                .bind(ciphertext)
                .bind(now.as_millisecond())
                .execute(db.pool())
                .await?;
                // Another instance may have raced us with a different key: check again.
                Box::pin(self.verify_or_record(db, now)).await
            }
        }
    }
}

fn decode_key(text: &str) -> Option<[u8; 32]> {
    let text = text.trim();
    let bytes = if text.len() == 64 {
        HEXLOWER_PERMISSIVE.decode(text.as_bytes()).ok()?
    } else {
        BASE64
            .decode(text.as_bytes())
            .or_else(|_| data_encoding::BASE64URL.decode(text.as_bytes()))
            .ok()?
    };
    bytes.try_into().ok()
}

/// Writes a file readable by its owner only (0600), failing if it already exists.
pub fn write_private_file(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(contents.as_bytes())?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn crypto(byte: u8) -> Crypto {
        Crypto::from_key_bytes(&[byte; 32])
    }

    #[test]
    fn a_secret_round_trips_with_its_own_associated_data() {
        let c = crypto(1);
        let sealed = c.encrypt(b"p@ssw0rd", b"app_secrets/justworks/password");
        assert!(!sealed.contains("p@ssw0rd"));
        let plain = c
            .decrypt(&sealed, b"app_secrets/justworks/password")
            .unwrap();
        assert_eq!(plain.as_slice(), b"p@ssw0rd");
    }

    #[test]
    fn a_ciphertext_moved_to_another_row_does_not_decrypt() {
        let c = crypto(1);
        let sealed = c.encrypt(b"seed", b"app_secrets/justworks/password");
        assert!(
            c.decrypt(&sealed, b"app_secrets/justworks/totp_seed")
                .is_err()
        );
    }

    #[test]
    fn another_key_cannot_decrypt() {
        let sealed = crypto(1).encrypt(b"seed", b"aad");
        assert!(crypto(2).decrypt(&sealed, b"aad").is_err());
    }

    #[test]
    fn each_encryption_uses_a_fresh_nonce() {
        let c = crypto(1);
        assert_ne!(c.encrypt(b"same", b"aad"), c.encrypt(b"same", b"aad"));
    }

    #[test]
    fn keys_are_read_as_base64_or_hex() {
        assert_eq!(decode_key(&BASE64.encode(&[7u8; 32])), Some([7u8; 32]));
        assert_eq!(decode_key(&"ab".repeat(32)), Some([0xab; 32]));
        assert_eq!(decode_key("too short"), None);
    }

    #[test]
    fn the_key_file_is_created_private_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let first = Crypto::load(None, dir.path()).unwrap();
        let sealed = first.encrypt(b"x", b"aad");
        let again = Crypto::load(None, dir.path()).unwrap();
        assert_eq!(again.decrypt(&sealed, b"aad").unwrap().as_slice(), b"x");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(KEY_FILE_NAME))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
