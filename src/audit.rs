//! The audit log: who changed what, when — settings saves (field names, never secret
//! values), installs, uninstalls, sync requests and user changes. Owners read it at
//! `/settings/audit`.

use crate::db::{Db, new_id};
use jiff::Timestamp;
use sqlx::{AnyConnection, FromRow};

/// Who did it: a signed-in user, or the command line / Justworks / the server itself.
pub struct Actor<'a> {
    pub id: Option<&'a str>,
    pub name: &'a str,
}

impl<'a> Actor<'a> {
    pub fn user(user: &'a crate::auth::users::User) -> Self {
        Self {
            id: Some(&user.id),
            name: &user.name,
        }
    }

    pub fn command_line() -> Self {
        Self {
            id: None,
            name: "command line",
        }
    }

    /// Justworks itself, through a signed webhook (no user asked).
    pub fn justworks_webhook() -> Self {
        Self {
            id: None,
            name: "Justworks webhook",
        }
    }
}

/// Appends one entry, made at `now`. Runs on the caller's connection so that it commits
/// (or not) together with the change it describes.
pub async fn record(
    conn: &mut AnyConnection,
    actor: &Actor<'_>,
    action: &str,
    target: &str,
    details: &str,
    now: Timestamp,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO audit_log (id, at, actor_id, actor_name, action, target, details) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(new_id())
    .bind(now.as_millisecond())
    .bind(actor.id)
    .bind(actor.name)
    .bind(action)
    .bind(target)
    .bind(details)
    .execute(conn)
    .await?;
    Ok(())
}

/// Appends one entry on its own connection, for a change that is already committed.
pub async fn record_alone(
    db: &Db,
    actor: &Actor<'_>,
    action: &str,
    target: &str,
    details: &str,
    now: Timestamp,
) -> sqlx::Result<()> {
    let mut conn = db.pool().acquire().await?;
    record(&mut conn, actor, action, target, details, now).await
}

#[derive(Debug, Clone, FromRow)]
pub struct Entry {
    pub id: String,
    pub at: i64,
    pub actor_name: String,
    pub action: String,
    pub target: String,
    pub details: String,
}

/// One page of entries, newest first; `before` is the id of the last entry already shown.
pub async fn page(db: &Db, before: Option<&str>, limit: i64) -> sqlx::Result<Vec<Entry>> {
    // UUIDv7 ids sort by time, so they double as the paging key.
    sqlx::query_as(
        "SELECT id, at, actor_name, action, target, details FROM audit_log \
         WHERE ($1 IS NULL OR id < $1) ORDER BY id DESC LIMIT $2",
    )
    .bind(before)
    .bind(limit)
    .fetch_all(db.pool())
    .await
}
