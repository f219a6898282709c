//! The Justworks client: reads the company and every page of members into a
//! [`Roster`], or just enough to say a connection works.
//!
//! Memory stays bounded by design: each members page (at most `page_size` members — a
//! page with more is refused as it is read) is read as bytes, parsed into typed structs,
//! converted into roster members and dropped before the next page is asked for. No
//! whole-roster JSON ever exists; a member id seen twice and a roster past
//! `max_members` stop the pull on the page that shows it, so what is held is never more
//! than the members kept.
//!
//! Here: the client and the pull; `options` holds how patient it is, `session` the
//! signed-in conversation that reads each page.

mod options;
mod session;

pub use options::ClientOptions;

use super::auth::{Authenticator, BearerToken, Credentials, sign_in};
use super::error::JustworksError;
use super::oauth::{Grant, OAuthClient, TokenSet, request_tokens};
use super::transport::Transport;
use crate::org::roster::{Roster, RosterMember};
use crate::secrets::SecretString;
use crate::sync::connector::Scope;
use reqwest::Url;
use session::Session;
use std::collections::HashSet;

/// What *Test connection* found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionReport {
    /// The service user's username; `None` through the Partner API.
    pub username: Option<String>,
    pub company_name: String,
    /// Members on the first page (at most one page's worth).
    pub first_page_members: usize,
}

impl std::fmt::Display for ConnectionReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.username {
            Some(username) => write!(
                f,
                "Signed in to Justworks as {username} — company {}, member data readable",
                self.company_name
            ),
            None => write!(
                f,
                "Connected to Justworks — company {}, member data readable",
                self.company_name
            ),
        }
    }
}

/// A client for one Justworks base URL (server configuration, never user input).
#[derive(Debug)]
pub struct JustworksClient {
    transport: Transport,
    login_url: Url,
    mfa_url: Url,
    company_url: Url,
    members_url: Url,
    token_url: Url,
    page_size: u32,
    max_pages: usize,
    max_members: usize,
}

