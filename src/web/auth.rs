//! Signing in and out, and changing one's own password.

use crate::audit::{self, Actor};
use crate::auth::password::check_new_password;
use crate::auth::session_store::USER_ID_KEY;
use crate::auth::throttle;
use crate::auth::users::{self, normalize_email};
use crate::secrets::SecretString;
use crate::state::AppState;
use crate::web::client_addr::ClientAddr;
use crate::web::error::{AppError, AppResult};
use crate::web::extract::{RequireMember, SIGNED_IN_AT_KEY};
use crate::web::form::Form;
use crate::web::page::{Chrome, Flash, flash, render, render_with};
use crate::web::params::Query;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use jiff::Timestamp;
use serde::Deserialize;
use tower_cookies::Cookies;
use tower_sessions::Session;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
        .route("/settings/account", get(account_page).post(change_password))
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    chrome: Chrome,
    email: String,
    next: String,
    error: Option<String>,
}

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
}

/// Only a path on this site: never `//evil.test`, `https://…`, or anything a browser
/// would read differently (it drops tabs and new lines, and treats a backslash like `/`).
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n
                    .chars()
                    .any(|c| c.is_control() || c.is_whitespace() || c == '\\') =>
        {
            n.to_owned()
        }
        _ => "/".to_owned(),
    }
}

async fn login_page(
    State(state): State<AppState>,
    session: Session,
    cookies: Cookies,
    Query(q): Query<NextQuery>,
) -> AppResult<Response> {
    let mut chrome = Chrome::anonymous(&state, &session, &cookies, "Sign in").await?;
    if users::count(&state.db).await? == 0 {
        // Nobody can sign in yet: say how to make the first Owner.
        chrome.flash = Some(Flash {
            kind: "info".into(),
            message: "orgsync has no users yet. Open the setup link printed in the server's \
                      log, or run `orgsync user create`."
                .into(),
        });
    }
    render(&LoginPage {
        chrome,
        email: String::new(),
        next: safe_next(q.next.as_deref()),
        error: None,
    })
}

#[derive(Deserialize)]
struct LoginForm {
    email: String,
    password: SecretString,
    next: Option<String>,
}

const SIGN_IN_FAILED: &str = "That email and password don't match an active orgsync account.";

async fn login(
    State(state): State<AppState>,
    client: ClientAddr,
    session: Session,
    cookies: Cookies,
    Form(form): Form<LoginForm>,
) -> AppResult<Response> {
    let email = normalize_email(&form.email);
    let client = client.to_string();
    let next = safe_next(form.next.as_deref());
    if email.chars().count() > users::MAX_EMAIL_CHARS || form.password.expose().len() > 1024 {
        return Err(AppError::BadRequest(
            "That email or password is too long.".into(),
        ));
    }
    // The attempt is recorded before the password is checked, so a burst of parallel
    // guesses cannot all pass the limit; a success removes it again.
    let attempt = throttle::begin_attempt(&state.db, &email, &client, state.clock.now()).await??;
    let found = users::find_for_sign_in(&state.db, &email).await?;
    let (user, hash) = match found {
        Some((user, hash)) if user.active => (Some(user), hash),
        _ => (None, None),
    };
    // Always run one argon2 verification, against a dummy hash when there is no user,
    // so an unknown email answers in the same time as a wrong password.
    let matched = match state.password_hashing.verify(form.password, hash).await {
        Ok(matched) => matched,
        Err(busy) => {
            // Nothing was checked: not a failure.
            throttle::abandoned(&state.db, &attempt).await?;
            return Err(busy.into());
        }
    };
    let Some(user) = user.filter(|_| matched) else {
        tracing::info!("sign-in failed");
        let page = LoginPage {
            chrome: Chrome::anonymous(&state, &session, &cookies, "Sign in").await?,
            email: form.email.chars().take(users::MAX_EMAIL_CHARS).collect(),
            next,
            error: Some(SIGN_IN_FAILED.into()),
        };
        return render_with(StatusCode::UNAUTHORIZED, &page);
    };
    throttle::succeeded(&state.db, &attempt, &email, &client).await?;
    sign_in(&session, &user.id, state.clock.now()).await?;
    tracing::info!(user_id = %user.id, "signed in");
    Ok(Redirect::to(&next).into_response())
}

