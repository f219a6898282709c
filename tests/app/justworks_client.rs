//! orgsync's Justworks client against the real sandbox, over real HTTP on port 0: a full
//! pull, every fault of the contract, the failure sentences people see, and a 25 000-member
//! pull. Each test gets its own sandbox (2FA codes are single-use per 30-second step, so a
//! shared one would make tests wait on each other). Every failure is also checked to keep
//! the password, the seed, the codes and the token out of its message, its `Debug` and the
//! log.

use axum::Router;
use axum::extract::{Query, State};
use axum::routing::{get, post};
use orgsync::justworks::totp::{justworks_code, now_unix};
use orgsync::justworks::{ClientOptions, Credentials, JustworksClient, JustworksError, TotpSeed};
use orgsync::sandbox::{RunningSandbox, SandboxOptions};
use orgsync::secrets::SecretString;
use orgsync::sync::connector::Scope;
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::net::TcpListener;

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

async fn sandbox(members: usize) -> RunningSandbox {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    orgsync::sandbox::start(listener, SandboxOptions { members, seed: 7 })
        .await
        .unwrap()
}

/// The sign-in details as the sandbox's admin surface shows them.
struct Secrets {
    username: String,
    password: String,
    totp_secret: String,
}

impl Secrets {
    async fn of(base: &str) -> Self {
        let v: Value = reqwest::get(format!("{base}/sandbox/credentials"))
            .await
            .unwrap()
            .error_for_status()
            .unwrap()
            .json()
            .await
            .unwrap();
        let field = |k: &str| v[k].as_str().unwrap().to_owned();
        Self {
            username: field("username"),
            password: field("password"),
            totp_secret: field("totp_secret"),
        }
    }

    fn credentials(&self) -> Credentials {
        Credentials::new(
            &self.username,
            SecretString::new(self.password.clone()),
            TotpSeed::parse(&self.totp_secret).unwrap(),
        )
    }
}

async fn fault(base: &str, body: Value) {
    reqwest::Client::new()
        .post(format!("{base}/sandbox/faults"))
        .json(&body)
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap();
}

/// A sandbox on a runtime of its own, so that a test can block its own thread inside the
/// (synchronous) progress callback — to set a fault mid-pull — while the sandbox keeps
/// serving, and still capture the client's log on that thread.
struct SandboxAside {
    runtime: Option<tokio::runtime::Runtime>,
    sandbox: RunningSandbox,
    base: String,
}

impl SandboxAside {
    fn start(members: usize) -> Self {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let sandbox = Self::wait_for(&runtime, sandbox(members));
        Self {
            base: sandbox.base_url(),
            sandbox,
            runtime: Some(runtime),
        }
    }

    /// Runs `work` on the sandbox's runtime and blocks this thread until it is done.
    fn wait_for<T: Send + 'static>(
        runtime: &tokio::runtime::Runtime,
        work: impl std::future::Future<Output = T> + Send + 'static,
    ) -> T {
        let (tx, rx) = std::sync::mpsc::channel();
        runtime.spawn(async move {
            let _ = tx.send(work.await);
        });
        rx.recv().unwrap()
    }

    /// Sets a fault right now (blocking: meant for the progress callback).
    fn fault_now(&self, body: Value) {
        let base = self.base.clone();
        Self::wait_for(self.runtime.as_ref().unwrap(), async move {
            fault(&base, body).await
        });
    }
}

