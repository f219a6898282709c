//! `GET/POST /oauth/authorize`: the consent page a person sees when orgsync connects
//! through the Partner API, and what Allow and Deny do.
//!
//! Every request is checked in full on the GET and again on the POST (the hidden fields
//! are only what the browser sends back). A request that cannot be trusted with a
//! redirect — unknown client, unregistered redirect URI — and every other malformed one
//! is answered on the sandbox's own error page, never redirected.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use super::AppState;
use super::oauth::{AuthorizeRequest, PartnerAuth, SCOPES, is_s256_challenge};

/// The one app the sandbox's client stands for.
const APP_NAME: &str = "orgsync";
/// A longer parameter is refused, not cut.
const MAX_PARAMETER: usize = 2_000;

#[derive(Template)]
#[template(
    ext = "html",
    source = r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{% if error.is_some() %}Authorization error{% else %}Allow {{ app }}?{% endif %} — Justworks sandbox</title>
<style>
body { font-family: system-ui, sans-serif; margin: 0; padding: 0 .75rem; background: #f6f7f9;
       color: #1d2330; }
main { max-width: 30rem; margin: 2rem auto; padding: 1.25rem; background: #fff;
       border: 1px solid #d8dce3; border-radius: 8px; }
.sandbox { color: #7a5a00; font-size: .85rem; }
ul { padding-left: 1.2rem; } li { margin: .35rem 0; }
code { background: #eef1f5; padding: .05rem .3rem; border-radius: 4px; word-break: break-all; }
.actions { display: flex; gap: .75rem; flex-wrap: wrap; }
.actions form { margin: 0; }
button { font: inherit; padding: .55rem 1.4rem; border-radius: 6px; border: 1px solid #8a93a6;
         background: #fff; cursor: pointer; }
button.allow { background: #1f5fd6; border-color: #1f5fd6; color: #fff; }
</style>
</head>
<body>
<main>
<p class="sandbox">Justworks sandbox — generated data</p>
{% if let Some(message) = error %}
<h1>This authorization request cannot go on</h1>
<p>{{ message }}</p>
<p>Nothing was sent back to the application. Start connecting again from the application.</p>
{% else %}
<h1>Allow {{ app }} to read your Justworks data?</h1>
<p><strong>{{ app }}</strong> asks for:</p>
<ul>
{% for (scope, meaning) in scopes %}  <li><code>{{ scope }}</code> — {{ meaning }}</li>
{% endfor %}</ul>
<p>After you choose, you go back to <code>{{ redirect_uri }}</code>.</p>
<div class="actions">
<form method="post" action="/oauth/authorize">
{% for (name, value) in fields %}<input type="hidden" name="{{ name }}" value="{{ value }}">
{% endfor %}<button type="submit" name="decision" value="allow" class="allow">Allow</button>
</form>
<form method="post" action="/oauth/authorize">
{% for (name, value) in fields %}<input type="hidden" name="{{ name }}" value="{{ value }}">
{% endfor %}<button type="submit" name="decision" value="deny">Deny</button>
</form>
</div>
{% endif %}
</main>
</body>
</html>
"#
)]
struct ConsentPage {
    app: &'static str,
    error: Option<String>,
    scopes: Vec<(String, &'static str)>,
    redirect_uri: String,
    fields: Vec<(&'static str, String)>,
}

/// `GET /oauth/authorize`
pub(crate) async fn consent_page(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Response {
    let checked =
        Parameters::parse(query.as_deref().unwrap_or("")).and_then(|p| p.check(&state.partner()));
    match checked {
        Err(message) => error_page(message),
        Ok(request) => {
            let scopes = request
                .scope
                .split(' ')
                .map(|s| (s.to_string(), meaning(s)))
                .collect();
            let mut fields = vec![
                ("response_type", "code".to_string()),
                ("client_id", request.client_id.clone()),
                ("redirect_uri", request.redirect_uri.clone()),
                ("scope", request.scope.clone()),
                ("code_challenge", request.code_challenge.clone()),
                ("code_challenge_method", "S256".to_string()),
            ];
            if let Some(state) = &request.state {
                fields.push(("state", state.clone()));
            }
            render(
                StatusCode::OK,
                &ConsentPage {
                    app: APP_NAME,
                    error: None,
                    scopes,
                    redirect_uri: request.redirect_uri,
                    fields,
                },
            )
        }
    }
}

/// `POST /oauth/authorize`: Allow → a code, Deny → `access_denied`, both with `state`.
pub(crate) async fn decide(State(state): State<AppState>, body: Bytes) -> Response {
    let Ok(body) = std::str::from_utf8(&body) else {
        return error_page("The form did not arrive as text.".into());
    };
    let parameters = match Parameters::parse(body) {
        Ok(p) => p,
        Err(message) => return error_page(message),
    };
    let decision = parameters.get("decision").map(str::to_string);
    let now = state.unix_now();
    let mut partner = state.partner();
    let request = match parameters.check(&partner) {
        Ok(request) => request,
        Err(message) => return error_page(message),
    };
    let answer: Vec<(&str, String)> = match decision.as_deref() {
        Some("allow") => vec![("code", partner.issue_code(&request, now))],
        Some("deny") => vec![("error", "access_denied".to_string())],
        _ => return error_page("Choose Allow or Deny.".into()),
    };
    drop(partner);
    let mut location = url::Url::parse(&request.redirect_uri).expect("registered URIs parse");
    {
        let mut query = location.query_pairs_mut();
        for (key, value) in &answer {
            query.append_pair(key, value);
        }
        if let Some(state) = &request.state {
            query.append_pair("state", state);
        }
    }
    let mut response = StatusCode::FOUND.into_response();
    match HeaderValue::from_str(location.as_str()) {
        Ok(value) => {
            response.headers_mut().insert(header::LOCATION, value);
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        Err(_) => error_page("The redirect URI cannot be sent back to the browser.".into()),
    }
}

/// The query or form, each parameter at most once (RFC 6749 §3.1).
struct Parameters(Vec<(String, String)>);

impl Parameters {
    fn parse(encoded: &str) -> Result<Self, String> {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(encoded)
            .map_err(|_| "The request's parameters are not URL-encoded.".to_string())?;
        for (i, (key, value)) in pairs.iter().enumerate() {
            if pairs[..i].iter().any(|(k, _)| k == key) {
                return Err(format!("The parameter {key} is given more than once."));
            }
            if value.len() > MAX_PARAMETER {
                return Err(format!("The parameter {key} is too long."));
            }
        }
        Ok(Self(pairs))
    }

    fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Every rule of the request, in the order RFC 6749 §4.1.2.1 suggests: the client and
    /// its redirect URI first, since nothing may be redirected before they are known.
    fn check(&self, partner: &PartnerAuth) -> Result<AuthorizeRequest, String> {
        let client_id = self.get("client_id").unwrap_or("");
        if !partner.is_client(client_id) {
            return Err("The application (client_id) is not known to Justworks.".into());
        }
        let redirect_uri = self
            .get("redirect_uri")
            .ok_or("The request names no redirect_uri.")?;
        if !partner.is_registered(redirect_uri) {
            return Err(format!(
                "The redirect URI {redirect_uri} is not registered for this application."
            ));
        }
        if self.get("response_type") != Some("code") {
            return Err("Only response_type=code is supported.".into());
        }
        let challenge = self
            .get("code_challenge")
            .ok_or("The request has no PKCE code_challenge.")?;
        if self.get("code_challenge_method") != Some("S256") {
            return Err("Only the S256 code_challenge_method is supported.".into());
        }
        if !is_s256_challenge(challenge) {
            return Err("The code_challenge is not a base64url SHA-256.".into());
        }
        let scope = match self.get("scope").map(str::trim) {
            None | Some("") => SCOPES.iter().map(|(s, _)| *s).collect::<Vec<_>>().join(" "),
            Some(scope) => {
                let requested: Vec<&str> = scope.split_ascii_whitespace().collect();
                if let Some(unknown) = requested
                    .iter()
                    .find(|s| !SCOPES.iter().any(|(k, _)| k == *s))
                {
                    return Err(format!("The scope {unknown} is not known."));
                }
                requested.join(" ")
            }
        };
        Ok(AuthorizeRequest {
            client_id: client_id.to_string(),
            redirect_uri: redirect_uri.to_string(),
            scope,
            state: self.get("state").map(str::to_string),
            code_challenge: challenge.to_string(),
        })
    }
}

fn meaning(scope: &str) -> &'static str {
    SCOPES
        .iter()
        .find(|(s, _)| *s == scope)
        .map_or("", |(_, meaning)| meaning)
}

fn error_page(message: String) -> Response {
    let page = ConsentPage {
        app: APP_NAME,
        error: Some(message),
        scopes: Vec::new(),
        redirect_uri: String::new(),
        fields: Vec::new(),
    };
    render(StatusCode::BAD_REQUEST, &page)
}

fn render(status: StatusCode, page: &ConsentPage) -> Response {
    let html = match page.render() {
        Ok(html) => html,
        Err(error) => {
            tracing::error!(%error, "the sandbox consent page did not render");
            return (
                StatusCode::INTERNAL_SERVER_ERROR,
                "The page could not be rendered.",
            )
                .into_response();
        }
    };
    // No script and never framed (a framed Allow button invites clickjacking). No
    // form-action: Allow's redirect to the application must not be blocked.
    super::page::with_headers(
        (status, Html(html)).into_response(),
        "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
        "no-referrer",
    )
}
