//! The runs webhooks ask for: debounced (a burst makes one run, a queued run absorbs
//! events), started when the debounce is over, one more queued behind a running sync,
//! started at once by Sync To Primary; event ids remembered for a day; the refusal log's
//! minute.

use super::*;
use crate::schedule::{self, ClockedApp};
use crate::sync::{Sandbox, app_on, has_stopped, run_json, wait_for_run};
use jiff::SignedDuration;
use orgsync::clock::{Clock, TestClock};
use serde_json::json;
use std::sync::Arc;

/// A sandbox, an app on it with `debounce`, Justworks saved with the sandbox's
/// credentials and the signing secret by a Technical Owner.
async fn on_sandbox(debounce: Duration) -> (Sandbox, TestApp, TestClient) {
    let sandbox = Sandbox::start(20, 7).await;
    let app = app_on(&sandbox, |config| config.webhook_debounce = debounce).await;
    let to = app.technical_owner().await;
    install_and_save(&to, &with_secret(sandbox.settings())).await;
    (sandbox, app, to)
}

/// The run's row once `until` holds (the test fails after a minute).
async fn run_when(db: &Db, id: &str, until: impl Fn(&RunRow) -> bool) -> RunRow {
    within(Duration::from_secs(60), || async {
        runs(db).await.into_iter().find(|r| r.id == id && until(r))
    })
    .await
    .unwrap_or_else(|| panic!("run {id} never got there"))
}

#[tokio::test]
async fn twenty_events_within_the_debounce_make_one_webhook_run() {
    let app = spawn_app().await;
    let to = app.technical_owner().await;
    install_and_save(&to, &with_secret(SettingsForm::valid())).await;
    let deliveries = (0..20).map(|n| deliver(&app.base, member_updated(&format!("evt_burst_{n}"))));
    let answers = futures::future::join_all(deliveries).await;
    for answer in &answers {
        assert_eq!(answer.status, 202, "{answer:?}");
    }
    let slowest = answers.iter().map(|a| a.took).max().unwrap();
    println!("20 concurrent webhook deliveries: the slowest answered in {slowest:?}");
    let db = &app.state.db;
    let runs = runs(db).await;
    assert_eq!(runs.len(), 1, "{runs:?}");
    assert_eq!(runs[0].cause, "webhook");
    assert_eq!(
        webhook_audit(db).await.len(),
        1,
        "one audit entry per run, not per event"
    );
    assert_eq!(count(db, "SELECT COUNT(*) FROM webhook_events").await, 20);
}

#[tokio::test]
async fn a_webhook_run_starts_when_its_debounce_is_over_and_says_justworks_asked() {
    let (sandbox, app, to) = on_sandbox(Duration::from_secs(1)).await;
    sandbox.forget_used_codes();
    assert_eq!(
        deliver(&app.base, member_updated("evt_start")).await.status,
        202
    );
    let db = &app.state.db;
    let id = runs(db).await[0].id.clone();
    let started = run_when(db, &id, |r| r.started_at.is_some()).await;
    let not_before = started.not_before.expect("debounced");
    assert!(started.started_at.unwrap() >= not_before, "{started:?}");
    println!(
        "the webhook run started {} ms after its debounce ended",
        started.started_at.unwrap() - not_before
    );
    let run = wait_for_run(&to, &id, has_stopped).await;
    assert_eq!(run["cause"], "webhook", "{run}");
    assert!(run["requested_by"].is_null(), "{run}");
    let page = to.get(&format!("/syncs/{id}")).await;
    page.expect(200);
    assert!(page.says("Justworks webhook"), "{}", page.text());
}

#[tokio::test]
async fn an_event_during_a_running_sync_queues_one_run_to_follow_it() {
    let (sandbox, app, to) = on_sandbox(Duration::from_millis(300)).await;
    // Slow enough that the first run is still under way while the next events come.
    sandbox.faults(json!({"latency_ms": 1500})).await;
    sandbox.forget_used_codes();
    assert_eq!(
        deliver(&app.base, member_updated("evt_first")).await.status,
        202
    );
    let db = &app.state.db;
    let first = runs(db).await[0].id.clone();
    run_when(db, &first, |r| r.status == "running").await;

    for n in 0..3 {
        let answer = deliver(&app.base, member_updated(&format!("evt_during_{n}"))).await;
        assert_eq!(answer.status, 202, "{answer:?}");
    }
    let all = runs(db).await;
    assert_eq!(
        all.len(),
        2,
        "one run follows, absorbing the later events: {all:?}"
    );
    let follower = all.iter().find(|r| r.id != first).unwrap().clone();
    assert_eq!(
        (follower.status.as_str(), follower.cause.as_str()),
        ("queued", "webhook")
    );
    assert_eq!(
        (follower.active_app.as_deref(), follower.next_app.as_deref()),
        (None, Some("justworks")),
        "it waits behind the running one"
    );
    // Sync To Primary meanwhile finds the running run, as ever.
    let pressed = to.post("/apps/justworks/sync", NO_FIELDS).await;
    pressed.expect_redirect(&format!("/syncs/{first}"));
    assert_eq!(runs(db).await.len(), 2);

    sandbox.faults(json!({})).await;
    wait_for_run(&to, &first, has_stopped).await;
    // The follower signs in within the same 30 s TOTP step: let the sandbox accept it.
    let followed = within(Duration::from_secs(60), || async {
        sandbox.forget_used_codes();
        runs(db)
            .await
            .into_iter()
            .find(|r| r.id == follower.id && r.started_at.is_some())
    })
    .await
    .expect("the follower starts once the first run has stopped");
    assert_eq!(followed.next_app, None);
    let run = wait_for_run(&to, &follower.id, |run| {
        sandbox.forget_used_codes();
        has_stopped(run)
    })
    .await;
    assert_eq!(run["cause"], "webhook", "{run}");
    assert_eq!(runs(db).await.len(), 2);
    assert_eq!(webhook_audit(db).await.len(), 2);
}

