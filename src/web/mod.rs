//! The web layer: one module per page group, and the middleware every request passes
//! (request id and logs, security headers, sessions, the origin + CSRF gate).

pub mod api;
pub mod api_errors;
pub mod api_syncs;
pub mod apps;
pub mod assets;
pub mod audit;
pub mod auth;
pub mod client_addr;
pub mod error;
pub mod extract;
pub mod form;
pub mod guard;
pub mod headers;
pub mod org_chart;
pub mod org_settings;
pub mod page;
pub mod params;
pub mod people;
pub mod request;
pub mod setup;
pub mod syncs;
pub mod users;

pub use crate::state::AppState;

use crate::auth::session_store::DbSessionStore;
use crate::web::error::AppError;
use crate::web::extract::CurrentUser;
use axum::Router;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
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

    Router::new()
        .route("/", get(home))
        .route("/healthz", get(healthz))
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
        .merge(assets::router())
        .layer(axum::middleware::from_fn_with_state(
            https,
            headers::security_headers,
        ))
        .layer(axum::middleware::from_fn(api_errors::json_errors_under_api))
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

/// For a load balancer or a supervisor: 200 `ok` when this instance can reach its
/// database within two seconds, 503 otherwise (the instance should get no traffic).
/// Says nothing else: no version, no configuration.
async fn healthz(axum::extract::State(state): axum::extract::State<AppState>) -> Response {
    let check = sqlx::query_scalar::<_, i32>("SELECT 1").fetch_one(state.db.pool());
    match tokio::time::timeout(std::time::Duration::from_secs(2), check).await {
        Ok(Ok(_)) => "ok".into_response(),
        Ok(Err(err)) => {
            tracing::warn!(error = %err, "health check: the database did not answer");
            unavailable()
        }
        Err(_) => {
            tracing::warn!("health check: the database took more than 2 s to answer");
            unavailable()
        }
    }
}

fn unavailable() -> Response {
    (
        axum::http::StatusCode::SERVICE_UNAVAILABLE,
        "database unavailable",
    )
        .into_response()
}
