//! The HTTP surface driven in-process, with a clock the test moves: sign-in rules that
//! depend on time, the admin surface, faults, paging.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};
use data_encoding::BASE32_NOPAD;
use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::clock::{Clock, TestClock};

use crate::sandbox::totp::TotpKey;
use crate::sandbox::{AppState, SandboxOptions, router};

const NOW: u64 = 1_800_000_010;

struct Harness {
    router: Router,
    state: AppState,
    clock: Arc<TestClock>,
}

impl Harness {
    fn new(members: usize) -> Self {
        let clock = Arc::new(TestClock::new(
            Timestamp::from_second(NOW as i64).expect("NOW is a valid instant"),
        ));
        let state = AppState::generate(SandboxOptions { members, seed: 7 }, clock.clone());
        Self {
            router: router(state.clone()),
            state,
            clock,
        }
    }

    fn advance(&self, seconds: u64) {
        self.clock
            .advance(SignedDuration::from_secs(seconds as i64));
    }

    fn code(&self, offset_steps: i64) -> String {
        let seed = self.state.credentials().totp_secret.replace(' ', "");
        let key = BASE32_NOPAD.decode(seed.as_bytes()).unwrap();
        let at = self.clock.now().as_second() + offset_steps * 30;
        TotpKey::new(&key).code_at(at as u64)
    }

    async fn call_from(
        &self,
        peer: &str,
        method: &str,
        uri: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value, String) {
        let mut request = Request::builder().method(method).uri(uri);
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        let peer: SocketAddr = peer.parse().unwrap();
        let request = request
            .header("content-type", "application/json")
            .extension(ConnectInfo(peer))
            .body(body.map_or_else(Body::empty, |b| Body::from(b.to_string())))
            .unwrap();
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let retry_after = response
            .headers()
            .get("retry-after")
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        let text = String::from_utf8(bytes.to_vec()).unwrap();
        let value = serde_json::from_str(&text).unwrap_or(Value::String(text));
        (status, value, retry_after)
    }

    async fn call(
        &self,
        method: &str,
        uri: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let (status, value, _) = self
            .call_from("127.0.0.1:5000", method, uri, token, body)
            .await;
        (status, value)
    }

    async fn login(&self, password: &str) -> (StatusCode, Value) {
        let username = self.state.credentials().username.clone();
        self.call(
            "POST",
            "/v1/auth/login",
            None,
            Some(json!({"username": username, "password": password})),
        )
        .await
    }

    async fn sign_in(&self) -> String {
        let password = self.state.credentials().password.clone();
        let (status, challenge) = self.login(&password).await;
        assert_eq!(status, StatusCode::OK, "{challenge}");
        assert_eq!(challenge["mfa_required"], true);
        let body = json!({"challenge_id": challenge["challenge_id"], "code": self.code(0)});
        let (status, token) = self.call("POST", "/v1/auth/mfa", None, Some(body)).await;
        assert_eq!(status, StatusCode::OK, "{token}");
        assert_eq!(token["token_type"], "Bearer");
        assert_eq!(token["expires_in"], 900);
        token["access_token"].as_str().unwrap().to_string()
    }
}

#[tokio::test]
async fn a_code_signs_in_once_then_is_refused_until_the_next_step() {
    let sandbox = Harness::new(30);
    sandbox.sign_in().await;
    let password = sandbox.state.credentials().password.clone();
    let (_, challenge) = sandbox.login(&password).await;
    let body = json!({"challenge_id": challenge["challenge_id"], "code": sandbox.code(0)});
    let (status, error) = sandbox.call("POST", "/v1/auth/mfa", None, Some(body)).await;
    assert_eq!(
        (status, error),
        (
            StatusCode::UNAUTHORIZED,
            json!({"error": "code_already_used"})
        )
    );
    sandbox.advance(30);
    sandbox.sign_in().await;
}

