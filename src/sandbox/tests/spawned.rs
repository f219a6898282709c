//! A sandbox spawned on a real loopback port with a clock the test moves, and the moves
//! of a Partner-API client against it (consent, code, tokens), over real HTTP.

use std::sync::Arc;

use data_encoding::BASE32_NOPAD;
use jiff::{SignedDuration, Timestamp};
use reqwest::Method;
use reqwest::header::LOCATION;
use serde_json::{Value, json};

use crate::clock::{Clock as _, TestClock};
use crate::sandbox::oauth::s256_challenge;
use crate::sandbox::totp::TotpKey;
use crate::sandbox::{RunningSandbox, SandboxOptions, start_with_clock};

pub(super) const NOW: i64 = 1_800_000_010;
pub(super) const CALLBACK: &str = "http://127.0.0.1:9/justworks/callback";
pub(super) const VERIFIER: &str = "a-test-verifier-of-the-right-length-0123456789_~.";

/// What came back: the status, where it redirects (if it does) and the body.
#[derive(Debug)]
pub(super) struct Answer {
    pub status: u16,
    pub location: Option<String>,
    pub text: String,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or(Value::Null)
    }

    /// A query parameter of the redirect.
    pub fn redirect_param(&self, key: &str) -> Option<String> {
        let location = url::Url::parse(self.location.as_deref()?).ok()?;
        location
            .query_pairs()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.into_owned())
    }
}

pub(super) struct Spawned {
    pub sandbox: RunningSandbox,
    pub clock: Arc<TestClock>,
    http: reqwest::Client,
}

impl Spawned {
    pub async fn start(members: usize) -> Self {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let clock = Arc::new(TestClock::new(Timestamp::from_second(NOW).unwrap()));
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
            .await
            .unwrap();
        let options = SandboxOptions { members, seed: 3 };
        let sandbox = start_with_clock(listener, options, clock.clone())
            .await
            .unwrap();
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Self {
            sandbox,
            clock,
            http,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.sandbox.base_url())
    }

    pub fn advance(&self, seconds: i64) {
        self.clock.advance(SignedDuration::from_secs(seconds));
    }

    pub fn client_id(&self) -> String {
        self.sandbox.oauth_client().client_id
    }

    pub async fn send(&self, request: reqwest::RequestBuilder) -> Answer {
        let response = request.send().await.unwrap();
        Answer {
            status: response.status().as_u16(),
            location: response
                .headers()
                .get(LOCATION)
                .map(|v| v.to_str().unwrap().to_string()),
            text: response.text().await.unwrap(),
        }
    }

    pub fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.http.request(method, self.url(path))
    }

    /// A call to the admin surface with a JSON body.
    pub async fn admin(&self, method: Method, path: &str, body: Value) -> (u16, Value) {
        let answer = self.send(self.request(method, path).json(&body)).await;
        (answer.status, answer.json())
    }

    pub async fn register_callback(&self) {
        let (status, _) = self
            .admin(
                Method::PUT,
                "/sandbox/oauth-client",
                json!({"redirect_uris": [CALLBACK]}),
            )
            .await;
        assert_eq!(status, 200);
    }

    /// The parameters orgsync sends the browser with, for `verifier`'s challenge.
    pub fn authorize_params(&self, verifier: &str, state: &str) -> Vec<(String, String)> {
        [
            ("response_type", "code".to_string()),
            ("client_id", self.client_id()),
            ("redirect_uri", CALLBACK.to_string()),
            (
                "scope",
                "company.detail:read member.detail:read".to_string(),
            ),
            ("state", state.to_string()),
            ("code_challenge", s256_challenge(verifier)),
            ("code_challenge_method", "S256".to_string()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
    }

    /// `GET /oauth/authorize` with these parameters.
    pub async fn consent(&self, params: &[(String, String)]) -> Answer {
        let query = serde_urlencoded::to_string(params).unwrap();
        let path = format!("/oauth/authorize?{query}");
        self.send(self.request(Method::GET, &path)).await
    }

    /// The consent form posted back with `decision`.
    pub async fn decide(&self, params: &[(String, String)], decision: &str) -> Answer {
        let mut form = params.to_vec();
        form.push(("decision".into(), decision.into()));
        self.send(self.request(Method::POST, "/oauth/authorize").form(&form))
            .await
    }

    /// Consent page, Allow: the code the browser brings back.
    pub async fn code(&self, verifier: &str) -> String {
        let params = self.authorize_params(verifier, "st");
        assert_eq!(self.consent(&params).await.status, 200);
        let answer = self.decide(&params, "allow").await;
        assert_eq!(answer.status, 302, "{}", answer.text);
        answer.redirect_param("code").expect("a code")
    }

    pub async fn token(&self, form: &[(&str, &str)]) -> (u16, Value) {
        let answer = self
            .send(self.request(Method::POST, "/oauth/token").form(form))
            .await;
        (answer.status, answer.json())
    }

    /// `grant_type=authorization_code` as orgsync sends it.
    pub async fn exchange(&self, code: &str, verifier: &str) -> (u16, Value) {
        let client = self.sandbox.oauth_client();
        self.token(&[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", CALLBACK),
            ("client_id", &client.client_id),
            ("client_secret", &client.client_secret),
            ("code_verifier", verifier),
        ])
        .await
    }

    pub async fn refresh(&self, refresh_token: &str) -> (u16, Value) {
        let client = self.sandbox.oauth_client();
        self.token(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
            ("client_id", &client.client_id),
            ("client_secret", &client.client_secret),
        ])
        .await
    }

    /// The whole connection: registered callback, consent, code, tokens.
    pub async fn connect(&self) -> Value {
        self.register_callback().await;
        let code = self.code(VERIFIER).await;
        let (status, tokens) = self.exchange(&code, VERIFIER).await;
        assert_eq!(status, 200, "{tokens}");
        tokens
    }

    /// `GET /v1/{path}` with a bearer token.
    pub async fn data(&self, path: &str, token: &str) -> (u16, Value) {
        let request = self
            .request(Method::GET, &format!("/v1/{path}"))
            .bearer_auth(token);
        let answer = self.send(request).await;
        (answer.status, answer.json())
    }

    /// The service user's way in: password, then the TOTP code at the test clock.
    pub async fn sign_in_service_user(&self) -> String {
        let credentials = self.sandbox.credentials();
        let (_, challenge) = self
            .admin(
                Method::POST,
                "/v1/auth/login",
                json!({"username": credentials.username, "password": credentials.password}),
            )
            .await;
        let key = BASE32_NOPAD
            .decode(credentials.totp_secret.replace(' ', "").as_bytes())
            .unwrap();
        let code = TotpKey::new(&key).code_at(self.clock.now().as_second() as u64);
        let body = json!({"challenge_id": challenge["challenge_id"], "code": code});
        let (status, token) = self.admin(Method::POST, "/v1/auth/mfa", body).await;
        assert_eq!(status, 200, "{token}");
        token["access_token"].as_str().unwrap().to_string()
    }
}
