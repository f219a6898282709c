//! The front page (`GET /`): what this server is and the credentials to paste into
//! orgsync. It shows the same values as `/sandbox/credentials` — generated data for a
//! generated company — and askama escapes every one of them.

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use super::AppState;

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
dl { display: grid; grid-template-columns: max-content 1fr; gap: .6rem 1rem; background: #fff;
     border: 1px solid #d8dce3; border-radius: 6px; padding: 1rem; }
dt { font-weight: 600; }
dd { margin: 0; }
code { font-size: 1.05rem; background: #eef1f5; padding: .1rem .35rem; border-radius: 4px;
       user-select: all; word-break: break-all; }
.hint { color: #5a6275; font-size: .9rem; }
</style>
</head>
<body>
<main>
<h1>orgsync Justworks sandbox</h1>
<p class="banner">This server imitates Justworks with <strong>generated data</strong>: none of
these people exist. It is for trying orgsync out and for its tests.</p>

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
}

/// `GET /`
pub(crate) async fn front_page(State(state): State<AppState>) -> Response {
    let credentials = state.credentials();
    let page = {
        let roster = state.roster();
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
    let mut response = Html(html).into_response();
    let headers = response.headers_mut();
    // Inline style only; no script, no frames, and never cached (it shows credentials).
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
        ),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
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
        };
        let html = page.render().unwrap();
        assert!(!html.contains("<script>"));
        assert!(!html.contains("<b>"));
        assert!(!html.contains("a\"b@"));
        assert!(html.contains("alert(1)"), "the text itself is shown");
        assert!(html.contains("ABCD EFGH"));
    }
}
