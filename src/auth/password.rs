//! Passwords: the length rule, and argon2id hashing off the async runtime.

use crate::secrets::SecretString;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::OnceLock;

pub const MIN_PASSWORD_CHARS: usize = 12;
pub const MAX_PASSWORD_CHARS: usize = 128;

/// OWASP's argon2id minimum: 19 MiB of memory, 2 iterations, 1 lane.
fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// The password rule in words, for forms: length only, any characters.
pub fn check_new_password(password: &str) -> Result<(), String> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(format!(
            "Use at least {MIN_PASSWORD_CHARS} characters (spaces and any letters or symbols are fine)."
        ));
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(format!("Use at most {MAX_PASSWORD_CHARS} characters."));
    }
    Ok(())
}

/// Hashes a password on a blocking thread (argon2 takes tens of milliseconds of CPU).
pub async fn hash_password(password: SecretString) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || hash_password_blocking(&password))
        .await
        .map_err(|e| anyhow::anyhow!("password hashing task failed: {e}"))?
}

pub fn hash_password_blocking(password: &SecretString) -> anyhow::Result<String> {
    // A fresh random salt per hash; the PHC string carries it.
    argon2()
        .hash_password(password.expose().as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|e| anyhow::anyhow!("could not hash a password: {e}"))
}

/// Checks a password against a stored hash on a blocking thread. With no stored hash
/// (unknown email, invited user) it checks against a dummy hash, so that every failure
/// takes about the same time.
pub async fn verify_password(password: SecretString, stored: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || {
        let hash_text = stored.as_deref().unwrap_or_else(|| dummy_hash());
        let matched = argon2()
            .verify_password(password.expose().as_bytes(), hash_text)
            .is_ok();
        matched && stored.is_some()
    })
    .await
    .unwrap_or(false)
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        hash_password_blocking(&SecretString::new("orgsync dummy password for timing"))
            .expect("hashing a constant works")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let hash = hash_password(SecretString::new("correct horse battery"))
            .await
            .unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(
            verify_password(
                SecretString::new("correct horse battery"),
                Some(hash.clone())
            )
            .await
        );
        assert!(!verify_password(SecretString::new("wrong horse battery"), Some(hash)).await);
    }

    #[tokio::test]
    async fn no_stored_hash_never_verifies() {
        assert!(
            !verify_password(SecretString::new("orgsync dummy password for timing"), None).await
        );
    }

    #[test]
    fn length_is_the_only_rule_and_unicode_counts_as_characters() {
        assert!(check_new_password("short").is_err());
        assert!(check_new_password("mot de passe très long").is_ok());
        assert!(check_new_password("ññññññññññññ").is_ok());
        assert!(check_new_password(&"x".repeat(129)).is_err());
        assert!(check_new_password(&"x".repeat(128)).is_ok());
    }
}
