//! The address of the person making a request, for sign-in throttling and logs. Directly
//! connected, it is the TCP peer. Behind a load balancer or reverse proxy every peer is
//! the proxy, so the proxies named in `ORGSYNC_TRUSTED_PROXIES` are believed about the
//! client they forward for: `X-Forwarded-For` is read from the right, skipping trusted
//! proxies, and the first address that is not one is the client. A header from anyone
//! else is ignored (it is trivially forged), as is a malformed entry.

use crate::config::TrustedProxy;
use crate::state::AppState;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};

/// The client's address as this server can trust it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Infallible> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip())
            .unwrap_or(IpAddr::from([0, 0, 0, 0]));
        Ok(Self(client_of(
            peer,
            &parts.headers,
            &state.config.trusted_proxies,
        )))
    }
}

impl std::fmt::Display for ClientAddr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// The client behind `peer`, believing `X-Forwarded-For` only as far as `trusted` goes.
pub fn client_of(peer: IpAddr, headers: &HeaderMap, trusted: &[TrustedProxy]) -> IpAddr {
    let peer = peer.to_canonical();
    let is_trusted = |ip: IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(peer) {
        return peer;
    }
    // Every X-Forwarded-For header, in order, as one list; the rightmost entry was
    // added by the nearest proxy.
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    let mut client = peer;
    for hop in hops.iter().rev() {
        let Ok(ip) = hop.parse::<IpAddr>().map(|ip| ip.to_canonical()) else {
            // A malformed entry: nothing to its left can be believed.
            break;
        };
        client = ip;
        if !is_trusted(ip) {
            break;
        }
    }
    client
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nets(list: &[&str]) -> Vec<TrustedProxy> {
        list.iter().map(|n| n.parse().unwrap()).collect()
    }

    fn forwarded(values: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append("x-forwarded-for", v.parse().unwrap());
        }
        h
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn without_trusted_proxies_the_header_is_ignored() {
        let h = forwarded(&["203.0.113.9"]);
        assert_eq!(client_of(ip("10.0.0.2"), &h, &[]), ip("10.0.0.2"));
    }

    #[test]
    fn a_trusted_proxy_names_the_client() {
        let h = forwarded(&["203.0.113.9"]);
        let trusted = nets(&["10.0.0.0/8"]);
        assert_eq!(client_of(ip("10.0.0.2"), &h, &trusted), ip("203.0.113.9"));
        // The same header from someone else is a forgery.
        assert_eq!(
            client_of(ip("198.51.100.1"), &h, &trusted),
            ip("198.51.100.1")
        );
    }

    #[test]
    fn a_forged_entry_left_of_the_real_client_is_not_believed() {
        // The client sent "X-Forwarded-For: 1.2.3.4"; the proxy appended its address.
        let h = forwarded(&["1.2.3.4, 203.0.113.9"]);
        let trusted = nets(&["10.0.0.0/8"]);
        assert_eq!(client_of(ip("10.0.0.2"), &h, &trusted), ip("203.0.113.9"));
    }

    #[test]
    fn chains_of_trusted_proxies_and_several_headers_are_walked_from_the_right() {
        let h = forwarded(&["203.0.113.9", "10.1.1.1"]);
        let trusted = nets(&["10.0.0.0/8", "fd00::/8"]);
        assert_eq!(client_of(ip("fd00::1"), &h, &trusted), ip("203.0.113.9"));
        assert_eq!(
            client_of(ip("::ffff:10.0.0.2"), &h, &trusted),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn a_malformed_entry_stops_the_walk() {
        let h = forwarded(&["203.0.113.9, garbage"]);
        let trusted = nets(&["10.0.0.2"]);
        assert_eq!(client_of(ip("10.0.0.2"), &h, &trusted), ip("10.0.0.2"));
        let no_header = HeaderMap::new();
        assert_eq!(
            client_of(ip("10.0.0.2"), &no_header, &trusted),
            ip("10.0.0.2")
        );
    }
}
