//! Security headers on every answer (OWASP ASVS V14; README *Security*), and
//! `Cache-Control: no-store` on everything but the static files, since pages and JSON
//! carry people data.

use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

/// What the headers depend on: whether people reach orgsync over https (HSTS), and the
/// Content-Security-Policy.
#[derive(Clone)]
pub struct Policy {
    pub https: bool,
    csp: HeaderValue,
}

impl Policy {
    /// Forms post to this site only — and to the origin of Justworks' consent page
    /// (`authorize_url`), where *Connect with Justworks* sends the browser: a browser
    /// applies `form-action` to the redirect that follows a post too.
    pub fn new(https: bool, authorize_url: &str) -> Self {
        let consent = url::Url::parse(authorize_url)
            .ok()
            .map(|u| u.origin())
            .filter(|o| o.is_tuple())
            .map(|o| format!(" {}", o.ascii_serialization()))
            .unwrap_or_default();
        let csp = format!(
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
             frame-ancestors 'none'; base-uri 'none'; form-action 'self'{consent}; \
             object-src 'none'"
        );
        Self {
            https,
            csp: HeaderValue::from_str(&csp).expect("an origin is a header value"),
        }
    }
}

pub async fn security_headers(State(policy): State<Policy>, req: Request, next: Next) -> Response {
    let https = policy.https;
    let is_static = req.uri().path().starts_with("/static/");
    let mut response = next.run(req).await;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_SECURITY_POLICY, policy.csp.clone());
    let mut set = |name: HeaderName, value: &'static str| {
        headers.insert(name, HeaderValue::from_static(value));
    };
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::REFERRER_POLICY, "same-origin");
    set(header::X_FRAME_OPTIONS, "DENY");
    set(
        HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    if https {
        set(
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=31536000; includeSubDomains",
        );
    }
    if is_static {
        set(header::CACHE_CONTROL, "public, max-age=3600");
    } else {
        set(header::CACHE_CONTROL, "no-store");
    }
    response
}

#[cfg(test)]
mod tests {
    use super::Policy;

    #[test]
    fn forms_post_here_and_to_the_consent_pages_origin_only() {
        let csp = |url: &str| Policy::new(false, url).csp.to_str().unwrap().to_owned();
        assert!(
            csp("https://payroll.justworks.com/oauth/authorize?x=1")
                .contains("form-action 'self' https://payroll.justworks.com;")
        );
        assert!(
            csp("http://127.0.0.1:4001/oauth/authorize")
                .contains("form-action 'self' http://127.0.0.1:4001;")
        );
        assert!(csp("not a url").contains("form-action 'self';"));
    }
}
