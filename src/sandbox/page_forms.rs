//! The front page's forms, for a person trying the Partner API by hand: register a
//! redirect URI, set the webhook (a new signing secret each time), change one member's
//! job title (the admin API's patch, so `updated_at` moves and the webhook fires).
//!
//! Like the admin surface they answer loopback peers only; and since a browser on this
//! machine is a loopback peer whatever page it shows, each post must also carry the
//! front page's form token, come from a page of this server (`Origin`) and name this
//! machine as its host (no DNS rebinding).

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::json;
use subtle::ConstantTimeEq;

use super::AppState;
use super::admin::{LoopbackPeer, patch_one, replace_webhook};
use super::error::ApiError;
use super::page::with_page_headers;
use super::webhook::WebhookRequest;

#[derive(Deserialize)]
pub(crate) struct RedirectUriForm {
    form_token: String,
    redirect_uri: String,
}

/// `POST /sandbox/page/redirect-uri`: adds one to the registered redirect URIs.
pub(crate) async fn register_redirect_uri(
    _: LoopbackPeer,
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<RedirectUriForm>,
) -> Response {
    if !from_the_front_page(&state, &headers, &form.form_token) {
        return not_from_the_front_page();
    }
    let added = state
        .partner()
        .add_redirect_uri(form.redirect_uri.trim().to_string());
    match added {
        Ok(()) => back("redirect-uri", "oauth"),
        Err(message) => problem(&message),
    }
}

#[derive(Deserialize)]
pub(crate) struct WebhookForm {
    form_token: String,
    url: String,
}

/// `POST /sandbox/page/webhook`: sets the URL with a newly made secret; empty stops.
pub(crate) async fn set_webhook(
    _: LoopbackPeer,
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<WebhookForm>,
) -> Response {
    if !from_the_front_page(&state, &headers, &form.form_token) {
        return not_from_the_front_page();
    }
    let url = form.url.trim();
    let request = if url.is_empty() {
        WebhookRequest::default()
    } else {
        WebhookRequest::new(url.to_string())
    };
    match replace_webhook(&state, request) {
        Ok(Some(_)) => back("webhook", "webhook"),
        Ok(None) => back("webhook-off", "webhook"),
        Err(error) => problem(&error.to_string()),
    }
}

#[derive(Deserialize)]
pub(crate) struct JobTitleForm {
    form_token: String,
    member_id: String,
    job_title: String,
}

/// `POST /sandbox/page/job-title`: the admin API's patch of one member's `job_title`.
pub(crate) async fn set_job_title(
    _: LoopbackPeer,
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<JobTitleForm>,
) -> Response {
    if !from_the_front_page(&state, &headers, &form.form_token) {
        return not_from_the_front_page();
    }
    let title = form.job_title.trim();
    if title.is_empty() || title.chars().count() > 200 {
        return problem("A job title is 1 to 200 characters.");
    }
    match patch_one(&state, &form.member_id, &json!({ "job_title": title })) {
        Ok(_) => back("job-title", "members"),
        Err(error @ ApiError::Roster(_)) => problem(&error.to_string()),
        Err(error) => error.into_response(),
    }
}

/// The checks that make a post a person's own click on the front page (CSRF).
fn from_the_front_page(state: &AppState, headers: &HeaderMap, token: &str) -> bool {
    let token_ok: bool = token.as_bytes().ct_eq(state.form_token().as_bytes()).into();
    let header = |name| headers.get(name).and_then(|v| v.to_str().ok());
    let Some(host) = header(header::HOST).filter(|h| is_this_machine(h)) else {
        return false;
    };
    let same_origin = match header(header::ORIGIN) {
        // Browsers send Origin on every form post; a client without one is not a page.
        None => true,
        Some(origin) => origin == format!("http://{host}"),
    };
    token_ok && same_origin
}

fn not_from_the_front_page() -> Response {
    problem("This form only works from the sandbox's own front page. Reload it and try again.")
}

/// `127.0.0.1:PORT`, `[::1]:PORT` or `localhost:PORT`: a name another site cannot point
/// at this machine through its own DNS.
fn is_this_machine(host: &str) -> bool {
    let name = match host.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => host,
    };
    let name = name.trim_start_matches('[').trim_end_matches(']');
    name.eq_ignore_ascii_case("localhost")
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.to_canonical().is_loopback())
}

/// Post / redirect / get: back to the front page's section, with a fixed notice.
fn back(done: &str, section: &str) -> Response {
    Redirect::to(&format!("/?done={done}#{section}")).into_response()
}

#[derive(Template)]
#[template(
    ext = "html",
    source = r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Not saved — orgsync Justworks sandbox</title>
<style>body { font-family: system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem; }</style>
</head>
<body>
<h1>Not saved</h1>
<p>{{ message }}</p>
<p><a href="/">Back to the sandbox's front page</a></p>
</body>
</html>
"#
)]
struct Problem<'a> {
    message: &'a str,
}

fn problem(message: &str) -> Response {
    match (Problem { message }).render() {
        Ok(html) => with_page_headers((StatusCode::BAD_REQUEST, Html(html)).into_response()),
        Err(_) => (StatusCode::BAD_REQUEST, "Not saved.").into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_names_of_this_machine_count_as_its_host() {
        for host in [
            "127.0.0.1:8080",
            "localhost:1",
            "[::1]:9",
            "127.0.0.1",
            "LOCALHOST",
        ] {
            assert!(is_this_machine(host), "{host}");
        }
        for host in [
            "evil.test:8080",
            "10.0.0.1",
            "127.0.0.1.evil.test",
            "[::2]:1",
            "",
        ] {
            assert!(!is_this_machine(host), "{host}");
        }
    }
}
