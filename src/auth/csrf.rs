//! CSRF tokens: every form carries a token in a hidden `csrf_token` field and every
//! state-changing request is checked against it (see `web::guard`). A token is random,
//! 256 bits.
//!
//! A signed-in session keeps its token in the session (sign-in renews it). A visitor who
//! is not signed in has no session row — reading the sign-in page must not fill the
//! sessions table — so the token of their forms (sign-in, setup, an invitation) lives in
//! an `HttpOnly` cookie of its own instead, and is accepted only while no one is signed
//! in on that browser's session.

use super::session_store::USER_ID_KEY;
use data_encoding::BASE64URL_NOPAD;
use rand::RngCore;
use subtle::ConstantTimeEq;
use tower_cookies::Cookies;
use tower_cookies::cookie::{Cookie, SameSite};
use tower_sessions::Session;

pub const FIELD: &str = "csrf_token";
pub const HEADER: &str = "x-csrf-token";
const KEY: &str = "csrf_token";
/// The cookie holding the token of a visitor who is not signed in.
pub const PRE_SESSION_COOKIE: &str = "orgsync_csrf";

fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    BASE64URL_NOPAD.encode(&bytes)
}

/// The session's token, made on first use.
pub async fn token(session: &Session) -> Result<String, tower_sessions::session::Error> {
    if let Some(token) = session.get::<String>(KEY).await? {
        return Ok(token);
    }
    let token = new_token();
    session.insert(KEY, &token).await?;
    Ok(token)
}

/// The token for the forms of a visitor who is not signed in: their pre-session
/// cookie's, set here on first use (`HttpOnly`, `SameSite=Lax`, `Path=/`, `Secure`
/// when `secure`, gone when the browser closes). Nothing is stored on the server.
pub fn pre_session_token(cookies: &Cookies, secure: bool) -> String {
    if let Some(token) = cookies
        .get(PRE_SESSION_COOKIE)
        .map(|c| c.value().to_owned())
        .filter(|t| looks_like_a_token(t))
    {
        return token;
    }
    let token = new_token();
    let mut cookie = Cookie::new(PRE_SESSION_COOKIE, token.clone());
    cookie.set_http_only(true);
    cookie.set_same_site(SameSite::Lax);
    cookie.set_path("/");
    cookie.set_secure(secure);
    cookies.add(cookie);
    token
}

fn looks_like_a_token(text: &str) -> bool {
    text.len() == 43
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Whether `presented` is the token of this request's forms (constant-time
/// comparisons): the session's token; or, while no one is signed in on the session,
/// the pre-session cookie's — never for a signed-in session, so a cookie planted in
/// the browser cannot act for the user.
pub async fn matches(
    session: &Session,
    cookies: &Cookies,
    presented: &str,
) -> Result<bool, tower_sessions::session::Error> {
    if presented.is_empty() {
        return Ok(false);
    }
    let same = |expected: &str| bool::from(expected.as_bytes().ct_eq(presented.as_bytes()));
    if let Some(expected) = session.get::<String>(KEY).await?
        && same(&expected)
    {
        return Ok(true);
    }
    if session.get::<String>(USER_ID_KEY).await?.is_some() {
        return Ok(false);
    }
    Ok(cookies
        .get(PRE_SESSION_COOKIE)
        .is_some_and(|c| looks_like_a_token(c.value()) && same(c.value())))
}
