//! `POST /oauth/token` (form-encoded): the authorization-code and refresh-token grants
//! of the Partner API, answered as RFC 6749 §5 says — `Cache-Control: no-store`, errors
//! as `{"error": "invalid_grant"}` and friends.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use data_encoding::BASE64;
use serde_json::json;

use super::AppState;
use super::oauth::{ACCESS_TOKEN_LIFETIME, TokenError, TokenPair};

/// `POST /oauth/token`
pub(crate) async fn token(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match grant(&state, &headers, &body) {
        Ok(pair) => no_store(
            StatusCode::OK,
            json!({
                "access_token": pair.access_token,
                "token_type": "Bearer",
                "expires_in": ACCESS_TOKEN_LIFETIME,
                "refresh_token": pair.refresh_token,
                "scope": pair.scope,
            }),
        ),
        Err(error) => error_response(error),
    }
}

fn grant(state: &AppState, headers: &HeaderMap, body: &[u8]) -> Result<TokenPair, TokenError> {
    let form_encoded = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(';').next().is_some_and(|m| {
                m.trim()
                    .eq_ignore_ascii_case("application/x-www-form-urlencoded")
            })
        });
    if !form_encoded {
        return Err(TokenError::InvalidRequest(
            "the body must be application/x-www-form-urlencoded",
        ));
    }
    let form = Form::parse(body)?;
    let grant_type = form
        .get("grant_type")
        .ok_or(TokenError::InvalidRequest("grant_type is missing"))?;
    let (client_id, client_secret) = client_credentials(headers, &form)?;
    let now = state.unix_now();
    let mut partner = state.partner();
    partner.authenticate(&client_id, &client_secret)?;
    match grant_type {
        "authorization_code" => {
            let required = |key: &'static str| {
                form.get(key).ok_or(TokenError::InvalidRequest(match key {
                    "code" => "code is missing",
                    _ => "redirect_uri is missing",
                }))
            };
            let code = required("code")?;
            let redirect_uri = required("redirect_uri")?;
            // A missing verifier is a wrong one (RFC 7636 §4.6): invalid_grant.
            let verifier = form.get("code_verifier").unwrap_or("");
            partner.exchange_code(code, &client_id, redirect_uri, verifier, now)
        }
        "refresh_token" => {
            let refresh_token = form
                .get("refresh_token")
                .ok_or(TokenError::InvalidRequest("refresh_token is missing"))?;
            partner.refresh(refresh_token, &client_id, now)
        }
        _ => Err(TokenError::UnsupportedGrantType),
    }
}

/// The client's id and secret from HTTP Basic (RFC 6749 §2.3.1) or the form, not both.
fn client_credentials(headers: &HeaderMap, form: &Form) -> Result<(String, String), TokenError> {
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("basic"))
        .map(|(_, encoded)| {
            let decoded = BASE64
                .decode(encoded.trim().as_bytes())
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
                .ok_or(TokenError::InvalidClient)?;
            let (id, secret) = decoded.split_once(':').ok_or(TokenError::InvalidClient)?;
            let unescape = |s: &str| {
                percent_encoding::percent_decode_str(&s.replace('+', " "))
                    .decode_utf8_lossy()
                    .into_owned()
            };
            Ok::<_, TokenError>((unescape(id), unescape(secret)))
        })
        .transpose()?;
    match (basic, form.get("client_id"), form.get("client_secret")) {
        (Some(_), _, Some(_)) => Err(TokenError::InvalidRequest(
            "the client authenticates one way, not with both Basic and client_secret",
        )),
        (Some((id, secret)), form_id, None) => match form_id {
            Some(form_id) if form_id != id => Err(TokenError::InvalidClient),
            _ => Ok((id, secret)),
        },
        (None, Some(id), Some(secret)) => Ok((id.to_string(), secret.to_string())),
        (None, _, _) => Err(TokenError::InvalidClient),
    }
}

/// A form body, each parameter at most once (RFC 6749 §3.2).
struct Form(Vec<(String, String)>);

impl Form {
    fn parse(body: &[u8]) -> Result<Self, TokenError> {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body)
            .map_err(|_| TokenError::InvalidRequest("the body is not form-encoded"))?;
        for (i, (key, _)) in pairs.iter().enumerate() {
            if pairs[..i].iter().any(|(k, _)| k == key) {
                return Err(TokenError::InvalidRequest("a parameter is given twice"));
            }
        }
        Ok(Self(pairs))
    }

    /// A parameter's value; an empty one counts as missing.
    fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, v)| k == key && !v.is_empty())
            .map(|(_, v)| v.as_str())
    }
}

fn error_response(error: TokenError) -> Response {
    let (status, body) = match error {
        TokenError::InvalidRequest(description) => (
            StatusCode::BAD_REQUEST,
            json!({"error": "invalid_request", "error_description": description}),
        ),
        TokenError::InvalidClient => (StatusCode::UNAUTHORIZED, json!({"error": "invalid_client"})),
        TokenError::InvalidGrant => (StatusCode::BAD_REQUEST, json!({"error": "invalid_grant"})),
        TokenError::UnsupportedGrantType => (
            StatusCode::BAD_REQUEST,
            json!({"error": "unsupported_grant_type"}),
        ),
    };
    let mut response = no_store(status, body);
    if error == TokenError::InvalidClient {
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static(r#"Basic realm="Justworks sandbox""#),
        );
    }
    response
}

fn no_store(status: StatusCode, body: serde_json::Value) -> Response {
    let mut response = (status, Json(body)).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    response
}
