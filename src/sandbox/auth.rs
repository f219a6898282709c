//! Signing in as Justworks does: password → MFA challenge → TOTP code → bearer token.
//!
//! [`Authenticator`] holds the rules and takes the time as an argument (unix seconds),
//! so the tests can check skew, replay and expiry at exact instants; the handlers below
//! only parse, call it with the sandbox clock and answer.

use std::collections::{HashMap, HashSet, VecDeque};

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use data_encoding::{BASE64URL_NOPAD, HEXLOWER};
use rand::Rng as _;
use serde::Deserialize;
use serde_json::{Value, json};
use subtle::ConstantTimeEq;

use super::AppState;
use super::error::{ApiError, JsonBody};
use super::totp::TotpKey;

pub(crate) const TOKEN_LIFETIME: u64 = 900;
pub(crate) const CHALLENGE_LIFETIME: u64 = 300;
pub(crate) const MAX_FAILED_LOGINS: usize = 5;
pub(crate) const FAILED_LOGIN_WINDOW: u64 = 60;
/// Wrong codes one challenge takes before it is withdrawn (no guessing a million codes).
const MAX_CODE_ATTEMPTS: u32 = 5;
/// An expired token still answers `token_expired` this long, then is forgotten.
const EXPIRED_TOKEN_MEMORY: u64 = 3_600;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum AuthError {
    #[error("invalid_credentials")]
    InvalidCredentials,
    #[error("rate_limited")]
    RateLimited { retry_after: u64 },
    #[error("invalid_challenge")]
    InvalidChallenge,
    #[error("challenge_expired")]
    ChallengeExpired,
    #[error("invalid_code")]
    InvalidCode,
    #[error("code_already_used")]
    CodeAlreadyUsed,
    #[error("unauthorized")]
    Unauthorized,
    #[error("token_expired")]
    TokenExpired,
    /// A revoked Partner-API token (`POST /sandbox/oauth/revoke`).
    #[error("invalid_token")]
    InvalidToken,
}

impl AuthError {
    pub(crate) fn code(&self) -> &'static str {
        match self {
            Self::InvalidCredentials => "invalid_credentials",
            Self::RateLimited { .. } => "rate_limited",
            Self::InvalidChallenge => "invalid_challenge",
            Self::ChallengeExpired => "challenge_expired",
            Self::InvalidCode => "invalid_code",
            Self::CodeAlreadyUsed => "code_already_used",
            Self::Unauthorized => "unauthorized",
            Self::TokenExpired => "token_expired",
            Self::InvalidToken => "invalid_token",
        }
    }

    pub(crate) fn status(&self) -> StatusCode {
        match self {
            Self::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            _ => StatusCode::UNAUTHORIZED,
        }
    }
}

struct Challenge {
    issued_at: u64,
    wrong_codes: u32,
}

/// The service user's sign-in state: challenges, used codes, tokens, failed logins.
pub(crate) struct Authenticator {
    username: String,
    password: String,
    totp: TotpKey,
    challenges: HashMap<String, Challenge>,
    /// Time steps whose code has been used (one user, so the step alone is the key).
    used_steps: HashSet<u64>,
    /// Token → the instant it expires.
    tokens: HashMap<String, u64>,
    /// Lower-cased username → instants of its recent failed logins.
    failures: HashMap<String, VecDeque<u64>>,
}

impl Authenticator {
    pub(crate) fn new(username: &str, password: &str, totp_key: &[u8]) -> Self {
        Self {
            username: username.to_string(),
            password: password.to_string(),
            totp: TotpKey::new(totp_key),
            challenges: HashMap::new(),
            used_steps: HashSet::new(),
            tokens: HashMap::new(),
            failures: HashMap::new(),
        }
    }

    /// Step 1: the password. Returns a challenge id.
    pub(crate) fn login(
        &mut self,
        username: &str,
        password: &str,
        now: u64,
    ) -> Result<String, AuthError> {
        let key = username.trim().to_lowercase();
        let failures = self.failures.entry(key.clone()).or_default();
        while failures
            .front()
            .is_some_and(|&t| t + FAILED_LOGIN_WINDOW <= now)
        {
            failures.pop_front();
        }
        if failures.len() >= MAX_FAILED_LOGINS {
            let oldest = failures[failures.len() - MAX_FAILED_LOGINS];
            return Err(AuthError::RateLimited {
                retry_after: (oldest + FAILED_LOGIN_WINDOW).saturating_sub(now).max(1),
            });
        }
        let user_ok = key == self.username.to_lowercase();
        let password_ok: bool = password.as_bytes().ct_eq(self.password.as_bytes()).into();
        if !(user_ok && password_ok) {
            failures.push_back(now);
            return Err(AuthError::InvalidCredentials);
        }
        if failures.is_empty() {
            self.failures.remove(&key);
        }
        self.forget_old(now);
        let id = format!("chl_{}", HEXLOWER.encode(&rand::rng().random::<[u8; 16]>()));
        self.challenges.insert(
            id.clone(),
            Challenge {
                issued_at: now,
                wrong_codes: 0,
            },
        );
        Ok(id)
    }

