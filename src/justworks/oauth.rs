//! The Partner API's way in (docs/justworks.md → *The second way in*): OAuth 2.0
//! authorization code with PKCE (S256), then refresh tokens that rotate.
//!
//! Here: the PKCE pair and `state`, the consent page's address, and the two token grants
//! (`authorization_code`, `refresh_token`) against `{api}/oauth/token`. What is stored
//! and when it is refreshed is the caller's (`apps::justworks::connection`); this module
//! holds no state. Tokens, codes, verifiers and the client secret are [`SecretString`]s
//! and never reach an error or a log line.

use super::auth::{Authenticator, BearerToken};
use super::client::JustworksClient;
use super::error::{JustworksError, Step};
use super::transport::Transport;
use super::wire::ErrorAnswer;
use crate::secrets::SecretString;
use data_encoding::BASE64URL_NOPAD;
use rand::RngCore as _;
use reqwest::{StatusCode, Url};
use sha2::{Digest, Sha256};

/// The scopes orgsync asks for: the company, and each member's details, employment,
/// pay, birthdate and sex.
pub const SCOPES: &str = "company.detail:read member.detail:read member.employment:read \
                          member.pay:read member.dob:read member.sex:read";

/// The client Justworks issued to this company's orgsync (by hand, with the redirect URI
/// registered). `Debug` shows the id only.
#[derive(Clone)]
pub struct OAuthClient {
    pub client_id: String,
    pub client_secret: SecretString,
}

impl std::fmt::Debug for OAuthClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuthClient")
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

/// One authorization attempt: `state` (checked on the way back) and the PKCE verifier
/// (sent with the code), both random, and the challenge sent to the consent page.
pub struct Attempt {
    pub state: String,
    pub verifier: SecretString,
}

impl Attempt {
    pub fn new() -> Self {
        Self {
            state: random_token(24),
            verifier: SecretString::new(random_token(48)),
        }
    }

    /// `BASE64URL(SHA-256(verifier))`, RFC 7636's S256.
    pub fn challenge(&self) -> String {
        challenge_of(self.verifier.expose())
    }
}

impl Default for Attempt {
    fn default() -> Self {
        Self::new()
    }
}

fn challenge_of(verifier: &str) -> String {
    BASE64URL_NOPAD.encode(&Sha256::digest(verifier.as_bytes()))
}

/// `bytes` random bytes, base64url: 24 → 32 characters, 48 → 64 (a verifier must be 43
/// to 128 characters of that alphabet).
fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buf);
    BASE64URL_NOPAD.encode(&buf)
}

/// The consent page's address for `attempt`.
pub fn authorize_url(
    authorize: &str,
    client_id: &str,
    redirect_uri: &str,
    attempt: &Attempt,
) -> Result<Url, JustworksError> {
    let mut url = Url::parse(authorize).map_err(|_| JustworksError::BadBaseUrl {
        reason: "the consent page's address (ORGSYNC_JUSTWORKS_AUTHORIZE_URL) is not a web address",
    })?;
    url.query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", client_id)
        .append_pair("redirect_uri", redirect_uri)
        .append_pair("scope", SCOPES)
        .append_pair("state", &attempt.state)
        .append_pair("code_challenge", &attempt.challenge())
        .append_pair("code_challenge_method", "S256");
    Ok(url)
}

/// What a token grant answers. No `Debug` beyond the scope: it holds the tokens.
pub struct TokenSet {
    pub access_token: SecretString,
    /// The next refresh token; `None` when a refresh answered without one (the one used
    /// is then still good).
    pub refresh_token: Option<SecretString>,
    /// Seconds the access token lives, as Justworks said.
    pub expires_in: i64,
    pub scope: String,
}

impl std::fmt::Debug for TokenSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenSet")
            .field("expires_in", &self.expires_in)
            .field("scope", &self.scope)
            .finish_non_exhaustive()
    }
}

#[derive(serde::Deserialize)]
struct TokenAnswer {
    access_token: String,
    refresh_token: Option<String>,
    #[serde(default)]
    token_type: Option<String>,
    #[serde(default)]
    expires_in: Option<i64>,
    #[serde(default)]
    scope: Option<String>,
}

/// The grant sent to `/oauth/token`.
pub enum Grant<'a> {
    /// The code the consent page sent back, with this attempt's verifier.
    Code {
        code: &'a str,
        redirect_uri: &'a str,
        verifier: &'a SecretString,
    },
    /// The stored refresh token (rotated: the answer carries the next one).
    Refresh { refresh_token: &'a SecretString },
}

