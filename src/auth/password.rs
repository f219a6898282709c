//! Passwords: the length rule, and argon2id hashing off the async runtime, a few at a
//! time.

use crate::secrets::SecretString;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tokio::sync::Semaphore;

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

/// At most a few argon2 computations at once in this server. Each takes 19 MiB and tens
/// of milliseconds of a core, so a burst of sign-ins would otherwise take memory
/// without bound. Others wait their turn for a few seconds; one that would wait longer
/// is told the server is busy ([`Busy`]: 503 with `Retry-After`). The computations run
/// on blocking threads, off the async runtime.
#[derive(Clone)]
pub struct HashingLimit {
    inner: Arc<LimitInner>,
}

struct LimitInner {
    permits: Arc<Semaphore>,
    wait: Duration,
    running: AtomicUsize,
    most_at_once: AtomicUsize,
}

/// No room to check or hash a password in time.
#[derive(Debug, thiserror::Error)]
#[error("too many passwords are being checked at once")]
pub struct Busy;

/// Why a password could not be hashed.
#[derive(Debug, thiserror::Error)]
pub enum HashError {
    #[error(transparent)]
    Busy(#[from] Busy),
    #[error(transparent)]
    Failed(#[from] anyhow::Error),
}

impl HashingLimit {
    /// How many computations run at once in a server.
    pub const PERMITS: usize = 2;
    /// How long one waits for its turn before the answer is "busy".
    pub const WAIT: Duration = Duration::from_secs(5);

    pub fn new(permits: usize, wait: Duration) -> Self {
        Self {
            inner: Arc::new(LimitInner {
                permits: Arc::new(Semaphore::new(permits)),
                wait,
                running: AtomicUsize::new(0),
                most_at_once: AtomicUsize::new(0),
            }),
        }
    }

    /// The most computations that have run at the same moment so far.
    pub fn most_at_once(&self) -> usize {
        self.inner.most_at_once.load(Ordering::SeqCst)
    }

    /// Runs `work` on a blocking thread once a permit is free. The permit goes with the
    /// work, so a request given up half-way does not free it before argon2 is done.
    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, Busy> {
        let permit =
            tokio::time::timeout(self.inner.wait, self.inner.permits.clone().acquire_owned())
                .await
                .map_err(|_| Busy)?
                .map_err(|_| Busy)?;
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || {
            let now = inner.running.fetch_add(1, Ordering::SeqCst) + 1;
            inner.most_at_once.fetch_max(now, Ordering::SeqCst);
            let out = work();
            inner.running.fetch_sub(1, Ordering::SeqCst);
            drop(permit);
            out
        })
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "a password hashing task failed");
            Busy
        })
    }

    /// Hashes a new password.
    pub async fn hash(&self, password: SecretString) -> Result<String, HashError> {
        Ok(self
            .run(move || hash_password_blocking(&password))
            .await??)
    }

    /// Checks a password against a stored hash. With no stored hash (unknown email,
    /// invited user) it checks against a dummy hash, so that every failure takes about
    /// the same time.
    pub async fn verify(
        &self,
        password: SecretString,
        stored: Option<String>,
    ) -> Result<bool, Busy> {
        self.run(move || {
            let hash_text = stored.as_deref().unwrap_or_else(|| dummy_hash());
            let matched = argon2()
                .verify_password(password.expose().as_bytes(), hash_text)
                .is_ok();
            matched && stored.is_some()
        })
        .await
    }
}

pub fn hash_password_blocking(password: &SecretString) -> anyhow::Result<String> {
    // A fresh random salt per hash; the PHC string carries it.
    argon2()
        .hash_password(password.expose().as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|e| anyhow::anyhow!("could not hash a password: {e}"))
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

    fn limit() -> HashingLimit {
        HashingLimit::new(HashingLimit::PERMITS, HashingLimit::WAIT)
    }

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let limit = limit();
        let hash = limit
            .hash(SecretString::new("correct horse battery"))
            .await
            .unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(
            limit
                .verify(
                    SecretString::new("correct horse battery"),
                    Some(hash.clone())
                )
                .await
                .unwrap()
        );
        assert!(
            !limit
                .verify(SecretString::new("wrong horse battery"), Some(hash))
                .await
                .unwrap()
        );
    }

    #[tokio::test]
    async fn no_stored_hash_never_verifies() {
        assert!(
            !limit()
                .verify(SecretString::new("orgsync dummy password for timing"), None)
                .await
                .unwrap()
        );
    }

    #[tokio::test]
    async fn with_no_permit_free_in_time_the_answer_is_busy() {
        let limit = HashingLimit::new(1, Duration::from_millis(50));
        let held = limit.inner.permits.clone().acquire_owned().await.unwrap();
        let answer = limit
            .verify(SecretString::new("any password at all"), None)
            .await;
        assert!(matches!(answer, Err(Busy)), "{answer:?}");
        drop(held);
        assert!(
            limit
                .verify(SecretString::new("any password at all"), None)
                .await
                .is_ok()
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
