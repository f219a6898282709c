//! CSRF tokens bound to the session: every form carries the session's token in a hidden
//! `csrf_token` field and every state-changing request is checked against it (see
//! `web::guard`). A token is random, 256 bits, and lives as long as the session — a new
//! session (sign-in renews it) means a new token.

use data_encoding::BASE64URL_NOPAD;
use rand::RngCore;
use subtle::ConstantTimeEq;
use tower_sessions::Session;

pub const FIELD: &str = "csrf_token";
pub const HEADER: &str = "x-csrf-token";
const KEY: &str = "csrf_token";

/// The session's token, made on first use.
pub async fn token(session: &Session) -> Result<String, tower_sessions::session::Error> {
    if let Some(token) = session.get::<String>(KEY).await? {
        return Ok(token);
    }
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token = BASE64URL_NOPAD.encode(&bytes);
    session.insert(KEY, &token).await?;
    Ok(token)
}

/// Whether `presented` is this session's token (constant-time comparison).
pub async fn matches(
    session: &Session,
    presented: &str,
) -> Result<bool, tower_sessions::session::Error> {
    let Some(expected) = session.get::<String>(KEY).await? else {
        return Ok(false);
    };
    Ok(!presented.is_empty() && bool::from(expected.as_bytes().ct_eq(presented.as_bytes())))
}
