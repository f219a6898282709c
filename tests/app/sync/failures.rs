//! Syncs that fail — at Justworks or inside the apply — and leave the org as it was.

use super::support::*;
use crate::helpers::*;
use serde_json::json;
use std::collections::BTreeSet;
use std::time::Duration;

#[tokio::test]
async fn a_sync_against_a_failing_justworks_fails_with_the_clients_sentence_and_changes_nothing() {
    // Three pages of members; progress is recorded often, so the test sees page 1 land.
    let sandbox = Sandbox::start(250, 7).await;
    let app = app_on(&sandbox, |config| {
        config.run_heartbeat = Duration::from_millis(50);
    })
    .await;
    let to = app.technical_owner().await;
    install_and_save(&to, &sandbox.settings()).await;
    let (_, first) = sandbox.sync(&to).await;
    assert_completed(&first);
    // Changes a good pull would bring in.
    let members = sandbox.members().await;
    for member in quiet_leaves(&members).into_iter().take(3) {
        sandbox
            .patch(id(member), json!({"job_title": "Chief Patch Officer"}))
            .await;
    }
    let before = org_dump(app.dir.path()).await;
    assert!(before["people"].len() >= 250);
    // A settings save makes the next sync read everyone (three pages), not just the
    // three changed members.
    to.get("/apps/justworks").await.expect(200);
    to.post("/apps/justworks/settings", sandbox.settings().fields())
        .await
        .expect_redirect("/apps/justworks");

    // Slow, so that the second page can be spoiled once the first has been read.
    sandbox.faults(json!({"latency_ms": 1500})).await;
    sandbox.forget_used_codes();
    let run_id = press_sync(&to).await;
    let reading = wait_for_run(&to, &run_id, |r| {
        is_finished(r) || r["members_fetched"].as_i64().unwrap_or(0) >= 100
    })
    .await;
    assert_eq!(reading["status"], "running", "{reading}");
    sandbox.faults(json!({"corrupt_next_page": true})).await;
    let run = wait_for_run(&to, &run_id, is_finished).await;

    let sentence = "Justworks answered with data orgsync could not read (page 2)";
    assert_eq!(run["status"], "failed", "{run}");
    assert_eq!(run["error"].as_str(), Some(sentence), "{run}");
    let page = to.get(&format!("/syncs/{run_id}")).await;
    assert!(
        page.says("Failed") && page.says(sentence),
        "{}",
        page.text()
    );
    assert_same_org(&before, &org_dump(app.dir.path()).await);
}

#[tokio::test]
async fn a_failure_inside_apply_leaves_the_org_byte_for_byte_as_before() {
    let (sandbox, app, to) = configured(30).await;
    let (_, first) = sandbox.sync(&to).await;
    assert_completed(&first);
    let members = sandbox.members().await;
    let leaves = quiet_leaves(&members);
    let (promoted, leaver) = (leaves[0], leaves[1]);
    sandbox
        .patch(id(promoted), json!({"job_title": "Head of Rollbacks"}))
        .await;
    sandbox
        .patch(
            id(leaver),
            json!({"active": false, "employment_termination_date": today().to_string()}),
        )
        .await;

    let pool = app.db().await;
    fail_inserts_into(&pool, "history").await;
    pool.close().await;
    let before = org_dump(app.dir.path()).await;
    assert!(!before["history"].is_empty());

    let (run_id, run) = sandbox.sync(&to).await;
    assert_eq!(run["status"], "failed", "{run}");
    assert_eq!(run["error"].as_str(), Some(DATABASE_FAILURE), "{run}");
    let page = to.get(&format!("/syncs/{run_id}")).await;
    assert!(page.says(DATABASE_FAILURE), "{}", page.text());
    for leak in ["injected", "RAISE", "trigger", "SQLITE", "sqlx", "plpgsql"] {
        assert!(
            !page.body.contains(leak),
            "the page shows the driver's text"
        );
    }
    assert_same_org(&before, &org_dump(app.dir.path()).await);

    let pool = app.db().await;
    stop_failing_inserts_into(&pool, "history").await;
    pool.close().await;
    let (run_id, run) = sandbox.sync(&to).await;
    assert_completed(&run);
    assert_eq!(
        (count(&run, "updated"), count(&run, "departed")),
        (1, 1),
        "{run}"
    );
    let kinds: BTreeSet<(Option<String>, String)> = history_of_run(&app, &run_id)
        .await
        .into_iter()
        .map(|r| (r.member, r.kind))
        .collect();
    assert_eq!(
        kinds,
        BTreeSet::from([
            (Some(id(promoted).to_owned()), "title_change".to_owned()),
            (Some(id(leaver).to_owned()), "departure".to_owned()),
        ])
    );
}
