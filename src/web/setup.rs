//! First start: `/setup?token=…` creates the first Owner, once. While no user exists the
//! server prints the link with a random one-time token (its hash is stored, so the link
//! works on any instance); once an Owner exists, `/setup` answers 404 forever.

use crate::audit::{self, Actor};
use crate::auth::AccessLevel;
use crate::auth::password::check_new_password;
use crate::auth::tokens::{random_token, token_hash};
use crate::auth::users::{self, NewUser, check_email, check_name};
use crate::db::{Db, now_ms};
use crate::secrets::SecretString;
use crate::state::AppState;
use crate::web::auth::sign_in;
use crate::web::error::{AppError, AppResult};
use crate::web::form::Form;
use crate::web::page::{Chrome, flash, render, render_with};
use crate::web::params::Query;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Deserialize;
use std::collections::BTreeMap;
use tower_cookies::Cookies;
use tower_sessions::Session;

pub fn router() -> Router<AppState> {
    Router::new().route("/setup", get(setup_page).post(setup))
}

/// While no user exists, makes a new setup token and returns it (to be printed once).
/// How long a setup link printed by one of several instances on a shared database stays
/// valid.
const SHARED_SETUP_LINK_MS: i64 = 24 * 60 * 60 * 1000;

pub async fn issue_setup_token(db: &Db) -> anyhow::Result<Option<String>> {
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
            .bind(now_ms() - SHARED_SETUP_LINK_MS)
            .execute(db.pool())
            .await?;
    }
    sqlx::query("INSERT INTO setup_tokens (token_hash, created_at) VALUES ($1, $2)")
        .bind(token_hash(&token))
        .bind(now_ms())
        .execute(db.pool())
        .await?;
    Ok(Some(token))
}

async fn token_is_valid(db: &Db, token: &str) -> sqlx::Result<bool> {
    // On a shared database, links printed by instances expire after a day.
    let oldest = if db.backend().single_instance() {
        i64::MIN
    } else {
        now_ms() - SHARED_SETUP_LINK_MS
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

#[derive(Template)]
#[template(path = "setup.html")]
struct SetupPage {
    chrome: Chrome,
    token: String,
    token_ok: bool,
    name: String,
    email: String,
    errors: BTreeMap<&'static str, String>,
}

#[derive(Deserialize)]
struct TokenQuery {
    token: Option<String>,
}

async fn setup_page(
    State(state): State<AppState>,
    session: Session,
    cookies: Cookies,
    Query(q): Query<TokenQuery>,
) -> AppResult<Response> {
    if users::count(&state.db).await? > 0 {
        return Err(AppError::NotFound);
    }
    let token = q.token.unwrap_or_default();
    let token_ok = !token.is_empty() && token_is_valid(&state.db, &token).await?;
    let mut errors = BTreeMap::new();
    if !token_ok {
        errors.insert(
            "token",
            "This setup link is missing its token or the token is not valid. Use the whole link \
             printed in the server's log when it started (restarting the server prints a new one)."
                .to_owned(),
        );
    }
    render(&SetupPage {
        chrome: Chrome::anonymous(&state, &session, &cookies, "Set up orgsync").await?,
        token,
        token_ok,
        name: String::new(),
        email: String::new(),
        errors,
    })
}

#[derive(Deserialize)]
struct SetupForm {
    token: String,
    name: String,
    email: String,
    password: SecretString,
}

async fn setup(
    State(state): State<AppState>,
    session: Session,
    cookies: Cookies,
    Form(form): Form<SetupForm>,
) -> AppResult<Response> {
    if users::count(&state.db).await? > 0 {
        return Err(AppError::NotFound);
    }
    let mut errors = BTreeMap::new();
    let token_ok = token_is_valid(&state.db, &form.token).await?;
    if !token_ok {
        errors.insert(
            "token",
            "This setup token is not valid. Use the whole link printed in the server's log."
                .to_owned(),
        );
    }
    let name = check_name(&form.name)
        .map_err(|e| errors.insert("name", e))
        .ok();
    let email = check_email(&form.email)
        .map_err(|e| errors.insert("email", e))
        .ok();
    if let Err(e) = check_new_password(form.password.expose()) {
        errors.insert("password", e);
    }
    let (Some(name), Some(email), true) = (name, email, errors.is_empty()) else {
        let page = SetupPage {
            chrome: Chrome::anonymous(&state, &session, &cookies, "Set up orgsync").await?,
            token: form.token,
            token_ok,
            name: form.name.chars().take(users::MAX_NAME_CHARS).collect(),
            email: form.email.chars().take(users::MAX_EMAIL_CHARS).collect(),
            errors,
        };
        return render_with(StatusCode::UNPROCESSABLE_ENTITY, &page);
    };
    let hash = state.password_hashing.hash(form.password).await?;
    let mut tx = state.db.begin().await?;
    // The setup_done row (one allowed) makes this succeed once, even for racing requests.
    let first = sqlx::query(
        "INSERT INTO setup_done (id, done_at) VALUES (1, $1) ON CONFLICT (id) DO NOTHING",
    )
    .bind(now_ms())
    .execute(&mut *tx)
    .await?;
    let used = sqlx::query("DELETE FROM setup_tokens WHERE token_hash = $1")
        .bind(token_hash(&form.token))
        .execute(&mut *tx)
        .await?;
    if first.rows_affected() != 1 || used.rows_affected() != 1 {
        return Err(AppError::NotFound);
    }
    let user = users::insert(
        &mut tx,
        NewUser {
            email: &email,
            name: &name,
            level: AccessLevel::Owner,
            password_hash: Some(hash),
        },
    )
    .await
    .map_err(|e| AppError::Internal(e.into()))?;
    sqlx::query("DELETE FROM setup_tokens")
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        &Actor::user(&user),
        "user.created",
        &user.email,
        "first Owner, created with the setup link",
    )
    .await?;
    tx.commit().await?;
    tracing::info!(user_id = %user.id, "first Owner created; /setup is closed");
    sign_in(&session, &user.id).await?;
    flash(
        &session,
        "success",
        format!(
            "Welcome, {}. Your Owner account is ready. Next: install Justworks below.",
            user.name
        ),
    )
    .await?;
    Ok(Redirect::to("/apps").into_response())
}
