//! The first sync of an install stops for review: the admin sees the import before
//! anything is written, and Apply fills the org.

use super::*;

#[tokio::test]
async fn the_first_sync_waits_for_review_and_apply_fills_the_org() {
    let scene = Scene::configured(|form| form).await;
    let members = scene.members().await;
    let total = members.len();
    let active = members.iter().filter(|m| is_live(m)).count();
    let former = total - active;
    assert!(
        former > 0,
        "the company has people who left before the sync"
    );

    let (id, run) = scene.sync().await;
    assert_eq!(run["status"], "needs_review", "{run}");
    assert_eq!(run["waits_for"], "first_sync", "{run}");
    assert_eq!(run["guards"], json!([]), "{run}");
    assert!(run["decided_by"].is_null(), "{run}");
    assert_eq!(scene.app.count("SELECT COUNT(*) FROM people").await, 0);
    assert_eq!(scene.app.count("SELECT COUNT(*) FROM jobs").await, 0);
    assert_eq!(scene.app.count("SELECT COUNT(*) FROM history").await, 0);
    let head = scene.sandbox.running.org_head().expect("an org head");
    let people = scene.to.get("/people").await;
    people.expect(200);
    assert!(
        !people.says(&head),
        "People is still empty: {}",
        people.text()
    );
    let planned = scene
        .app
        .count(&format!(
            "SELECT COUNT(*) FROM planned_history WHERE run_id = '{id}'"
        ))
        .await;
    assert!(planned > 0, "the plan's changes are kept with the run");

    let page = scene.to.get(&format!("/syncs/{id}")).await;
    page.expect(200);
    let import = format!("Initial import: {total} people — {active} active, {former} former");
    assert_eq!(
        page.text_of_id("counts-heading").as_deref(),
        Some(import.as_str()),
        "{}",
        page.text()
    );
    assert!(page.says("Waiting for review"), "{}", page.text());
    assert!(page.says(
        "The first sync of Justworks always waits for review: check the import before \
         anything is written."
    ));
    assert!(page.has_id("apply-plan") && page.has_id("discard-plan"));
    assert!(page.says("Apply these changes") && page.says("Discard"));
    // The planned new hires are listed as a finished run lists applied ones.
    assert_eq!(
        page.text_of_id("group-new_hire"),
        Some(format!("New hires ({active})")),
        "{}",
        page.text()
    );

    let (location, after) = decide(&scene.to, &id, "apply").await;
    assert_eq!(location, format!("/syncs/{id}"));
    assert!(
        after.says("Applied: the org now has these changes."),
        "{}",
        after.text()
    );
    let run = run_json(&scene.to, &id).await;
    assert_completed(&run);
    assert_eq!(run["decided_by"], TECH_NAME, "{run}");
    assert!(run["decided_at"].is_string(), "{run}");
    assert_eq!(count(&run, "created"), total as i64, "{run}");
    assert_eq!(
        scene.app.count("SELECT COUNT(*) FROM people").await,
        total as i64
    );
    assert_eq!(
        scene.active_people().await,
        active as u64,
        "everyone live is active"
    );
    assert!(
        after.says(&format!("Applied after review by {TECH_NAME}")),
        "{}",
        after.text()
    );
    assert!(
        !after.has_id("apply-plan"),
        "an applied run has nothing to apply"
    );
    assert!(scene.to.get("/people").await.says(&head));
    // The planned rows became the run's history, once.
    let applied = scene
        .app
        .count(&format!(
            "SELECT COUNT(*) FROM history WHERE run_id = '{id}'"
        ))
        .await;
    assert_eq!(applied, planned);
    let approved = scene.audit("sync.approved").await;
    assert_eq!(approved, vec![(TECH_NAME.to_owned(), format!("run {id}"))]);
}