impl Drop for SandboxAside {
    fn drop(&mut self) {
        // Dropping a runtime inside the test's async context would panic.
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

fn client(base: &str) -> JustworksClient {
    JustworksClient::new(base, ClientOptions::for_tests()).unwrap()
}

fn no_progress() -> impl Fn(usize) + Send + Sync {
    |_| {}
}

/// Every string that must never be shown: the password, the seed in both forms, every
/// code valid around now, and anything token-shaped.
fn forbidden(secrets: &[&str], seed: &str) -> Vec<String> {
    let mut out: Vec<String> = secrets.iter().map(|s| s.to_string()).collect();
    let parsed = TotpSeed::parse(seed).unwrap();
    out.push(seed.to_owned());
    out.push(parsed.expose_base32().to_owned());
    let now = now_unix();
    for offset in -4i64..=4 {
        let t = (now as i64 + offset * 30) as u64;
        out.push(justworks_code(&parsed, t).unwrap().expose().to_owned());
    }
    out.push("Bearer".into());
    out.push("access_token".into());
    out
}

fn assert_keeps_secrets(err: &JustworksError, secrets: &[&str], seed: &str) {
    let display = err.to_string();
    let debug = format!("{err:?}");
    for s in forbidden(secrets, seed) {
        assert!(
            !display.contains(&s),
            "the message shows a secret: {display}"
        );
        assert!(
            !debug.contains(&s),
            "the Debug output shows a secret: {debug}"
        );
    }
}

/// Captures orgsync's log lines for one test (the current thread's default subscriber).
#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<u8>>>);

impl Log {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl Write for Log {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn capture_log() -> (Log, tracing::subscriber::DefaultGuard) {
    let log = Log::default();
    let writer = log.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter("orgsync=trace")
        .with_ansi(false)
        .without_time()
        .with_writer(move || writer.clone())
        .finish();
    (log, tracing::subscriber::set_default(subscriber))
}

fn assert_log_keeps_secrets(log: &Log, secrets: &[&str], seed: &str) {
    let text = log.text();
    for s in forbidden(secrets, seed) {
        assert!(!text.contains(&s), "the log shows a secret:\n{text}");
    }
}

fn assert_each_member_once(ids: impl IntoIterator<Item = String>, expected: usize) {
    let mut seen = HashSet::new();
    let mut count = 0;
    for id in ids {
        count += 1;
        assert!(seen.insert(id.clone()), "member {id} came twice");
    }
    assert_eq!(count, expected);
}

// ---------------------------------------------------------------------------------------
// The happy paths
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn a_full_pull_returns_every_member_exactly_once() {
    let sandbox = sandbox(1_234).await;
    let base = sandbox.base_url();
    let secrets = Secrets::of(&base).await;
    let (log, _guard) = capture_log();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let progress = {
        let seen = seen.clone();
        move |n: usize| seen.lock().unwrap().push(n)
    };

    let roster = client(&base)
        .fetch_roster(&secrets.credentials(), Scope::All, &progress)
        .await
        .unwrap();

    assert!(!roster.company.name.is_empty());
    assert!(!roster.company.departments.is_empty());
    assert_each_member_once(roster.members.iter().map(|m| m.id.clone()), 1_234);
    let calls = seen.lock().unwrap().clone();
    assert_eq!(calls.len(), 13, "one progress call per page of 100");
    assert!(calls.windows(2).all(|w| w[0] < w[1]));
    assert_eq!(calls.last(), Some(&1_234));
    // The generated company has the variety the contract promises.
    assert!(roster.members.iter().any(|m| !m.active));
    assert!(roster.members.iter().any(|m| m.pay.is_some()));
    assert!(roster.members.iter().any(|m| m.work_email().is_some()));
    assert_log_keeps_secrets(&log, &[&secrets.password], &secrets.totp_secret);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_changed_since_read_pages_through_only_the_members_updated_since() {
    let sandbox = sandbox(250).await;
    let base = sandbox.base_url();
    let secrets = Secrets::of(&base).await;
    let everyone = client(&base)
        .fetch_roster(&secrets.credentials(), Scope::All, &no_progress())
        .await
        .unwrap();
    // Generated history ends in the past: nobody changed in the last minute yet.
    let since = jiff::Timestamp::now() - jiff::SignedDuration::from_mins(1);
    let changed: Vec<&str> = [10, 120, 240]
        .iter()
        .map(|&i| everyone.members[i].id.as_str())
        .collect();
    let http = reqwest::Client::new();
    for id in &changed {
        http.post(format!("{base}/sandbox/members/{id}"))
            .json(&json!({"job_title": "Changed"}))
            .send()
            .await
            .unwrap()
            .error_for_status()
            .unwrap();
    }
    sandbox.forget_used_codes();
    let small_pages = JustworksClient::new(
        &base,
        ClientOptions {
            page_size: 2,
            ..ClientOptions::for_tests()
        },
    )
    .unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let progress = {
        let seen = seen.clone();
        move |n: usize| seen.lock().unwrap().push(n)
    };

    let roster = small_pages
        .fetch_roster(
            &secrets.credentials(),
            Scope::ChangedSince(since),
            &progress,
        )
        .await
        .unwrap();

    let ids: Vec<&str> = roster.members.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(
        ids, changed,
        "only the changed members, in the source's order"
    );
    assert!(
        roster
            .members
            .iter()
            .all(|m| m.job_title.as_deref() == Some("Changed"))
    );
    assert_eq!(
        roster.company, everyone.company,
        "the company is read whole"
    );
    // The filter holds on every page: two members, then one.
    assert_eq!(*seen.lock().unwrap(), [2, 3]);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn test_connection_names_the_user_and_the_company_and_reads_one_page() {
    let sandbox = sandbox(250).await;
    let base = sandbox.base_url();
    let secrets = Secrets::of(&base).await;

    let report = client(&base)
        .test_connection(&secrets.credentials())
        .await
        .unwrap();

    assert_eq!(report.username, Some(secrets.username.clone()));
    assert_eq!(report.first_page_members, 100);
    assert_eq!(
        report.to_string(),
        format!(
            "Signed in to Justworks as {} — company {}, member data readable",
            secrets.username, report.company_name
        )
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_second_sign_in_within_one_step_waits_for_the_next_code() {
    let sandbox = sandbox(20).await;
    let base = sandbox.base_url();
    let secrets = Secrets::of(&base).await;
    let creds = secrets.credentials();

    // Two separate clients: the second cannot know the first used this step's code, so
    // it meets `code_already_used`, waits for the next step and signs in once more.
    client(&base).test_connection(&creds).await.unwrap();
    let started = Instant::now();
    client(&base).test_connection(&creds).await.unwrap();
    assert!(started.elapsed() <= Duration::from_secs(35));
    sandbox.shutdown().await;
}

// ---------------------------------------------------------------------------------------
// Faults it rides out
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn server_errors_for_the_next_requests_are_retried_until_they_pass() {
    let sandbox = sandbox(300).await;
    let base = sandbox.base_url();
    let secrets = Secrets::of(&base).await;
    let (log, _guard) = capture_log();
    fault(&base, json!({"fail_next": 3, "status": 503})).await;

    let roster = client(&base)
        .fetch_roster(&secrets.credentials(), Scope::All, &no_progress())
        .await
        .unwrap();

    assert_each_member_once(roster.members.iter().map(|m| m.id.clone()), 300);
    let text = log.text();
    assert_eq!(
        text.matches("retrying").count(),
        3,
        "each retry is logged:\n{text}"
    );
    assert!(text.contains("status=503"));
    assert_log_keeps_secrets(&log, &[&secrets.password], &secrets.totp_secret);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn server_errors_that_do_not_stop_end_the_pull_after_bounded_attempts() {
    let sandbox = sandbox(10).await;
    let base = sandbox.base_url();
    let secrets = Secrets::of(&base).await;
    fault(&base, json!({"fail_next": 100, "status": 502})).await;

    let started = Instant::now();
    let err = client(&base)
        .test_connection(&secrets.credentials())
        .await
        .unwrap_err();

    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(
        err.to_string(),
        "Justworks kept answering with an error (HTTP 502) while signing in (gave up after 4 \
         attempts) — try again later"
    );
    assert_keeps_secrets(&err, &[&secrets.password], &secrets.totp_secret);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn rate_limiting_is_waited_out_as_retry_after_says() {
    let sandbox = sandbox(150).await;
    let base = sandbox.base_url();
    let secrets = Secrets::of(&base).await;
    fault(&base, json!({"rate_limit_next": 2, "retry_after": 1})).await;

    let started = Instant::now();
    let roster = client(&base)
        .fetch_roster(&secrets.credentials(), Scope::All, &no_progress())
        .await
        .unwrap();

    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "waited 1 s per 429"
    );
    assert_eq!(roster.members.len(), 150);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn rate_limiting_longer_than_the_budget_gives_up_at_once_with_a_sentence() {
    let sandbox = sandbox(10).await;
    let base = sandbox.base_url();
    let secrets = Secrets::of(&base).await;
    fault(&base, json!({"rate_limit_next": 50, "retry_after": 600})).await;

    let started = Instant::now();
    let err = client(&base)
        .test_connection(&secrets.credentials())
        .await
        .unwrap_err();

    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(
        err.to_string(),
        "Justworks kept asking orgsync to slow down while signing in, for longer than orgsync \
         waits (gave up after 1 attempt) — try again in a few minutes"
    );
    assert_keeps_secrets(&err, &[&secrets.password], &secrets.totp_secret);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn latency_within_the_timeout_is_only_slow() {
    let sandbox = sandbox(120).await;
    let base = sandbox.base_url();
    let secrets = Secrets::of(&base).await;
    fault(&base, json!({"latency_ms": 150})).await;

    let roster = client(&base)
        .fetch_roster(&secrets.credentials(), Scope::All, &no_progress())
        .await
        .unwrap();

    assert_eq!(roster.members.len(), 120);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn latency_beyond_the_timeout_fails_as_unreachable_after_bounded_attempts() {
    let sandbox = sandbox(10).await;
    let base = sandbox.base_url();
    let secrets = Secrets::of(&base).await;
    fault(&base, json!({"latency_ms": 2_000})).await;
    let options = ClientOptions {
        request_timeout: Duration::from_millis(300),
        max_attempts: 3,
        ..ClientOptions::for_tests()
    };

    let started = Instant::now();
    let err = JustworksClient::new(&base, options)
        .unwrap()
        .test_connection(&secrets.credentials())
        .await
        .unwrap_err();

    assert_eq!(
        err.to_string(),
        format!(
            "Justworks could not be reached at {base} (timed out after 3 attempts while \
             signing in)"
        )
    );
    assert!(started.elapsed() < Duration::from_secs(3));
    assert_keeps_secrets(&err, &[&secrets.password], &secrets.totp_secret);
    fault(&base, json!({})).await;
    sandbox.shutdown().await;
}

#[tokio::test]
async fn an_expired_token_mid_pull_signs_in_again_and_resumes_at_the_same_page() {
    let sandbox = SandboxAside::start(700);
    let secrets = Secrets::of(&sandbox.base).await;
    let (log, _guard) = capture_log();
    let expired = AtomicUsize::new(0);
    let progress = |n: usize| {
        if n == 300 && expired.fetch_add(1, Ordering::SeqCst) == 0 {
            sandbox.fault_now(json!({"expire_tokens": true}));
            // As if the next 30-second step had begun, so the new sign-in need not wait.
            sandbox.sandbox.forget_used_codes();
        }
    };

    let roster = client(&sandbox.base)
        .fetch_roster(&secrets.credentials(), Scope::All, &progress)
        .await
        .unwrap();

    assert_eq!(expired.load(Ordering::SeqCst), 1);
    assert_each_member_once(roster.members.iter().map(|m| m.id.clone()), 700);
    let text = log.text();
    assert_eq!(
        text.matches("the Justworks token expired; getting a new one")
            .count(),
        1,
        "{text}"
    );
    assert!(text.contains("reading members page 4"), "{text}");
    assert!(!text.contains("already used"), "{text}");
    assert_log_keeps_secrets(&log, &[&secrets.password], &secrets.totp_secret);
}

// ---------------------------------------------------------------------------------------
// Failures and their sentences
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn a_corrupted_page_fails_with_its_page_number() {
    let sandbox = SandboxAside::start(500);
    let secrets = Secrets::of(&sandbox.base).await;
    let (log, _guard) = capture_log();
    let progress = |n: usize| {
        if n == 200 {
            sandbox.fault_now(json!({"corrupt_next_page": true}));
        }
    };

    let err = client(&sandbox.base)
        .fetch_roster(&secrets.credentials(), Scope::All, &progress)
        .await
        .unwrap_err();

    assert_eq!(
        err.to_string(),
        "Justworks answered with data orgsync could not read (page 3)"
    );
    assert_keeps_secrets(&err, &[&secrets.password], &secrets.totp_secret);
    assert_log_keeps_secrets(&log, &[&secrets.password], &secrets.totp_secret);
}

#[tokio::test]
async fn a_wrong_password_is_named_as_such() {
    let sandbox = sandbox(10).await;
    let base = sandbox.base_url();
    let secrets = Secrets::of(&base).await;
    let wrong = "not-the-password-Ünïcode 123";
    let creds = Credentials::new(
        &secrets.username,
        SecretString::new(wrong),
        TotpSeed::parse(&secrets.totp_secret).unwrap(),
    );
    let (log, _guard) = capture_log();

    let err = client(&base).test_connection(&creds).await.unwrap_err();

    assert_eq!(
        err.to_string(),
        "Justworks rejected the username or password"
    );
    assert_keeps_secrets(&err, &[wrong, &secrets.password], &secrets.totp_secret);
    assert_log_keeps_secrets(&log, &[wrong], &secrets.totp_secret);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_wrong_seed_is_named_as_a_2fa_problem() {
    let sandbox = sandbox(10).await;
    let base = sandbox.base_url();
    let secrets = Secrets::of(&base).await;
    let wrong_seed = "jbsw y3dp ehpk 3pxp jbsw y3dp ehpk 3pxp";
    let creds = Credentials::new(
        &secrets.username,
        SecretString::new(secrets.password.clone()),
        TotpSeed::parse(wrong_seed).unwrap(),
    );
    let (log, _guard) = capture_log();

    let err = client(&base).test_connection(&creds).await.unwrap_err();

    assert_eq!(
        err.to_string(),
        "Justworks rejected the 2FA code — check the 2FA code you entered and this server's \
         clock"
    );
    assert_keeps_secrets(&err, &[&secrets.password], wrong_seed);
    assert_keeps_secrets(&err, &[&secrets.password], &secrets.totp_secret);
    assert_log_keeps_secrets(&log, &[&secrets.password], wrong_seed);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn nothing_listening_is_could_not_be_reached() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let base = format!("http://127.0.0.1:{port}");
    let password = "a password never sent";
    let seed = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
    let creds = Credentials::new(
        "chart.hop",
        SecretString::new(password),
        TotpSeed::parse(seed).unwrap(),
    );

    let err = client(&base).test_connection(&creds).await.unwrap_err();

    assert_eq!(
        err.to_string(),
        format!(
            "Justworks could not be reached at {base} (connection refused after 4 attempts \
             while signing in)"
        )
    );
    assert_keeps_secrets(&err, &[password], seed);
}

// ---------------------------------------------------------------------------------------
// What the sandbox cannot do: a tiny fake Justworks serving scripted pages
// ---------------------------------------------------------------------------------------

/// Pages by cursor ("" for the first): (member ids, next cursor).
type Script = Arc<HashMap<String, (Vec<&'static str>, Option<&'static str>)>>;

async fn fake_justworks(script: Script) -> String {
    let _ = rustls::crypto::ring::default_provider().install_default();
    async fn members(
        State(script): State<Script>,
        Query(q): Query<HashMap<String, String>>,
    ) -> axum::response::Response {
        use axum::response::IntoResponse;
        let cursor = q.get("cursor").cloned().unwrap_or_default();
        if cursor == "deny" {
            let body = axum::Json(json!({"error": "forbidden"}));
            return (axum::http::StatusCode::FORBIDDEN, body).into_response();
        }
        let (ids, next) = script.get(&cursor).cloned().unwrap_or_default();
        let items: Vec<Value> = ids
            .iter()
            .map(|id| json!({"id": id, "company_id": "cmp_1", "active": true}))
            .collect();
        axum::Json(json!({"items": items, "next_cursor": next})).into_response()
    }
    let app = Router::new()
        .route(
            "/v1/auth/login",
            post(|| async { axum::Json(json!({"mfa_required": true, "challenge_id": "ch_1"})) }),
        )
        .route(
            "/v1/auth/mfa",
            post(|| async {
                axum::Json(json!({"access_token": "tok_fake_1", "token_type": "Bearer",
                                  "expires_in": 900}))
            }),
        )
        .route(
            "/v1/company",
            get(|| async {
                axum::Json(json!({"id": "cmp_1", "name": "Loop Ltd", "departments": [],
                                  "offices": []}))
            }),
        )
        .route("/v1/members", get(members))
        .with_state(script);
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    base
}

fn fake_creds() -> Credentials {
    Credentials::new(
        "chart.hop",
        SecretString::new("fake password"),
        TotpSeed::parse("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ").unwrap(),
    )
}

#[tokio::test]
async fn a_repeated_cursor_is_refused_rather_than_looped_on() {
    let script: Script = Arc::new(HashMap::from([
        ("".to_string(), (vec!["m1", "m2"], Some("c1"))),
        ("c1".to_string(), (vec!["m3"], Some("c2"))),
        ("c2".to_string(), (vec!["m4"], Some("c1"))),
    ]));
    let base = fake_justworks(script).await;

    let err = client(&base)
        .fetch_roster(&fake_creds(), Scope::All, &no_progress())
        .await
        .unwrap_err();

    assert_eq!(
        err.to_string(),
        "Justworks returned the same page twice (page 4); orgsync stopped to avoid a loop"
    );
    assert!(!format!("{err:?}").contains("tok_fake_1"));
}

#[tokio::test]
async fn a_code_refused_as_used_twice_is_an_error_not_a_loop() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mfa_calls = Arc::new(AtomicUsize::new(0));
    let app = Router::new()
        .route(
            "/v1/auth/login",
            post(|| async { axum::Json(json!({"mfa_required": true, "challenge_id": "ch_1"})) }),
        )
        .route(
            "/v1/auth/mfa",
            post(|State(calls): State<Arc<AtomicUsize>>| async move {
                calls.fetch_add(1, Ordering::SeqCst);
                let body = axum::Json(json!({"error": "code_already_used"}));
                (axum::http::StatusCode::UNAUTHORIZED, body)
            }),
        )
        .with_state(mfa_calls.clone());
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });

    let err = client(&base)
        .test_connection(&fake_creds())
        .await
        .unwrap_err();

    assert_eq!(
        mfa_calls.load(Ordering::SeqCst),
        2,
        "one wait, one more try"
    );
    assert_eq!(
        err.to_string(),
        "Justworks said the 2FA code had already been used, twice in a row — check that no \
         other program signs in with the same 2FA seed"
    );
    assert_keeps_secrets(&err, &["fake password"], "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
}

#[tokio::test]
async fn empty_pages_with_a_cursor_are_followed_to_the_end() {
    let script: Script = Arc::new(HashMap::from([
        ("".to_string(), (vec![], Some("c1"))),
        ("c1".to_string(), (vec!["m1"], Some("c2"))),
        ("c2".to_string(), (vec![], Some("c3"))),
        ("c3".to_string(), (vec!["m2", "m3"], None)),
    ]));
    let base = fake_justworks(script).await;

    let roster = client(&base)
        .fetch_roster(&fake_creds(), Scope::All, &no_progress())
        .await
        .unwrap();

    assert_each_member_once(roster.members.iter().map(|m| m.id.clone()), 3);
}

#[tokio::test]
async fn access_refused_on_a_data_call_names_the_step_and_the_permission() {
    let script: Script = Arc::new(HashMap::from([(
        "".to_string(),
        (vec!["m1"], Some("deny")),
    )]));
    let base = fake_justworks(script).await;

    let err = client(&base)
        .fetch_roster(&fake_creds(), Scope::All, &no_progress())
        .await
        .unwrap_err();

    assert_eq!(
        err.to_string(),
        "Justworks refused access while reading members page 2 (HTTP 403) — check that the \
         Justworks user orgsync signs in as still has the permission “View all employee \
         information”"
    );
    assert!(!format!("{err:?}").contains("tok_fake_1"));
}

#[tokio::test]
async fn a_member_listed_twice_stops_the_pull() {
    let script: Script = Arc::new(HashMap::from([
        ("".to_string(), (vec!["m1", "m2"], Some("c1"))),
        ("c1".to_string(), (vec!["m2"], None)),
    ]));
    let base = fake_justworks(script).await;

    let err = client(&base)
        .fetch_roster(&fake_creds(), Scope::All, &no_progress())
        .await
        .unwrap_err();

    assert_eq!(
        err.to_string(),
        "Justworks listed member m2 twice in one pull; the data looks corrupt, so orgsync \
         stopped before changing anything"
    );
}

// ---------------------------------------------------------------------------------------
// Size
// ---------------------------------------------------------------------------------------

/// A line of /proc/self/status in KiB (Linux): "VmHWM" is the peak resident memory so
/// far, "VmRSS" the current one.
fn status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[tokio::test]
async fn a_25_000_member_pull_returns_every_member_exactly_once() {
    let sandbox = sandbox(25_000).await;
    let base = sandbox.base_url();
    let secrets = Secrets::of(&base).await;
    let (peak_before, rss_before) = (status_kib("VmHWM:"), status_kib("VmRSS:"));
    let pages = AtomicUsize::new(0);
    let progress = |_: usize| {
        pages.fetch_add(1, Ordering::Relaxed);
    };

    let started = Instant::now();
    let roster = client(&base)
        .fetch_roster(&secrets.credentials(), Scope::All, &progress)
        .await
        .unwrap();
    let took = started.elapsed();

    assert_each_member_once(roster.members.iter().map(|m| m.id.clone()), 25_000);
    assert_eq!(pages.load(Ordering::Relaxed), 250);
    // Process-wide figures: other tests running at the same time add to them; run this
    // test alone for a clean reading.
    if let (Some(pb), Some(rb), Some(pa), Some(ra)) = (
        peak_before,
        rss_before,
        status_kib("VmHWM:"),
        status_kib("VmRSS:"),
    ) {
        println!(
            "25 000 members in {took:.2?}; resident memory {rb} → {ra} KiB (+{} KiB, the \
             roster kept); peak {pb} → {pa} KiB (+{} KiB)",
            ra.saturating_sub(rb),
            pa.saturating_sub(pb)
        );
    }
    sandbox.shutdown().await;
}
