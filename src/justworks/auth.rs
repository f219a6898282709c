//! Signing in to Justworks: username and password, then a 2FA code computed from the
//! stored seed, for a bearer token.
//!
//! Codes are single-use per 30-second step: on `code_already_used` the client waits for
//! the next step and signs in exactly once more; a second refusal is an error, never a
//! loop.

use super::client::JustworksClient;
use super::error::{JustworksError, Step};
use super::seed::TotpSeed;
use super::totp::{justworks_code, next_step_start, now_unix};
use super::transport::Transport;
use super::wire::{ErrorAnswer, LoginAnswer, MfaAnswer};
use crate::clock::{Clock, SystemClock};
use crate::secrets::SecretString;
use reqwest::StatusCode;
use std::time::Duration;

/// What orgsync signs in to Justworks with: typed on the settings page or read from the
/// stored (encrypted) secrets. `Debug` shows the username only.
#[derive(Clone)]
pub struct Credentials {
    pub username: String,
    pub password: SecretString,
    pub seed: TotpSeed,
}

impl Credentials {
    pub fn new(username: impl Into<String>, password: SecretString, seed: TotpSeed) -> Self {
        Self {
            username: username.into(),
            password,
            seed,
        }
    }
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

/// A bearer token. No `Debug` beyond a placeholder, no `Display`.
pub struct BearerToken(SecretString);

impl BearerToken {
    pub fn new(token: SecretString) -> Self {
        Self(token)
    }

    pub fn expose(&self) -> &str {
        self.0.expose()
    }
}

/// Where a conversation's bearer token comes from: the service user signing in
/// ([`Credentials`]), or the Partner API's stored tokens, refreshed as they expire
/// (`apps::justworks::connection`). The client asks for a token once, and for a new
/// one at most once when Justworks says it expired.
#[async_trait::async_trait]
pub trait Authenticator: Send + Sync {
    /// A token to begin with.
    async fn token(&self, client: &JustworksClient) -> Result<BearerToken, JustworksError>;
    /// Justworks said the token expired: a new one.
    async fn renew(&self, client: &JustworksClient) -> Result<BearerToken, JustworksError>;
    /// Who orgsync is to Justworks, for *Test connection*'s sentence (the service
    /// user's username).
    fn who(&self) -> Option<&str> {
        None
    }
    /// Whether a token refused for another reason than expiry is worth renewing once: a
    /// revoked OAuth token is, since only the refresh can tell "revoked" (reconnect)
    /// from "not allowed" (a permission).
    fn renews_refused_tokens(&self) -> bool {
        false
    }
}

#[async_trait::async_trait]
impl Authenticator for Credentials {
    async fn token(&self, client: &JustworksClient) -> Result<BearerToken, JustworksError> {
        client.sign_in(self).await
    }

    async fn renew(&self, client: &JustworksClient) -> Result<BearerToken, JustworksError> {
        client.sign_in(self).await
    }

    fn who(&self) -> Option<&str> {
        Some(&self.username)
    }
}

impl std::fmt::Debug for BearerToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BearerToken([redacted])")
    }
}

#[derive(serde::Serialize)]
struct MfaBody<'a> {
    challenge_id: &'a str,
    code: &'a str,
}

/// How a 2FA answer went.
enum MfaOutcome {
    Token(BearerToken),
    AlreadyUsed,
}

/// Signs in: login → 2FA → bearer token.
pub async fn sign_in(
    transport: &Transport,
    login_url: &reqwest::Url,
    mfa_url: &reqwest::Url,
    creds: &Credentials,
) -> Result<BearerToken, JustworksError> {
    let mut retried_used_code = false;
    loop {
        let challenge = login(transport, login_url, creds).await?;
        let now = now_unix();
        let code = justworks_code(&creds.seed, now).map_err(|_| JustworksError::InvalidCode)?;
        let body = zeroize::Zeroizing::new(
            serde_json::to_vec(&MfaBody {
                challenge_id: &challenge,
                code: code.expose(),
            })
            .expect("a JSON object serializes"),
        );
        let answer = transport
            .send(Step::TwoFactor, || {
                transport
                    .http
                    .post(mfa_url.clone())
                    .header(reqwest::header::CONTENT_TYPE, "application/json")
                    .body(body.to_vec())
            })
            .await?;
        match read_mfa(answer.status, &answer.body, &transport.base_display)? {
            MfaOutcome::Token(token) => return Ok(token),
            MfaOutcome::AlreadyUsed if !retried_used_code => {
                tracing::warn!(
                    step = %Step::TwoFactor,
                    "Justworks says this 2FA code was already used; waiting for the next one"
                );
                retried_used_code = true;
                wait_for_next_step(now).await;
            }
            MfaOutcome::AlreadyUsed => return Err(JustworksError::CodeAlreadyUsed),
        }
    }
}

