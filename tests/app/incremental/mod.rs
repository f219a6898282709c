//! Incremental reads end to end (issue 14, point 3): after a read of everyone, a sync asks
//! the sandbox only for the members changed since (five minutes before the last read)
//! and plans them against the last read kept; the daily run, a settings save, a failed
//! run and a missing last read make it read everyone. The run's JSON and page say which.
//! `equivalence` checks that either way the org and its history come out the same.

mod equivalence;

use crate::helpers::*;
use crate::review::Scene;
use crate::sync::support::*;
use serde_json::{Value, json};

/// The time a run JSON gives, as an instant.
fn instant(run: &Value, field: &str) -> jiff::Timestamp {
    run[field]
        .as_str()
        .unwrap_or_else(|| panic!("no {field} in {run}"))
        .parse()
        .unwrap_or_else(|e| panic!("{field} of {run}: {e}"))
}

/// The first live member nobody reports to (a change to them touches nobody else).
async fn a_quiet_member(scene: &Scene) -> String {
    let members = scene.members().await;
    id(quiet_leaves(&members)[0]).to_owned()
}

#[tokio::test]
async fn after_a_full_read_a_sync_reads_only_the_members_changed_since_and_applies_them() {
    let scene = Scene::configured(|form| form).await;
    let (first_id, first) = scene.sandbox.sync(&scene.to).await;
    assert_completed(&first);
    assert_eq!(first["read"], json!({"scope": "full"}), "{first}");
    let everyone = scene.members().await.len() as i64;
    assert_eq!(first["members_fetched"], json!(everyone), "{first}");
    let page = scene.to.get(&format!("/syncs/{first_id}")).await;
    assert_eq!(page.text_of_id("run-read").as_deref(), Some("everyone"));
    assert!(page.says("Read from Justworks"), "{}", page.text());

    let member = a_quiet_member(&scene).await;
    scene
        .sandbox
        .patch(&member, json!({"job_title": "Chief Incrementalist"}))
        .await;
    let (id, run) = scene.sync().await;
    assert_completed(&run);
    assert_eq!(run["read"]["scope"], "changes", "{run}");
    // Five minutes before the first read began (just after that run started).
    let since = instant(&run["read"], "since");
    let first_started = instant(&first, "started_at");
    let five = jiff::SignedDuration::from_mins(5);
    let margin = first_started.duration_since(since);
    assert!(
        margin <= five && margin > five - jiff::SignedDuration::from_secs(30),
        "since {since}, first run started {first_started}"
    );
    assert_eq!(
        run["members_fetched"],
        json!(1),
        "only the changed member: {run}"
    );
    assert_eq!(count(&run, "updated"), 1, "{run}");
    assert_eq!(
        scene.title_of(&member).await.as_deref(),
        Some("Chief Incrementalist")
    );
    let page = scene.to.get(&format!("/syncs/{id}")).await;
    page.expect(200);
    let read = page.text_of_id("run-read").expect("what the run read");
    assert!(read.starts_with("changes since "), "{read}");
    assert!(
        read.ends_with(" UTC"),
        "shown as the page's other times: {read}"
    );

    // Nothing changed since: nothing to read but what the margin reads again.
    let (_, quiet) = scene.sync().await;
    assert_completed(&quiet);
    assert_eq!(quiet["read"]["scope"], "changes", "{quiet}");
    assert_eq!(quiet["members_fetched"], json!(1), "{quiet}");
    assert_eq!(count(&quiet, "updated"), 0, "{quiet}");
}

#[tokio::test]
async fn the_last_read_is_kept_encrypted() {
    let scene = Scene::synced(|form| form).await;
    let members = scene.members().await;
    let pool = scene.app.db().await;
    let (ciphertext,): (String,) =
        sqlx::query_as("SELECT ciphertext FROM roster_snapshots WHERE app = 'justworks'")
            .fetch_one(&pool)
            .await
            .expect("a last read kept");
    pool.close().await;
    assert!(
        ciphertext.starts_with("v1:"),
        "sealed like the stored secrets"
    );
    for m in &members {
        let name = m["name"]["family_name"].as_str().unwrap_or("");
        assert!(
            name.is_empty() || !ciphertext.contains(name),
            "{name} in the clear"
        );
    }
    let paid = members
        .iter()
        .find_map(|m| m["current_pay"]["amount"].as_i64())
        .expect("a paid member");
    assert!(!ciphertext.contains(&paid.to_string()));
}

#[tokio::test]
async fn a_settings_save_makes_the_next_sync_read_everyone() {
    let mut scene = Scene::synced(|form| form).await;
    let everyone = scene.members().await.len() as i64;
    let member = a_quiet_member(&scene).await;
    scene.change_settings(|form| form).await;
    scene
        .sandbox
        .patch(&member, json!({"job_title": "Read In Full"}))
        .await;

    let (_, run) = scene.sync().await;
    assert_completed(&run);
    assert_eq!(run["read"], json!({"scope": "full"}), "{run}");
    assert_eq!(run["members_fetched"], json!(everyone), "{run}");
    assert_eq!(
        scene.title_of(&member).await.as_deref(),
        Some("Read In Full")
    );

    // That read is kept under the new settings: the one after reads changes again.
    let (_, next) = scene.sync().await;
    assert_eq!(next["read"]["scope"], "changes", "{next}");
}

#[tokio::test]
async fn the_daily_run_reads_everyone() {
    let scene = Scene::synced(|form| form).await;
    let everyone = scene.members().await.len() as i64;
    scene.sandbox.forget_used_codes();
    let id = queue_daily_run(&scene.app).await;
    let run = wait_for_run(&scene.to, &id, has_stopped).await;
    assert_completed(&run);
    assert_eq!(run["cause"], "scheduled", "{run}");
    assert_eq!(run["read"], json!({"scope": "full"}), "{run}");
    assert_eq!(run["members_fetched"], json!(everyone), "{run}");
}

#[tokio::test]
async fn a_failed_sync_keeps_the_last_read_so_no_change_is_missed() {
    let scene = Scene::configured(|form| form).await;
    let (_, first) = scene.sandbox.sync(&scene.to).await;
    assert_completed(&first);
    let members = scene.members().await;
    let leaves = quiet_leaves(&members);
    let (a, b) = (id(leaves[0]).to_owned(), id(leaves[1]).to_owned());
    scene
        .sandbox
        .patch(&a, json!({"job_title": "Before"}))
        .await;
    let (_, second) = scene.sync().await;
    assert_completed(&second);
    assert_eq!(second["read"]["scope"], "changes", "{second}");

    scene
        .sandbox
        .patch(&a, json!({"job_title": "Changed While Failing"}))
        .await;
    scene
        .sandbox
        .faults(json!({"corrupt_next_page": true}))
        .await;
    let (_, failed) = scene.sync().await;
    assert_eq!(failed["status"], "failed", "{failed}");
    assert_eq!(failed["read"]["scope"], "changes", "{failed}");
    assert_ne!(failed["read"]["since"], second["read"]["since"], "{failed}");
    scene.sandbox.faults(json!({})).await;
    scene.sandbox.patch(&b, json!({"job_title": "After"})).await;

    // The failed run kept nothing: the next reads from the second run's read again, as
    // the failed one tried to, and both changes come.
    let (_, after) = scene.sync().await;
    assert_completed(&after);
    assert_eq!(after["read"], failed["read"], "{after}");
    assert_eq!(
        scene.title_of(&a).await.as_deref(),
        Some("Changed While Failing")
    );
    assert_eq!(scene.title_of(&b).await.as_deref(), Some("After"));
}
