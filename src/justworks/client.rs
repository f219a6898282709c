//! The Justworks client: reads the company and every page of members into a
//! [`Roster`], or just enough to say a connection works.
//!
//! Memory stays bounded by design: each members page (at most `page_size` members — a
//! page with more is refused as it is read) is read as bytes, parsed into typed structs,
//! converted into roster members and dropped before the next page is asked for. No
//! whole-roster JSON ever exists; a member id seen twice and a roster past
//! `max_members` stop the pull on the page that shows it, so what is held is never more
//! than the members kept.

use super::auth::{BearerToken, Credentials, sign_in};
use super::convert;
use super::error::{JustworksError, Step};
use super::retry::RetryPolicy;
use super::transport::{Answer, Transport};
use super::wire::{ErrorAnswer, MembersPage, PageError, WireCompany};
use crate::org::roster::{Roster, RosterCompany, RosterMember};
use reqwest::{StatusCode, Url, header::ACCEPT};
use std::collections::HashSet;
use std::time::Duration;

/// How patient the client is. [`Default`] suits a scheduled sync; tests shrink it.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// Whole-request timeout (connect, send, read the body), per attempt.
    pub request_timeout: Duration,
    pub connect_timeout: Duration,
    /// Attempts per request in all, the first included.
    pub max_attempts: u32,
    /// First backoff; doubles per retry, with jitter.
    pub initial_backoff: Duration,
    pub max_backoff: Duration,
    /// No retry wait starts that would end later than this after a request's first attempt.
    pub max_total_retry_time: Duration,
    /// Members per page (`limit`, 1..=100).
    pub page_size: u32,
    /// A pull stops (with an error) rather than read more pages than this (raised to
    /// twice the pages `max_members` would fill).
    pub max_pages: usize,
    /// A pull stops (with an error) rather than keep more members than this
    /// (`ORGSYNC_MAX_MEMBERS`).
    pub max_members: usize,
    /// An answer larger than this is refused as unreadable.
    pub max_body_bytes: usize,
    /// Plain `http://` is allowed only to this machine (the sandbox) unless this is set.
    pub allow_plain_http_to_any_host: bool,
}

impl Default for ClientOptions {
    fn default() -> Self {
        let retry = RetryPolicy::default();
        Self {
            request_timeout: Duration::from_secs(20),
            connect_timeout: Duration::from_secs(10),
            max_attempts: retry.max_attempts,
            initial_backoff: retry.initial_backoff,
            max_backoff: retry.max_backoff,
            max_total_retry_time: retry.max_total_time,
            page_size: 100,
            max_pages: 5_000,
            max_members: 200_000,
            max_body_bytes: 8 * 1024 * 1024,
            allow_plain_http_to_any_host: false,
        }
    }
}

impl ClientOptions {
    /// Short timeouts and waits (2 s per request, 4 attempts, 20–200 ms backoff, 10 s in
    /// all): for tests.
    pub fn for_tests() -> Self {
        Self {
            request_timeout: Duration::from_secs(2),
            connect_timeout: Duration::from_secs(1),
            max_attempts: 4,
            initial_backoff: Duration::from_millis(20),
            max_backoff: Duration::from_millis(200),
            max_total_retry_time: Duration::from_secs(10),
            ..Self::default()
        }
    }

    /// For a person waiting on a page (*Test connection*): 10 s per request, 3 attempts,
    /// 15 s of retrying at most.
    pub fn interactive() -> Self {
        Self {
            request_timeout: Duration::from_secs(10),
            connect_timeout: Duration::from_secs(5),
            max_attempts: 3,
            max_total_retry_time: Duration::from_secs(15),
            ..Self::default()
        }
    }

    fn retry_policy(&self) -> RetryPolicy {
        RetryPolicy {
            max_attempts: self.max_attempts.max(1),
            initial_backoff: self.initial_backoff,
            max_backoff: self.max_backoff,
            max_total_time: self.max_total_retry_time,
        }
    }
}

/// What *Test connection* found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionReport {
    pub username: String,
    pub company_name: String,
    /// Members on the first page (at most one page's worth).
    pub first_page_members: usize,
}

impl std::fmt::Display for ConnectionReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Signed in to Justworks as {} — company {}, member data readable",
            self.username, self.company_name
        )
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
        creds: &Credentials,
    ) -> Result<ConnectionReport, JustworksError> {
        let mut session = self.session(creds).await?;
        let (company, _) = session.company().await?;
        let first = session.members_page(1, None).await?;
        Ok(ConnectionReport {
            username: creds.username.clone(),
            company_name: company.name,
            first_page_members: first.members.len(),
        })
    }

    /// Signs in and reads the company and every member, page by page, calling `progress`
    /// with the number of members read so far after each page.
    pub async fn fetch_roster(
        &self,
        creds: &Credentials,
        progress: &(dyn Fn(usize) + Send + Sync),
    ) -> Result<Roster, JustworksError> {
        let mut session = self.session(creds).await?;
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
            let read = session.members_page(page, cursor.as_deref()).await?;
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
            "read the Justworks roster"
        );
        Ok(Roster {
            company,
            members,
            warnings,
        })
    }

    async fn session<'a>(&'a self, creds: &'a Credentials) -> Result<Session<'a>, JustworksError> {
        let token = self.sign_in(creds).await?;
        Ok(Session {
            client: self,
            creds,
            token,
        })
    }

    async fn sign_in(&self, creds: &Credentials) -> Result<BearerToken, JustworksError> {
        sign_in(&self.transport, &self.login_url, &self.mfa_url, creds).await
    }
}