/// Starts a signed-in session under a fresh id (no session fixation), signed in `now`.
pub async fn sign_in(session: &Session, user_id: &str, now: Timestamp) -> AppResult<()> {
    session.cycle_id().await?;
    // The CSRF token of the anonymous session does not carry over.
    session.remove::<String>("csrf_token").await?;
    session.insert(USER_ID_KEY, user_id).await?;
    session
        .insert(SIGNED_IN_AT_KEY, now.as_millisecond())
        .await?;
    Ok(())
}

async fn logout(session: Session) -> AppResult<Response> {
    let was_signed_in = session.get::<String>(USER_ID_KEY).await?.is_some();
    session.flush().await?;
    // The message travels in a new anonymous session (under a new id); a visitor who
    // was not signed in gets none, so posting here stores nothing for them.
    if was_signed_in {
        flash(&session, "success", "You are signed out.").await?;
    }
    Ok(Redirect::to("/login").into_response())
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    chrome: Chrome,
    email: String,
    level: String,
    errors: std::collections::BTreeMap<&'static str, String>,
}

async fn account_page(
    State(state): State<AppState>,
    RequireMember(user): RequireMember,
) -> AppResult<Response> {
    render(&AccountPage {
        chrome: Chrome::for_user(&state, &user, "account", "Your account").await?,
        email: user.email.clone(),
        level: user.level.label().into(),
        errors: Default::default(),
    })
}

#[derive(Deserialize)]
struct PasswordForm {
    current_password: SecretString,
    new_password: SecretString,
    confirm_password: SecretString,
}

async fn change_password(
    State(state): State<AppState>,
    client: ClientAddr,
    RequireMember(user): RequireMember,
    Form(form): Form<PasswordForm>,
) -> AppResult<Response> {
    let mut errors = std::collections::BTreeMap::new();
    // Guessing the current password from a stolen session is throttled like sign-in.
    let client = client.to_string();
    let attempt =
        throttle::begin_attempt(&state.db, &user.email, &client, state.clock.now()).await??;
    let hash = users::find_for_sign_in(&state.db, &user.email)
        .await?
        .and_then(|(_, hash)| hash);
    let matched = match state
        .password_hashing
        .verify(form.current_password, hash)
        .await
    {
        Ok(matched) => matched,
        Err(busy) => {
            throttle::abandoned(&state.db, &attempt).await?;
            return Err(busy.into());
        }
    };
    if matched {
        throttle::succeeded(&state.db, &attempt, &user.email, &client).await?;
    } else {
        errors.insert(
            "current_password",
            "This is not your current password.".to_owned(),
        );
    }
    if let Err(message) = check_new_password(form.new_password.expose()) {
        errors.insert("new_password", message);
    } else if form.new_password != form.confirm_password {
        errors.insert(
            "confirm_password",
            "The two new passwords are not the same.".to_owned(),
        );
    }
    if !errors.is_empty() {
        let page = AccountPage {
            chrome: Chrome::for_user(&state, &user, "account", "Your account").await?,
            email: user.email.clone(),
            level: user.level.label().into(),
            errors,
        };
        return render_with(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    let hash = state.password_hashing.hash(form.new_password).await?;
    // Ends every session of this user, then signs this one in again.
    users::set_password(&state.db, &user.id, &hash, state.clock.now()).await?;
    audit::record_alone(
        &state.db,
        &Actor::user(&user),
        "password.changed",
        &user.email,
        "signed out of every other session",
        state.clock.now(),
    )
    .await?;
    sign_in(&user.session, &user.id, state.clock.now()).await?;
    flash(
        &user.session,
        "success",
        "Your password is changed. Every other session of yours was signed out.",
    )
    .await?;
    Ok(Redirect::to("/settings/account").into_response())
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_only_goes_to_a_path_on_this_site() {
        assert_eq!(safe_next(Some("/apps")), "/apps");
        assert_eq!(safe_next(Some("//evil.test/x")), "/");
        assert_eq!(safe_next(Some("https://evil.test")), "/");
        assert_eq!(safe_next(Some("/\\evil.test")), "/");
        assert_eq!(safe_next(Some("/\t/evil.test")), "/");
        assert_eq!(safe_next(Some("/a\r\nSet-Cookie: x")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
