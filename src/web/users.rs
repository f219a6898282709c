//! Users and access levels (`/settings/users`), and accepting an invitation (`/invite`).
//!
//! The Owner adds users, changes levels and deactivates users; a Technical Owner may
//! invite users up to its own level. A new user gets a one-time invitation link (valid
//! 7 days) to choose their own password — nobody else ever knows it.

use crate::audit::{self, Actor};
use crate::auth::password::check_new_password;
use crate::auth::users::{
    self, ChangeUserError, CreateUserError, NewUser, check_email, check_name,
};
use crate::auth::{AccessLevel, RequireOwner, RequireTechnicalOwner};
use crate::db::{Db, now_ms};
use crate::error::{AppError, AppResult};
use crate::link_base;
use crate::secrets::SecretString;
use crate::state::AppState;
use crate::web::auth::sign_in;
use crate::web::form::Form;
use crate::web::page::{Chrome, flash, render, render_with};
use crate::web::setup::{random_token, token_hash};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use std::collections::BTreeMap;
use tower_cookies::Cookies;
use tower_sessions::Session;

const INVITATION_DAYS: i64 = 7;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/settings/users", get(users_page).post(invite))
        .route("/settings/users/{id}/level", post(change_level))
        .route("/settings/users/{id}/deactivate", post(deactivate))
        .route("/settings/users/{id}/reactivate", post(reactivate))
        .route("/settings/users/{id}/invitation", post(new_invitation))
        .route("/invite", get(invitation_page).post(accept_invitation))
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    chrome: Chrome,
    users: Vec<users::User>,
    /// Levels the signed-in user may grant.
    grantable: Vec<AccessLevel>,
    is_owner: bool,
    me: String,
    name: String,
    email: String,
    level: String,
    errors: BTreeMap<&'static str, String>,
    /// A link just made, shown once.
    new_link: Option<(String, String)>,
}

fn grantable(level: AccessLevel) -> Vec<AccessLevel> {
    AccessLevel::ALL
        .into_iter()
        .filter(|l| *l <= level)
        .collect()
}

async fn page(
    state: &AppState,
    user: &crate::auth::CurrentUser,
    form: (String, String, String),
    errors: BTreeMap<&'static str, String>,
) -> AppResult<UsersPage> {
    let new_link = take_link(state, &user.session).await?;
    Ok(UsersPage {
        chrome: Chrome::for_user(state, user, "users", "Users").await?,
        users: users::list(&state.db).await?,
        grantable: grantable(user.level),
        is_owner: user.level.is_owner(),
        me: user.id.clone(),
        name: form.0,
        email: form.1,
        level: form.2,
        errors,
        new_link,
    })
}

async fn users_page(
    State(state): State<AppState>,
    RequireTechnicalOwner(user): RequireTechnicalOwner,
) -> AppResult<Response> {
    let form = (String::new(), String::new(), "member".to_owned());
    render(&page(&state, &user, form, BTreeMap::new()).await?)
}

#[derive(Deserialize)]
struct InviteForm {
    name: String,
    email: String,
    level: String,
}

/// The absolute invitation link, on the address this request was sent to (see
/// `link_base`).
fn invitation_link(state: &AppState, headers: &HeaderMap, token: &str) -> String {
    format!(
        "{}/invite?token={token}",
        link_base::for_request(state, headers)
    )
}

/// The session keeps a new link only until the next page shows it — and encrypted, so
/// the sessions table never holds a usable invitation.
const LINK_KEY: &str = "new_invitation_link";
const LINK_AAD: &[u8] = b"orgsync/session/new_invitation_link";

async fn remember_link(
    state: &AppState,
    session: &tower_sessions::Session,
    who: &str,
    link: &str,
) -> AppResult<()> {
    let sealed = state.crypto.encrypt(link.as_bytes(), LINK_AAD);
    session.insert(LINK_KEY, (who, sealed)).await?;
    Ok(())
}

async fn take_link(
    state: &AppState,
    session: &tower_sessions::Session,
) -> AppResult<Option<(String, String)>> {
    // Looked at before it is removed: a page without a new link writes no session.
    if session.get::<(String, String)>(LINK_KEY).await?.is_none() {
        return Ok(None);
    }
    let Some((who, sealed)) = session.remove::<(String, String)>(LINK_KEY).await? else {
        return Ok(None);
    };
    Ok(state
        .crypto
        .decrypt(&sealed, LINK_AAD)
        .ok()
        .and_then(|plain| String::from_utf8(plain.to_vec()).ok())
        .map(|link| (who, link)))
}

