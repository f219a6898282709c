//! Throttling of failed sign-ins (and of current-password checks), kept in the database
//! so every instance sees the same counts. The rule:
//!
//! - from one client address, 10 failures inside 15 minutes — for one account, or for
//!   any accounts together — pause further tries *from that address* until the oldest
//!   of those ten is 15 minutes old (429 with `Retry-After`);
//! - failures for one account from many addresses only slow its sign-ins down (up to
//!   2 s each): they never refuse one, so no one can lock a user out — the only Owner
//!   included — by guessing their password from elsewhere.

use crate::db::{Db, new_id};
use jiff::Timestamp;
use std::time::Duration;

/// Failures for one account from one address before that address is paused for it.
const MAX_FAILURES_OF_ACCOUNT_FROM_ADDRESS: i64 = 10;
/// Failures from one address, for any accounts, before it is paused for all.
const MAX_FAILURES_FROM_ADDRESS: i64 = 10;
pub const WINDOW_MS: i64 = 15 * 60 * 1000;
/// Failures of one account (from any address) beyond which its sign-ins are slowed.
const SLOW_AFTER_ACCOUNT_FAILURES: i64 = 10;
/// Each failure beyond that adds this much …
const SLOW_DOWN_STEP: Duration = Duration::from_millis(200);
/// … up to this.
pub const MAX_SLOW_DOWN: Duration = Duration::from_secs(2);

/// What one throttle counts: one account from one address, or one address.
enum Scope<'a> {
    AccountFromAddress { email: &'a str, client: &'a str },
    Address { client: &'a str },
}

impl<'a> Scope<'a> {
    /// The `WHERE` condition, on `$1` (and `$2`) bound to [`Scope::values`].
    fn condition(&self) -> &'static str {
        match self {
            Self::AccountFromAddress { .. } => "client = $1 AND email = $2",
            Self::Address { .. } => "client = $1",
        }
    }

    fn limit(&self) -> i64 {
        match self {
            Self::AccountFromAddress { .. } => MAX_FAILURES_OF_ACCOUNT_FROM_ADDRESS,
            Self::Address { .. } => MAX_FAILURES_FROM_ADDRESS,
        }
    }

    fn values(&self) -> Vec<&'a str> {
        match self {
            Self::AccountFromAddress { email, client } => vec![client, email],
            Self::Address { client } => vec![client],
        }
    }
}

/// Both counts, each with its own limit (both ten today, so the address's count is the
/// one that pauses first; either may change alone).
fn scopes<'a>(email: &'a str, client: &'a str) -> [Scope<'a>; 2] {
    [
        Scope::AccountFromAddress { email, client },
        Scope::Address { client },
    ]
}

/// The instant (UTC ms) until which tries for `email` from `client` are refused, if
/// they are, as of `now` (UTC ms).
pub async fn blocked_until(
    db: &Db,
    email: &str,
    client: &str,
    now: i64,
) -> sqlx::Result<Option<i64>> {
    let since = now - WINDOW_MS;
    let mut until = None;
    for scope in scopes(email, client) {
        // The limit-th most recent failure inside the window: once it is 15 minutes
        // old, fewer than the limit remain and a try is allowed again.
        let values = scope.values();
        let sql = format!(
            "SELECT at FROM failed_sign_ins WHERE {} AND at > ${} \
             ORDER BY at DESC LIMIT 1 OFFSET {}",
            scope.condition(),
            values.len() + 1,
            scope.limit() - 1
        );
        let mut query = sqlx::query_as(&sql);
        for value in values {
            query = query.bind(value);
        }
        let tenth: Option<(i64,)> = query.bind(since).fetch_optional(db.pool()).await?;
        if let Some((at,)) = tenth {
            until = until.max(Some(at + WINDOW_MS));
        }
    }
    Ok(until)
}

/// An attempt in progress, counted as a failure unless [`succeeded`] or [`abandoned`]
/// is called.
pub struct Attempt {
    id: String,
}

