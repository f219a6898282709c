//! The front page (`GET /`): what this server is and what to paste into orgsync — the
//! service user's credentials, the Partner API's OAuth client and the webhook's signing
//! secret — with small forms for a person trying it by hand (`page_forms`). It shows
//! generated data for a generated company, and askama escapes every value.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;

use super::AppState;

/// Members the job-title form offers at most (a 100 000-member roster stays a page).
const PICKABLE_MEMBERS: usize = 500;

#[derive(Template)]
#[template(
    ext = "html",
    source = r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>orgsync Justworks sandbox</title>
<style>
body { font-family: system-ui, sans-serif; margin: 0; background: #f6f7f9; color: #1d2330; }
main { max-width: 46rem; margin: 2rem auto; padding: 0 1rem; }
.banner { background: #fff4d6; border: 1px solid #e6c35c; border-radius: 6px; padding: .75rem 1rem; }
.notice { background: #e3f4e8; border: 1px solid #7cc295; border-radius: 6px; padding: .6rem 1rem; }
dl { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: .6rem 1rem; background: #fff;
     border: 1px solid #d8dce3; border-radius: 6px; padding: 1rem; }
dt { font-weight: 600; }
dd { margin: 0; min-width: 0; }
code { font-size: 1.05rem; background: #eef1f5; padding: .1rem .35rem; border-radius: 4px;
       user-select: all; word-break: break-all; }
.hint { color: #5a6275; font-size: .9rem; }
form.inline { display: flex; flex-wrap: wrap; gap: .5rem; align-items: flex-end; margin: .75rem 0 1.5rem; }
form.inline label { flex: 1 1 100%; font-weight: 600; }
form.inline input, form.inline select { flex: 1 1 14rem; min-width: 0; font: inherit; padding: .4rem; }
button { font: inherit; padding: .4rem 1rem; }
@media (max-width: 30rem) { dl { grid-template-columns: minmax(0, 1fr); } dd { margin-bottom: .4rem; } }
</style>
</head>
<body>
<main>
<h1>orgsync Justworks sandbox</h1>
<p class="banner">This server imitates Justworks with <strong>generated data</strong>: none of
these people exist. It is for trying orgsync out and for its tests.</p>
{% if let Some(notice) = notice %}<p class="notice" role="status">{{ notice }}</p>{% endif %}

<h2>{{ company }}</h2>
<p>{{ active }} active members, {{ total }} in all.</p>

<h2>Sign in from orgsync</h2>
<p>In orgsync, open <em>Apps → Justworks</em> and paste these values into the fields of the
same name, then use <em>Test connection</em>.</p>
<dl>
  <dt>JustWorks Username</dt>
  <dd><code>{{ username }}</code></dd>
  <dt>JustWorks Password</dt>
  <dd><code>{{ password }}</code></dd>
  <dt>JustWorks 2FA Code</dt>
  <dd><code>{{ totp_secret }}</code>
      <div class="hint">The 2FA seed, shown in groups of four as Justworks shows it under
      “Can't Scan Barcode?” — not a 6-digit code: orgsync makes the codes itself.</div></dd>
  <dt>Name Org Head</dt>
  <dd>{% if let Some(head) = org_head %}<code>{{ head }}</code>
      <div class="hint">The CEO, the top of the tree.</div>{% else %}
      <span class="hint">No single active member without a manager in the current roster.</span>{% endif %}</dd>
</dl>
<p class="hint">The same values, as JSON, are at <code>/sandbox/credentials</code> (from this
machine only).</p>

<h2 id="oauth">Connect through the Partner API (OAuth)</h2>
<p>The other way in: orgsync as a Justworks partner app. Paste these into orgsync's Partner
API fields, and register the redirect URI orgsync shows.</p>
<dl>
  <dt>Client ID</dt>
  <dd><code>{{ client_id }}</code></dd>
  <dt>Client secret</dt>
  <dd><code>{{ client_secret }}</code></dd>
  <dt>Authorize URL</dt>
  <dd><code>{{ base_url }}/oauth/authorize</code></dd>
  <dt>Token URL</dt>
  <dd><code>{{ base_url }}/oauth/token</code></dd>
  <dt>Redirect URIs</dt>
  <dd>{% for uri in redirect_uris %}<div><code>{{ uri }}</code></div>{% else %}<span class="hint">None registered yet.</span>{% endfor %}</dd>
</dl>
<form class="inline" method="post" action="/sandbox/page/redirect-uri">
  <input type="hidden" name="form_token" value="{{ form_token }}">
  <label for="redirect_uri">Register a redirect URI</label>
  <input id="redirect_uri" name="redirect_uri" type="url" required maxlength="2000"
         placeholder="http://127.0.0.1:8080/…">
  <button type="submit">Register</button>
</form>

<h2 id="webhook">Webhook</h2>
<p>Where the sandbox POSTs a signed event whenever a member changes here.</p>
<dl>
  <dt>URL</dt>
  <dd>{% if let Some(url) = webhook_url %}<code>{{ url }}</code>{% else %}<span class="hint">Not set: no events are sent.</span>{% endif %}</dd>
  <dt>Signing secret</dt>
  <dd>{% if let Some(secret) = webhook_secret %}<code>{{ secret }}</code>
      <div class="hint">Paste it into orgsync next to the webhook.</div>{% else %}<span class="hint">Made when you save a URL.</span>{% endif %}</dd>
</dl>
<form class="inline" method="post" action="/sandbox/page/webhook">
  <input type="hidden" name="form_token" value="{{ form_token }}">
  <label for="webhook_url">Webhook URL (leave empty to stop)</label>
  <input id="webhook_url" name="url" type="url" maxlength="2000"
         placeholder="http://127.0.0.1:8080/…">
  <button type="submit">Save and make a new secret</button>
</form>

<h2 id="members">Change a job title</h2>
<p>The same change as the admin API: the member's <code>updated_at</code> moves and the
webhook, if set, gets a <code>member.profile.updated</code> event.</p>
<form class="inline" method="post" action="/sandbox/page/job-title">
  <input type="hidden" name="form_token" value="{{ form_token }}">
  <label for="member_id">Member</label>
  <select id="member_id" name="member_id" required>
{% for (id, label) in members %}    <option value="{{ id }}">{{ label }}</option>
{% endfor %}  </select>
  <label for="job_title">New job title</label>
  <input id="job_title" name="job_title" required maxlength="200">
  <button type="submit">Save</button>
</form>
{% if members_cut %}<p class="hint">The first {{ members.len() }} active members are offered; change
others through <code>POST /sandbox/members/{id}</code>.</p>{% endif %}
</main>
</body>
</html>
"#
)]
struct FrontPage {
    company: String,
    active: usize,
    total: usize,
    username: String,
    password: String,
    totp_secret: String,
    org_head: Option<String>,
    notice: Option<&'static str>,
    base_url: String,
    client_id: String,
    client_secret: String,
    redirect_uris: Vec<String>,
    webhook_url: Option<String>,
    webhook_secret: Option<String>,
    form_token: String,
    /// (id, "Name — title") of the members the job-title form offers.
    members: Vec<(String, String)>,
    members_cut: bool,
}

#[derive(Deserialize)]
pub(crate) struct Shown {
    done: Option<String>,
}

/// What a form's redirect back here says (fixed sentences: nothing from the query is shown).
fn notice(done: Option<&str>) -> Option<&'static str> {
    match done? {
        "redirect-uri" => Some("Redirect URI registered."),
        "webhook" => Some("Webhook saved, with a new signing secret below."),
        "webhook-off" => Some("Webhook stopped: no events are sent."),
        "job-title" => Some("Job title saved; the webhook, if set, is on its way."),
        _ => None,
    }
}

/// `GET /`
pub(crate) async fn front_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(shown): Query<Shown>,
) -> Response {
    let credentials = state.credentials();
    let client = state.partner().client().clone();
    let webhook = state.webhook().clone();
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1");
    let page = {
        let roster = state.roster();
        let (members, members_cut) = pickable_members(&roster);
        FrontPage {
            company: roster.company()["name"]
                .as_str()
                .unwrap_or("(unnamed company)")
                .to_string(),
            active: roster.active_count(),
            total: roster.members().len(),
            username: credentials.username.clone(),
            password: credentials.password.clone(),
            totp_secret: credentials.totp_secret.clone(),
            org_head: roster.org_head(),
            notice: notice(shown.done.as_deref()),
            base_url: format!("http://{host}"),
            client_id: client.client_id,
            client_secret: client.client_secret,
            redirect_uris: client.redirect_uris,
            webhook_url: webhook.as_ref().map(|w| w.url.to_string()),
            webhook_secret: webhook.map(|w| w.secret),
            form_token: state.form_token().to_string(),
            members,
            members_cut,
        }
    };
    let html = match page.render() {
        Ok(html) => html,
        Err(error) => {
            tracing::error!(%error, "the sandbox front page did not render");
            return (
                StatusCode::INTERNAL_SERVER_ERROR,
                "The page could not be rendered.",
            )
                .into_response();
        }
    };
    with_page_headers(Html(html).into_response())
}

/// The first [`PICKABLE_MEMBERS`] active members with an id, by name; and whether more
/// were left out.
fn pickable_members(roster: &super::roster::Roster) -> (Vec<(String, String)>, bool) {
    let mut active = roster.members().iter().filter(|m| m.active() == Some(true));
    let mut members: Vec<(String, String)> = active
        .by_ref()
        .take(PICKABLE_MEMBERS)
        .filter_map(|m| {
            let value = m.to_value();
            let id = value["id"].as_str()?.to_string();
            let part = |key| value["name"][key].as_str().unwrap_or("").trim().to_string();
            let name = format!("{} {}", part("given_name"), part("family_name"));
            let name = if name.trim().is_empty() {
                id.clone()
            } else {
                name.trim().to_string()
            };
            let label = match value["job_title"].as_str() {
                Some(title) if !title.trim().is_empty() => format!("{name} — {title}"),
                _ => name,
            };
            Some((id, label))
        })
        .collect();
    members.sort_by(|a, b| a.1.cmp(&b.1));
    (members, active.next().is_some())
}

/// Inline style only; no script, no frames, forms to this server only, and never
/// cached (it shows credentials). `same-origin`, not `no-referrer`: under `no-referrer`
/// a browser sends `Origin: null` with the page's own form posts, and `page_forms`
/// checks the origin.
pub(crate) fn with_page_headers(response: Response) -> Response {
    with_headers(
        response,
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
        "same-origin",
    )
}

/// The headers of every page the sandbox serves: its CSP and referrer policy, never
/// cached, never sniffed.
pub(crate) fn with_headers(
    mut response: Response,
    csp: &'static str,
    referrer: &'static str,
) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(csp),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static(referrer));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_escapes_what_it_shows() {
        let page = FrontPage {
            company: "<script>alert(1)</script> & Co".into(),
            active: 1,
            total: 2,
            username: "a\"b@x.test".into(),
            password: "p<w>".into(),
            totp_secret: "ABCD EFGH".into(),
            org_head: Some("O'Brien <b>".into()),
            notice: None,
            base_url: "http://127.0.0.1:1".into(),
            client_id: "client".into(),
            client_secret: "secret<i>".into(),
            redirect_uris: vec!["http://127.0.0.1:2/cb?a=1&b=<2>".into()],
            webhook_url: None,
            webhook_secret: None,
            form_token: "token".into(),
            members: vec![("m1".into(), "Ana <u>Souza</u>".into())],
            members_cut: false,
        };
        let html = page.render().unwrap();
        assert!(!html.contains("<script>"));
        assert!(!html.contains("<b>"));
        assert!(!html.contains("<i>") && !html.contains("<2>") && !html.contains("<u>"));
        assert!(!html.contains("a\"b@"));
        assert!(html.contains("alert(1)"), "the text itself is shown");
        assert!(html.contains("ABCD EFGH"));
    }
}
