//! The audit log page (`/settings/audit`, Owner only).

use crate::audit;
use crate::state::AppState;
use crate::web::error::AppResult;
use crate::web::extract::RequireOwner;
use crate::web::format_time;
use crate::web::page::{Chrome, render};
use crate::web::params::Query;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;

const PAGE_SIZE: i64 = 50;

pub fn router() -> Router<AppState> {
    Router::new().route("/settings/audit", get(audit_page))
}

struct Row {
    when: String,
    entry: audit::Entry,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    chrome: Chrome,
    rows: Vec<Row>,
    next: Option<String>,
}

#[derive(Deserialize)]
struct PageQuery {
    before: Option<String>,
}

async fn audit_page(
    State(state): State<AppState>,
    RequireOwner(user): RequireOwner,
    Query(q): Query<PageQuery>,
) -> AppResult<Response> {
    let before = q.before.filter(|b| b.len() <= 64);
    let entries = audit::page(&state.db, before.as_deref(), PAGE_SIZE + 1).await?;
    let next =
        (entries.len() as i64 > PAGE_SIZE).then(|| entries[PAGE_SIZE as usize - 1].id.clone());
    let rows = entries
        .into_iter()
        .take(PAGE_SIZE as usize)
        .map(|entry| Row {
            when: format_time(entry.at),
            entry,
        })
        .collect();
    render(&AuditPage {
        chrome: Chrome::for_user(&state, &user, "audit", "Audit log").await?,
        rows,
        next,
    })
}
