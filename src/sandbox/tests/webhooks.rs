//! Signed webhooks and `updated_at` over real HTTP: a receiver on 127.0.0.1:0 that the
//! test starts, checking each signature itself.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use hmac::{Hmac, Mac};
use reqwest::Method;
use serde_json::{Value, json};
use sha2::Sha256;
use tokio::sync::mpsc;

use super::spawned::Spawned;

const SECRET: &str = "whsec_the-tests-own-secret";

/// One POST the receiver got.
pub(super) struct Delivery {
    timestamp: String,
    signature: String,
    content_type: String,
    body: Bytes,
}

impl Delivery {
    pub(super) fn event(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap()
    }
}

#[derive(Clone)]
struct Receiver {
    got: mpsc::UnboundedSender<Delivery>,
    /// Posts to answer 500 before answering 204.
    fail_first: Arc<AtomicUsize>,
    delay: Duration,
}

async fn receive(State(receiver): State<Receiver>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let header = |name: &str| {
        headers
            .get(name)
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default()
    };
    let _ = receiver.got.send(Delivery {
        timestamp: header("x-justworks-webhook-timestamp"),
        signature: header("x-justworks-webhook-signature"),
        content_type: header("content-type"),
        body,
    });
    tokio::time::sleep(receiver.delay).await;
    let failing = receiver
        .fail_first
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok();
    if failing {
        StatusCode::INTERNAL_SERVER_ERROR
    } else {
        StatusCode::NO_CONTENT
    }
}

/// Starts a receiver on 127.0.0.1:0: its URL and what it gets.
pub(super) async fn receiver(
    fail_first: usize,
    delay: Duration,
) -> (String, mpsc::UnboundedReceiver<Delivery>) {
    let (got, deliveries) = mpsc::unbounded_channel();
    let receiver = Receiver {
        got,
        fail_first: Arc::new(AtomicUsize::new(fail_first)),
        delay,
    };
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let app = Router::new()
        .route("/hook", post(receive))
        .with_state(receiver);
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, deliveries)
}

/// Starts a receiver and registers it with the sandbox.
async fn hooked(
    sandbox: &Spawned,
    fail_first: usize,
    delay: Duration,
    duplicate: bool,
) -> mpsc::UnboundedReceiver<Delivery> {
    let (url, deliveries) = receiver(fail_first, delay).await;
    let body = json!({"url": url, "secret": SECRET, "duplicate": duplicate});
    let (status, answer) = sandbox.admin(Method::PUT, "/sandbox/webhook", body).await;
    assert_eq!(status, 200, "{answer}");
    deliveries
}

pub(super) async fn next(deliveries: &mut mpsc::UnboundedReceiver<Delivery>) -> Delivery {
    tokio::time::timeout(Duration::from_secs(10), deliveries.recv())
        .await
        .expect("a delivery within 10 s")
        .unwrap()
}

pub(super) async fn nothing_more(deliveries: &mut mpsc::UnboundedReceiver<Delivery>) {
    let more = tokio::time::timeout(Duration::from_millis(500), deliveries.recv()).await;
    assert!(
        more.is_err(),
        "no further delivery: {:?}",
        more.map(|d| d.map(|d| d.event()))
    );
}

fn verify(delivery: &Delivery) {
    verify_with(SECRET, delivery);
}

/// The signature recomputed here, with the HMAC crate and nothing of the sandbox's.
pub(super) fn verify_with(secret: &str, delivery: &Delivery) {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{}.", delivery.timestamp).as_bytes());
    mac.update(&delivery.body);
    let expected: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(delivery.signature, format!("v1={expected}"));
    assert_eq!(delivery.content_type, "application/json");
}

async fn some_member(sandbox: &Spawned) -> String {
    let token = sandbox.sign_in_service_user().await;
    let (_, page) = sandbox.data("members?status=active&limit=1", &token).await;
    page["items"][0]["id"].as_str().unwrap().to_string()
}

async fn patch(sandbox: &Spawned, id: &str, body: Value) -> Value {
    let (status, member) = sandbox
        .admin(Method::POST, &format!("/sandbox/members/{id}"), body)
        .await;
    assert_eq!(status, 200, "{member}");
    member
}

#[tokio::test]
async fn a_patch_posts_a_signed_event_to_the_webhook() {
    let sandbox = Spawned::start(20).await;
    let mut deliveries = hooked(&sandbox, 0, Duration::ZERO, false).await;
    let id = some_member(&sandbox).await;
    patch(&sandbox, &id, json!({"job_title": "Chief Tester"})).await;
    let delivery = next(&mut deliveries).await;
    verify(&delivery);
    assert_eq!(
        delivery.timestamp,
        super::spawned::NOW.to_string(),
        "the sandbox's clock"
    );
    let event = delivery.event();
    assert_eq!(event["type"], "member.profile.updated");
    assert_eq!(event["data"], json!({"member_id": id}));
    assert!(event["id"].as_str().unwrap().starts_with("evt_"));
    assert_eq!(event["created_at"], "2027-01-15T08:00:10Z");
    nothing_more(&mut deliveries).await;
}

#[tokio::test]
async fn setting_and_clearing_a_termination_date_name_their_events() {
    let sandbox = Spawned::start(20).await;
    let mut deliveries = hooked(&sandbox, 0, Duration::ZERO, false).await;
    let id = some_member(&sandbox).await;
    patch(
        &sandbox,
        &id,
        json!({"employment_termination_date": "2027-02-28"}),
    )
    .await;
    patch(&sandbox, &id, json!({"employment_termination_date": null})).await;
    let mut types = vec![
        next(&mut deliveries).await.event()["type"].clone(),
        next(&mut deliveries).await.event()["type"].clone(),
    ];
    types.sort_by_key(|t| t.to_string());
    assert_eq!(
        types,
        [
            "member.employment_state.termination_canceled",
            "member.employment_state.termination_scheduled"
        ]
    );
}