/// `POST {api}/oauth/token`: a grant for a new token pair. `invalid_grant` (a used,
/// expired, revoked or wrong code or refresh token) is [`JustworksError::ReconnectNeeded`];
/// `invalid_client` is [`JustworksError::ClientRejected`].
pub(super) async fn request_tokens(
    transport: &Transport,
    token_url: &Url,
    client: &OAuthClient,
    grant: Grant<'_>,
) -> Result<TokenSet, JustworksError> {
    let step = Step::Token;
    let mut form: Vec<(&str, &str)> = vec![
        ("client_id", &client.client_id),
        ("client_secret", client.client_secret.expose()),
    ];
    let refreshing = matches!(grant, Grant::Refresh { .. });
    match &grant {
        Grant::Code {
            code,
            redirect_uri,
            verifier,
        } => {
            form.push(("grant_type", "authorization_code"));
            form.push(("code", code));
            form.push(("redirect_uri", redirect_uri));
            form.push(("code_verifier", verifier.expose()));
        }
        Grant::Refresh { refresh_token } => {
            form.push(("grant_type", "refresh_token"));
            form.push(("refresh_token", refresh_token.expose()));
        }
    }
    let body = zeroize::Zeroizing::new(
        serde_urlencoded::to_string(&form).expect("pairs of strings encode"),
    );
    let answer = transport
        .send(step, || {
            transport
                .http
                .post(token_url.clone())
                .header(
                    reqwest::header::CONTENT_TYPE,
                    "application/x-www-form-urlencoded",
                )
                .header(reqwest::header::ACCEPT, "application/json")
                .body(body.as_bytes().to_vec())
        })
        .await?;
    let code = || ErrorAnswer::code_of(&answer.body);
    match answer.status {
        StatusCode::OK => {
            let tokens: TokenAnswer =
                serde_json::from_slice(&answer.body).map_err(|e| JustworksError::Unreadable {
                    step,
                    detail: format!("{:?} JSON error", e.classify()),
                })?;
            if tokens
                .token_type
                .as_deref()
                .is_some_and(|t| !t.eq_ignore_ascii_case("bearer"))
            {
                return Err(JustworksError::Unreadable {
                    step,
                    detail: "token_type is not Bearer".into(),
                });
            }
            let refresh_token = tokens
                .refresh_token
                .filter(|t| !t.is_empty())
                .map(SecretString::new);
            // Without a refresh token a new connection would die with its access token.
            if refresh_token.is_none() && !refreshing {
                return Err(JustworksError::Unreadable {
                    step,
                    detail: "no refresh_token".into(),
                });
            }
            Ok(TokenSet {
                access_token: SecretString::new(tokens.access_token),
                refresh_token,
                expires_in: tokens.expires_in.unwrap_or(900).clamp(1, 365 * 86_400),
                scope: tokens.scope.unwrap_or_default(),
            })
        }
        StatusCode::BAD_REQUEST if code().as_deref() == Some("invalid_grant") => {
            Err(JustworksError::ReconnectNeeded)
        }
        StatusCode::BAD_REQUEST | StatusCode::UNAUTHORIZED
            if code().as_deref() == Some("invalid_client") =>
        {
            Err(JustworksError::ClientRejected)
        }
        status => Err(JustworksError::UnexpectedStatus {
            base_url: transport.base_display.clone(),
            step,
            status: status.as_u16(),
        }),
    }
}

/// An access token just granted, used as it is (to name the company it opened): a
/// second "expired" is not ridden out.
pub struct JustGranted<'a>(pub &'a SecretString);

#[async_trait::async_trait]
impl Authenticator for JustGranted<'_> {
    async fn token(&self, _: &JustworksClient) -> Result<BearerToken, JustworksError> {
        Ok(BearerToken::new(self.0.clone()))
    }

    async fn renew(&self, _: &JustworksClient) -> Result<BearerToken, JustworksError> {
        Err(JustworksError::TokenRejectedAfterSignIn {
            step: Step::Company,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_s256_challenge_is_rfc_7636s_example() {
        // RFC 7636, appendix B.
        assert_eq!(
            challenge_of("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn each_attempt_has_its_own_long_random_state_and_verifier() {
        let (a, b) = (Attempt::new(), Attempt::new());
        assert_ne!(a.state, b.state);
        assert_ne!(a.verifier.expose(), b.verifier.expose());
        let v = a.verifier.expose();
        assert!((43..=128).contains(&v.len()), "{}", v.len());
        assert!(
            v.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        assert!(a.state.len() >= 32);
    }

    #[test]
    fn the_consent_address_carries_the_client_the_scopes_state_and_challenge() {
        let attempt = Attempt::new();
        let url = authorize_url(
            "https://payroll.justworks.com/oauth/authorize",
            "cid",
            "https://orgsync.example/apps/justworks/oauth/callback",
            &attempt,
        )
        .unwrap();
        let q: std::collections::HashMap<String, String> = url.query_pairs().into_owned().collect();
        assert_eq!(q["response_type"], "code");
        assert_eq!(q["client_id"], "cid");
        assert_eq!(
            q["redirect_uri"],
            "https://orgsync.example/apps/justworks/oauth/callback"
        );
        assert_eq!(q["scope"], SCOPES);
        assert_eq!(q["state"], attempt.state);
        assert_eq!(q["code_challenge"], attempt.challenge());
        assert_eq!(q["code_challenge_method"], "S256");
        assert!(!url.as_str().contains(attempt.verifier.expose()));
    }

    #[test]
    fn debug_never_shows_a_token_or_the_client_secret() {
        let client = OAuthClient {
            client_id: "cid".into(),
            client_secret: SecretString::new("the-client-secret"),
        };
        assert!(!format!("{client:?}").contains("the-client-secret"));
        let tokens = TokenSet {
            access_token: SecretString::new("the-access-token"),
            refresh_token: Some(SecretString::new("the-refresh-token")),
            expires_in: 900,
            scope: SCOPES.into(),
        };
        let shown = format!("{tokens:?}");
        assert!(!shown.contains("the-access-token") && !shown.contains("the-refresh-token"));
    }
}