async fn make_invitation(
    conn: &mut sqlx::AnyConnection,
    user_id: &str,
    by: &str,
) -> AppResult<String> {
    let token = random_token();
    sqlx::query("DELETE FROM invitations WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO invitations (token_hash, user_id, created_by, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(token_hash(&token))
    .bind(user_id)
    .bind(by)
    .bind(now_ms())
    .bind(now_ms() + INVITATION_DAYS * 24 * 3600 * 1000)
    .execute(&mut *conn)
    .await?;
    Ok(token)
}

async fn invite(
    State(state): State<AppState>,
    RequireTechnicalOwner(user): RequireTechnicalOwner,
    headers: HeaderMap,
    Form(form): Form<InviteForm>,
) -> AppResult<Response> {
    let mut errors = BTreeMap::new();
    let name = check_name(&form.name)
        .map_err(|e| errors.insert("name", e))
        .ok();
    let email = check_email(&form.email)
        .map_err(|e| errors.insert("email", e))
        .ok();
    let level = match AccessLevel::parse(&form.level) {
        Some(level) if level <= user.level => Some(level),
        Some(level) => {
            errors.insert(
                "level",
                format!(
                    "You can invite people up to your own level ({}), not {}.",
                    user.level.label(),
                    level.label()
                ),
            );
            None
        }
        None => {
            errors.insert("level", "Choose an access level.".into());
            None
        }
    };
    let (Some(name), Some(email), Some(level)) = (name, email, level) else {
        let form = (form.name, form.email, form.level);
        return render_with(
            StatusCode::UNPROCESSABLE_ENTITY,
            &page(&state, &user, form, errors).await?,
        );
    };
    let mut tx = state.db.begin().await?;
    let new_user = match users::insert(
        &mut tx,
        NewUser {
            email: &email,
            name: &name,
            level,
            password_hash: None,
        },
    )
    .await
    {
        Ok(u) => u,
        Err(CreateUserError::EmailTaken) => {
            drop(tx);
            errors.insert("email", CreateUserError::EmailTaken.to_string());
            let form = (form.name, form.email, form.level);
            return render_with(
                StatusCode::UNPROCESSABLE_ENTITY,
                &page(&state, &user, form, errors).await?,
            );
        }
        Err(CreateUserError::Db(e)) => return Err(e.into()),
    };
    let token = make_invitation(&mut tx, &new_user.id, &user.id).await?;
    audit::record(
        &mut tx,
        &Actor::user(&user),
        "user.invited",
        &new_user.email,
        &format!("level: {}", level.label()),
    )
    .await?;
    tx.commit().await?;
    let link = invitation_link(&state, &headers, &token);
    remember_link(&state, &user.session, &new_user.name, &link).await?;
    flash(
        &user.session,
        "success",
        format!(
            "{} is invited as {}. Send them the link below; it works once, for {INVITATION_DAYS} days.",
            new_user.name,
            level.label()
        ),
    )
    .await?;
    Ok(Redirect::to("/settings/users").into_response())
}

async fn target(state: &AppState, id: &str) -> AppResult<users::User> {
    users::find(&state.db, id).await?.ok_or(AppError::NotFound)
}

#[derive(Deserialize)]
struct LevelForm {
    level: String,
}

async fn apply_change(
    state: &AppState,
    owner: &crate::auth::CurrentUser,
    id: &str,
    level: AccessLevel,
    active: bool,
    action: &str,
) -> AppResult<Response> {
    let before = target(state, id).await?;
    match users::change(&state.db, id, level, active).await {
        Ok(after) => {
            let mut conn = state.db.pool().acquire().await?;
            audit::record(
                &mut conn,
                &Actor::user(owner),
                action,
                &after.email,
                &format!(
                    "level: {} → {}; active: {} → {}",
                    before.level.label(),
                    after.level.label(),
                    yes_no(before.active),
                    yes_no(after.active)
                ),
            )
            .await?;
            let message = match action {
                "user.deactivated" => format!("{} is deactivated and signed out.", after.name),
                "user.reactivated" => format!("{} is active again.", after.name),
                _ => format!("{} is now {}.", after.name, after.level.label()),
            };
            flash(&owner.session, "success", message).await?;
        }
        Err(ChangeUserError::NotFound) => return Err(AppError::NotFound),
        Err(e @ ChangeUserError::LastOwner(_)) => {
            flash(&owner.session, "error", e.to_string()).await?;
        }
        Err(ChangeUserError::Db(e)) => return Err(e.into()),
    }
    Ok(Redirect::to("/settings/users").into_response())
}

fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

async fn change_level(
    State(state): State<AppState>,
    RequireOwner(owner): RequireOwner,
    Path(id): Path<String>,
    Form(form): Form<LevelForm>,
) -> AppResult<Response> {
    let level = AccessLevel::parse(&form.level)
        .ok_or_else(|| AppError::BadRequest("Choose an access level.".into()))?;
    let before = target(&state, &id).await?;
    apply_change(
        &state,
        &owner,
        &id,
        level,
        before.active,
        "user.level_changed",
    )
    .await
}

async fn deactivate(
    State(state): State<AppState>,
    RequireOwner(owner): RequireOwner,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let before = target(&state, &id).await?;
    apply_change(&state, &owner, &id, before.level, false, "user.deactivated").await
}

async fn reactivate(
    State(state): State<AppState>,
    RequireOwner(owner): RequireOwner,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let before = target(&state, &id).await?;
    apply_change(&state, &owner, &id, before.level, true, "user.reactivated").await
}

/// A fresh link for someone who has not accepted (or lost) theirs. A Technical Owner may
/// do it for users up to its own level, like inviting.
async fn new_invitation(
    State(state): State<AppState>,
    RequireTechnicalOwner(user): RequireTechnicalOwner,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let invited = target(&state, &id).await?;
    if invited.level > user.level {
        return Err(AppError::NotAllowed(format!(
            "Only an Owner can make a new invitation link for {}.",
            invited.name
        )));
    }
    if invited.has_password || !invited.active {
        flash(
            &user.session,
            "error",
            format!(
                "{} has already set a password or is deactivated.",
                invited.name
            ),
        )
        .await?;
        return Ok(Redirect::to("/settings/users").into_response());
    }
    let mut tx = state.db.begin().await?;
    let token = make_invitation(&mut tx, &invited.id, &user.id).await?;
    audit::record(
        &mut tx,
        &Actor::user(&user),
        "user.invitation_renewed",
        &invited.email,
        "",
    )
    .await?;
    tx.commit().await?;
    let link = invitation_link(&state, &headers, &token);
    remember_link(&state, &user.session, &invited.name, &link).await?;
    flash(
        &user.session,
        "success",
        "A new invitation link is ready; the old one no longer works.",
    )
    .await?;
    Ok(Redirect::to("/settings/users").into_response())
}

#[derive(Template)]
#[template(path = "invite.html")]
struct InvitationPage {
    chrome: Chrome,
    token: String,
    invitee: Option<(String, String)>,
    errors: BTreeMap<&'static str, String>,
}

#[derive(Deserialize)]
struct TokenQuery {
    token: Option<String>,
}

/// The invited user (id, name, email) the token belongs to, if it is still valid.
async fn invitation(db: &Db, token: &str) -> sqlx::Result<Option<(String, String, String)>> {
    sqlx::query_as(
        "SELECT u.id, u.name, u.email FROM invitations i JOIN users u ON u.id = i.user_id \
         WHERE i.token_hash = $1 AND i.expires_at > $2 AND u.active = 1",
    )
    .bind(token_hash(token))
    .bind(now_ms())
    .fetch_optional(db.pool())
    .await
}

const BAD_INVITATION: &str = "This invitation link is not valid: it may have been used already, \
    replaced by a newer one, or be more than 7 days old. Ask whoever invited you for a new link.";

async fn invitation_page(
    State(state): State<AppState>,
    session: Session,
    cookies: Cookies,
    Query(q): Query<TokenQuery>,
) -> AppResult<Response> {
    let token = q.token.unwrap_or_default();
    let found = if token.is_empty() {
        None
    } else {
        invitation(&state.db, &token).await?
    };
    let mut errors = BTreeMap::new();
    if found.is_none() {
        errors.insert("token", BAD_INVITATION.to_owned());
    }
    render(&InvitationPage {
        chrome: Chrome::anonymous(&state, &session, &cookies, "Choose your password").await?,
        token,
        invitee: found.map(|(_, name, email)| (name, email)),
        errors,
    })
}

#[derive(Deserialize)]
struct AcceptForm {
    token: String,
    password: SecretString,
}

async fn accept_invitation(
    State(state): State<AppState>,
    session: Session,
    cookies: Cookies,
    Form(form): Form<AcceptForm>,
) -> AppResult<Response> {
    let Some((user_id, name, email)) = invitation(&state.db, &form.token).await? else {
        return Err(AppError::BadRequest(BAD_INVITATION.into()));
    };
    if let Err(message) = check_new_password(form.password.expose()) {
        let page = InvitationPage {
            chrome: Chrome::anonymous(&state, &session, &cookies, "Choose your password").await?,
            token: form.token,
            invitee: Some((name, email)),
            errors: BTreeMap::from([("password", message)]),
        };
        return render_with(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    let hash = state.password_hashing.hash(form.password).await?;
    let mut tx = state.db.begin().await?;
    let used = sqlx::query("DELETE FROM invitations WHERE token_hash = $1")
        .bind(token_hash(&form.token))
        .execute(&mut *tx)
        .await?;
    if used.rows_affected() != 1 {
        return Err(AppError::BadRequest(BAD_INVITATION.into()));
    }
    sqlx::query("UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3")
        .bind(&hash)
        .bind(now_ms())
        .bind(&user_id)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        &Actor {
            id: Some(&user_id),
            name: &name,
        },
        "user.invitation_accepted",
        &email,
        "",
    )
    .await?;
    tx.commit().await?;
    sign_in(&session, &user_id).await?;
    flash(&session, "success", format!("Welcome to orgsync, {name}.")).await?;
    Ok(Redirect::to("/").into_response())
}
