//! The setup link and the first Owner. While no user exists the server prints a link with
//! a random one-time token (its hash is stored in `setup_tokens`, so the link works on any
//! instance); the first Owner is made with it once (`setup_done` holds one row), and making
//! any first user spends every token.

use crate::audit::{self, Actor};
use crate::auth::AccessLevel;
use crate::auth::tokens::{random_token, token_hash};
use crate::auth::users::{self, NewUser, User};
use crate::db::Db;
use jiff::Timestamp;
use sqlx::AnyConnection;

/// How long a setup link printed by one of several instances on a shared database stays
/// valid.
const SHARED_SETUP_LINK_MS: i64 = 24 * 60 * 60 * 1000;

/// While no user exists, makes a new setup token and returns it (to be printed once).
pub async fn issue_setup_token(db: &Db, now: Timestamp) -> anyhow::Result<Option<String>> {
    let now = now.as_millisecond();
    if users::count(db).await? > 0 {
        return Ok(None);
    }
    let token = random_token();
    if db.backend().single_instance() {
        // One server per database: only the link printed by its latest start works.
        sqlx::query("DELETE FROM setup_tokens")
            .execute(db.pool())
            .await?;
    } else {
        // Several instances may be starting together, each printing its own link: every
        // link printed in the last day works (until the first Owner is created, which
        // removes them all).
        sqlx::query("DELETE FROM setup_tokens WHERE created_at < $1")
            .bind(now - SHARED_SETUP_LINK_MS)
            .execute(db.pool())
            .await?;
    }
    sqlx::query("INSERT INTO setup_tokens (token_hash, created_at) VALUES ($1, $2)")
        .bind(token_hash(&token))
        .bind(now)
        .execute(db.pool())
        .await?;
    Ok(Some(token))
}

/// Whether `token` is a setup token still in force at `now`.
pub async fn token_is_valid(db: &Db, token: &str, now: Timestamp) -> sqlx::Result<bool> {
    // On a shared database, links printed by instances expire after a day.
    let oldest = if db.backend().single_instance() {
        i64::MIN
    } else {
        now.as_millisecond() - SHARED_SETUP_LINK_MS
    };
    let found: Option<(String,)> = sqlx::query_as(
        "SELECT token_hash FROM setup_tokens WHERE token_hash = $1 AND created_at >= $2",
    )
    .bind(token_hash(token))
    .bind(oldest)
    .fetch_optional(db.pool())
    .await?;
    Ok(found.is_some())
}

/// Removes every setup link: once a user exists they are spent. Runs on the caller's
/// connection so that it commits together with the user it follows.
pub async fn spend_all_tokens(conn: &mut AnyConnection) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM setup_tokens")
        .execute(conn)
        .await?;
    Ok(())
}

/// The first Owner as the setup page asks for them (name and email already checked).
pub struct FirstOwner<'a> {
    pub token: &'a str,
    pub name: &'a str,
    pub email: &'a str,
    pub password_hash: String,
}

/// Creates the first Owner with a setup token, once: `None` when setup is already done or
/// the token was spent meanwhile (racing requests included).
pub async fn create_first_owner(
    db: &Db,
    new: FirstOwner<'_>,
    now: Timestamp,
) -> anyhow::Result<Option<User>> {
    let mut tx = db.begin().await?;
    // The setup_done row (one allowed) makes this succeed once, even for racing requests.
    let first = sqlx::query(
        "INSERT INTO setup_done (id, done_at) VALUES (1, $1) ON CONFLICT (id) DO NOTHING",
    )
    .bind(now.as_millisecond())
    .execute(&mut *tx)
    .await?;
    let used = sqlx::query("DELETE FROM setup_tokens WHERE token_hash = $1")
        .bind(token_hash(new.token))
        .execute(&mut *tx)
        .await?;
    if first.rows_affected() != 1 || used.rows_affected() != 1 {
        return Ok(None);
    }
    let user = users::insert(
        &mut tx,
        NewUser {
            email: new.email,
            name: new.name,
            level: AccessLevel::Owner,
            password_hash: Some(new.password_hash),
        },
        now,
    )
    .await?;
    spend_all_tokens(&mut tx).await?;
    audit::record(
        &mut tx,
        &Actor::user(&user),
        "user.created",
        &user.email,
        "first Owner, created with the setup link",
        now,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(user_id = %user.id, "first Owner created; /setup is closed");
    Ok(Some(user))
}
