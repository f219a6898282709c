//! The Justworks webhook receiver (`POST /hooks/justworks`) over real HTTP: deliveries
//! signed here, in the test, the way Justworks signs them (HMAC-SHA256 of
//! `timestamp.body`, computed with `hmac` and `sha2`), sent by a client with no session
//! and no CSRF token, as Justworks' servers would.

mod receiving;
mod runs;
mod secret;

use crate::helpers::*;
use hmac::{Hmac, Mac};
use orgsync::db::Db;
use sha2::Sha256;
use std::time::{Duration, Instant};

/// The signing secret the tests paste into the settings.
pub(crate) const SECRET: &str = "whsec_7f3a9c2e5b1d4f6a8c0e2b4d6f8a1c3e";

/// The settings of a first save, with the webhook signing secret.
pub(crate) fn with_secret(form: SettingsForm) -> SettingsForm {
    form.set("webhook_secret", SECRET)
}

/// An event as Justworks posts it.
pub(crate) fn event(id: &str, kind: &str) -> Vec<u8> {
    serde_json::json!({
        "id": id,
        "type": kind,
        "created_at": "2026-11-26T10:00:00Z",
        "data": {"member_id": "mem_0001"},
    })
    .to_string()
    .into_bytes()
}

/// A member changed: the event most deliveries carry.
pub(crate) fn member_updated(id: &str) -> Vec<u8> {
    event(id, "member.profile.updated")
}

/// `v1=<hex HMAC-SHA256(secret, timestamp + "." + body)>`.
pub(crate) fn signature(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{timestamp}.").as_bytes());
    mac.update(body);
    let digest = mac.finalize().into_bytes();
    format!("v1={}", data_encoding::HEXLOWER.encode(&digest))
}

/// What the receiver answered, and how long it took.
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) body: String,
    pub(crate) took: Duration,
}

/// Posts `body` to `{base}/hooks/justworks` with exactly `headers` (plus a JSON content
/// type): no cookie, no `Origin`, no CSRF token.
pub(crate) async fn post_hook(base: &str, body: Vec<u8>, headers: &[(&str, String)]) -> Answer {
    init();
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let mut request = http
        .post(format!("{base}/hooks/justworks"))
        .header("content-type", "application/json")
        .body(body);
    for (name, value) in headers {
        request = request.header(*name, value);
    }
    let started = Instant::now();
    let response = request.send().await.expect("the server answers");
    let took = started.elapsed();
    Answer {
        status: response.status().as_u16(),
        body: response.text().await.unwrap_or_default(),
        took,
    }
}

/// Posts `body` signed with `secret` at unix second `at`, with request id `request_id`
/// (so that the test can find its log lines among every test's).
pub(crate) async fn deliver_at(
    base: &str,
    secret: &str,
    at: i64,
    body: Vec<u8>,
    request_id: &str,
) -> Answer {
    let headers = [
        ("x-justworks-webhook-timestamp", at.to_string()),
        (
            "x-justworks-webhook-signature",
            signature(secret, at, &body),
        ),
        ("x-request-id", request_id.to_owned()),
    ];
    post_hook(base, body, &headers).await
}

/// Posts `body` signed with [`SECRET`], now.
pub(crate) async fn deliver(base: &str, body: Vec<u8>) -> Answer {
    let id = format!("hook{}", uuid::Uuid::new_v4().simple());
    deliver_at(base, SECRET, jiff::Timestamp::now().as_second(), body, &id).await
}

/// One run as the tests look at it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct RunRow {
    pub(crate) id: String,
    pub(crate) status: String,
    pub(crate) cause: String,
    pub(crate) requested_by: Option<String>,
    pub(crate) queued_at: i64,
    pub(crate) not_before: Option<i64>,
    pub(crate) started_at: Option<i64>,
    pub(crate) active_app: Option<String>,
    pub(crate) next_app: Option<String>,
}

/// Every run, oldest first.
pub(crate) async fn runs(db: &Db) -> Vec<RunRow> {
    sqlx::query_as(
        "SELECT id, status, cause, requested_by, queued_at, not_before, started_at, \
         active_app, next_app FROM sync_runs ORDER BY queued_at, id",
    )
    .fetch_all(db.pool())
    .await
    .expect("sync_runs")
}

/// The single integer a query answers.
pub(crate) async fn count(db: &Db, sql: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sql)
        .fetch_one(db.pool())
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    n
}

/// `(actor, details)` of each `sync.webhook_queued` audit entry.
pub(crate) async fn webhook_audit(db: &Db) -> Vec<(String, String)> {
    sqlx::query_as(
        "SELECT actor_name, details FROM audit_log WHERE action = 'sync.webhook_queued' \
         ORDER BY id",
    )
    .fetch_all(db.pool())
    .await
    .expect("audit_log")
}

/// The captured log lines written while answering the request with this id.
pub(crate) fn log_lines_of(request_id: &str) -> Vec<String> {
    captured_logs()
        .lines()
        .filter(|l| l.contains(&format!("request_id={request_id}")))
        .map(str::to_owned)
        .collect()
}

/// Waits (up to `deadline`) until `probe` gives something.
pub(crate) async fn within<T, F, Fut>(deadline: Duration, mut probe: F) -> Option<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let until = Instant::now() + deadline;
    loop {
        if let Some(found) = probe().await {
            return Some(found);
        }
        if Instant::now() >= until {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
