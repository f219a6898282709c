//! The Justworks sandbox driven from a test: started in this process, patched and
//! faulted through its admin surface, and an app pointed at it.

use super::*;
use orgsync::sandbox::{RunningSandbox, SandboxOptions};
use serde_json::{Value, json};
use std::time::Duration;

/// A Justworks sandbox serving in this process, and its admin surface.
pub(crate) struct Sandbox {
    pub(crate) running: RunningSandbox,
    pub(crate) url: String,
    pub(crate) http: reqwest::Client,
}

impl Sandbox {
    pub(crate) async fn start(members: usize, seed: u64) -> Sandbox {
        init();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a loopback port");
        let running = orgsync::sandbox::start(listener, SandboxOptions { members, seed })
            .await
            .expect("the sandbox starts");
        Sandbox {
            url: running.base_url(),
            running,
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .expect("an HTTP client"),
        }
    }

    /// The Justworks settings a person would paste from the sandbox's front page.
    pub(crate) fn settings(&self) -> SettingsForm {
        let credentials = self.running.credentials();
        SettingsForm::valid()
            .set("username", &credentials.username)
            .set("password", &credentials.password)
            .set("totp_secret", &credentials.totp_secret)
            .set("org_head", &self.running.org_head().expect("an org head"))
    }

    /// As if a new TOTP step had begun: the app may sign in again at once.
    pub(crate) fn forget_used_codes(&self) {
        self.running.forget_used_codes();
    }

    /// Every member as `/v1/members` serves it, read as an independent client would
    /// (password, a TOTP code of our own, bearer token, cursors).
    pub(crate) async fn members(&self) -> Vec<Value> {
        self.forget_used_codes();
        let credentials = self.running.credentials();
        let login: Value = self
            .json_post(
                "/v1/auth/login",
                &json!({"username": credentials.username, "password": credentials.password}),
            )
            .await;
        let key = data_encoding::BASE32_NOPAD
            .decode(credentials.totp_secret.replace(' ', "").as_bytes())
            .expect("a base32 seed");
        let totp = totp_rs::Builder::new()
            .with_algorithm(totp_rs::Algorithm::SHA1)
            .with_digits(6)
            .with_step_duration(30)
            .with_secret(key.as_slice())
            .build()
            .expect("a TOTP generator");
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let token: Value = self
            .json_post(
                "/v1/auth/mfa",
                &json!({"challenge_id": login["challenge_id"], "code": totp.generate(now).to_string()}),
            )
            .await;
        let bearer = token["access_token"].as_str().expect("a token").to_owned();
        self.forget_used_codes();
        let mut members = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let mut query = vec![("limit", "100")];
            if let Some(c) = &cursor {
                query.push(("cursor", c));
            }
            let query = serde_urlencoded::to_string(&query).expect("a query");
            let page: Value = self
                .http
                .get(format!("{}/v1/members?{query}", self.url))
                .bearer_auth(&bearer)
                .send()
                .await
                .expect("the sandbox answers")
                .json()
                .await
                .expect("a members page");
            members.extend(page["items"].as_array().expect("items").iter().cloned());
            match page["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_owned()),
                None => return members,
            }
        }
    }

    pub(crate) async fn json_post(&self, path: &str, body: &Value) -> Value {
        let response = self
            .http
            .post(format!("{}{path}", self.url))
            .json(body)
            .send()
            .await
            .unwrap_or_else(|e| panic!("POST {path}: {e}"));
        let status = response.status();
        let answer: Value = response.json().await.expect("a JSON answer");
        assert!(status.is_success(), "POST {path}: {status} {answer}");
        answer
    }

    pub(crate) async fn json_get(&self, path: &str) -> Value {
        let response = self
            .http
            .get(format!("{}{path}", self.url))
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET {path}: {e}"));
        assert!(
            response.status().is_success(),
            "GET {path}: {}",
            response.status()
        );
        response.json().await.expect("a JSON answer")
    }

    pub(crate) async fn json_put(&self, path: &str, body: &Value) {
        let response = self
            .http
            .put(format!("{}{path}", self.url))
            .json(body)
            .send()
            .await
            .unwrap_or_else(|e| panic!("PUT {path}: {e}"));
        assert!(
            response.status().is_success(),
            "PUT {path}: {}",
            response.status()
        );
    }

    /// Merges a JSON patch into one member (`null` removes a key).
    pub(crate) async fn patch(&self, id: &str, patch: Value) {
        self.json_post(&format!("/sandbox/members/{id}"), &patch)
            .await;
    }

    /// Adds a member (a new hire).
    pub(crate) async fn put(&self, id: &str, member: Value) {
        let response = self
            .http
            .put(format!("{}/sandbox/members/{id}", self.url))
            .json(&member)
            .send()
            .await
            .expect("the sandbox answers");
        assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
    }

    /// Sets the faults to exactly `faults` (`{}` clears them).
    pub(crate) async fn faults(&self, faults: Value) {
        self.json_post("/sandbox/faults", &faults).await;
    }

    /// Presses Sync To Primary and waits for the run to end; see [`sync_and_wait`].
    pub(crate) async fn sync(&self, client: &TestClient) -> (String, Value) {
        self.forget_used_codes();
        sync_and_wait(client).await
    }
}

/// An app whose Justworks is `sandbox`, with `tweak` applied to its configuration.
pub(crate) async fn app_on(sandbox: &Sandbox, tweak: impl FnOnce(&mut orgsync::Config)) -> TestApp {
    let url = sandbox.url.clone();
    spawn_app_with(move |config| {
        config.justworks_url = Some(url);
        tweak(config);
    })
    .await
}

/// A sandbox company of `members`, an app on it with Justworks installed and configured
/// by a signed-in Technical Owner (returned).
pub(crate) async fn configured(members: usize) -> (Sandbox, TestApp, TestClient) {
    let sandbox = Sandbox::start(members, 7).await;
    let app = app_on(&sandbox, |_| {}).await;
    let to = app.technical_owner().await;
    install_and_save(&to, &sandbox.settings()).await;
    (sandbox, app, to)
}
