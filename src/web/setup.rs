//! First start: `/setup?token=…` creates the first Owner, once (the tokens and the first
//! Owner are `auth::setup`'s); once an Owner exists, `/setup` answers 404 forever.

use crate::auth::password::check_new_password;
use crate::auth::setup::{self, FirstOwner, token_is_valid};
use crate::auth::users::{self, check_email, check_name};
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
    let token_ok =
        !token.is_empty() && token_is_valid(&state.db, &token, state.clock.now()).await?;
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
    let token_ok = token_is_valid(&state.db, &form.token, state.clock.now()).await?;
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
    let first = FirstOwner {
        token: &form.token,
        name: &name,
        email: &email,
        password_hash: hash,
    };
    let Some(user) = setup::create_first_owner(&state.db, first, state.clock.now()).await? else {
        return Err(AppError::NotFound);
    };
    sign_in(&session, &user.id, state.clock.now()).await?;
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