    /// Step 2: the TOTP code. Returns a bearer token valid for [`TOKEN_LIFETIME`].
    pub(crate) fn verify(
        &mut self,
        challenge_id: &str,
        code: &str,
        now: u64,
    ) -> Result<String, AuthError> {
        let challenge = self
            .challenges
            .get_mut(challenge_id)
            .ok_or(AuthError::InvalidChallenge)?;
        if now >= challenge.issued_at + CHALLENGE_LIFETIME {
            return Err(AuthError::ChallengeExpired);
        }
        let steps = self.totp.matching_steps(code.trim(), now);
        if steps.is_empty() {
            challenge.wrong_codes += 1;
            if challenge.wrong_codes >= MAX_CODE_ATTEMPTS {
                self.challenges.remove(challenge_id);
            }
            return Err(AuthError::InvalidCode);
        }
        let Some(step) = steps.into_iter().find(|s| !self.used_steps.contains(s)) else {
            return Err(AuthError::CodeAlreadyUsed);
        };
        self.used_steps.insert(step);
        self.challenges.remove(challenge_id);
        let token = BASE64URL_NOPAD.encode(&rand::rng().random::<[u8; 32]>());
        self.tokens.insert(token.clone(), now + TOKEN_LIFETIME);
        Ok(token)
    }

    /// A data call's bearer token.
    pub(crate) fn check(&self, token: &str, now: u64) -> Result<(), AuthError> {
        match self.tokens.get(token) {
            None => Err(AuthError::Unauthorized),
            Some(&expires_at) if now >= expires_at => Err(AuthError::TokenExpired),
            Some(_) => Ok(()),
        }
    }

    /// The `expire_tokens` fault: every token issued so far is expired from now on.
    pub(crate) fn expire_all_tokens(&mut self, now: u64) {
        for expires_at in self.tokens.values_mut() {
            *expires_at = (*expires_at).min(now);
        }
    }

    /// Lets every code be used again, as if a new time step had begun (in-process tests).
    pub(crate) fn forget_used_codes(&mut self) {
        self.used_steps.clear();
    }

    /// Keeps the maps small on a sandbox that runs for months.
    fn forget_old(&mut self, now: u64) {
        let current_step = now / super::totp::STEP_SECONDS;
        self.used_steps
            .retain(|&s| s + 2 * super::totp::SKEW_STEPS >= current_step);
        self.challenges
            .retain(|_, c| c.issued_at + CHALLENGE_LIFETIME + EXPIRED_TOKEN_MEMORY > now);
        self.tokens
            .retain(|_, &mut e| e + EXPIRED_TOKEN_MEMORY > now);
        self.failures
            .retain(|_, f| f.back().is_some_and(|&t| t + FAILED_LOGIN_WINDOW > now));
    }
}

#[derive(Deserialize)]
pub(crate) struct LoginRequest {
    username: String,
    password: String,
}

/// `POST /v1/auth/login`
pub(crate) async fn login(
    State(state): State<AppState>,
    JsonBody(request): JsonBody<LoginRequest>,
) -> Result<Json<Value>, ApiError> {
    let now = state.unix_now();
    let challenge_id = state
        .auth()
        .login(&request.username, &request.password, now)?;
    Ok(Json(
        json!({ "mfa_required": true, "challenge_id": challenge_id }),
    ))
}

#[derive(Deserialize)]
pub(crate) struct MfaRequest {
    challenge_id: String,
    code: String,
}

