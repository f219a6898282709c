//! The admin surface for tests and demos (`/sandbox/…`): the credentials, replacing the
//! roster, patching or adding one member, and injecting faults. Loopback peers only —
//! the [`LoopbackPeer`] extractor is in every handler's signature.

use std::net::SocketAddr;

use axum::Json;
use axum::extract::{ConnectInfo, FromRequestParts, Path, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use super::AppState;
use super::error::{ApiError, JsonBody};
use super::faults::{FaultRequest, Faults};

/// A request from this machine. Anything else is answered 403 — including a server
/// started without connection info, so a mistake fails closed.
pub(crate) struct LoopbackPeer;

impl<S: Send + Sync> FromRequestParts<S> for LoopbackPeer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        match parts.extensions.get::<ConnectInfo<SocketAddr>>() {
            Some(ConnectInfo(peer)) if peer.ip().to_canonical().is_loopback() => Ok(Self),
            _ => Err(ApiError::NotLoopback),
        }
    }
}

/// `GET /sandbox/credentials`: what to paste into orgsync, the seed grouped by four as
/// Justworks shows it, and the org head's name.
pub(crate) async fn credentials(_: LoopbackPeer, State(state): State<AppState>) -> Json<Value> {
    let credentials = state.credentials();
    let mut body = json!({
        "username": credentials.username,
        "password": credentials.password,
        "totp_secret": credentials.totp_secret,
    });
    if let Some(head) = state.roster().org_head() {
        body["org_head"] = Value::String(head);
    }
    Json(body)
}

#[derive(Deserialize)]
pub(crate) struct ReplaceRoster {
    company: Option<Value>,
    members: Vec<Value>,
}

/// `PUT /sandbox/members`
pub(crate) async fn replace_roster(
    _: LoopbackPeer,
    State(state): State<AppState>,
    JsonBody(request): JsonBody<ReplaceRoster>,
) -> Result<Json<Value>, ApiError> {
    if request.company.as_ref().is_some_and(|c| !c.is_object()) {
        return Err(ApiError::BadRequest("company must be a JSON object".into()));
    }
    let count = state
        .roster_mut()
        .replace(request.company, &request.members)?;
    Ok(Json(json!({ "members": count })))
}

/// `POST /sandbox/members/{id}`: an RFC 7386 merge patch into one member.
pub(crate) async fn patch_member(
    _: LoopbackPeer,
    State(state): State<AppState>,
    Path(id): Path<String>,
    JsonBody(patch): JsonBody<Value>,
) -> Result<Json<Value>, ApiError> {
    let now = state.now();
    let member = state.roster_mut().patch(&id, &patch, now)?;
    Ok(Json(member))
}

/// `PUT /sandbox/members/{id}`: replaces one member, or adds it (a new hire).
pub(crate) async fn put_member(
    _: LoopbackPeer,
    State(state): State<AppState>,
    Path(id): Path<String>,
    JsonBody(member): JsonBody<Value>,
) -> Result<Response, ApiError> {
    let now = state.now();
    let (member, added) = state.roster_mut().put(&id, member, now)?;
    let status = if added {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(member)).into_response())
}

/// `POST /sandbox/faults`: sets the faults to exactly those named; answers what is now
/// in force.
pub(crate) async fn set_faults(
    _: LoopbackPeer,
    State(state): State<AppState>,
    JsonBody(request): JsonBody<FaultRequest>,
) -> Result<Json<Faults>, ApiError> {
    let faults = Faults::from_request(&request)?;
    if request.expire_tokens() {
        let now = state.unix_now();
        state.auth().expire_all_tokens(now);
    }
    *state.faults() = faults.clone();
    Ok(Json(faults))
}

/// Unknown paths answer JSON too.
pub(crate) async fn not_found() -> ApiError {
    ApiError::NotFound
}