/// One members page, converted.
struct PageRead {
    members: Vec<RosterMember>,
    /// A warning for each member that had something cut.
    warnings: Vec<String>,
    next_cursor: Option<String>,
}

/// The longest `next_cursor` taken: every cursor is kept to spot a loop, so a source
/// cannot make that list grow by sending huge ones.
const MAX_CURSOR_BYTES: usize = 2_048;

/// Members named one by one in warnings about cut text; past this, one more warning
/// counts the rest, so a source that sends overlong text for everyone cannot bury the
/// run in warnings.
const CUT_WARNINGS_NAMED: usize = 20;

/// A signed-in conversation: data calls with the bearer token, signing in again once
/// when the token expires.
struct Session<'a> {
    client: &'a JustworksClient,
    creds: &'a Credentials,
    token: BearerToken,
}

impl Session<'_> {
    /// The company, and a warning for each part of it that had to be cut.
    async fn company(&mut self) -> Result<(RosterCompany, Vec<String>), JustworksError> {
        let url = self.client.company_url.clone();
        let body = self.get(Step::Company, &url).await?;
        serde_json::from_slice::<WireCompany>(&body)
            .map(convert::company)
            .map_err(|e| unreadable_json(Step::Company, &e))
    }

    async fn members_page(
        &mut self,
        page: usize,
        cursor: Option<&str>,
    ) -> Result<PageRead, JustworksError> {
        let step = Step::MembersPage(page);
        let mut url = self.client.members_url.clone();
        {
            let mut query = url.query_pairs_mut();
            query.append_pair("limit", &self.client.page_size.to_string());
            if let Some(cursor) = cursor {
                query.append_pair("cursor", cursor);
            }
        }
        let body = self.get(step, &url).await?;
        let limit = self.client.page_size;
        let wire = MembersPage::read(&body, limit as usize).map_err(|e| match e {
            PageError::TooManyItems => {
                tracing::warn!(%step, limit, "Justworks sent more members than asked for");
                JustworksError::PageTooLarge { step, limit }
            }
            PageError::Json(e) => unreadable_json(step, &e),
        })?;
        drop(body);
        let next_cursor = wire.next_cursor.filter(|c| !c.is_empty());
        if next_cursor
            .as_ref()
            .is_some_and(|c| c.len() > MAX_CURSOR_BYTES)
        {
            return Err(unreadable(
                step,
                format!("next_cursor is longer than {MAX_CURSOR_BYTES} bytes"),
            ));
        }
        let mut members = Vec::with_capacity(wire.items.len());
        let mut warnings = Vec::new();
        for item in wire.items {
            let (member, warning) = convert::member(item).map_err(|e| unreadable(step, e.0))?;
            members.push(member);
            warnings.extend(warning);
        }
        Ok(PageRead {
            members,
            warnings,
            next_cursor,
        })
    }

    /// A GET with the bearer token; on `token_expired`, signs in again and repeats the
    /// same request once. A token rejected right after signing in fails the call.
    async fn get(&mut self, step: Step, url: &Url) -> Result<Vec<u8>, JustworksError> {
        let transport = &self.client.transport;
        let mut signed_in_anew = false;
        loop {
            let Answer { status, body } = transport
                .send(step, || {
                    transport
                        .http
                        .get(url.clone())
                        .header(ACCEPT, "application/json")
                        .bearer_auth(self.token.expose())
                })
                .await?;
            match status {
                StatusCode::OK => return Ok(body),
                StatusCode::UNAUTHORIZED
                    if ErrorAnswer::code_of(&body).as_deref() == Some("token_expired") =>
                {
                    if signed_in_anew {
                        return Err(JustworksError::TokenRejectedAfterSignIn { step });
                    }
                    tracing::warn!(%step, "the Justworks session expired; signing in again");
                    self.token = self.client.sign_in(self.creds).await?;
                    signed_in_anew = true;
                }
                StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => {
                    return Err(JustworksError::AccessDenied {
                        step,
                        status: status.as_u16(),
                    });
                }
                status => {
                    return Err(JustworksError::UnexpectedStatus {
                        base_url: transport.base_display.clone(),
                        step,
                        status: status.as_u16(),
                    });
                }
            }
        }
    }
}

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

/// A body that is not the JSON of the contract. serde's own message can quote the
/// offending value (a salary, a name), so only its category and position are kept.
fn unreadable_json(step: Step, e: &serde_json::Error) -> JustworksError {
    unreadable(
        step,
        format!(
            "{:?} JSON error at line {} column {}",
            e.classify(),
            e.line(),
            e.column()
        ),
    )
}

fn unreadable(step: Step, detail: String) -> JustworksError {
    tracing::warn!(%step, %detail, "Justworks answered with data orgsync could not read");
    JustworksError::Unreadable { step, detail }
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
            username: "chart.hop".into(),
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
