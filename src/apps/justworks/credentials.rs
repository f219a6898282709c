//! The Justworks app's secrets — the service user's password and 2FA seed, the Partner
//! API's client secret and tokens, the webhook signing secret: stored encrypted (bound
//! to their name, so one cannot be swapped for another), write-only, and decrypted only
//! at the moment of use — straight into the client's [`Credentials`] or
//! [`OAuthClient`], or to check a webhook delivery.

use super::APP;
use super::settings::Settings;
use crate::crypto::Crypto;
use crate::db::{Db, Tx};
use crate::justworks::{Credentials, OAuthClient, TotpSeed};
use crate::secrets::SecretString;
use sqlx::AnyConnection;

const PASSWORD: &str = "password";
const SEED: &str = "totp_seed";
const CLIENT_SECRET: &str = "client_secret";
const WEBHOOK_SECRET: &str = "webhook_secret";

fn secret_aad(name: &str) -> Vec<u8> {
    format!("orgsync/app_secrets/{APP}/{name}").into_bytes()
}

/// Which secrets are stored (never their values).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SecretsSet {
    pub password: bool,
    pub seed: bool,
    pub client_secret: bool,
}

pub async fn which_are_set(db: &Db) -> sqlx::Result<SecretsSet> {
    let names: Vec<(String,)> = sqlx::query_as("SELECT name FROM app_secrets WHERE app = $1")
        .bind(APP)
        .fetch_all(db.pool())
        .await?;
    let has = |name: &str| names.iter().any(|(n,)| n == name);
    Ok(SecretsSet {
        password: has(PASSWORD),
        seed: has(SEED),
        client_secret: has(CLIENT_SECRET),
    })
}

/// One stored secret, decrypted; `None` when it is not stored.
pub async fn load_secret(
    conn: &mut AnyConnection,
    crypto: &Crypto,
    name: &str,
) -> anyhow::Result<Option<SecretString>> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT ciphertext FROM app_secrets WHERE app = $1 AND name = $2")
            .bind(APP)
            .bind(name)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(row
        .map(|(c,)| crypto.decrypt_str(&c, &secret_aad(name)))
        .transpose()?)
}

/// Stores (or replaces) one secret, encrypted.
pub async fn store_secret(
    conn: &mut AnyConnection,
    crypto: &Crypto,
    name: &str,
    value: &str,
    now: i64,
) -> sqlx::Result<()> {
    let ciphertext = crypto.encrypt(value.as_bytes(), &secret_aad(name));
    sqlx::query(
        "INSERT INTO app_secrets (app, name, ciphertext, updated_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (app, name) DO UPDATE SET ciphertext = excluded.ciphertext, \
         updated_at = excluded.updated_at",
    )
    .bind(APP)
    .bind(name)
    .bind(ciphertext)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn delete_secret(conn: &mut AnyConnection, name: &str) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM app_secrets WHERE app = $1 AND name = $2")
        .bind(APP)
        .bind(name)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The Partner API client the settings name, with its stored secret; `None` while the
/// secret is missing.
pub async fn load_oauth_client(
    db: &Db,
    crypto: &Crypto,
    client_id: &str,
) -> anyhow::Result<Option<OAuthClient>> {
    let mut conn = db.pool().acquire().await?;
    Ok(load_secret(&mut conn, crypto, CLIENT_SECRET)
        .await?
        .map(|client_secret| OAuthClient {
            client_id: client_id.to_owned(),
            client_secret,
        }))
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
    client_secret: Option<&SecretString>,
    now: jiff::Timestamp,
) -> sqlx::Result<()> {
    let secrets = [
        (PASSWORD, password.map(|p| p.expose())),
        (SEED, seed.map(|s| s.expose_base32())),
        (CLIENT_SECRET, client_secret.map(|s| s.expose())),
    ];
    for (name, value) in secrets {
        let Some(value) = value else { continue };
        store_secret(tx, crypto, name, value, now.as_millisecond()).await?;
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
