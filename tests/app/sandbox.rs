//! The Justworks sandbox over real HTTP on port 0, as orgsync's client and a person see it:
//! sign-in with password + TOTP, a full pull, the front page, the admin surface.
//! (The sandbox's finer rules — clock skew, expiry, rate limits — are tested in-process
//! with a controlled clock in `src/sandbox/tests/`.)

use std::collections::HashSet;
use std::time::{SystemTime, UNIX_EPOCH};

use data_encoding::BASE32_NOPAD;
use orgsync::sandbox::{RunningSandbox, SandboxCredentials, SandboxOptions};
use serde_json::{Value, json};
use totp_rs::{Algorithm, Builder};

async fn sandbox(members: usize) -> RunningSandbox {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .unwrap();
    orgsync::sandbox::start(listener, SandboxOptions { members, seed: 11 })
        .await
        .unwrap()
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// The code an authenticator app would show at `at`, from the seed as displayed.
fn code(credentials: &SandboxCredentials, at: u64) -> String {
    let seed = credentials.totp_secret.replace(' ', "");
    let key = BASE32_NOPAD.decode(seed.as_bytes()).unwrap();
    let totp = Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_secret(key)
        .build()
        .unwrap();
    totp.generate(at).to_string()
}

struct Client {
    http: reqwest::Client,
    base: String,
}

impl Client {
    fn new(sandbox: &RunningSandbox) -> Self {
        Self {
            http: reqwest::Client::new(),
            base: sandbox.base_url(),
        }
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> (u16, Value) {
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        self.send(self.http.post(format!("{}{path}", self.base)).json(&body))
            .await
    }

    async fn get(&self, path: &str, token: &str) -> (u16, Value) {
        self.send(
            self.http
                .get(format!("{}{path}", self.base))
                .bearer_auth(token),
        )
        .await
    }

    async fn login(&self, credentials: &SandboxCredentials) -> String {
        let body = json!({"username": credentials.username, "password": credentials.password});
        let (status, challenge) = self.post("/v1/auth/login", body).await;
        assert_eq!(status, 200, "{challenge}");
        assert_eq!(challenge["mfa_required"], true);
        challenge["challenge_id"].as_str().unwrap().to_string()
    }

    async fn sign_in(&self, credentials: &SandboxCredentials) -> (String, String) {
        let challenge = self.login(credentials).await;
        let code = code(credentials, unix_now());
        let body = json!({"challenge_id": challenge, "code": code});
        let (status, token) = self.post("/v1/auth/mfa", body).await;
        assert_eq!(status, 200, "{token}");
        assert_eq!(token["token_type"], "Bearer");
        assert_eq!(token["expires_in"], 900);
        (token["access_token"].as_str().unwrap().to_string(), code)
    }

    /// Every member, following cursors to the end.
    async fn pull(&self, token: &str, query: &str) -> Vec<Value> {
        let (mut members, mut cursors) = (Vec::new(), HashSet::new());
        let mut path = format!("/v1/members?{query}");
        loop {
            let (status, page) = self.get(&path, token).await;
            assert_eq!(status, 200, "{page}");
            members.extend(page["items"].as_array().unwrap().iter().cloned());
            let Some(cursor) = page["next_cursor"].as_str() else {
                return members;
            };
            assert!(
                cursors.insert(cursor.to_string()),
                "cursor {cursor} repeated"
            );
            path = format!("/v1/members?{query}&cursor={cursor}");
        }
    }
}

#[tokio::test]
async fn signs_in_with_password_and_totp_then_pulls_every_member_once() {
    let sandbox = sandbox(321).await;
    let client = Client::new(&sandbox);
    let credentials = sandbox.credentials();
    let (token, _) = client.sign_in(&credentials).await;

    let members = client.pull(&token, "limit=40").await;
    assert_eq!(members.len(), 321);
    let ids: HashSet<&str> = members.iter().map(|m| m["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 321);
    let tops: Vec<&Value> = members
        .iter()
        .filter(|m| m["active"] == true && m.get("manager").is_none())
        .collect();
    assert_eq!(tops.len(), 1);
    let head = format!(
        "{} {}",
        tops[0]["name"]["given_name"].as_str().unwrap(),
        tops[0]["name"]["family_name"].as_str().unwrap()
    );
    assert_eq!(sandbox.org_head(), Some(head));

    let terminated = client.pull(&token, "status=terminated").await;
    assert!(!terminated.is_empty() && terminated.iter().all(|m| m["active"] == false));

    let (status, company) = client.get("/v1/company", &token).await;
    assert_eq!(status, 200);
    assert_eq!(company["name"].as_str(), sandbox.company_name().as_deref());
    assert!(company["departments"].as_array().unwrap().len() >= 5);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_replayed_code_a_far_code_and_a_wrong_password_are_refused() {
    let sandbox = sandbox(20).await;
    let client = Client::new(&sandbox);
    let credentials = sandbox.credentials();
    let (_, used) = client.sign_in(&credentials).await;

    let challenge = client.login(&credentials).await;
    let (status, error) = client
        .post(
            "/v1/auth/mfa",
            json!({"challenge_id": challenge, "code": used}),
        )
        .await;
    assert_eq!(
        (status, error),
        (401, json!({"error": "code_already_used"}))
    );

    let far = code(&credentials, unix_now() + 90);
    let (status, error) = client
        .post(
            "/v1/auth/mfa",
            json!({"challenge_id": challenge, "code": far}),
        )
        .await;
    assert_eq!((status, error), (401, json!({"error": "invalid_code"})));

    let body = json!({"username": credentials.username, "password": "not it"});
    let (status, error) = client.post("/v1/auth/login", body).await;
    assert_eq!(
        (status, error),
        (401, json!({"error": "invalid_credentials"}))
    );

    let (status, _) = client.get("/v1/members", "no-such-token").await;
    assert_eq!(status, 401);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn the_front_page_shows_what_to_paste_into_orgsync() {
    let sandbox = sandbox(60).await;
    let credentials = sandbox.credentials();
    let response = reqwest::get(sandbox.base_url()).await.unwrap();
    assert_eq!(response.status(), 200);
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(content_type.starts_with("text/html"));
    let page = response.text().await.unwrap();
    for expected in [
        "orgsync Justworks sandbox",
        "generated data",
        "JustWorks Username",
        "JustWorks Password",
        "JustWorks 2FA Code",
        "Name Org Head",
        credentials.username.as_str(),
        credentials.password.as_str(),
        credentials.totp_secret.as_str(),
    ] {
        assert!(page.contains(expected), "the page lacks {expected:?}");
    }
    assert!(page.contains(&sandbox.org_head().unwrap()));
    assert!(!page.contains("<script"));
    sandbox.shutdown().await;
}

#[tokio::test]
async fn the_admin_credentials_match_those_in_process() {
    let sandbox = sandbox(20).await;
    let v: Value = reqwest::get(format!("{}/sandbox/credentials", sandbox.base_url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let credentials = sandbox.credentials();
    assert_eq!(v["username"], credentials.username);
    assert_eq!(v["password"], credentials.password);
    assert_eq!(v["totp_secret"], credentials.totp_secret);
    assert_eq!(v["org_head"].as_str(), sandbox.org_head().as_deref());
    assert_eq!(credentials.totp_secret.replace(' ', "").len(), 32);
    assert!(!format!("{credentials:?}").contains(&credentials.password));
    sandbox.shutdown().await;
}

#[tokio::test]
async fn injected_faults_then_a_healthy_sandbox() {
    let sandbox = sandbox(120).await;
    let client = Client::new(&sandbox);
    let (token, _) = client.sign_in(&sandbox.credentials()).await;

    client
        .post("/sandbox/faults", json!({"fail_next": 2, "status": 503}))
        .await;
    assert_eq!(client.get("/v1/company", &token).await.0, 503);
    assert_eq!(client.get("/v1/company", &token).await.0, 503);
    assert_eq!(client.get("/v1/company", &token).await.0, 200);

    client
        .post(
            "/sandbox/faults",
            json!({"rate_limit_next": 1, "retry_after": 2}),
        )
        .await;
    let response = client
        .http
        .get(format!("{}/v1/company", client.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 429);
    assert_eq!(response.headers()["retry-after"], "2");

    client
        .post("/sandbox/faults", json!({"corrupt_next_page": true}))
        .await;
    let (status, body) = client.get("/v1/members?limit=50", &token).await;
    assert_eq!(status, 200);
    assert!(body.is_string(), "a corrupted page must not parse as JSON");

    client
        .post("/sandbox/faults", json!({"expire_tokens": true}))
        .await;
    let (status, error) = client.get("/v1/members", &token).await;
    assert_eq!((status, error), (401, json!({"error": "token_expired"})));

    // An in-process test may sign in again within the same 30-second step.
    sandbox.forget_used_codes();
    let (token, _) = client.sign_in(&sandbox.credentials()).await;
    assert_eq!(client.pull(&token, "limit=100").await.len(), 120);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_new_hire_added_through_the_admin_surface_is_the_only_recent_change() {
    let sandbox = sandbox(80).await;
    let client = Client::new(&sandbox);
    let (token, _) = client.sign_in(&sandbox.credentials()).await;
    let before = client.pull(&token, "limit=100").await;
    let latest = before
        .iter()
        .map(|m| m["updated_at"].as_str().unwrap().to_string())
        .max()
        .unwrap();
    let head = before
        .iter()
        .find(|m| m["active"] == true && m.get("manager").is_none())
        .unwrap();
    let hire = json!({
        "company_id": head["company_id"], "active": true,
        "name": {"given_name": "Zoë", "family_name": "N'Diaye-Smith", "additional_names": []},
        "manager": {"id": head["id"]}, "job_title": "Chief of Staff",
        "emails": [], "phones": [], "addresses": []
    });
    let response = client
        .http
        .put(format!("{}/sandbox/members/mem_newhire", client.base))
        .json(&hire)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);

    let changed = client
        .pull(
            &token,
            &format!("updated_at_gt={}", latest.replace(':', "%3A")),
        )
        .await;
    assert_eq!(changed.len(), 1);
    assert_eq!(changed[0]["id"], "mem_newhire");
    assert_eq!(changed[0]["name"]["family_name"], "N'Diaye-Smith");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn shutdown_stops_serving() {
    let sandbox = sandbox(5).await;
    let base = sandbox.base_url();
    sandbox.shutdown().await;
    assert!(reqwest::get(base).await.is_err());
}
