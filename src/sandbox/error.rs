//! The sandbox's one error type and how it answers: the JSON bodies of docs/justworks.md
//! (`{"error": "invalid_code"}` …), with a `message` for a person where it helps.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde_json::json;

use super::auth::AuthError;
use super::roster::RosterError;

#[derive(Debug, thiserror::Error)]
pub(crate) enum ApiError {
    #[error(transparent)]
    Auth(#[from] AuthError),
    #[error("{0}")]
    BadRequest(String),
    #[error(transparent)]
    Roster(#[from] RosterError),
    #[error("the admin surface answers loopback clients only")]
    NotLoopback,
    #[error("no such endpoint")]
    NotFound,
    /// An injected fault (`POST /sandbox/faults`).
    #[error("injected fault")]
    Fault(StatusCode),
    /// An injected 429 (`rate_limit_next`).
    #[error("injected rate limit")]
    FaultRateLimited { retry_after: u64 },
}

impl ApiError {
    fn parts(&self) -> (StatusCode, &'static str) {
        match self {
            Self::Auth(e) => (e.status(), e.code()),
            Self::BadRequest(_) => (StatusCode::BAD_REQUEST, "invalid_request"),
            Self::Roster(RosterError::NotFound(_)) => (StatusCode::NOT_FOUND, "not_found"),
            Self::Roster(_) => (StatusCode::BAD_REQUEST, "invalid_request"),
            Self::NotLoopback => (StatusCode::FORBIDDEN, "forbidden"),
            Self::NotFound => (StatusCode::NOT_FOUND, "not_found"),
            Self::Fault(status) => (*status, "sandbox_fault"),
            Self::FaultRateLimited { .. } => (StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
        }
    }

    fn retry_after(&self) -> Option<u64> {
        match self {
            Self::Auth(AuthError::RateLimited { retry_after })
            | Self::FaultRateLimited { retry_after } => Some(*retry_after),
            _ => None,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.parts();
        // The contract's auth answers carry the code alone; the rest explain themselves.
        let body = match &self {
            Self::Auth(_) | Self::Fault(_) | Self::FaultRateLimited { .. } => {
                json!({ "error": code })
            }
            other => json!({ "error": code, "message": other.to_string() }),
        };
        let mut response = (status, Json(body)).into_response();
        if let Some(seconds) = self.retry_after() {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

/// `Json<T>` whose rejection is a JSON 400 like every other error here.
pub(crate) struct JsonBody<T>(pub T);

impl<S, T> FromRequest<S> for JsonBody<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(Self(value)),
            Err(rejection) => Err(ApiError::BadRequest(describe(&rejection))),
        }
    }
}

fn describe(rejection: &JsonRejection) -> String {
    format!(
        "the body is not the JSON expected here: {}",
        rejection.body_text()
    )
}
