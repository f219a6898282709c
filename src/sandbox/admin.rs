//! The admin surface for tests and demos (`/sandbox/…`): the credentials, replacing the
//! roster, patching or adding one member, injecting faults, and the Partner API's side
//! (the OAuth client's redirect URIs, revoking every token, the webhook). Loopback peers
//! only — the [`LoopbackPeer`] extractor is in every handler's signature.
//!
//! Every change to a member moves its `updated_at` and is announced to the webhook.

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
use super::webhook::{self, EventType, MemberEvent, WebhookRequest};

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
    let mut members = request.members;
    let now = state.now();
    let (count, events) = {
        let mut roster = state.roster_mut();
        let events = super::changes::stamp_replacement(&roster, &mut members, now);
        (roster.replace(request.company, &members)?, events)
    };
    webhook::announce(&state, events);
    Ok(Json(json!({ "members": count })))
}

/// `POST /sandbox/members/{id}`: an RFC 7386 merge patch into one member.
pub(crate) async fn patch_member(
    _: LoopbackPeer,
    State(state): State<AppState>,
    Path(id): Path<String>,
    JsonBody(patch): JsonBody<Value>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(patch_one(&state, &id, &patch)?))
}

/// A merge patch into one member, announced: the admin API's and the front page's.
pub(crate) fn patch_one(state: &AppState, id: &str, patch: &Value) -> Result<Value, ApiError> {
    let now = state.now();
    let member = state.roster_mut().patch(id, patch, now)?;
    let event = MemberEvent {
        kind: EventType::of_patch(patch),
        member_id: id.to_string(),
    };
    webhook::announce(state, vec![event]);
    Ok(member)
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
    let (status, kind) = if added {
        (StatusCode::CREATED, EventType::Created)
    } else {
        (StatusCode::OK, EventType::Updated)
    };
    webhook::announce(
        &state,
        vec![MemberEvent {
            kind,
            member_id: id,
        }],
    );
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
        state.partner().expire_access_tokens(now);
    }
    *state.faults() = faults.clone();
    Ok(Json(faults))
}

/// `GET /sandbox/oauth-client`: the Partner API's client, to paste into orgsync.
pub(crate) async fn oauth_client(_: LoopbackPeer, State(state): State<AppState>) -> Json<Value> {
    Json(client_json(&state))
}

fn client_json(state: &AppState) -> Value {
    let partner = state.partner();
    let client = partner.client();
    json!({
        "client_id": client.client_id,
        "client_secret": client.client_secret,
        "redirect_uris": client.redirect_uris,
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RedirectUris {
    redirect_uris: Vec<String>,
}

/// `PUT /sandbox/oauth-client` `{"redirect_uris": [...]}`: the exact URIs the consent
/// page may send a browser back to.
pub(crate) async fn set_redirect_uris(
    _: LoopbackPeer,
    State(state): State<AppState>,
    JsonBody(request): JsonBody<RedirectUris>,
) -> Result<Json<Value>, ApiError> {
    state
        .partner()
        .set_redirect_uris(request.redirect_uris)
        .map_err(ApiError::BadRequest)?;
    Ok(Json(client_json(&state)))
}

/// `POST /sandbox/oauth/revoke`: every Partner-API token stops working ("Reconnect
/// Justworks"). Takes no body.
pub(crate) async fn revoke(_: LoopbackPeer, State(state): State<AppState>) -> Json<Value> {
    state.partner().revoke_all();
    Json(json!({ "revoked": true }))
}

/// `PUT /sandbox/webhook`: registers, changes or stops the webhook.
pub(crate) async fn set_webhook(
    _: LoopbackPeer,
    State(state): State<AppState>,
    JsonBody(request): JsonBody<WebhookRequest>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(webhook_json(&replace_webhook(&state, request)?)))
}

/// Applies a webhook request to the one in force; the new one is returned.
pub(crate) fn replace_webhook(
    state: &AppState,
    request: WebhookRequest,
) -> Result<Option<webhook::Webhook>, ApiError> {
    let mut current = state.webhook();
    let next = request
        .apply(current.clone())
        .map_err(ApiError::BadRequest)?;
    current.clone_from(&next);
    Ok(next)
}

fn webhook_json(webhook: &Option<webhook::Webhook>) -> Value {
    match webhook {
        None => json!({ "url": null }),
        Some(hook) => json!({
            "url": hook.url.as_str(),
            "secret": hook.secret,
            "duplicate": hook.duplicate,
        }),
    }
}

/// Unknown paths answer JSON too.
pub(crate) async fn not_found() -> ApiError {
    ApiError::NotFound
}