#[tokio::test]
async fn a_token_expires_after_fifteen_minutes() {
    let sandbox = Harness::new(30);
    let token = sandbox.sign_in().await;
    assert_eq!(
        sandbox
            .call("GET", "/v1/company", Some(&token), None)
            .await
            .0,
        StatusCode::OK
    );
    sandbox.advance(900);
    let (status, error) = sandbox.call("GET", "/v1/company", Some(&token), None).await;
    assert_eq!(
        (status, error),
        (StatusCode::UNAUTHORIZED, json!({"error": "token_expired"}))
    );
    let (status, error) = sandbox
        .call("GET", "/v1/members", Some("not-a-token"), None)
        .await;
    assert_eq!(
        (status, error),
        (StatusCode::UNAUTHORIZED, json!({"error": "unauthorized"}))
    );
}

#[tokio::test]
async fn a_wrong_password_is_refused_and_five_in_a_minute_lock_the_user_out() {
    let sandbox = Harness::new(30);
    for _ in 0..5 {
        let (status, error) = sandbox.login("wrong").await;
        assert_eq!(
            (status, error),
            (
                StatusCode::UNAUTHORIZED,
                json!({"error": "invalid_credentials"})
            )
        );
    }
    let username = sandbox.state.credentials().username.clone();
    let body = json!({"username": username, "password": "wrong"});
    let (status, error, retry_after) = sandbox
        .call_from("127.0.0.1:1", "POST", "/v1/auth/login", None, Some(body))
        .await;
    assert_eq!(
        (status, error),
        (
            StatusCode::TOO_MANY_REQUESTS,
            json!({"error": "rate_limited"})
        )
    );
    assert_eq!(retry_after, "60");
    sandbox.advance(60);
    sandbox.sign_in().await;
}

#[tokio::test]
async fn the_admin_surface_answers_loopback_peers_only() {
    let sandbox = Harness::new(30);
    for peer in ["127.0.0.1:4000", "[::1]:4000", "[::ffff:127.0.0.1]:4000"] {
        let (status, ..) = sandbox
            .call_from(peer, "GET", "/sandbox/credentials", None, None)
            .await;
        assert_eq!(status, StatusCode::OK, "{peer}");
    }
    for (method, uri) in [
        ("GET", "/sandbox/credentials"),
        ("POST", "/sandbox/faults"),
        ("PUT", "/sandbox/members"),
    ] {
        let (status, ..) = sandbox
            .call_from("192.168.1.20:4000", method, uri, None, Some(json!({})))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{method} {uri}");
    }
}

#[tokio::test]
async fn credentials_show_the_seed_in_groups_of_four_and_name_the_org_head() {
    let sandbox = Harness::new(30);
    let (_, credentials) = sandbox
        .call("GET", "/sandbox/credentials", None, None)
        .await;
    let seed = credentials["totp_secret"].as_str().unwrap();
    let groups: Vec<&str> = seed.split(' ').collect();
    assert_eq!(groups.len(), 8);
    assert!(groups.iter().all(|g| {
        g.len() == 4
            && g.chars()
                .all(|c| c.is_ascii_uppercase() || ('2'..='7').contains(&c))
    }));
    assert_eq!(
        credentials["org_head"].as_str(),
        sandbox.state.roster().org_head().as_deref()
    );
    assert!(credentials["org_head"].is_string());
}

#[tokio::test]
async fn faults_hit_the_v1_surface_only_and_an_empty_post_clears_them() {
    let sandbox = Harness::new(30);
    let token = sandbox.sign_in().await;
    sandbox
        .call(
            "POST",
            "/sandbox/faults",
            None,
            Some(json!({"fail_next": 5, "status": 502})),
        )
        .await;
    assert_eq!(
        sandbox
            .call("GET", "/sandbox/credentials", None, None)
            .await
            .0,
        StatusCode::OK
    );
    assert_eq!(
        sandbox
            .call("GET", "/v1/company", Some(&token), None)
            .await
            .0,
        StatusCode::BAD_GATEWAY
    );
    sandbox
        .call("POST", "/sandbox/faults", None, Some(json!({})))
        .await;
    assert_eq!(
        sandbox
            .call("GET", "/v1/company", Some(&token), None)
            .await
            .0,
        StatusCode::OK
    );
    let (status, _) = sandbox
        .call(
            "POST",
            "/sandbox/faults",
            None,
            Some(json!({"fail_nxt": 1})),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "a misspelt fault is refused, not ignored"
    );
}

