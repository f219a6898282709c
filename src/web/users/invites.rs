//! Invitation links: inviting a user (`POST /settings/users`), a fresh link for someone
//! who has not accepted theirs, and accepting one (`/invite`) by choosing a password.

use super::{INVITATION_DAYS, page, target};
use crate::auth::AccessLevel;
use crate::auth::invitations::{self, RenewRefused};
use crate::auth::password::check_new_password;
use crate::auth::users::{CreateUserError, NewUser, check_email, check_name};
use crate::link_base;
use crate::secrets::SecretString;
use crate::state::AppState;
use crate::web::auth::sign_in;
use crate::web::error::{AppError, AppResult};
use crate::web::extract::RequireTechnicalOwner;
use crate::web::form::Form;
use crate::web::page::{Chrome, flash, render, render_with};
use crate::web::params::{Path, Query};
use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use std::collections::BTreeMap;
use tower_cookies::Cookies;
use tower_sessions::Session;

#[derive(Deserialize)]
pub(super) struct InviteForm {
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

pub(super) async fn take_link(
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

pub(super) async fn invite(
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
    let new = NewUser {
        email: &email,
        name: &name,
        level,
        password_hash: None,
    };
    let (new_user, token) =
        match invitations::invite(&state.db, new, &user, state.clock.now()).await {
            Ok(invited) => invited,
            Err(CreateUserError::EmailTaken) => {
                errors.insert("email", CreateUserError::EmailTaken.to_string());
                let form = (form.name, form.email, form.level);
                return render_with(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    &page(&state, &user, form, errors).await?,
                );
            }
            Err(CreateUserError::Db(e)) => return Err(e.into()),
        };
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

/// A fresh link for someone who has not accepted (or lost) theirs. A Technical Owner may
/// do it for users up to its own level, like inviting.
pub(super) async fn new_invitation(
    State(state): State<AppState>,
    RequireTechnicalOwner(user): RequireTechnicalOwner,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let invited = target(&state, &id).await?;
    let by_owner = invitations::made_by_owner(&state.db, &invited.id).await?;
    match invitations::may_renew(&user, &invited, by_owner) {
        Ok(()) => {}
        Err(refused @ RenewRefused::OwnersOnly(_)) => {
            return Err(AppError::NotAllowed(refused.to_string()));
        }
        Err(refused @ RenewRefused::NotPending(_)) => {
            flash(&user.session, "error", refused.to_string()).await?;
            return Ok(Redirect::to("/settings/users").into_response());
        }
    }
    let token = invitations::renew(&state.db, &invited, &user, state.clock.now()).await?;
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
pub(super) struct TokenQuery {
    token: Option<String>,
}

const BAD_INVITATION: &str = "This invitation link is not valid: it may have been used already, \
    replaced by a newer one, or be more than 7 days old. Ask whoever invited you for a new link.";

pub(super) async fn invitation_page(
    State(state): State<AppState>,
    session: Session,
    cookies: Cookies,
    Query(q): Query<TokenQuery>,
) -> AppResult<Response> {
    let token = q.token.unwrap_or_default();
    let found = invitations::find(&state.db, &token, state.clock.now()).await?;
    let mut errors = BTreeMap::new();
    if found.is_none() {
        errors.insert("token", BAD_INVITATION.to_owned());
    }
    render(&InvitationPage {
        chrome: Chrome::anonymous(&state, &session, &cookies, "Choose your password").await?,
        token,
        invitee: found.map(|i| (i.name, i.email)),
        errors,
    })
}

#[derive(Deserialize)]
pub(super) struct AcceptForm {
    token: String,
    password: SecretString,
}

pub(super) async fn accept_invitation(
    State(state): State<AppState>,
    session: Session,
    cookies: Cookies,
    Form(form): Form<AcceptForm>,
) -> AppResult<Response> {
    let Some(invitee) = invitations::find(&state.db, &form.token, state.clock.now()).await? else {
        return Err(AppError::BadRequest(BAD_INVITATION.into()));
    };
    if let Err(message) = check_new_password(form.password.expose()) {
        let page = InvitationPage {
            chrome: Chrome::anonymous(&state, &session, &cookies, "Choose your password").await?,
            token: form.token,
            invitee: Some((invitee.name, invitee.email)),
            errors: BTreeMap::from([("password", message)]),
        };
        return render_with(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    let hash = state.password_hashing.hash(form.password).await?;
    let Some(invitee) =
        invitations::accept(&state.db, &form.token, &hash, state.clock.now()).await?
    else {
        return Err(AppError::BadRequest(BAD_INVITATION.into()));
    };
    sign_in(&session, &invitee.user_id, state.clock.now()).await?;
    flash(
        &session,
        "success",
        format!("Welcome to orgsync, {}.", invitee.name),
    )
    .await?;
    Ok(Redirect::to("/").into_response())
}