impl JustworksClient {
    /// A client for `base_url` (e.g. `https://api.justworks.com` or the sandbox's
    /// `http://127.0.0.1:PORT`). Refuses an address with credentials, a query or a
    /// fragment in it, and plain `http://` to anything but this machine.
    pub fn new(base_url: &str, options: ClientOptions) -> Result<Self, JustworksError> {
        let base = parse_base_url(base_url, options.allow_plain_http_to_any_host)?;
        let page_size = options.page_size.clamp(1, 100);
        // The page limit never stops a roster the member limit allows: room for the pages
        // `max_members` fills, twice over (a page may come back short, even empty).
        let pages_for_max_members = options
            .max_members
            .div_ceil(page_size as usize)
            .saturating_mul(2);
        // reqwest is built without a default TLS provider; without one installed, building
        // a client panics. Installing twice is harmless (the second call just fails).
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .user_agent(concat!("orgsync/", env!("CARGO_PKG_VERSION")))
            .timeout(options.request_timeout)
            .connect_timeout(options.connect_timeout.min(options.request_timeout))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|_| JustworksError::ClientSetup)?;
        let endpoint = |path: &str| {
            let mut url = base.clone();
            url.set_path(&format!("{}{path}", base.path().trim_end_matches('/')));
            url
        };
        Ok(Self {
            login_url: endpoint("/v1/auth/login"),
            mfa_url: endpoint("/v1/auth/mfa"),
            company_url: endpoint("/v1/company"),
            members_url: endpoint("/v1/members"),
            token_url: endpoint("/oauth/token"),
            transport: Transport {
                http,
                base_display: base.as_str().trim_end_matches('/').to_owned(),
                policy: options.retry_policy(),
                max_body_bytes: options.max_body_bytes,
            },
            page_size,
            max_pages: options.max_pages.max(pages_for_max_members).max(1),
            max_members: options.max_members.max(1),
        })
    }

    /// The base URL as messages show it.
    pub fn base_url(&self) -> &str {
        &self.transport.base_display
    }

    /// Signs in, reads the company and the first members page only; changes nothing.
    pub async fn test_connection(
        &self,
        auth: &dyn Authenticator,
    ) -> Result<ConnectionReport, JustworksError> {
        let mut session = self.session(auth).await?;
        let (company, _) = session.company().await?;
        let first = session.members_page(1, None, None).await?;
        Ok(ConnectionReport {
            username: auth.who().map(str::to_owned),
            company_name: company.name,
            first_page_members: first.members.len(),
        })
    }

    /// Signs in and reads the company and the members `scope` asks for (every member, or
    /// those changed since a time: `updated_at_gte` on every page), page by page, calling
    /// `progress` with the number of members read so far after each page.
    pub async fn fetch_roster(
        &self,
        auth: &dyn Authenticator,
        scope: Scope,
        progress: &(dyn Fn(usize) + Send + Sync),
    ) -> Result<Roster, JustworksError> {
        let since = match scope {
            Scope::All => None,
            Scope::ChangedSince(at) => Some(at),
        };
        let mut session = self.session(auth).await?;
        let (company, mut warnings) = session.company().await?;
        let mut members: Vec<RosterMember> = Vec::new();
        let mut ids = MemberIds::default();
        let mut cut = CutWarnings::default();
        let mut cursors_seen: HashSet<String> = HashSet::new();
        let mut cursor: Option<String> = None;
        let mut page = 0;
        loop {
            page += 1;
            if page > self.max_pages {
                return Err(JustworksError::TooManyPages {
                    max_pages: self.max_pages,
                });
            }
            let read = session.members_page(page, cursor.as_deref(), since).await?;
            if members.len() + read.members.len() > self.max_members {
                return Err(JustworksError::TooManyMembers {
                    max_members: self.max_members,
                    page,
                });
            }
            ids.note(&read.members)?;
            members.extend(read.members);
            cut.extend(read.warnings);
            progress(members.len());
            match read.next_cursor {
                None => break,
                Some(next) => {
                    if !cursors_seen.insert(next.clone()) {
                        return Err(JustworksError::RepeatedCursor { page: page + 1 });
                    }
                    cursor = Some(next);
                }
            }
        }
        drop(ids);
        warnings.extend(cut.finish());
        tracing::info!(
            pages = page,
            members = members.len(),
            since = since.map(|t| t.to_string()),
            "read the Justworks roster"
        );
        Ok(Roster {
            company,
            members,
            warnings,
        })
    }

    /// The Partner API: trades the consent page's code (and this attempt's PKCE verifier)
    /// for a token pair.
    pub async fn exchange_code(
        &self,
        client: &OAuthClient,
        code: &str,
        redirect_uri: &str,
        verifier: &SecretString,
    ) -> Result<TokenSet, JustworksError> {
        let grant = Grant::Code {
            code,
            redirect_uri,
            verifier,
        };
        request_tokens(&self.transport, &self.token_url, client, grant).await
    }

    /// The Partner API: a new token pair for the stored refresh token (which stops
    /// working: Justworks rotates them).
    pub async fn refresh(
        &self,
        client: &OAuthClient,
        refresh_token: &SecretString,
    ) -> Result<TokenSet, JustworksError> {
        let grant = Grant::Refresh { refresh_token };
        request_tokens(&self.transport, &self.token_url, client, grant).await
    }

    /// The company's name, read with `auth` (the Partner API names the company it
    /// connected to this way).
    pub async fn company_name(&self, auth: &dyn Authenticator) -> Result<String, JustworksError> {
        let mut session = self.session(auth).await?;
        Ok(session.company().await?.0.name)
    }

    async fn session<'a>(
        &'a self,
        auth: &'a dyn Authenticator,
    ) -> Result<Session<'a>, JustworksError> {
        let token = auth.token(self).await?;
        Ok(Session {
            client: self,
            auth,
            token,
        })
    }

    pub(super) async fn sign_in(&self, creds: &Credentials) -> Result<BearerToken, JustworksError> {
        sign_in(&self.transport, &self.login_url, &self.mfa_url, creds).await
    }
}

/// Members named one by one in warnings about cut text; past this, one more warning
/// counts the rest, so a source that sends overlong text for everyone cannot bury the
/// run in warnings.
const CUT_WARNINGS_NAMED: usize = 20;

/// The member ids read so far, so that one listed twice (the source is corrupt) stops
/// the pull on the page that repeats it rather than after every page is in memory.
#[derive(Default)]
struct MemberIds(HashSet<String>);

impl MemberIds {
    fn note(&mut self, page: &[RosterMember]) -> Result<(), JustworksError> {
        for m in page {
            if !self.0.insert(m.id.clone()) {
                return Err(JustworksError::DuplicateMember {
                    member_id: m.id.clone(),
                });
            }
        }
        Ok(())
    }
}

/// The warnings about cut text: the first [`CUT_WARNINGS_NAMED`] members by name, the
/// rest counted.
#[derive(Default)]
struct CutWarnings {
    named: Vec<String>,
    more: usize,
}