#[tokio::test]
async fn a_corrupted_page_is_cut_midway_then_pages_are_whole_again() {
    let sandbox = Harness::new(50);
    let token = sandbox.sign_in().await;
    sandbox
        .call(
            "POST",
            "/sandbox/faults",
            None,
            Some(json!({"corrupt_next_page": true})),
        )
        .await;
    let (status, body) = sandbox
        .call("GET", "/v1/members?limit=10", Some(&token), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.is_string(), "the body must not parse as JSON");
    let (_, body) = sandbox
        .call("GET", "/v1/members?limit=10", Some(&token), None)
        .await;
    assert_eq!(body["items"].as_array().unwrap().len(), 10);
}

#[tokio::test]
async fn a_replaced_roster_is_served_and_a_patch_merges_into_one_member() {
    let sandbox = Harness::new(30);
    let token = sandbox.sign_in().await;
    let roster = json!({
        "company": {"id": "cmp_t", "name": "Tiny", "departments": [], "offices": []},
        "members": [
            {"id": "m_top", "company_id": "cmp_t", "active": true, "emails": [], "phones": [], "addresses": [],
             "name": {"given_name": "Tó", "family_name": "Top"}, "x_unknown": {"kept": true}},
            {"id": "m_2", "company_id": "cmp_t", "active": true, "emails": [], "phones": [], "addresses": [],
             "manager": {"id": "m_top"}, "job_title": "COO"}
        ]
    });
    assert_eq!(
        sandbox
            .call("PUT", "/sandbox/members", None, Some(roster))
            .await
            .0,
        StatusCode::OK
    );
    let (status, patched) = sandbox
        .call(
            "POST",
            "/sandbox/members/m_2",
            None,
            Some(json!({"job_title": "President"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(patched["manager"], json!({"id": "m_top"}));
    assert_eq!(patched["updated_at"], "2027-01-15T08:00:10Z");
    let (status, _) = sandbox
        .call("POST", "/sandbox/members/nobody", None, Some(json!({})))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = sandbox
        .call(
            "PUT",
            "/sandbox/members/m_new",
            None,
            Some(json!({"active": true, "manager": {"id": "m_top"}})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);

    let (_, page) = sandbox.call("GET", "/v1/members", Some(&token), None).await;
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    assert_eq!(items[0]["x_unknown"], json!({"kept": true}));
    assert_eq!(items[1]["job_title"], "President");
    assert_eq!(page["next_cursor"], Value::Null);
    let (_, company) = sandbox.call("GET", "/v1/company", Some(&token), None).await;
    assert_eq!(company["name"], "Tiny");
}

#[tokio::test]
async fn paging_over_http_serves_every_member_once() {
    let sandbox = Harness::new(333);
    let token = sandbox.sign_in().await;
    let (mut seen, mut cursors) = (HashSet::new(), HashSet::new());
    let mut uri = "/v1/members?limit=25".to_string();
    loop {
        let (status, page) = sandbox.call("GET", &uri, Some(&token), None).await;
        assert_eq!(status, StatusCode::OK);
        for item in page["items"].as_array().unwrap() {
            assert!(seen.insert(item["id"].as_str().unwrap().to_string()));
        }
        match page["next_cursor"].as_str() {
            None => break,
            Some(cursor) => {
                assert!(cursors.insert(cursor.to_string()));
                uri = format!("/v1/members?limit=25&cursor={cursor}");
            }
        }
    }
    assert_eq!(seen.len(), 333);
    let (status, error) = sandbox
        .call("GET", "/v1/members?limit=500", Some(&token), None)
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error["error"], "invalid_request");
}
