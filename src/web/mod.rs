//! The web layer: one module per page group, and the middleware every request passes
//! (request id and logs, security headers, sessions, the origin + CSRF gate).

pub mod api;
pub mod api_syncs;
pub mod apps;
pub mod audit;
pub mod auth;
pub mod form;
pub mod guard;
pub mod headers;
pub mod org_chart;
pub mod org_settings;
pub mod page;
pub mod people;
pub mod request;
pub mod setup;
pub mod syncs;
pub mod users;

pub use crate::state::AppState;

use crate::auth::CurrentUser;
use crate::auth::session_store::DbSessionStore;
use crate::error::AppError;
use axum::Router;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use tower_http::services::ServeDir;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

/// The whole application's routes and middleware.
pub fn router(state: AppState) -> Router {
    let sessions = SessionManagerLayer::new(DbSessionStore::new(state.db.clone()))
        .with_name("orgsync_session")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(state.config.cookie_secure)
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(
            time::Duration::try_from(state.config.session_idle).unwrap_or(time::Duration::HOUR),
        ));
    let https = state.config.cookie_secure
        || state
            .config
            .public_url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://"));
    let static_dir = concat!(env!("CARGO_MANIFEST_DIR"), "/static");

    Router::new()
        .route("/", get(home))
        .route("/healthz", get(|| async { "ok" }))
        .merge(auth::router())
        .merge(setup::router())
        .merge(apps::router())
        .merge(users::router())
        .merge(org_settings::router())
        .merge(audit::router())
        .merge(people::router())
        .merge(org_chart::router())
        .merge(api::router())
        .merge(syncs::router())
        .merge(api_syncs::router())
        .fallback(|| async { AppError::NotFound })
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            guard::check_state_changing_request,
        ))
        .layer(sessions)
        .nest_service("/static", ServeDir::new(static_dir))
        .layer(axum::middleware::from_fn_with_state(
            https,
            headers::security_headers,
        ))
        .layer(axum::middleware::from_fn(request::request_context))
        .with_state(state)
}

/// `/`: the people directory when signed in, else the sign-in page.
async fn home(user: Result<CurrentUser, AppError>) -> Response {
    match user {
        Ok(_) => Redirect::to("/people").into_response(),
        Err(_) => Redirect::to("/login").into_response(),
    }
}

/// Percent-encodes a query value.
pub fn urlencode(value: &str) -> String {
    form_urlencoded_component(value)
}

fn form_urlencoded_component(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// A stored instant (UTC ms) as people read it: `2026-11-26 05:39 UTC`.
pub fn format_time(ms: i64) -> String {
    match time::OffsetDateTime::from_unix_timestamp(ms / 1000) {
        Ok(t) => format!(
            "{}-{:02}-{:02} {:02}:{:02} UTC",
            t.year(),
            t.month() as u8,
            t.day(),
            t.hour(),
            t.minute()
        ),
        Err(_) => "—".into(),
    }
}
