//! Injected faults on the `/v1/` surface (`POST /sandbox/faults`), for testing how a
//! client rides out a misbehaving Justworks. The admin surface is never affected.

use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use super::AppState;
use super::error::ApiError;

/// What `POST /sandbox/faults` accepts. Each post sets the faults to exactly what it
/// names, so `{}` clears them all.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FaultRequest {
    #[serde(default)]
    fail_next: u32,
    status: Option<u16>,
    #[serde(default)]
    latency_ms: u64,
    #[serde(default)]
    rate_limit_next: u32,
    retry_after: Option<u64>,
    #[serde(default)]
    expire_tokens: bool,
    #[serde(default)]
    corrupt_next_page: bool,
}

/// The faults in force.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Faults {
    fail_next: u32,
    status: u16,
    latency_ms: u64,
    rate_limit_next: u32,
    retry_after: u64,
    corrupt_next_page: bool,
}

impl Default for Faults {
    fn default() -> Self {
        Self {
            fail_next: 0,
            status: 503,
            latency_ms: 0,
            rate_limit_next: 0,
            retry_after: 1,
            corrupt_next_page: false,
        }
    }
}

impl Faults {
    /// The faults a request asks for; `expire_tokens` is an action, not a state, and is
    /// left to the caller.
    pub(crate) fn from_request(request: &FaultRequest) -> Result<Self, ApiError> {
        let status = request.status.unwrap_or(503);
        if !(400..=599).contains(&status) {
            return Err(ApiError::BadRequest(format!(
                "status must be an error status (400–599), not {status}"
            )));
        }
        Ok(Self {
            fail_next: request.fail_next,
            status,
            latency_ms: request.latency_ms.min(120_000),
            rate_limit_next: request.rate_limit_next,
            retry_after: request.retry_after.unwrap_or(1),
            corrupt_next_page: request.corrupt_next_page,
        })
    }

    /// Takes the `corrupt_next_page` fault if it is set.
    pub(crate) fn take_corrupt_page(&mut self) -> bool {
        std::mem::take(&mut self.corrupt_next_page)
    }
}

impl FaultRequest {
    pub(crate) fn expire_tokens(&self) -> bool {
        self.expire_tokens
    }
}

/// Middleware on `/v1/`: delays, then fails, then rate-limits, as the faults say.
pub(crate) async fn inject(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let latency = state.faults().latency_ms;
    if latency > 0 {
        tokio::time::sleep(Duration::from_millis(latency)).await;
    }
    let injected = {
        let mut faults = state.faults();
        if faults.fail_next > 0 {
            faults.fail_next -= 1;
            Some(ApiError::Fault(
                StatusCode::from_u16(faults.status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE),
            ))
        } else if faults.rate_limit_next > 0 {
            faults.rate_limit_next -= 1;
            Some(ApiError::FaultRateLimited {
                retry_after: faults.retry_after,
            })
        } else {
            None
        }
    };
    match injected {
        Some(error) => error.into_response(),
        None => next.run(request).await,
    }
}

/// A body cut off midway, on a character boundary so that it fails as JSON, not UTF-8.
pub(crate) fn cut_in_half(mut body: String) -> String {
    let mut at = body.len() / 2;
    while !body.is_char_boundary(at) {
        at -= 1;
    }
    body.truncate(at);
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_corrupted_page_is_cut_on_a_character_boundary() {
        let cut = cut_in_half(r#"{"items":[{"name":"王伟王伟"}]}"#.to_string());
        assert!(cut.len() < 30);
        assert!(serde_json::from_str::<serde_json::Value>(&cut).is_err());
    }

    #[test]
    fn an_empty_request_clears_every_fault() {
        let cleared = Faults::from_request(&FaultRequest::default()).unwrap();
        assert_eq!(cleared, Faults::default());
    }

    #[test]
    fn a_success_status_is_not_a_fault() {
        let request = FaultRequest {
            fail_next: 1,
            status: Some(200),
            ..FaultRequest::default()
        };
        assert!(Faults::from_request(&request).is_err());
    }
}
