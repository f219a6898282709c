//! Runs seen from a browser: press Sync To Primary, read a run's JSON, wait for it.

use super::*;
use serde_json::Value;
use std::time::{Duration, Instant};

/// Presses Sync To Primary: answered 303 to the run's page, which opens. The run's id.
pub(crate) async fn press_sync(client: &TestClient) -> String {
    let page = client.post("/apps/justworks/sync", NO_FIELDS).await;
    page.expect(303);
    let location = page.location.clone().expect("a Location");
    let id = location
        .strip_prefix("/syncs/")
        .unwrap_or_else(|| panic!("Sync To Primary led to {location}"))
        .to_owned();
    client.get(&location).await.expect(200);
    id
}

/// The run's JSON as `client` reads it.
pub(crate) async fn run_json(client: &TestClient, id: &str) -> Value {
    let page = client.get(&format!("/api/v1/syncs/{id}")).await;
    page.expect(200);
    serde_json::from_str(&page.body).unwrap_or_else(|e| panic!("{e}: {}", page.body))
}

pub(crate) fn is_finished(run: &Value) -> bool {
    matches!(
        run["status"].as_str(),
        Some("complete" | "complete_with_warnings" | "failed")
    )
}

/// Finished, or stopped to wait for review.
pub(crate) fn has_stopped(run: &Value) -> bool {
    is_finished(run) || run["status"] == "needs_review"
}

/// Presses **Apply these changes** on a run waiting for review; the run's JSON after.
pub(crate) async fn approve(client: &TestClient, id: &str) -> Value {
    client
        .post(&format!("/syncs/{id}/apply"), NO_FIELDS)
        .await
        .expect(303);
    run_json(client, id).await
}

/// Polls the run's JSON until `until` holds (at most [`RUN_DEADLINE`]).
pub(crate) async fn wait_for_run(
    client: &TestClient,
    id: &str,
    until: impl Fn(&Value) -> bool,
) -> Value {
    let deadline = Instant::now() + RUN_DEADLINE;
    loop {
        let run = run_json(client, id).await;
        if until(&run) {
            return run;
        }
        assert!(
            Instant::now() < deadline,
            "run {id} not there within {RUN_DEADLINE:?}: {run}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits until the run ends, applying it if it is an install's first sync waiting for
/// review (as its admin would). Its final JSON.
pub(crate) async fn wait_applied(client: &TestClient, id: &str) -> Value {
    let run = wait_for_run(client, id, has_stopped).await;
    if run["status"] == "needs_review" && run["waits_for"] == "first_sync" {
        return approve(client, id).await;
    }
    run
}

/// Presses Sync To Primary, follows to the run's page and waits until the run ends.
/// The first sync of an install waits for review: this applies it, as the person who
/// pressed would. The run's id and final JSON.
pub(crate) async fn sync_and_wait(client: &TestClient) -> (String, Value) {
    let id = press_sync(client).await;
    let run = wait_applied(client, &id).await;
    (id, run)
}

/// Panics unless the run ended well.
#[track_caller]
pub(crate) fn assert_completed(run: &Value) {
    assert!(
        matches!(
            run["status"].as_str(),
            Some("complete" | "complete_with_warnings")
        ) && run["error"].is_null(),
        "the run did not complete: {run}"
    );
}

pub(crate) fn count(run: &Value, name: &str) -> i64 {
    run["counts"][name]
        .as_i64()
        .unwrap_or_else(|| panic!("no count {name} in {run}"))
}

/// Queues a run as the scheduler does at the daily time (tests/app/schedule.rs drives
/// the scheduler itself) and wakes the worker. The run's id.
pub(crate) async fn queue_daily_run(app: &TestApp) -> String {
    use orgsync::sync::runs::{self, Cause};
    let state = &app.state;
    let mut conn = state.db.pool().acquire().await.expect("a connection");
    let queued = runs::enqueue(
        &mut conn,
        "justworks",
        Cause::Scheduled,
        None,
        state.clock.now_ms(),
    )
    .await
    .expect("a daily run queued");
    drop(conn);
    state.sync_wake.notify_one();
    queued.run_id().to_owned()
}
