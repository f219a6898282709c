//! The Justworks service user's password and 2FA seed, and the webhook signing secret:
//! stored encrypted (bound to their name, so one cannot be swapped for another),
//! write-only, and decrypted only at the moment of use — signing in (straight into the
//! client's [`Credentials`]) or checking a webhook delivery.

use super::APP;
use super::settings::Settings;
use crate::crypto::Crypto;
use crate::db::{Db, Tx};
use crate::justworks::{Credentials, TotpSeed};
use crate::secrets::SecretString;

const PASSWORD: &str = "password";
const SEED: &str = "totp_seed";
const WEBHOOK_SECRET: &str = "webhook_secret";

fn secret_aad(name: &str) -> Vec<u8> {
    format!("orgsync/app_secrets/{APP}/{name}").into_bytes()
}

/// Which secrets are stored (never their values): `(password, seed)`.
pub async fn which_are_set(db: &Db) -> sqlx::Result<(bool, bool)> {
    let names: Vec<(String,)> = sqlx::query_as("SELECT name FROM app_secrets WHERE app = $1")
        .bind(APP)
        .fetch_all(db.pool())
        .await?;
    let has = |name: &str| names.iter().any(|(n,)| n == name);
    Ok((has(PASSWORD), has(SEED)))
}

/// The stored credentials of the service user `settings` name, decrypted; `None` while a
/// secret is missing.
pub async fn load_credentials(
    db: &Db,
    crypto: &Crypto,
    settings: &Settings,
) -> anyhow::Result<Option<Credentials>> {
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT name, ciphertext FROM app_secrets WHERE app = $1")
            .bind(APP)
            .fetch_all(db.pool())
            .await?;
    let get = |name: &str| -> anyhow::Result<Option<SecretString>> {
        rows.iter()
            .find(|(n, _)| n == name)
            .map(|(_, c)| crypto.decrypt_str(c, &secret_aad(name)))
            .transpose()
            .map_err(anyhow::Error::from)
    };
    let (Some(password), Some(seed)) = (get(PASSWORD)?, get(SEED)?) else {
        return Ok(None);
    };
    let seed = TotpSeed::parse(seed.expose())
        .map_err(|_| anyhow::anyhow!("the stored 2FA seed is no longer valid"))?;
    Ok(Some(Credentials::new(
        settings.username.clone(),
        password,
        seed,
    )))
}

/// Stores each new secret inside the caller's transaction at `now`; `None` keeps the
/// stored one.
pub async fn store(
    tx: &mut Tx,
    crypto: &Crypto,
    password: Option<&SecretString>,
    seed: Option<&TotpSeed>,
    now: jiff::Timestamp,
) -> sqlx::Result<()> {
    let secrets = [
        (PASSWORD, password.map(|p| p.expose())),
        (SEED, seed.map(|s| s.expose_base32())),
    ];
    for (name, value) in secrets {
        let Some(value) = value else { continue };
        let ciphertext = crypto.encrypt(value.as_bytes(), &secret_aad(name));
        sqlx::query(
            "INSERT INTO app_secrets (app, name, ciphertext, updated_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (app, name) DO UPDATE SET ciphertext = excluded.ciphertext, \
             updated_at = excluded.updated_at",
        )
        .bind(APP)
        .bind(name)
        .bind(ciphertext)
        .bind(now.as_millisecond())
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// What one save does to a write-only secret that may also be removed.
#[derive(Debug, Clone, Default)]
pub enum SecretChange {
    /// Left blank: the stored one (if any) stays.
    #[default]
    Keep,
    Set(SecretString),
    Remove,
}

impl SecretChange {
    pub fn is_change(&self) -> bool {
        !matches!(self, Self::Keep)
    }
}

/// Whether a webhook signing secret is stored (never its value).
pub async fn webhook_secret_set(db: &Db) -> sqlx::Result<bool> {
    let found: Option<(String,)> =
        sqlx::query_as("SELECT name FROM app_secrets WHERE app = $1 AND name = $2")
            .bind(APP)
            .bind(WEBHOOK_SECRET)
            .fetch_optional(db.pool())
            .await?;
    Ok(found.is_some())
}

/// The webhook signing secret, decrypted; `None` while none is stored (or Justworks is
/// not installed: its secrets go with it).
pub async fn load_webhook_secret(db: &Db, crypto: &Crypto) -> anyhow::Result<Option<SecretString>> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT ciphertext FROM app_secrets WHERE app = $1 AND name = $2")
            .bind(APP)
            .bind(WEBHOOK_SECRET)
            .fetch_optional(db.pool())
            .await?;
    Ok(row
        .map(|(c,)| crypto.decrypt_str(&c, &secret_aad(WEBHOOK_SECRET)))
        .transpose()?)
}

/// Stores, removes or keeps the webhook signing secret inside the caller's transaction.
pub async fn store_webhook_secret(
    tx: &mut Tx,
    crypto: &Crypto,
    change: &SecretChange,
    now: jiff::Timestamp,
) -> sqlx::Result<()> {
    match change {
        SecretChange::Keep => {}
        SecretChange::Set(secret) => {
            let ciphertext =
                crypto.encrypt(secret.expose().as_bytes(), &secret_aad(WEBHOOK_SECRET));
            sqlx::query(
                "INSERT INTO app_secrets (app, name, ciphertext, updated_at) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (app, name) DO UPDATE \
                 SET ciphertext = excluded.ciphertext, updated_at = excluded.updated_at",
            )
            .bind(APP)
            .bind(WEBHOOK_SECRET)
            .bind(ciphertext)
            .bind(now.as_millisecond())
            .execute(&mut **tx)
            .await?;
        }
        SecretChange::Remove => {
            sqlx::query("DELETE FROM app_secrets WHERE app = $1 AND name = $2")
                .bind(APP)
                .bind(WEBHOOK_SECRET)
                .execute(&mut **tx)
                .await?;
        }
    }
    Ok(())
}
