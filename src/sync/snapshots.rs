//! The last read kept (`roster_snapshots`, this module's table): one row per app, the
//! whole roster as of the latest run that planned — serialised, and encrypted like the
//! stored secrets, because it holds pay and birthdates. An incremental read is merged
//! into it (`sync::incremental`). It is written in the transaction that ends a run's
//! work (applied, or waiting for review), so a failed run never replaces it.

use crate::crypto::Crypto;
use crate::db::Db;
use crate::org::roster::Roster;
use crate::sync::incremental::LastRead;
use jiff::Timestamp;
use sqlx::AnyConnection;
use zeroize::Zeroizing;

fn aad(app: &str) -> Vec<u8> {
    format!("orgsync/roster_snapshots/{app}").into_bytes()
}

/// A roster encrypted for `roster_snapshots`, with when it was read and under which
/// settings.
pub struct Snapshot {
    ciphertext: String,
    pub read_at: Timestamp,
    /// The app's settings `updated_at` (ms) when it was read.
    pub settings_at: i64,
}

impl std::fmt::Debug for Snapshot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Snapshot")
            .field("read_at", &self.read_at)
            .field("settings_at", &self.settings_at)
            .finish_non_exhaustive()
    }
}

impl Snapshot {
    /// Serialises and encrypts `roster` for `app` (CPU work: off the async runtime for a
    /// large roster). The plaintext is wiped once encrypted.
    pub fn seal(
        crypto: &Crypto,
        app: &str,
        roster: &Roster,
        read_at: Timestamp,
        settings_at: i64,
    ) -> Self {
        let json = Zeroizing::new(serde_json::to_vec(roster).expect("a roster serialises"));
        Self {
            ciphertext: crypto.encrypt(&json, &aad(app)),
            read_at,
            settings_at,
        }
    }
}

/// Keeps `snapshot` as `app`'s last read, replacing the one before, on the caller's
/// transaction.
pub async fn store(
    conn: &mut AnyConnection,
    app: &str,
    snapshot: &Snapshot,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO roster_snapshots (app, read_at, settings_at, ciphertext, created_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (app) DO UPDATE SET \
         read_at = excluded.read_at, settings_at = excluded.settings_at, \
         ciphertext = excluded.ciphertext, created_at = excluded.created_at",
    )
    .bind(app)
    .bind(snapshot.read_at.as_millisecond())
    .bind(snapshot.settings_at)
    .bind(&snapshot.ciphertext)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// When `app`'s last read kept was made, and under which settings (not its roster).
pub async fn last_read(db: &Db, app: &str) -> sqlx::Result<Option<LastRead>> {
    let row: Option<(i64, i64)> =
        sqlx::query_as("SELECT read_at, settings_at FROM roster_snapshots WHERE app = $1")
            .bind(app)
            .fetch_optional(db.pool())
            .await?;
    Ok(row.and_then(|(read_at, settings_at)| {
        Some(LastRead {
            read_at: Timestamp::from_millisecond(read_at).ok()?,
            settings_at,
        })
    }))
}

/// `app`'s last read roster, decrypted; `None` if none is kept or it cannot be read
/// (another key, damaged, written by a version of orgsync whose roster differed) — said
/// in the log, and then the run reads everyone.
pub async fn last_roster(db: &Db, crypto: &Crypto, app: &str) -> sqlx::Result<Option<Roster>> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT ciphertext FROM roster_snapshots WHERE app = $1")
            .bind(app)
            .fetch_optional(db.pool())
            .await?;
    let Some((ciphertext,)) = row else {
        return Ok(None);
    };
    let crypto = crypto.clone();
    let aad = aad(app);
    let opened = tokio::task::spawn_blocking(move || open(&crypto, &ciphertext, &aad)).await;
    match opened {
        Ok(Ok(roster)) => Ok(Some(roster)),
        Ok(Err(why)) => {
            tracing::warn!(
                app,
                why,
                "the last read kept could not be read; reading everyone"
            );
            Ok(None)
        }
        Err(e) => {
            tracing::error!(app, error = %e, "reading the last read kept failed; reading everyone");
            Ok(None)
        }
    }
}

fn open(crypto: &Crypto, ciphertext: &str, aad: &[u8]) -> Result<Roster, &'static str> {
    let json = crypto
        .decrypt(ciphertext, aad)
        .map_err(|_| "it does not decrypt (damaged, or another key)")?;
    // serde's message could quote a value (a salary, a name): only say that it failed.
    serde_json::from_slice(&json).map_err(|_| "its roster is not one this orgsync reads")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::org::roster::RosterCompany;

    fn roster() -> Roster {
        Roster {
            company: RosterCompany {
                id: "cmp_1".into(),
                name: "Acme".into(),
                departments: Vec::new(),
                offices: Vec::new(),
            },
            members: Vec::new(),
            warnings: vec!["a warning".into()],
        }
    }

    #[test]
    fn a_sealed_roster_opens_for_its_app_only_and_is_not_stored_in_the_clear() {
        let crypto = Crypto::from_key_bytes(&[3; 32]);
        let at = Timestamp::from_second(1_800_000_000).unwrap();
        let sealed = Snapshot::seal(&crypto, "justworks", &roster(), at, 7);
        assert!(!sealed.ciphertext.contains("Acme"));
        assert!(!format!("{sealed:?}").contains(&sealed.ciphertext));
        assert_eq!(
            open(&crypto, &sealed.ciphertext, &aad("justworks")),
            Ok(roster())
        );
        assert!(open(&crypto, &sealed.ciphertext, &aad("other")).is_err());
        let other_key = Crypto::from_key_bytes(&[4; 32]);
        assert!(open(&other_key, &sealed.ciphertext, &aad("justworks")).is_err());
        let not_a_roster = crypto.encrypt(b"{\"members\": 1}", &aad("justworks"));
        assert_eq!(
            open(&crypto, &not_a_roster, &aad("justworks")),
            Err("its roster is not one this orgsync reads")
        );
    }
}
