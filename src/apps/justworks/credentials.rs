//! The Justworks service user's password and 2FA seed: stored encrypted (bound to their
//! name, so one cannot be swapped for the other), write-only, and decrypted only at the
//! moment of signing in — straight into the client's [`Credentials`].

use super::APP;
use super::settings::Settings;
use crate::crypto::Crypto;
use crate::db::{Db, Tx};
use crate::justworks::{Credentials, TotpSeed};
use crate::secrets::SecretString;

const PASSWORD: &str = "password";
const SEED: &str = "totp_seed";

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
