//! A plan left waiting longer than 7 days is discarded (the app's clock is a test clock
//! here, as in `schedule.rs`).

use super::*;
use crate::schedule::{ClockedApp, Sandbox as ClockedSandbox};
use jiff::{SignedDuration, Timestamp};
use orgsync::clock::TestClock;
use orgsync::sync::review::{self, WAIT_LIMIT_MS};
use orgsync::sync::runs::{self, RunStatus};
use std::sync::Arc;

#[tokio::test]
async fn a_plan_waiting_more_than_seven_days_is_discarded_with_its_reason() {
    let sandbox = ClockedSandbox::start().await;
    let dir = tempfile::tempdir().expect("a data directory");
    let start: Timestamp = "2026-03-02T09:00:00Z".parse().unwrap();
    let clock = Arc::new(TestClock::new(start));
    let app = ClockedApp::start(dir.path(), &sandbox, &clock).await;
    let owner = app.signed_in(OWNER_EMAIL, OWNER_NAME, "owner").await;
    let (owner_id,): (String,) = sqlx::query_as("SELECT id FROM users WHERE email = $1")
        .bind(OWNER_EMAIL)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    install_and_save(
        &owner,
        &sandbox.settings().add("notify_user_ids", &owner_id),
    )
    .await;

    // The first sync waits for review; nobody decides.
    sandbox.forget_used_codes();
    let id = press_sync(&owner).await;
    let run = wait_for_run(&owner, &id, has_stopped).await;
    assert_eq!(run["status"], "needs_review", "{run}");
    let planned_at = runs::find(&app.state.db, &id)
        .await
        .unwrap()
        .expect("the run")
        .planned_at
        .expect("planned");
    assert_eq!(planned_at, start.as_millisecond());
    let at = |ms: i64| Timestamp::from_millisecond(ms).unwrap();
    assert_eq!(
        WAIT_LIMIT_MS,
        SignedDuration::from_hours(7 * 24).as_millis() as i64
    );

    // Seven days to the millisecond: still waiting.
    clock.set(at(planned_at + WAIT_LIMIT_MS));
    assert_eq!(review::expire_waiting(&app.state).await.unwrap(), 0);
    let run = run_json(&owner, &id).await;
    assert_eq!(run["status"], "needs_review", "{run}");
    assert!(run["error"].is_null(), "{run}");

    // A millisecond more: discarded, by nobody, saying why. (The app's own scheduler
    // loop may get there first; either way it happens once.)
    clock.set(at(planned_at + WAIT_LIMIT_MS + 1));
    let expired = review::expire_waiting(&app.state).await.unwrap();
    assert!(expired <= 1);
    let stored = runs::find(&app.state.db, &id).await.unwrap().unwrap();
    assert_eq!(stored.status, RunStatus::Discarded);
    assert_eq!(stored.decided_by, None);
    assert_eq!(
        stored.decided_at,
        Some(planned_at + WAIT_LIMIT_MS + 1),
        "decided on the app's clock"
    );
    const REASON: &str = "This plan waited 7 days without a decision and was discarded; \
                          nothing of it was applied. Sync again to plan afresh.";
    assert_eq!(stored.error.as_deref(), Some(REASON));
    let run = run_json(&owner, &id).await;
    assert_eq!(run["status"], "discarded", "{run}");
    assert!(run["decided_by"].is_null(), "{run}");
    let page = owner.get(&format!("/syncs/{id}")).await;
    assert!(page.says(REASON), "{}", page.text());
    assert!(!page.has_id("apply-plan"));

    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM people")
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    assert_eq!(n, 0, "nothing was written");
    let mails: Vec<(String, String)> = sqlx::query_as(
        "SELECT kind, text_body FROM mail_outbox WHERE run_id = $1 ORDER BY created_at, kind DESC",
    )
    .bind(&id)
    .fetch_all(app.state.db.pool())
    .await
    .unwrap();
    // The first sync's review notice, then the notice that it was discarded.
    let kinds: Vec<&str> = mails.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(kinds, ["sync_review", "sync_discarded"], "{mails:?}");
    assert!(mails[1].1.contains("waited 7 days"), "{}", mails[1].1);

    // Once is enough: nothing is left to expire, and Apply now says it was discarded.
    assert_eq!(review::expire_waiting(&app.state).await.unwrap(), 0);
    let (_, page) = decide(&owner, &id, "apply").await;
    assert!(
        page.says("This plan was discarded: nothing of it was applied."),
        "{}",
        page.text()
    );
    app.stop().await;
}
