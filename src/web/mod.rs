//! The web layer: one module per page group, and the middleware every request passes
//! (request id and logs, security headers, sessions, the origin + CSRF gate — except
//! the static files and the webhook receiver, which need no session).

pub mod api;
pub mod api_conflicts;
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
pub mod hooks;
pub mod justworks_oauth;
pub mod org_chart;
pub mod org_settings;
pub mod page;
pub mod params;
pub mod people;
pub mod refusal_log;
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
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC};
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

/// The whole application's routes and middleware.
pub fn router(state: AppState) -> Router {
    let sessions =
        SessionManagerLayer::new(DbSessionStore::new(state.db.clone(), state.clock.clone()))
            .with_name("orgsync_session")
            .with_http_only(true)
            .with_same_site(SameSite::Lax)
            .with_secure(state.config.cookie_secure)
            .with_path("/")
            .with_expiry(Expiry::OnInactivity(
                // tower-sessions speaks the `time` crate (re-exported by its cookie crate).
                tower_sessions::cookie::time::Duration::try_from(state.config.session_idle)
                    .unwrap_or(tower_sessions::cookie::time::Duration::HOUR),
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
        .merge(justworks_oauth::router())
        .merge(users::router())
        .merge(org_settings::router())
        .merge(audit::router())
        .merge(people::router())
        .merge(org_chart::router())
        .merge(api::router())
        .merge(syncs::router())
        .merge(api_syncs::router())
        .merge(api_conflicts::router())
        .fallback(|| async { AppError::NotFound })
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            guard::check_state_changing_request,
        ))
        .layer(sessions)
        .merge(assets::router())
        // A machine posts here, signed: no session, no CSRF token (web/hooks.rs).
        .merge(hooks::router())
        .layer(axum::middleware::from_fn_with_state(
            headers::Policy::new(https, &state.justworks.authorize_url),
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

/// What a value in a link's query (or path segment) keeps as written: letters, digits
/// and `-_.~/`; every other byte is percent-encoded, for
/// [`percent_encoding::utf8_percent_encode`].
pub const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b'/');

/// A stored instant (UTC ms) as people read it: `2026-11-26 05:39 UTC`.
pub fn format_time(ms: i64) -> String {
    match jiff::Timestamp::from_second(ms / 1000) {
        Ok(t) => t.strftime("%Y-%m-%d %H:%M UTC").to_string(),
        Err(_) => "—".into(),
    }
}

/// For a load balancer or a supervisor: 200 `ok` when this instance can reach its
/// database within two seconds, 503 otherwise (the instance should get no traffic).
/// Says nothing else: no version, no configuration.
async fn healthz(axum::extract::State(state): axum::extract::State<AppState>) -> Response {
    let check = state.db.ping();
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

#[cfg(test)]
mod tests {
    use super::*;
    use percent_encoding::utf8_percent_encode;

    #[test]
    fn a_query_value_keeps_letters_digits_and_path_characters_and_encodes_the_rest() {
        let encoded = utf8_percent_encode("/people?q=Ana Souza&x=1+2#é~a-b_c.d", QUERY_VALUE);
        assert_eq!(
            encoded.to_string(),
            "/people%3Fq%3DAna%20Souza%26x%3D1%2B2%23%C3%A9~a-b_c.d"
        );
    }
}
