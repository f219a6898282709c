//! A browser for the tests: keeps cookies, sends a same-site `Origin`, and remembers the
//! CSRF token of the last page it read so that `post` can fill it in.

use super::init;
use super::page::Page;
use reqwest::header::HeaderValue;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

pub(super) fn http_client(cookies: bool, local: Option<IpAddr>) -> reqwest::Client {
    http_client_with(cookies, local, reqwest::header::HeaderMap::new())
}

/// Like [`http_client`], sending `headers` with every request.
pub(super) fn http_client_with(
    cookies: bool,
    local: Option<IpAddr>,
    headers: reqwest::header::HeaderMap,
) -> reqwest::Client {
    init();
    let mut builder = reqwest::Client::builder()
        .default_headers(headers)
        .cookie_store(cookies)
        .redirect(reqwest::redirect::Policy::none())
        // No idle keep-alive connections: a stopped server never waits on them, and a
        // restarted one is reached afresh.
        .pool_max_idle_per_host(0)
        .timeout(Duration::from_secs(30));
    if let Some(ip) = local {
        builder = builder.local_address(ip);
    }
    builder.build().expect("an HTTP client")
}

/// A browser: keeps cookies, sends a same-site `Origin`, and remembers the CSRF token of
/// the last page it read so that `post` can fill it in.
pub struct TestClient {
    http: reqwest::Client,
    base: Arc<RwLock<String>>,
    csrf: Mutex<Option<String>>,
    session: Mutex<Option<String>>,
    pre_session: Mutex<Option<String>>,
}

/// The cookie holding the CSRF token of a browser that is not signed in.
pub const PRE_SESSION_COOKIE: &str = "orgsync_csrf";

/// The value of a whole `Set-Cookie` line.
fn cookie_value(set_cookie: &str) -> String {
    set_cookie
        .split_once('=')
        .map(|(_, rest)| rest)
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .to_owned()
}

/// How a raw POST is sent.
pub struct RawPost<'a> {
    /// `Some(token)` adds `csrf_token=token` to the form.
    pub csrf_token: Option<&'a str>,
    /// `Some(origin)` sends that `Origin`; `None` sends none.
    pub origin: Option<&'a str>,
    pub extra_headers: &'a [(&'a str, &'a str)],
}

impl TestClient {
    pub(super) fn new(base: Arc<RwLock<String>>, local: Option<IpAddr>) -> Self {
        Self {
            http: http_client(true, local),
            base,
            csrf: Mutex::new(None),
            session: Mutex::new(None),
            pre_session: Mutex::new(None),
        }
    }

    /// A browser behind a proxy at `proxy` that forwards for `client`
    /// (`X-Forwarded-For: client` on every request).
    pub(super) fn behind_proxy(base: Arc<RwLock<String>>, proxy: IpAddr, client: &str) -> Self {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("x-forwarded-for", client.parse().expect("a header value"));
        Self {
            http: http_client_with(true, Some(proxy), headers),
            base,
            csrf: Mutex::new(None),
            session: Mutex::new(None),
            pre_session: Mutex::new(None),
        }
    }

    pub fn base(&self) -> String {
        self.base.read().unwrap().clone()
    }

    fn remember(&self, page: &Page) {
        if let Some(token) = page.csrf_token() {
            *self.csrf.lock().unwrap() = Some(token);
        }
        if let Some(cookie) = page.session_set_cookie() {
            *self.session.lock().unwrap() = Some(cookie_value(&cookie));
        }
        if let Some(cookie) = page.set_cookie_named(PRE_SESSION_COOKIE) {
            *self.pre_session.lock().unwrap() = Some(cookie_value(&cookie));
        }
    }

    pub async fn get(&self, path: &str) -> Page {
        let response = self
            .http
            .get(format!("{}{path}", self.base()))
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET {path}: {e}"));
        let page = Page::read(response).await;
        self.remember(&page);
        page
    }

    /// The CSRF token of this client's session, reading `/login` first if no page has
    /// shown one yet.
    pub async fn csrf_token(&self) -> String {
        if let Some(token) = self.csrf.lock().unwrap().clone() {
            return token;
        }
        self.refresh_csrf_token().await
    }

    /// Reads the token afresh (after something renewed the session).
    pub async fn refresh_csrf_token(&self) -> String {
        let page = self.get("/login").await;
        page.csrf_token()
            .expect("the sign-in page has a CSRF token")
    }

    /// The session cookie's value as last set by the server.
    pub fn session_cookie(&self) -> Option<String> {
        self.session.lock().unwrap().clone()
    }

    /// The pre-session cookie's value (the CSRF token of the forms seen before signing
    /// in) as last set by the server.
    pub fn pre_session_cookie(&self) -> Option<String> {
        self.pre_session.lock().unwrap().clone()
    }

    /// A form post the way a browser sends it from one of our pages: with the session's
    /// CSRF token and this site's `Origin`.
    pub async fn post<K: AsRef<str>, V: AsRef<str>>(&self, path: &str, fields: &[(K, V)]) -> Page {
        let token = self.csrf_token().await;
        let origin = self.base();
        self.post_raw(
            path,
            fields,
            RawPost {
                csrf_token: Some(&token),
                origin: Some(&origin),
                extra_headers: &[],
            },
        )
        .await
    }

    /// A form post with exactly the token and origin given.
    pub async fn post_raw<K: AsRef<str>, V: AsRef<str>>(
        &self,
        path: &str,
        fields: &[(K, V)],
        how: RawPost<'_>,
    ) -> Page {
        let mut form: Vec<(String, String)> = fields
            .iter()
            .map(|(k, v)| (k.as_ref().to_owned(), v.as_ref().to_owned()))
            .collect();
        if let Some(token) = how.csrf_token {
            form.push(("csrf_token".into(), token.to_owned()));
        }
        let mut request = self.http.post(format!("{}{path}", self.base())).form(&form);
        if let Some(origin) = how.origin {
            request = request.header("origin", HeaderValue::from_str(origin).expect("origin"));
        }
        for (name, value) in how.extra_headers {
            request = request.header(*name, *value);
        }
        let response = request
            .send()
            .await
            .unwrap_or_else(|e| panic!("POST {path}: {e}"));
        let page = Page::read(response).await;
        self.remember(&page);
        page
    }

    /// Signs in through the sign-in form; returns the answer to the form post. On
    /// success, reads a page to pick up the new session's CSRF token.
    pub async fn sign_in(&self, email: &str, password: &str) -> Page {
        self.refresh_csrf_token().await;
        let page = self
            .post("/login", &[("email", email), ("password", password)])
            .await;
        if page.status == 303 {
            *self.csrf.lock().unwrap() = None;
            self.refresh_csrf_token().await;
        }
        page
    }
}

pub const NO_FIELDS: &[(&str, &str)] = &[];
