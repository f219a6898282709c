//! People, the org chart and sync history: filled by the sync engine (issue 4). Until
//! then they say what will appear here and how to get it.

use crate::auth::{RequireMember, RequireTechnicalOwner};
use crate::error::AppResult;
use crate::state::AppState;
use crate::web::page::{Chrome, render};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/people", get(people))
        .route("/org", get(org_chart))
        .route("/syncs", get(syncs))
}

#[derive(Template)]
#[template(path = "empty.html")]
struct EmptyPage {
    chrome: Chrome,
    heading: &'static str,
    message: &'static str,
    can_install: bool,
}

async fn people(
    State(state): State<AppState>,
    RequireMember(user): RequireMember,
) -> AppResult<Response> {
    render(&EmptyPage {
        chrome: Chrome::for_user(&state, &user, "people", "People").await?,
        heading: "People",
        message: "No people yet. Once Justworks is installed and synced, everyone in your org \
                  appears here.",
        can_install: user.level >= crate::auth::AccessLevel::TechnicalOwner,
    })
}

async fn org_chart(
    State(state): State<AppState>,
    RequireMember(user): RequireMember,
) -> AppResult<Response> {
    render(&EmptyPage {
        chrome: Chrome::for_user(&state, &user, "org", "Org chart").await?,
        heading: "Org chart",
        message: "The org chart is empty. After the first Justworks sync it shows the tree \
                  from your org head down.",
        can_install: user.level >= crate::auth::AccessLevel::TechnicalOwner,
    })
}

async fn syncs(
    State(state): State<AppState>,
    RequireTechnicalOwner(user): RequireTechnicalOwner,
) -> AppResult<Response> {
    render(&EmptyPage {
        chrome: Chrome::for_user(&state, &user, "syncs", "Sync history").await?,
        heading: "Sync history",
        message: "No syncs yet. Every Justworks sync — on demand or daily — will be listed \
                  here with what it changed.",
        can_install: true,
    })
}
