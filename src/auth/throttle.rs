//! Throttling of failed sign-ins: after 10 failures for one email or from one client
//! address inside 15 minutes, further tries are refused until the oldest of those ten is
//! 15 minutes old. Kept in the database so every instance sees the same count; never a
//! permanent lock (that would let anyone lock an Owner out).

use crate::db::{Db, new_id, now_ms};

pub const MAX_FAILURES: i64 = 10;
pub const WINDOW_MS: i64 = 15 * 60 * 1000;

/// The instant (UTC ms) until which sign-in is refused, if it is.
pub async fn blocked_until(db: &Db, email: &str, client: &str) -> sqlx::Result<Option<i64>> {
    let since = now_ms() - WINDOW_MS;
    let mut until = None;
    for (column, value) in [("email", email), ("client", client)] {
        // The 10th most recent failure inside the window: once it is 15 minutes old,
        // fewer than 10 remain and a try is allowed again.
        let sql = format!(
            "SELECT at FROM failed_sign_ins WHERE {column} = $1 AND at > $2 \
             ORDER BY at DESC LIMIT 1 OFFSET {}",
            MAX_FAILURES - 1
        );
        let tenth: Option<(i64,)> = sqlx::query_as(&sql)
            .bind(value)
            .bind(since)
            .fetch_optional(db.pool())
            .await?;
        if let Some((at,)) = tenth {
            until = until.max(Some(at + WINDOW_MS));
        }
    }
    Ok(until)
}

/// An attempt in progress, counted as a failure unless [`succeeded`] is called.
pub struct Attempt {
    id: String,
}

/// Records an attempt and checks the limit counting it, so that parallel attempts see
/// each other. `Err(until)` when the limit is reached (the attempt is then not counted).
pub async fn begin_attempt(
    db: &Db,
    email: &str,
    client: &str,
) -> sqlx::Result<Result<Attempt, i64>> {
    let id = new_id();
    sqlx::query("INSERT INTO failed_sign_ins (id, email, client, at) VALUES ($1, $2, $3, $4)")
        .bind(&id)
        .bind(email)
        .bind(client)
        .bind(now_ms())
        .execute(db.pool())
        .await?;
    let since = now_ms() - WINDOW_MS;
    for column in ["email", "client"] {
        let value = if column == "email" { email } else { client };
        // Ten earlier failures besides this attempt: refuse it.
        let sql = format!(
            "SELECT COUNT(*) FROM failed_sign_ins WHERE {column} = $1 AND at > $2 AND id <> $3"
        );
        let (earlier,): (i64,) = sqlx::query_as(&sql)
            .bind(value)
            .bind(since)
            .bind(&id)
            .fetch_one(db.pool())
            .await?;
        if earlier >= MAX_FAILURES {
            forget(db, &id).await?;
            let until = blocked_until(db, email, client)
                .await?
                .unwrap_or_else(now_ms);
            return Ok(Err(until));
        }
    }
    Ok(Ok(Attempt { id }))
}

async fn forget(db: &Db, id: &str) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM failed_sign_ins WHERE id = $1")
        .bind(id)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// The attempt succeeded: it is not a failure, and the account's count starts over
/// (the address's does not).
pub async fn succeeded(db: &Db, attempt: &Attempt, email: &str) -> sqlx::Result<()> {
    forget(db, &attempt.id).await?;
    sqlx::query("DELETE FROM failed_sign_ins WHERE email = $1")
        .bind(email)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Drops failures older than the window (housekeeping).
pub async fn forget_old(db: &Db) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM failed_sign_ins WHERE at < $1")
        .bind(now_ms() - WINDOW_MS)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// The refusal of a throttled attempt: 429 with the sentence and `Retry-After`.
pub fn too_many(until_ms: i64) -> crate::error::AppError {
    let now = now_ms();
    crate::error::AppError::TooManyRequests {
        message: try_again_sentence(until_ms, now),
        retry_after_secs: ((until_ms - now).max(0) / 1000 + 1) as u64,
    }
}

/// "Try again after 06:05 UTC (in about 12 minutes)."
pub fn try_again_sentence(until_ms: i64, now_ms: i64) -> String {
    let minutes = ((until_ms - now_ms).max(0) + 59_999) / 60_000;
    let at = time::OffsetDateTime::from_unix_timestamp(until_ms / 1000)
        .map(|t| format!("{:02}:{:02} UTC", t.hour(), t.minute()))
        .unwrap_or_else(|_| "a few minutes".into());
    let wait = if minutes <= 1 {
        "in about a minute".to_owned()
    } else {
        format!("in about {minutes} minutes")
    };
    format!(
        "Too many failed sign-ins for this account or from this network. For safety, sign-in \
         is paused: try again after {at} ({wait})."
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sentence_says_when_to_try_again() {
        // 2026-11-26 06:05:00 UTC
        let until = 1_795_673_100_000;
        let s = try_again_sentence(until, until - 12 * 60_000);
        assert!(
            s.contains("try again after 06:05 UTC (in about 12 minutes)"),
            "{s}"
        );
    }
}