#[tokio::test]
async fn the_duplicate_option_sends_each_event_twice() {
    let sandbox = Spawned::start(20).await;
    let mut deliveries = hooked(&sandbox, 0, Duration::ZERO, true).await;
    let id = some_member(&sandbox).await;
    patch(&sandbox, &id, json!({"job_title": "Twice"})).await;
    let (first, second) = (next(&mut deliveries).await, next(&mut deliveries).await);
    verify(&first);
    verify(&second);
    assert_eq!(first.event(), second.event(), "the same event, id included");
    nothing_more(&mut deliveries).await;
    // Switched off again with `duplicate` alone; `{}` stops the webhook.
    sandbox
        .admin(Method::PUT, "/sandbox/webhook", json!({"duplicate": false}))
        .await;
    patch(&sandbox, &id, json!({"job_title": "Once"})).await;
    next(&mut deliveries).await;
    nothing_more(&mut deliveries).await;
    sandbox
        .admin(Method::PUT, "/sandbox/webhook", json!({}))
        .await;
    patch(&sandbox, &id, json!({"job_title": "Never"})).await;
    nothing_more(&mut deliveries).await;
}

#[tokio::test]
async fn a_failed_delivery_is_retried_and_the_admin_answer_does_not_wait() {
    let sandbox = Spawned::start(20).await;
    let mut deliveries = hooked(&sandbox, 2, Duration::from_millis(1_500), false).await;
    let id = some_member(&sandbox).await;
    let started = Instant::now();
    patch(&sandbox, &id, json!({"job_title": "Retried"})).await;
    assert!(
        started.elapsed() < Duration::from_millis(1_000),
        "answered before delivery"
    );
    let attempts = [
        next(&mut deliveries).await,
        next(&mut deliveries).await,
        next(&mut deliveries).await,
    ];
    assert!(attempts.iter().all(|a| a.event() == attempts[0].event()));
    attempts.iter().for_each(verify);
    nothing_more(&mut deliveries).await;
}

#[tokio::test]
async fn a_replaced_roster_announces_and_dates_only_the_members_it_changes() {
    let sandbox = Spawned::start(5).await;
    let token = sandbox.connect().await["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let member = |id: &str, title: &str| {
        json!({"id": id, "company_id": "c", "active": true, "emails": [], "phones": [],
               "addresses": [], "name": {"given_name": id, "family_name": "X"}, "job_title": title})
    };
    let roster =
        |members: Vec<Value>| json!({"company": {"id": "c", "name": "C"}, "members": members});
    let first = roster(vec![
        member("top", "CEO"),
        member("same", "COO"),
        member("changed", "CTO"),
    ]);
    sandbox.admin(Method::PUT, "/sandbox/members", first).await;
    let mut deliveries = hooked(&sandbox, 0, Duration::ZERO, false).await;
    sandbox.advance(60);
    let second = roster(vec![
        member("top", "CEO"),
        member("same", "COO"),
        member("changed", "Chief Technologist"),
        member("new", "CFO"),
    ]);
    let (status, _) = sandbox.admin(Method::PUT, "/sandbox/members", second).await;
    assert_eq!(status, 200);
    let mut events: Vec<(String, String)> = Vec::new();
    for _ in 0..2 {
        let event = next(&mut deliveries).await.event();
        events.push((
            event["type"].as_str().unwrap().into(),
            event["data"]["member_id"].as_str().unwrap().into(),
        ));
    }
    events.sort();
    assert_eq!(
        events,
        [
            ("member.profile.created".to_string(), "new".to_string()),
            ("member.profile.updated".to_string(), "changed".to_string()),
        ]
    );
    nothing_more(&mut deliveries).await;

    let (_, page) = sandbox.data("members", &token).await;
    let dated: Vec<(&str, &str)> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["id"].as_str().unwrap(), m["updated_at"].as_str().unwrap()))
        .collect();
    assert_eq!(
        dated,
        [
            ("top", "2027-01-15T08:00:10Z"),
            ("same", "2027-01-15T08:00:10Z"),
            ("changed", "2027-01-15T08:01:10Z"),
            ("new", "2027-01-15T08:01:10Z"),
        ]
    );
}

#[tokio::test]
async fn updated_at_gte_returns_only_the_members_changed_since() {
    let sandbox = Spawned::start(60).await;
    sandbox.advance(3_600);
    let token = sandbox.connect().await["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let (_, page) = sandbox.data("members?limit=100", &token).await;
    let ids: Vec<String> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_string())
        .collect();
    patch(&sandbox, &ids[7], json!({"job_title": "Changed"})).await;
    sandbox.advance(5);
    patch(
        &sandbox,
        &ids[3],
        json!({"employment_termination_date": "2027-03-01"}),
    )
    .await;
    let since = |at: &str| format!("members?limit=100&updated_at_gte={at}");
    let (status, page) = sandbox.data(&since("2027-01-15T09:00:10Z"), &token).await;
    assert_eq!(status, 200);
    let changed: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    assert_eq!(changed, [ids[3].as_str(), ids[7].as_str()]);
    let (_, page) = sandbox.data(&since("2027-01-15T09:00:11Z"), &token).await;
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
}