/// `POST /v1/auth/mfa`
pub(crate) async fn mfa(
    State(state): State<AppState>,
    JsonBody(request): JsonBody<MfaRequest>,
) -> Result<Json<Value>, ApiError> {
    let now = state.unix_now();
    let token = state
        .auth()
        .verify(&request.challenge_id, &request.code, now)?;
    Ok(Json(json!({
        "access_token": token,
        "token_type": "Bearer",
        "expires_in": TOKEN_LIFETIME,
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &[u8; 20] = b"12345678901234567890";
    const NOW: u64 = 1_800_000_010;

    fn authenticator() -> Authenticator {
        Authenticator::new("svc@acme.test", "correct horse", KEY)
    }

    fn code_at(at: u64) -> String {
        TotpKey::new(KEY).code_at(at)
    }

    #[test]
    fn a_code_signs_in_once_and_its_replay_is_refused() {
        let mut auth = authenticator();
        let challenge = auth.login("svc@acme.test", "correct horse", NOW).unwrap();
        let token = auth.verify(&challenge, &code_at(NOW), NOW).unwrap();
        assert_eq!(auth.check(&token, NOW + 1), Ok(()));

        let again = auth
            .login("svc@acme.test", "correct horse", NOW + 5)
            .unwrap();
        assert_eq!(
            auth.verify(&again, &code_at(NOW), NOW + 5),
            Err(AuthError::CodeAlreadyUsed)
        );
        // The challenge survives a used code: the client may wait a step and try once more.
        assert!(auth.verify(&again, &code_at(NOW + 30), NOW + 30).is_ok());
    }

    #[test]
    fn codes_one_step_away_are_accepted_and_two_steps_away_refused() {
        for (offset, accepted) in [
            (-60i64, false),
            (-30, true),
            (0, true),
            (30, true),
            (60, false),
            (90, false),
        ] {
            let mut auth = authenticator();
            let challenge = auth.login("svc@acme.test", "correct horse", NOW).unwrap();
            let code = code_at((NOW as i64 + offset) as u64);
            let result = auth.verify(&challenge, &code, NOW);
            assert_eq!(result.is_ok(), accepted, "offset {offset}: {result:?}");
            if !accepted {
                assert_eq!(result, Err(AuthError::InvalidCode));
            }
        }
    }

    #[test]
    fn a_challenge_expires_after_five_minutes() {
        let mut auth = authenticator();
        let challenge = auth.login("svc@acme.test", "correct horse", NOW).unwrap();
        let later = NOW + CHALLENGE_LIFETIME;
        assert_eq!(
            auth.verify(&challenge, &code_at(later), later),
            Err(AuthError::ChallengeExpired)
        );
        assert_eq!(
            auth.verify("chl_unknown", &code_at(NOW), NOW),
            Err(AuthError::InvalidChallenge)
        );
    }

    #[test]
    fn a_token_expires_after_fifteen_minutes_and_an_unknown_one_is_unauthorized() {
        let mut auth = authenticator();
        let challenge = auth.login("svc@acme.test", "correct horse", NOW).unwrap();
        let token = auth.verify(&challenge, &code_at(NOW), NOW).unwrap();
        assert_eq!(auth.check(&token, NOW + TOKEN_LIFETIME - 1), Ok(()));
        assert_eq!(
            auth.check(&token, NOW + TOKEN_LIFETIME),
            Err(AuthError::TokenExpired)
        );
        assert_eq!(auth.check("made-up", NOW), Err(AuthError::Unauthorized));
    }

    #[test]
    fn expiring_all_tokens_expires_those_issued_so_far() {
        let mut auth = authenticator();
        let challenge = auth.login("svc@acme.test", "correct horse", NOW).unwrap();
        let token = auth.verify(&challenge, &code_at(NOW), NOW).unwrap();
        auth.expire_all_tokens(NOW + 1);
        assert_eq!(auth.check(&token, NOW + 1), Err(AuthError::TokenExpired));
    }

    #[test]
    fn five_failed_logins_in_a_minute_lock_the_username_until_the_minute_is_over() {
        let mut auth = authenticator();
        for i in 0..5 {
            assert_eq!(
                auth.login("SVC@acme.test", "wrong", NOW + i),
                Err(AuthError::InvalidCredentials)
            );
        }
        // Locked even with the right password; the lock lifts when the first failure ages out.
        assert_eq!(
            auth.login("svc@acme.test", "correct horse", NOW + 10),
            Err(AuthError::RateLimited { retry_after: 50 })
        );
        assert!(
            auth.login("svc@acme.test", "correct horse", NOW + 60)
                .is_ok()
        );
        // Other usernames are not affected.
        assert_eq!(
            auth.login("other@acme.test", "x", NOW + 10),
            Err(AuthError::InvalidCredentials)
        );
    }

    #[test]
    fn failures_spread_over_more_than_a_minute_do_not_lock() {
        let mut auth = authenticator();
        for i in 0..10 {
            assert_eq!(
                auth.login("svc@acme.test", "wrong", NOW + i * 15),
                Err(AuthError::InvalidCredentials)
            );
        }
    }

    #[test]
    fn five_wrong_codes_withdraw_the_challenge() {
        let mut auth = authenticator();
        let challenge = auth.login("svc@acme.test", "correct horse", NOW).unwrap();
        let wrong = code_at(NOW + 300);
        for _ in 0..MAX_CODE_ATTEMPTS {
            assert_eq!(
                auth.verify(&challenge, &wrong, NOW),
                Err(AuthError::InvalidCode)
            );
        }
        assert_eq!(
            auth.verify(&challenge, &code_at(NOW), NOW),
            Err(AuthError::InvalidChallenge)
        );
    }
}
