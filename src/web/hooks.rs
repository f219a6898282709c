//! `POST /hooks/justworks`, the Justworks webhook receiver. Justworks' servers call it,
//! not a browser, so it sits outside the session and CSRF layers (web/mod.rs): the
//! signature is what proves the caller. It must answer within 100 ms and never call
//! Justworks: the body (64 KiB at most) is checked, then one short transaction remembers
//! the event and queues a debounced run (`sync::webhook`), which does the work later.
//!
//! Answers: 202 an event taken (a run queued, or one already waiting absorbs it); 200 an
//! event id seen before; 204 an event of a type orgsync does not act on; 401 a missing
//! or wrong signature or a timestamp more than five minutes off (one generic sentence
//! whatever the reason; the log says which, at most once a minute per reason); 404 while
//! no signing secret is stored; 413 a body over 64 KiB; 400 a signed body that is not an
//! event.

use crate::apps::justworks::{self, credentials, webhook};
use crate::state::AppState;
use crate::sync::webhook::{Received, receive};
use crate::web::refusal_log::RefusalLog;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Extension, Router};
use std::sync::Arc;

/// The largest event body read; a bigger one is answered 413 unread. Justworks' events
/// name what changed, not its data: a few hundred bytes.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// What a refused delivery is told, whatever the reason: nothing that helps a guess.
const NOT_ACCEPTED: &str = "The webhook delivery was not accepted.";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/hooks/justworks", post(justworks_hook))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        // One per app: the log's minute per reason belongs to this server.
        .layer(Extension(Arc::new(RefusalLog::default())))
}

async fn justworks_hook(
    State(state): State<AppState>,
    Extension(refusals): Extension<Arc<RefusalLog>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let now = state.clock.now();
    let refused = |reason: &'static str| {
        if let Some(suppressed) = refusals.admit(reason, now.as_millisecond()) {
            tracing::warn!(
                reason,
                suppressed,
                "refused a Justworks webhook delivery (`suppressed`: the refusals for \
                 this reason left out of the log in the minute before)"
            );
        }
    };
    // The secret is stored only while Justworks is installed (uninstalling deletes it
    // with the app's other secrets), so this one look answers both. Without it there is
    // no endpoint to speak of: 404, not 401 — in Justworks' delivery log that tells an
    // admin "orgsync has no secret yet" apart from "the secret is wrong".
    let secret = match credentials::load_webhook_secret(&state.db, &state.crypto).await {
        Ok(Some(secret)) => secret,
        Ok(None) => {
            refused("no_secret");
            return (StatusCode::NOT_FOUND, "Not found.").into_response();
        }
        Err(e) => {
            tracing::error!(error = %format!("{e:#}"), "could not read the webhook signing secret");
            return internal_error();
        }
    };
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let verified = webhook::verify(
        secret.expose().as_bytes(),
        header(webhook::TIMESTAMP_HEADER),
        header(webhook::SIGNATURE_HEADER),
        &body,
        now.as_second(),
    );
    drop(secret);
    if let Err(refusal) = verified {
        refused(refusal.reason());
        return (StatusCode::UNAUTHORIZED, NOT_ACCEPTED).into_response();
    }
    let event = match webhook::Event::parse(&body) {
        Ok(event) => event,
        Err(e) => {
            tracing::warn!(error = %e, "a signed Justworks webhook delivery was not an event");
            return (StatusCode::BAD_REQUEST, "Not a Justworks event.").into_response();
        }
    };
    if !event.changes_the_roster() {
        // Debug-formatted: Justworks signed it, but a log line stays one line.
        tracing::info!(event_id = %event.id, event_type = ?event.kind, "ignored a Justworks webhook event of a type orgsync does not act on");
        return StatusCode::NO_CONTENT.into_response();
    }
    let received = receive(
        &state.db,
        justworks::APP,
        "Justworks",
        &event.id,
        state.config.webhook_debounce,
        now,
    )
    .await;
    match received {
        Ok(Received::Duplicate) => {
            tracing::info!(event_id = %event.id, "a Justworks webhook event seen before: nothing to do");
            StatusCode::OK.into_response()
        }
        Ok(Received::Absorbed(run_id)) => {
            tracing::info!(event_id = %event.id, run_id = %run_id, "a Justworks webhook event: the sync already waiting will read it");
            StatusCode::ACCEPTED.into_response()
        }
        Ok(Received::Queued(run_id)) => {
            tracing::info!(event_id = %event.id, run_id = %run_id, "a Justworks webhook event: sync queued");
            StatusCode::ACCEPTED.into_response()
        }
        Err(e) => {
            // Justworks delivers again later: nothing is lost.
            tracing::error!(error = %e, event_id = %event.id, "could not record a Justworks webhook event");
            internal_error()
        }
    }
}

fn internal_error() -> Response {
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        "The delivery could not be recorded; try again later.",
    )
        .into_response()
}
