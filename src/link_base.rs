//! Where links in invitations and emails point (`http://host:port`, no trailing slash):
//!
//! 1. `ORGSYNC_PUBLIC_URL`, when set;
//! 2. else the address the browser used for the request behind the link — the `Host`
//!    of an origin-checked form post (the invitation, Sync To Primary, Send a test
//!    email, saving an app's settings), which for an app is also remembered, so the
//!    mails of a Run Daily run (no request of its own) use the last one seen;
//! 3. only when nothing is known, the address this server listens on, worked out once
//!    when it starts listening ([`of_listener`], kept in `AppState::public_base`).

use crate::apps;
use crate::config::Config;
use crate::state::AppState;
use axum::http::{HeaderMap, header};
use sqlx::AnyConnection;
use std::net::SocketAddr;

/// The base of the request with these headers: the public URL, else its `Host` (when
/// it is a plain host name or address, with an optional port).
pub fn of_request(config: &Config, headers: &HeaderMap) -> Option<String> {
    if let Some(url) = &config.public_url {
        return Some(url.clone());
    }
    let host = headers.get(header::HOST)?.to_str().ok()?;
    if !is_plain_host(host) {
        return None;
    }
    // Without a public URL the scheme is unknown; secure cookies say it is https.
    let scheme = if config.cookie_secure {
        "https"
    } else {
        "http"
    };
    Some(format!("{scheme}://{host}"))
}

/// For a link made while answering a request (an invitation).
pub fn for_request(state: &AppState, headers: &HeaderMap) -> String {
    of_request(&state.config, headers).unwrap_or_else(|| listening(state))
}

/// Remembers the base of this request for the mails of `app`'s runs. Call it in the
/// transaction of what the request does (saving settings, queueing a run).
pub async fn remember(
    conn: &mut AnyConnection,
    state: &AppState,
    headers: &HeaderMap,
    app: &str,
) -> sqlx::Result<()> {
    if state.config.public_url.is_some() {
        return Ok(());
    }
    match of_request(&state.config, headers) {
        Some(base) => apps::remember_link_base(conn, app, &base).await,
        None => Ok(()),
    }
}

/// [`remember`] on a connection of its own, for a request whose own writes happen in a
/// domain function's transaction (queueing a run). Remembered first, so the run's mail,
/// queued later by the worker, finds it.
pub async fn remember_alone(state: &AppState, headers: &HeaderMap, app: &str) -> sqlx::Result<()> {
    let mut conn = state.db.pool().acquire().await?;
    remember(&mut conn, state, headers, app).await
}

/// For a mail about a run of `app`.
pub async fn for_mail(
    conn: &mut AnyConnection,
    state: &AppState,
    app: &str,
) -> sqlx::Result<String> {
    if let Some(url) = &state.config.public_url {
        return Ok(url.clone());
    }
    Ok(apps::link_base(conn, app)
        .await?
        .unwrap_or_else(|| listening(state)))
}

/// The address people open for a server listening on `addr`: the public URL when set,
/// else `localhost` and the port when it listens on every interface, else `addr`.
pub fn of_listener(config: &Config, addr: SocketAddr) -> String {
    match &config.public_url {
        Some(url) => url.clone(),
        None if addr.ip().is_unspecified() => format!("http://localhost:{}", addr.port()),
        None => format!("http://{addr}"),
    }
}

/// The address this server listens on, as worked out when it started listening (before
/// that, from the configured address).
fn listening(state: &AppState) -> String {
    match state.public_base.get() {
        Some(base) => base.clone(),
        None => of_listener(&state.config, state.config.bind),
    }
}

/// `name`, `name:port`, `1.2.3.4:port` or `[v6]:port` — nothing that could carry a
/// path, credentials or another scheme into a link.
fn is_plain_host(host: &str) -> bool {
    let (name, port) = match host.rsplit_once(':') {
        Some((name, port)) if !name.ends_with(':') && !port.contains(']') => (name, Some(port)),
        _ => (host, None),
    };
    let port_ok =
        port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()));
    let name_ok = if let Some(v6) = name.strip_prefix('[').and_then(|n| n.strip_suffix(']')) {
        v6.parse::<std::net::Ipv6Addr>().is_ok()
    } else {
        !name.is_empty()
            && name.len() <= 253
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
    };
    port_ok && name_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_plain_host_and_port_make_a_link() {
        for good in [
            "localhost",
            "localhost:8080",
            "orgsync.acme.test",
            "10.0.0.5:8080",
            "[::1]:8080",
            "[fd00::1]",
        ] {
            assert!(is_plain_host(good), "{good}");
        }
        for bad in [
            "",
            "evil.test/x",
            "user@evil.test",
            "evil.test:80/",
            "a b",
            "evil.test:port",
            "evil.test:",
            "[not-v6]:80",
            "evil.test\r\nX: y",
            "::1",
        ] {
            assert!(!is_plain_host(bad), "{bad:?}");
        }
    }
}
