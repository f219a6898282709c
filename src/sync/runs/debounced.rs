//! Runs asked for by a Justworks webhook: debounced, so that a burst of events makes one
//! run. Such a run is queued with a `not_before` (now + the debounce) that
//! [`super::claim_next`] honours; an event while a run of the app is queued — whatever
//! its cause — adds nothing, as that run will read the change too.
//!
//! An event while a run is *running* does queue one more: the running one may have read
//! Justworks before the change. The app's one slot (`active_app`, unique) is the running
//! run's, so the new one waits behind it holding `next_app` (unique too: one follower
//! per app, which absorbs later events) and cannot be claimed. Once the slot is free the
//! worker's next look ([`promote_followers`]) hands it over; until then a manual Sync To
//! Primary is answered with the running run, as before.

use crate::db::{Db, is_unique_violation, new_id};
use sqlx::AnyConnection;

/// What a webhook event did to the runs of its app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Debounced {
    /// A new run with cause `webhook`, not to start before its `not_before`.
    Queued(String),
    /// A run already waiting (queued, or following the running one) will read the
    /// change: this is it.
    Absorbed(String),
}

/// Queues a webhook run of `app` that starts no earlier than `not_before`, unless a run
/// already waits to start (see the module's comment). Call it inside the transaction
/// that records the event: on SQLite its first statement takes the write lock, so the
/// running run cannot end between the look and the follower's insert.
pub async fn enqueue_webhook(
    conn: &mut AnyConnection,
    app: &str,
    not_before: i64,
    now: i64,
) -> sqlx::Result<Debounced> {
    // A run that ends between two statements frees the slot; looking again settles it.
    for _ in 0..3 {
        if let Some(id) = insert(conn, app, "active_app", not_before, now).await? {
            return Ok(Debounced::Queued(id));
        }
        let active: Option<(String, String)> =
            sqlx::query_as("SELECT id, status FROM sync_runs WHERE active_app = $1")
                .bind(app)
                .fetch_optional(&mut *conn)
                .await?;
        match active {
            None => continue,
            Some((id, status)) if status == "queued" => return Ok(Debounced::Absorbed(id)),
            Some(_running) => {}
        }
        if let Some(id) = insert(conn, app, "next_app", not_before, now).await? {
            return Ok(Debounced::Queued(id));
        }
        let follower: Option<(String,)> =
            sqlx::query_as("SELECT id FROM sync_runs WHERE next_app = $1")
                .bind(app)
                .fetch_optional(&mut *conn)
                .await?;
        if let Some((id,)) = follower {
            return Ok(Debounced::Absorbed(id));
        }
    }
    Err(sqlx::Error::Protocol(
        "the runs of the app kept changing while a webhook run was queued".into(),
    ))
}

/// Inserts a queued webhook run holding `slot` (`active_app` or `next_app`) for `app`;
/// `None` when another run holds it.
async fn insert(
    conn: &mut AnyConnection,
    app: &str,
    slot: &'static str,
    not_before: i64,
    now: i64,
) -> sqlx::Result<Option<String>> {
    let id = new_id();
    let inserted = sqlx::query(&format!(
        "INSERT INTO sync_runs (id, app, status, cause, queued_at, not_before, {slot}) \
         VALUES ($1, $2, 'queued', 'webhook', $3, $4, $2) ON CONFLICT ({slot}) DO NOTHING"
    ))
    .bind(&id)
    .bind(app)
    .bind(now)
    .bind(not_before)
    .execute(&mut *conn)
    .await;
    match inserted {
        Ok(done) if done.rows_affected() == 1 => Ok(Some(id)),
        Ok(_) => Ok(None),
        Err(e) if is_unique_violation(&e) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Hands each app's follower the app's slot once no run holds it: from then on it is
/// the app's queued run (claimable when its `not_before` has come, and what a manual
/// Sync To Primary finds). Safe from any number of instances: the unique slot lets one
/// run have it, and an instance that loses the race just looks again later.
pub async fn promote_followers(db: &Db) -> sqlx::Result<u64> {
    // A read first: the usual look (no follower) takes no write lock.
    let waiting: Option<(String,)> =
        sqlx::query_as("SELECT id FROM sync_runs WHERE next_app IS NOT NULL LIMIT 1")
            .fetch_optional(db.pool())
            .await?;
    if waiting.is_none() {
        return Ok(0);
    }
    let promoted = sqlx::query(
        "UPDATE sync_runs SET active_app = next_app, next_app = NULL \
         WHERE next_app IS NOT NULL AND status = 'queued' \
         AND NOT EXISTS (SELECT 1 FROM sync_runs AS holder \
         WHERE holder.active_app = sync_runs.next_app)",
    )
    .execute(db.pool())
    .await;
    match promoted {
        Ok(done) => Ok(done.rows_affected()),
        Err(e) if is_unique_violation(&e) => Ok(0),
        Err(e) => Err(e),
    }
}

/// When the next queued run waiting out its debounce may start, if any (UTC ms), so
/// that the worker can look again right then rather than at its next poll.
pub async fn next_due_at(db: &Db) -> sqlx::Result<Option<i64>> {
    let (at,): (Option<i64>,) = sqlx::query_as(
        "SELECT MIN(not_before) FROM sync_runs WHERE status = 'queued' \
         AND active_app IS NOT NULL AND not_before IS NOT NULL",
    )
    .fetch_one(db.pool())
    .await?;
    Ok(at)
}

/// Drops the debounce of queued run `id`: someone asked for a sync now.
pub(super) async fn start_now(conn: &mut AnyConnection, id: &str) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE sync_runs SET not_before = NULL WHERE id = $1 AND status = 'queued' \
         AND not_before IS NOT NULL",
    )
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}
