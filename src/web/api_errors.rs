//! Under `/api/`, every error answer is the JSON error shape (`error`, `message`,
//! `detail`, `request_id`) — also the ones axum gives before any handler of ours runs:
//! a query string that does not parse (`?limit=abc`), a method a route does not take.

use crate::web::error::json_error;
use crate::web::request::RequestInfo;
use axum::extract::Request;
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;

/// axum's own refusals are one short line; anything longer is not shown.
const MAX_MESSAGE_BYTES: usize = 1024;

pub async fn json_errors_under_api(req: Request, next: Next) -> Response {
    let Some(info) = RequestInfo::current().filter(|i| i.api) else {
        return next.run(req).await;
    };
    let method = req.method().clone();
    let response = next.run(req).await;
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let (parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, MAX_MESSAGE_BYTES)
        .await
        .ok()
        .and_then(|b| String::from_utf8(b.to_vec()).ok())
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty());
    let message = match text {
        Some(text) if text.ends_with(['.', '!', '?']) => text,
        Some(text) => format!("{text}."),
        None if status == axum::http::StatusCode::METHOD_NOT_ALLOWED => {
            format!("This address does not take {method} requests.")
        }
        None => status
            .canonical_reason()
            .unwrap_or("The request failed")
            .to_owned(),
    };
    let title = status.canonical_reason().unwrap_or("Error");
    let mut answer = json_error(status, title, &message, None, Some(&info.id));
    // Keep what the original said about the request (`Allow`, `Retry-After`, …).
    for (name, value) in &parts.headers {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            answer.headers_mut().append(name.clone(), value.clone());
        }
    }
    answer
}
