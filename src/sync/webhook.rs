//! What a Justworks webhook event does once its signature held: remember its id for
//! 24 hours (Justworks delivers at least once; an id seen before does nothing) and ask
//! for a debounced run of the app — in one short transaction, with no call to Justworks,
//! so the delivery is answered at once and the work happens later.

use crate::audit::{self, Actor};
use crate::db::Db;
use crate::sync::runs::{self, Debounced};
use jiff::Timestamp;
use std::time::Duration;

/// How long an event id is remembered.
pub const REMEMBER_FOR: Duration = Duration::from_secs(24 * 3600);

/// What a delivery came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Received {
    /// The id was seen in the last 24 hours: nothing done.
    Duplicate,
    /// A run waiting to start will read the change: this one.
    Absorbed(String),
    /// A new run was queued (and audit-logged).
    Queued(String),
}

/// Records event `event_id` at `now` and queues a run of `app` that starts after
/// `debounce`, unless one waits already. Ids older than [`REMEMBER_FOR`] are pruned
/// here, so the table holds one day of events.
pub async fn receive(
    db: &Db,
    app: &str,
    label: &str,
    event_id: &str,
    debounce: Duration,
    now: Timestamp,
) -> sqlx::Result<Received> {
    let now_ms = now.as_millisecond();
    let mut tx = db.begin().await?;
    sqlx::query("DELETE FROM webhook_events WHERE received_at < $1")
        .bind(now_ms - REMEMBER_FOR.as_millis() as i64)
        .execute(&mut *tx)
        .await?;
    let fresh = sqlx::query(
        "INSERT INTO webhook_events (id, received_at) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING",
    )
    .bind(event_id)
    .bind(now_ms)
    .execute(&mut *tx)
    .await?;
    if fresh.rows_affected() == 0 {
        tx.commit().await?;
        return Ok(Received::Duplicate);
    }
    let not_before = now_ms + debounce.as_millis() as i64;
    let received = match runs::enqueue_webhook(&mut tx, app, not_before, now_ms).await? {
        Debounced::Absorbed(id) => Received::Absorbed(id),
        Debounced::Queued(id) => {
            audit::record(
                &mut tx,
                &Actor::justworks_webhook(),
                "sync.webhook_queued",
                label,
                &format!("run {id} (event {event_id})"),
                now,
            )
            .await?;
            Received::Queued(id)
        }
    };
    tx.commit().await?;
    Ok(received)
}
