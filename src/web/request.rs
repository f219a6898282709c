//! Per-request context: a request id (also sent back as `X-Request-Id`), a tracing span
//! carrying it and, once known, the signed-in user's id — and never the query string,
//! which may hold a one-time token.

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use std::time::Instant;
use tracing::Instrument;

/// What error pages need to know about the request being answered.
#[derive(Clone, Debug)]
pub struct RequestInfo {
    pub id: String,
    /// Under `/api/`: errors are JSON, not pages.
    pub api: bool,
}

tokio::task_local! {
    static REQUEST: RequestInfo;
}

impl RequestInfo {
    /// The request being answered on this task, if any.
    pub fn current() -> Option<Self> {
        REQUEST.try_with(Clone::clone).ok()
    }
}

fn usable_request_id(value: &HeaderValue) -> Option<String> {
    let text = value.to_str().ok()?;
    let ok = !text.is_empty()
        && text.len() <= 64
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    ok.then(|| text.to_owned())
}

pub async fn request_context(req: Request, next: Next) -> Response {
    let id = req
        .headers()
        .get("x-request-id")
        .and_then(usable_request_id)
        .unwrap_or_else(|| uuid::Uuid::new_v4().simple().to_string());
    let path = req.uri().path().to_owned();
    let info = RequestInfo {
        id: id.clone(),
        api: path.starts_with("/api/"),
    };
    let span = tracing::info_span!(
        "request",
        request_id = %id,
        method = %req.method(),
        path = %path,
        user_id = tracing::field::Empty,
    );
    let started = Instant::now();
    let mut response = REQUEST
        .scope(info, next.run(req).instrument(span.clone()))
        .await;
    let status = response.status().as_u16();
    span.in_scope(|| {
        tracing::info!(
            status,
            ms = started.elapsed().as_millis() as u64,
            "answered"
        )
    });
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", value);
    }
    response
}