#[tokio::test]
async fn sync_to_primary_starts_a_webhook_run_waiting_out_its_debounce_at_once() {
    let (sandbox, app, to) = on_sandbox(Duration::from_secs(3600)).await;
    sandbox.forget_used_codes();
    assert_eq!(
        deliver(&app.base, member_updated("evt_wait")).await.status,
        202
    );
    let db = &app.state.db;
    let id = runs(db).await[0].id.clone();
    let pressed = to.post("/apps/justworks/sync", NO_FIELDS).await;
    pressed.expect_redirect(&format!("/syncs/{id}"));
    let started = run_when(db, &id, |r| r.started_at.is_some()).await;
    assert_eq!(started.not_before, None, "{started:?}");
    let run = run_json(&to, &id).await;
    assert_eq!(run["cause"], "webhook");
}

/// A clocked app (time stands still until the test moves it) with Justworks saved with
/// the signing secret; its base URL.
async fn clocked(
    sandbox: &schedule::Sandbox,
    dir: &std::path::Path,
    clock: &Arc<TestClock>,
) -> (ClockedApp, String) {
    let app = ClockedApp::start(dir, sandbox, clock).await;
    let owner = app.signed_in(OWNER_EMAIL, OWNER_NAME, "owner").await;
    install_and_save(&owner, &with_secret(sandbox.settings())).await;
    let base = app.state.public_base.get().expect("serving").clone();
    (app, base)
}

#[tokio::test]
async fn an_event_id_is_remembered_for_a_day_and_then_forgotten() {
    let sandbox = schedule::Sandbox::start().await;
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(TestClock::new(jiff::Timestamp::now()));
    let (app, base) = clocked(&sandbox, dir.path(), &clock).await;
    let send = |id: &'static str| {
        let (base, at) = (base.clone(), clock.now().as_second());
        async move {
            let request = format!("day{}", uuid::Uuid::new_v4().simple());
            deliver_at(&base, SECRET, at, member_updated(id), &request)
                .await
                .status
        }
    };
    let db = &app.state.db;
    assert_eq!(send("evt_day").await, 202);
    clock.advance(SignedDuration::from_hours(23));
    assert_eq!(send("evt_day").await, 200, "seen 23 hours ago");
    clock.advance(SignedDuration::from_mins(61));
    assert!(matches!(send("evt_later").await, 200..=299));
    assert_eq!(
        count(
            db,
            "SELECT COUNT(*) FROM webhook_events WHERE id = 'evt_day'"
        )
        .await,
        0,
        "pruned after 24 hours"
    );
    assert_eq!(count(db, "SELECT COUNT(*) FROM webhook_events").await, 1);
    assert!(matches!(send("evt_day").await, 200..=299));
    assert_eq!(count(db, "SELECT COUNT(*) FROM webhook_events").await, 2);
    app.stop().await;
}

#[tokio::test]
async fn a_minute_later_the_refusal_log_says_how_many_it_left_out() {
    let sandbox = schedule::Sandbox::start().await;
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(TestClock::new(jiff::Timestamp::now()));
    let (app, base) = clocked(&sandbox, dir.path(), &clock).await;
    let tag = uuid::Uuid::new_v4().simple().to_string();
    let refuse = |n: u32| refused_lines(&base, &clock, format!("minute{n}{tag}"));
    let first = refuse(1).await;
    assert_eq!(first.len(), 1);
    assert!(first[0].contains("suppressed=0"), "{}", first[0]);
    assert!(refuse(2).await.is_empty());
    clock.advance(SignedDuration::from_secs(30));
    assert!(refuse(3).await.is_empty());
    clock.advance(SignedDuration::from_secs(31));
    let next = refuse(4).await;
    assert_eq!(next.len(), 1, "a minute on, a line again");
    assert!(next[0].contains("suppressed=2"), "{}", next[0]);
    app.stop().await;
}

/// Posts a delivery signed with the wrong secret at the clock's time; the refusal lines
/// the server logged for it (none when the minute's line was already written).
async fn refused_lines(base: &str, clock: &TestClock, request: String) -> Vec<String> {
    let at = clock.now().as_second();
    let answer = deliver_at(base, "whsec_wrong", at, member_updated("evt_x"), &request).await;
    assert_eq!(answer.status, 401, "{answer:?}");
    log_lines_of(&request)
        .into_iter()
        .filter(|l| l.contains("refused a Justworks webhook delivery"))
        .collect()
}
