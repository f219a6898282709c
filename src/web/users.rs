//! Users and access levels (`/settings/users`), and accepting an invitation (`/invite`).
//!
//! The Owner adds users, changes levels and deactivates users; a Technical Owner may
//! invite users up to its own level. A new user gets a one-time invitation link (valid
//! 7 days) to choose their own password — nobody else ever knows it.

use crate::audit::{self, Actor};
use crate::auth::AccessLevel;
use crate::auth::invitations::{self, RenewRefused};
use crate::auth::links::{self, LinkError, LinkOverview};
use crate::auth::password::check_new_password;
use crate::auth::users::{
    self, ChangeUserError, CreateUserError, NewUser, check_email, check_name,
};
use crate::link_base;
use crate::secrets::SecretString;
use crate::state::AppState;
use crate::web::auth::sign_in;
use crate::web::error::{AppError, AppResult};
use crate::web::extract::{RequireOwner, RequireTechnicalOwner};
use crate::web::form::Form;
use crate::web::page::{Chrome, flash, render, render_with};
use crate::web::params::{Path, Query};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use std::collections::BTreeMap;
use tower_cookies::Cookies;
use tower_sessions::Session;

const INVITATION_DAYS: i64 = invitations::DAYS;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/settings/users", get(users_page).post(invite))
        .route("/settings/users/{id}/level", post(change_level))
        .route("/settings/users/{id}/deactivate", post(deactivate))
        .route("/settings/users/{id}/reactivate", post(reactivate))
        .route("/settings/users/{id}/invitation", post(new_invitation))
        .route("/settings/users/{id}/person", post(link_person))
        .route("/settings/users/{id}/unlink", post(unlink_person))
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
    /// Owners only: who is linked to which person, and suggestions to confirm.
    links: LinkOverview,
}

impl UsersPage {
    fn linked(&self, user_id: &str) -> Option<&links::LinkedPerson> {
        self.links.linked.get(user_id)
    }
    fn suggested(&self, user_id: &str) -> Option<&links::LinkedPerson> {
        self.links.suggested.get(user_id)
    }
}

fn grantable(level: AccessLevel) -> Vec<AccessLevel> {
    AccessLevel::ALL
        .into_iter()
        .filter(|l| *l <= level)
        .collect()
}

async fn page(
    state: &AppState,
    user: &crate::web::extract::CurrentUser,
    form: (String, String, String),
    errors: BTreeMap<&'static str, String>,
) -> AppResult<UsersPage> {
    let new_link = take_link(state, &user.session).await?;
    let links = if user.level.is_owner() {
        LinkOverview::load(&state.db).await?
    } else {
        LinkOverview::default()
    };
    Ok(UsersPage {
        links,
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
    let token = invitations::create(&mut tx, &new_user.id, &user).await?;
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
    owner: &crate::web::extract::CurrentUser,
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
    let mut tx = state.db.begin().await?;
    let token = invitations::create(&mut tx, &invited.id, &user).await?;
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

const BAD_INVITATION: &str = "This invitation link is not valid: it may have been used already, \
    replaced by a newer one, or be more than 7 days old. Ask whoever invited you for a new link.";

async fn invitation_page(
    State(state): State<AppState>,
    session: Session,
    cookies: Cookies,
    Query(q): Query<TokenQuery>,
) -> AppResult<Response> {
    let token = q.token.unwrap_or_default();
    let found = invitations::find(&state.db, &token).await?;
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
    let Some(invitee) = invitations::find(&state.db, &form.token).await? else {
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
    let Some(invitee) = invitations::accept(&state.db, &form.token, &hash).await? else {
        return Err(AppError::BadRequest(BAD_INVITATION.into()));
    };
    sign_in(&session, &invitee.user_id).await?;
    flash(
        &session,
        "success",
        format!("Welcome to orgsync, {}.", invitee.name),
    )
    .await?;
    Ok(Redirect::to("/").into_response())
}

#[derive(Deserialize)]
struct LinkForm {
    /// A person id or a work email.
    person: String,
}

/// An Owner links a user to the person they are: from then on the user sees that
/// person's sensitive fields ("This is you"). Nothing else ever makes that link.
async fn link_person(
    State(state): State<AppState>,
    RequireOwner(owner): RequireOwner,
    Path(id): Path<String>,
    Form(form): Form<LinkForm>,
) -> AppResult<Response> {
    let user = target(&state, &id).await?;
    let linked = match links::find_person(&state.db, &form.person).await {
        Ok(person) => links::set_link(&state.db, &user.id, Some(&person), &owner.id)
            .await
            .map(|linked| (person, linked)),
        Err(e) => Err(e),
    };
    match linked {
        Ok((person, linked)) => {
            let mut conn = state.db.pool().acquire().await?;
            audit::record(
                &mut conn,
                &Actor::user(&owner),
                "user.linked_to_person",
                &user.email,
                &format!("person: {} ({})", person.name, person.id),
            )
            .await?;
            let mut message = format!(
                "{} is linked to {}: they see that person's private fields.",
                user.name, person.name
            );
            if linked.withdrew_invitation {
                message.push_str(
                    " Their pending invitation link, made by a Technical Owner, no longer works: \
                     make a new one with New invitation link and send it to them yourself.",
                );
            }
            flash(&owner.session, "success", message).await?;
        }
        Err(LinkError::Db(e)) => return Err(e.into()),
        Err(e) => flash(&owner.session, "error", e.to_string()).await?,
    }
    Ok(Redirect::to("/settings/users").into_response())
}

async fn unlink_person(
    State(state): State<AppState>,
    RequireOwner(owner): RequireOwner,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let user = target(&state, &id).await?;
    match links::set_link(&state.db, &user.id, None, &owner.id).await {
        Ok(_) => {}
        Err(LinkError::Db(e)) => return Err(e.into()),
        Err(_) => return Err(AppError::NotFound),
    }
    let mut conn = state.db.pool().acquire().await?;
    audit::record(
        &mut conn,
        &Actor::user(&owner),
        "user.unlinked_from_person",
        &user.email,
        "",
    )
    .await?;
    flash(
        &owner.session,
        "success",
        format!("{} is no longer linked to a person.", user.name),
    )
    .await?;
    Ok(Redirect::to("/settings/users").into_response())
}