/// Records an attempt and checks the limits counting it, so that parallel attempts see
/// each other. `Err(Paused)` when this address is paused (the attempt is then not
/// counted). An account that failed often lately, from anywhere, is slowed: this
/// returns only after a short wait (at most [`MAX_SLOW_DOWN`]).
pub async fn begin_attempt(
    db: &Db,
    email: &str,
    client: &str,
    now: Timestamp,
) -> sqlx::Result<Result<Attempt, Paused>> {
    let now = now.as_millisecond();
    let id = new_id();
    sqlx::query("INSERT INTO failed_sign_ins (id, email, client, at) VALUES ($1, $2, $3, $4)")
        .bind(&id)
        .bind(email)
        .bind(client)
        .bind(now)
        .execute(db.pool())
        .await?;
    let since = now - WINDOW_MS;
    for scope in scopes(email, client) {
        // As many earlier failures as the limit besides this attempt: refuse it.
        let values = scope.values();
        let sql = format!(
            "SELECT COUNT(*) FROM failed_sign_ins WHERE {} AND at > ${} AND id <> ${}",
            scope.condition(),
            values.len() + 1,
            values.len() + 2
        );
        let mut query = sqlx::query_as(&sql);
        for value in values {
            query = query.bind(value);
        }
        let (earlier,): (i64,) = query.bind(since).bind(&id).fetch_one(db.pool()).await?;
        if earlier >= scope.limit() {
            forget(db, &id).await?;
            let until_ms = blocked_until(db, email, client, now).await?.unwrap_or(now);
            return Ok(Err(Paused {
                until_ms,
                at_ms: now,
            }));
        }
    }
    let (account_failures,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM failed_sign_ins WHERE email = $1 AND at > $2 AND id <> $3",
    )
    .bind(email)
    .bind(since)
    .bind(&id)
    .fetch_one(db.pool())
    .await?;
    let wait = slow_down(account_failures);
    if !wait.is_zero() {
        tracing::info!(
            ms = wait.as_millis() as u64,
            "sign-in slowed: many recent failures for this account"
        );
        tokio::time::sleep(wait).await;
    }
    Ok(Ok(Attempt { id }))
}

/// How long a try for an account with `failures` recent failures (from any address)
/// waits: nothing up to ten, then 200 ms more per failure, at most 2 s.
pub fn slow_down(failures: i64) -> Duration {
    let beyond = failures - SLOW_AFTER_ACCOUNT_FAILURES + 1;
    if beyond <= 0 {
        return Duration::ZERO;
    }
    SLOW_DOWN_STEP
        .saturating_mul(u32::try_from(beyond).unwrap_or(u32::MAX))
        .min(MAX_SLOW_DOWN)
}

async fn forget(db: &Db, id: &str) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM failed_sign_ins WHERE id = $1")
        .bind(id)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// The attempt succeeded: it is not a failure, and the count of this account from this
/// address starts over. Failures from elsewhere stay (they may be someone else's
/// guesses), as do this address's failures for other accounts.
pub async fn succeeded(db: &Db, attempt: &Attempt, email: &str, client: &str) -> sqlx::Result<()> {
    forget(db, &attempt.id).await?;
    sqlx::query("DELETE FROM failed_sign_ins WHERE email = $1 AND client = $2")
        .bind(email)
        .bind(client)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// The password was never checked (the server was too busy): not a failure.
pub async fn abandoned(db: &Db, attempt: &Attempt) -> sqlx::Result<()> {
    forget(db, &attempt.id).await
}

/// Drops failures older than the window as of `now` (housekeeping).
pub async fn forget_old(db: &Db, now: Timestamp) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM failed_sign_ins WHERE at < $1")
        .bind(now.as_millisecond() - WINDOW_MS)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// A throttled attempt, refused at `at_ms`: sign-in from this address is paused until
/// `until_ms` (both UTC ms). The web layer answers it with 429, the sentence and
/// `Retry-After`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("sign-in from this address is paused")]
pub struct Paused {
    pub until_ms: i64,
    pub at_ms: i64,
}

impl Paused {
    /// Whole seconds until the pause ends, rounded up (at least 1).
    pub fn retry_after_secs(&self) -> u64 {
        ((self.until_ms - self.at_ms).max(0) / 1000 + 1) as u64
    }

    /// What the person is told.
    pub fn sentence(&self) -> String {
        try_again_sentence(self.until_ms, self.at_ms)
    }
}

/// "Try again after 06:05 UTC (in about 12 minutes)."
pub fn try_again_sentence(until_ms: i64, now_ms: i64) -> String {
    let minutes = ((until_ms - now_ms).max(0) + 59_999) / 60_000;
    let at = jiff::Timestamp::from_second(until_ms / 1000)
        .map(|t| t.strftime("%H:%M UTC").to_string())
        .unwrap_or_else(|_| "a few minutes".into());
    let wait = if minutes <= 1 {
        "in about a minute".to_owned()
    } else {
        format!("in about {minutes} minutes")
    };
    format!(
        "Too many failed sign-ins from this network. For safety, sign-in from here is \
         paused: try again after {at} ({wait})."
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

    #[test]
    fn failures_of_an_account_from_anywhere_only_slow_it_down_and_at_most_two_seconds() {
        assert_eq!(slow_down(0), Duration::ZERO);
        assert_eq!(slow_down(9), Duration::ZERO);
        assert_eq!(slow_down(10), Duration::from_millis(200));
        assert_eq!(slow_down(14), Duration::from_millis(1000));
        assert_eq!(slow_down(19), Duration::from_secs(2));
        assert_eq!(slow_down(10_000), Duration::from_secs(2));
    }
}