impl CutWarnings {
    fn extend(&mut self, warnings: Vec<String>) {
        for w in warnings {
            if self.named.len() < CUT_WARNINGS_NAMED {
                self.named.push(w);
            } else {
                self.more += 1;
            }
        }
    }

    fn finish(self) -> Vec<String> {
        let mut all = self.named;
        if self.more > 0 {
            all.push(format!(
                "Justworks sent more than orgsync keeps for {} more members, so some of their \
                 text was cut",
                self.more
            ));
        }
        all
    }
}

/// Checks the configured address: http(s), a host, nothing secret or extra in it.
fn parse_base_url(input: &str, allow_plain_http_anywhere: bool) -> Result<Url, JustworksError> {
    let bad = |reason| JustworksError::BadBaseUrl { reason };
    let url = Url::parse(input.trim()).map_err(|_| bad("it is not a web address"))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad("it must not contain a user name or password"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad("it must not contain a query (?…) or fragment (#…)"));
    }
    let host = url.host_str().ok_or_else(|| bad("it has no host name"))?;
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    match url.scheme() {
        "https" => Ok(url),
        "http" if loopback || allow_plain_http_anywhere => Ok(url),
        "http" => Err(bad(
            "it must start with https:// (plain http:// is only allowed to this machine)",
        )),
        _ => Err(bad("it must start with https://")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::justworks::convert;

    #[test]
    fn the_base_url_is_https_or_loopback_and_carries_nothing_secret() {
        let ok = |s| parse_base_url(s, false).is_ok();
        assert!(ok("https://api.justworks.com"));
        assert!(ok("http://127.0.0.1:8099/"));
        assert!(ok("http://localhost:8099"));
        assert!(ok("http://[::1]:8099"));
        assert!(!ok("http://justworks.example"));
        assert!(parse_base_url("http://justworks.example", true).is_ok());
        assert!(!ok("https://user:pw@api.justworks.com"));
        assert!(!ok("https://api.justworks.com/?token=x"));
        assert!(!ok("ftp://api.justworks.com"));
        assert!(!ok("not a url"));
    }

    #[test]
    fn endpoints_keep_a_base_path() {
        let c = JustworksClient::new("https://gw.example/justworks/", ClientOptions::default())
            .unwrap();
        assert_eq!(
            c.members_url.as_str(),
            "https://gw.example/justworks/v1/members"
        );
        assert_eq!(c.base_url(), "https://gw.example/justworks");
    }

    #[test]
    fn the_test_connection_report_reads_as_a_sentence() {
        let r = ConnectionReport {
            username: Some("chart.hop".into()),
            company_name: "Acme Corp".into(),
            first_page_members: 100,
        };
        assert_eq!(
            r.to_string(),
            "Signed in to Justworks as chart.hop — company Acme Corp, member data readable"
        );
    }

    #[test]
    fn a_member_listed_twice_is_refused_on_the_page_that_repeats_them() {
        let m = |id: &str| {
            convert::member(
                serde_json::from_str(&format!(
                    r#"{{"id":"{id}","company_id":"c","active":true}}"#
                ))
                .unwrap(),
            )
            .unwrap()
            .0
        };
        let mut ids = MemberIds::default();
        assert!(ids.note(&[m("a"), m("b")]).is_ok());
        assert!(ids.note(&[m("c")]).is_ok());
        let err = ids.note(&[m("d"), m("a")]).unwrap_err();
        assert!(matches!(err, JustworksError::DuplicateMember { member_id } if member_id == "a"));
        let err = MemberIds::default().note(&[m("e"), m("e")]).unwrap_err();
        assert!(matches!(err, JustworksError::DuplicateMember { member_id } if member_id == "e"));
    }

    #[test]
    fn past_twenty_members_with_cut_text_the_rest_are_counted() {
        let mut cut = CutWarnings::default();
        cut.extend((0..23).map(|i| format!("m{i}: cut")).collect());
        let all = cut.finish();
        assert_eq!(all.len(), 21);
        assert_eq!(all[19], "m19: cut");
        assert_eq!(
            all[20],
            "Justworks sent more than orgsync keeps for 3 more members, so some of their text \
             was cut"
        );
    }

    #[test]
    fn the_page_limit_grows_with_the_member_limit() {
        let options = |max_members| ClientOptions {
            max_members,
            ..ClientOptions::default()
        };
        let c = JustworksClient::new("https://x.test", options(200_000)).unwrap();
        assert_eq!(c.max_pages, 5_000);
        let c = JustworksClient::new("https://x.test", options(1_000_000)).unwrap();
        assert_eq!(c.max_pages, 20_000);
    }
}
