//! The bearer token of a data call: the service user's (password + TOTP) or a Partner
//! API access token (OAuth). Which one it was decides what a member carries — the
//! Partner API serves neither `gender` nor `eeo1_race`.

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;

use super::AppState;
use super::auth::AuthError;
use super::error::ApiError;
use super::oauth::BearerError;

/// A data call that carried a valid bearer token. Put it in a handler's arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Authorized {
    /// Signed in with the service user's password and TOTP code.
    ServiceUser,
    /// An OAuth access token of the Partner API.
    Partner,
}

impl FromRequestParts<AppState> for Authorized {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                let (scheme, token) = v.trim().split_once(' ')?;
                scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
            })
            .ok_or(AuthError::Unauthorized)?;
        let now = state.unix_now();
        match state.auth().check(token, now) {
            Ok(()) => return Ok(Self::ServiceUser),
            Err(AuthError::Unauthorized) => {}
            Err(other) => return Err(other.into()),
        }
        match state.partner().check(token, now) {
            Ok(()) => Ok(Self::Partner),
            Err(BearerError::Expired) => Err(AuthError::TokenExpired.into()),
            Err(BearerError::Revoked) => Err(AuthError::InvalidToken.into()),
            Err(BearerError::Unknown) => Err(AuthError::Unauthorized.into()),
        }
    }
}
