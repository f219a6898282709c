//! Users and access levels (`/settings/users`), and accepting an invitation (`/invite`).
//!
//! The Owner adds users, changes levels and deactivates users; a Technical Owner may
//! invite users up to its own level. A new user gets a one-time invitation link (valid
//! 7 days) to choose their own password — nobody else ever knows it.
//!
//! Here the list and level changes; invitation links in `invites`, links to people in
//! `person_links`.

mod invites;
mod person_links;

use crate::audit::{self, Actor};
use crate::auth::AccessLevel;
use crate::auth::invitations::{self};
use crate::auth::links::{self, LinkOverview};
use crate::auth::users::{self, ChangeUserError};
use crate::state::AppState;
use crate::web::error::{AppError, AppResult};
use crate::web::extract::{RequireOwner, RequireTechnicalOwner};
use crate::web::form::Form;
use crate::web::page::{Chrome, flash, render};
use crate::web::params::Path;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use invites::{accept_invitation, invitation_page, invite, new_invitation, take_link};
use person_links::{link_person, unlink_person};
use serde::Deserialize;
use std::collections::BTreeMap;

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
    match users::change(&state.db, id, level, active, state.clock.now()).await {
        Ok(after) => {
            audit::record_alone(
                &state.db,
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
                state.clock.now(),
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
