//! The gate every state-changing request passes before any handler runs: the `Origin`
//! (or `Referer`) must be this site, and the body or `X-CSRF-Token` header must carry
//! the session's CSRF token (before signing in, the pre-session cookie's). Doing it
//! here, for every non-GET route at once, means a new form cannot forget the check.

use crate::auth::csrf;
use crate::web::AppState;
use crate::web::error::AppError;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tower_cookies::Cookies;
use tower_sessions::Session;

/// Forms are small; anything bigger is refused rather than read.
pub const MAX_FORM_BYTES: usize = 256 * 1024;

pub async fn check_state_changing_request(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    if !same_origin(req.headers(), state.config.public_url.as_deref()) {
        tracing::warn!("refused a cross-origin request");
        return AppError::CrossOrigin.into_response();
    }
    let (Some(session), Some(cookies)) = (
        req.extensions().get::<Session>().cloned(),
        req.extensions().get::<Cookies>().cloned(),
    ) else {
        return AppError::Csrf.into_response();
    };
    let (parts, body) = req.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_FORM_BYTES).await {
        Ok(bytes) => bytes,
        Err(_) => {
            return AppError::BadRequest(format!(
                "This form is larger than {} KiB and was not read.",
                MAX_FORM_BYTES / 1024
            ))
            .into_response();
        }
    };
    let presented = presented_token(&parts.headers, &bytes);
    match csrf::matches(&session, &cookies, presented.as_deref().unwrap_or("")).await {
        Ok(true) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        Ok(false) => {
            tracing::warn!("refused a form without this session's CSRF token");
            AppError::Csrf.into_response()
        }
        Err(e) => AppError::from(e).into_response(),
    }
}

/// The token from the `X-CSRF-Token` header (htmx, scripts) or the form body.
fn presented_token(headers: &HeaderMap, body: &Bytes) -> Option<String> {
    if let Some(value) = headers.get(csrf::HEADER).and_then(|v| v.to_str().ok()) {
        return Some(value.to_owned());
    }
    let is_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return None;
    }
    form_urlencoded_pairs(body)
        .into_iter()
        .find(|(k, _)| k == csrf::FIELD)
        .map(|(_, v)| v)
}

fn form_urlencoded_pairs(body: &Bytes) -> Vec<(String, String)> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body).unwrap_or_default()
}

/// A browser sends `Origin` on every POST (and `Referer` unless told not to). Either must
/// name this server — the host the browser addressed, or the configured public URL. A
/// request with neither comes from a non-browser client, which CSRF cannot abuse; the
/// token check still applies to it.
fn same_origin(headers: &HeaderMap, public_url: Option<&str>) -> bool {
    if headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == "cross-site")
    {
        return false;
    }
    let claimed = headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .filter(|v| *v != "null")
        .map(str::to_owned)
        .or_else(|| {
            headers
                .get(header::REFERER)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        });
    let Some(claimed) = claimed else {
        return headers.get(header::ORIGIN).is_none();
    };
    let Some(claimed_host) = host_of(&claimed) else {
        return false;
    };
    let host_header = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let public_host = public_url.and_then(host_of);
    host_header.is_some_and(|h| h.eq_ignore_ascii_case(&claimed_host))
        || public_host.is_some_and(|h| h.eq_ignore_ascii_case(&claimed_host))
}

/// `host[:port]` of an absolute http(s) URL.
fn host_of(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let host = rest.split(['/', '?', '#']).next()?;
    (!host.is_empty()).then(|| host.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn an_origin_matching_the_host_is_accepted() {
        let h = headers(&[
            ("host", "127.0.0.1:8080"),
            ("origin", "http://127.0.0.1:8080"),
        ]);
        assert!(same_origin(&h, None));
    }

    #[test]
    fn a_foreign_origin_is_refused() {
        let h = headers(&[("host", "127.0.0.1:8080"), ("origin", "https://evil.test")]);
        assert!(!same_origin(&h, None));
        let h = headers(&[
            ("host", "127.0.0.1:8080"),
            ("referer", "https://evil.test/x"),
        ]);
        assert!(!same_origin(&h, None));
    }

    #[test]
    fn the_public_url_counts_as_this_site_behind_a_proxy() {
        let h = headers(&[
            ("host", "10.0.0.5:8080"),
            ("origin", "https://org.acme.test"),
        ]);
        assert!(same_origin(&h, Some("https://org.acme.test")));
    }

    #[test]
    fn a_cross_site_fetch_is_refused_whatever_it_claims() {
        let h = headers(&[
            ("host", "a.test"),
            ("origin", "http://a.test"),
            ("sec-fetch-site", "cross-site"),
        ]);
        assert!(!same_origin(&h, None));
    }

    #[test]
    fn the_token_is_read_from_the_form_body() {
        let h = headers(&[("content-type", "application/x-www-form-urlencoded")]);
        let body = Bytes::from_static(b"email=a%40b.test&csrf_token=abc%2Bd");
        assert_eq!(presented_token(&h, &body).as_deref(), Some("abc+d"));
    }
}
