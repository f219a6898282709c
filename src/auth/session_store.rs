//! tower-sessions storage in our own database (either backend), so sessions survive a
//! restart and are shared by every instance. Rows are keyed by the SHA-256 of the session
//! id — a copy of the table holds no usable session — and carry the signed-in user's id,
//! so that all of a user's sessions can be ended at once. Expiry is stored and checked on
//! the app's clock (a test clock moves sessions with it).

use crate::clock::{Clock, SystemClock};
use crate::db::Db;
use async_trait::async_trait;
use sha2::{Digest, Sha256};
use std::sync::Arc;
use tower_sessions::cookie::time::OffsetDateTime;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};

/// The session key under which the signed-in user's id is kept.
pub const USER_ID_KEY: &str = "user_id";

#[derive(Clone)]
pub struct DbSessionStore {
    db: Db,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for DbSessionStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DbSessionStore").finish_non_exhaustive()
    }
}

impl DbSessionStore {
    pub fn new(db: Db, clock: Arc<dyn Clock>) -> Self {
        Self { db, clock }
    }

    /// The expiry to store, in UTC milliseconds on our clock. tower-sessions dates it on
    /// the system clock (now + the idle timeout); what is kept is the time left, so
    /// both clocks agree in production and a test clock moves sessions with it.
    /// (Milliseconds: whole seconds would cut up to a second off a short idle timeout.)
    fn expires_at_ms(&self, record: &Record) -> i64 {
        let expiry_ms = (record.expiry_date.unix_timestamp_nanos() / 1_000_000) as i64;
        self.clock.now_ms() + (expiry_ms - SystemClock.now_ms())
    }

    /// The stored expiry as tower-sessions dates it (the inverse of `expires_at_ms`).
    fn expiry_date(&self, expires_at: i64) -> session_store::Result<OffsetDateTime> {
        let out_of_range = || session_store::Error::Decode("session expiry out of range".into());
        let expiry_ms = SystemClock
            .now_ms()
            .checked_add(expires_at - self.clock.now_ms())
            .ok_or_else(out_of_range)?;
        OffsetDateTime::from_unix_timestamp_nanos(i128::from(expiry_ms) * 1_000_000)
            .map_err(|_| out_of_range())
    }

    /// Removes expired sessions; run now and then by a background task.
    pub async fn delete_expired(&self) -> sqlx::Result<u64> {
        let done = sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
            .bind(self.clock.now_ms())
            .execute(self.db.pool())
            .await?;
        Ok(done.rows_affected())
    }
}

fn id_hash(id: &Id) -> String {
    data_encoding::HEXLOWER.encode(&Sha256::digest(id.0.to_le_bytes()))
}

fn backend(e: impl std::fmt::Display) -> session_store::Error {
    session_store::Error::Backend(e.to_string())
}

/// A record's `data` (JSON) and `user_id` columns.
fn data_columns(record: &Record) -> session_store::Result<(String, Option<String>)> {
    let data = serde_json::to_string(&record.data)
        .map_err(|e| session_store::Error::Encode(e.to_string()))?;
    let user_id = record
        .data
        .get(USER_ID_KEY)
        .and_then(|v| v.as_str())
        .map(str::to_owned);
    Ok((data, user_id))
}

#[async_trait]
impl SessionStore for DbSessionStore {
    /// Inserts the session under a fresh id, always: a session ended by sign-out keeps
    /// its record (and id) for the rest of that request, and must not be re-created
    /// under the id its old cookie carries.
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        record.id = Id::default();
        // A 128-bit random id collides practically never; still, never overwrite one.
        loop {
            let (data, user_id) = data_columns(record)?;
            let inserted = sqlx::query(
                "INSERT INTO sessions (id_hash, user_id, data, expires_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (id_hash) DO NOTHING",
            )
            .bind(id_hash(&record.id))
            .bind(user_id)
            .bind(data)
            .bind(self.expires_at_ms(record))
            .execute(self.db.pool())
            .await
            .map_err(backend)?;
            if inserted.rows_affected() == 1 {
                return Ok(());
            }
            record.id = Id::default();
        }
    }

    /// Updates the row, never inserts one: a request that loaded the session before it
    /// was ended (sign-out, deactivation, a level or password change) and saves it
    /// afterwards finds no row and changes nothing — a deleted session stays deleted.
    /// New sessions are inserted by `create` only, under a fresh id.
    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let (data, user_id) = data_columns(record)?;
        sqlx::query(
            "UPDATE sessions SET user_id = $1, data = $2, expires_at = $3 WHERE id_hash = $4",
        )
        .bind(user_id)
        .bind(data)
        .bind(self.expires_at_ms(record))
        .bind(id_hash(&record.id))
        .execute(self.db.pool())
        .await
        .map_err(backend)?;
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let row: Option<(String, i64)> = sqlx::query_as(
            "SELECT data, expires_at FROM sessions WHERE id_hash = $1 AND expires_at > $2",
        )
        .bind(id_hash(id))
        .bind(self.clock.now_ms())
        .fetch_optional(self.db.pool())
        .await
        .map_err(backend)?;
        let Some((data, expires_at)) = row else {
            return Ok(None);
        };
        let data =
            serde_json::from_str(&data).map_err(|e| session_store::Error::Decode(e.to_string()))?;
        Ok(Some(Record {
            id: *id,
            data,
            expiry_date: self.expiry_date(expires_at)?,
        }))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
            .bind(id_hash(id))
            .execute(self.db.pool())
            .await
            .map_err(backend)?;
        Ok(())
    }
}