/// `POST /v1/auth/login`; returns the challenge id.
async fn login(
    transport: &Transport,
    url: &reqwest::Url,
    creds: &Credentials,
) -> Result<String, JustworksError> {
    #[derive(serde::Serialize)]
    struct LoginBody<'a> {
        username: &'a str,
        password: &'a str,
    }
    let body = LoginBody {
        username: &creds.username,
        password: creds.password.expose(),
    };
    let body =
        zeroize::Zeroizing::new(serde_json::to_vec(&body).expect("a JSON object serializes"));
    let answer = transport
        .send(Step::Login, || {
            transport
                .http
                .post(url.clone())
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body.to_vec())
        })
        .await?;
    match answer.status {
        StatusCode::OK => match serde_json::from_slice::<LoginAnswer>(&answer.body) {
            Ok(LoginAnswer {
                mfa_required: true,
                challenge_id: Some(id),
            }) if !id.is_empty() => Ok(id),
            _ => Err(JustworksError::Unreadable {
                step: Step::Login,
                detail: "the sign-in answer has no 2FA challenge".into(),
            }),
        },
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => Err(JustworksError::InvalidCredentials),
        status => Err(JustworksError::UnexpectedStatus {
            base_url: transport.base_display.clone(),
            step: Step::Login,
            status: status.as_u16(),
        }),
    }
}

fn read_mfa(status: StatusCode, body: &[u8], base: &str) -> Result<MfaOutcome, JustworksError> {
    match status {
        StatusCode::OK => match serde_json::from_slice::<MfaAnswer>(body) {
            // A token that could not travel in a header is as unreadable as no token.
            Ok(a)
                if !a.access_token.is_empty()
                    && a.access_token.chars().all(|c| c.is_ascii_graphic())
                    && a.token_type
                        .as_deref()
                        .is_none_or(|t| t.eq_ignore_ascii_case("bearer")) =>
            {
                Ok(MfaOutcome::Token(BearerToken(SecretString::new(
                    a.access_token,
                ))))
            }
            _ => Err(JustworksError::Unreadable {
                step: Step::TwoFactor,
                detail: "the 2FA answer has no bearer token".into(),
            }),
        },
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => {
            match ErrorAnswer::code_of(body).as_deref() {
                Some("code_already_used") => Ok(MfaOutcome::AlreadyUsed),
                Some("challenge_expired") => Err(JustworksError::ChallengeExpired),
                _ => Err(JustworksError::InvalidCode),
            }
        }
        status => Err(JustworksError::UnexpectedStatus {
            base_url: base.to_owned(),
            step: Step::TwoFactor,
            status: status.as_u16(),
        }),
    }
}

/// Sleeps until just after the step following the one `now` falls in has begun.
async fn wait_for_next_step(now: u64) {
    let target_ms = i64::try_from(next_step_start(now)).unwrap_or(i64::MAX / 1000) * 1000;
    let remaining =
        Duration::from_millis(u64::try_from(target_ms - SystemClock.now_ms()).unwrap_or(0));
    // A little past the boundary, so both clocks agree the new step has started.
    tokio::time::sleep(remaining + Duration::from_millis(250)).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creds() -> Credentials {
        Credentials::new(
            "chart.hop@acme.test",
            SecretString::new("correct horse battery staple"),
            TotpSeed::parse("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP").unwrap(),
        )
    }

    #[test]
    fn credentials_debug_shows_the_username_only() {
        let shown = format!("{:?}", creds());
        assert!(shown.contains("chart.hop@acme.test"));
        assert!(!shown.contains("correct horse"));
        assert!(!shown.contains("JBSWY3DP"));
    }

    #[test]
    fn a_token_never_shows_in_debug_output() {
        let t = BearerToken(SecretString::new("tok_abcdef"));
        assert!(!format!("{t:?}").contains("tok_abcdef"));
    }

    #[test]
    fn the_2fa_answers_map_to_their_sentences() {
        let base = "http://x";
        let refused = |body: &str| read_mfa(StatusCode::UNAUTHORIZED, body.as_bytes(), base);
        assert!(matches!(
            refused(r#"{"error":"invalid_code"}"#),
            Err(JustworksError::InvalidCode)
        ));
        assert!(matches!(
            refused(r#"{"error":"code_already_used"}"#),
            Ok(MfaOutcome::AlreadyUsed)
        ));
        assert!(matches!(
            refused(r#"{"error":"challenge_expired"}"#),
            Err(JustworksError::ChallengeExpired)
        ));
        assert!(matches!(
            read_mfa(StatusCode::OK, br#"{"access_token":"a b\nc"}"#, base),
            Err(JustworksError::Unreadable { .. })
        ));
        assert!(matches!(
            read_mfa(
                StatusCode::OK,
                br#"{"access_token":"tok_1","token_type":"Bearer"}"#,
                base
            ),
            Ok(MfaOutcome::Token(_))
        ));
        assert!(matches!(
            read_mfa(StatusCode::OK, br#"{"token_type":"Bearer"}"#, base),
            Err(JustworksError::Unreadable {
                step: Step::TwoFactor,
                ..
            })
        ));
    }
}
