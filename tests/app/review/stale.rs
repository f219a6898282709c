//! A plan made before a hand edit is never applied: Apply plans again and shows the new
//! plan for review.

use super::*;

#[tokio::test]
async fn applying_a_plan_made_before_a_hand_edit_plans_again_and_the_new_plan_keeps_the_edit() {
    let scene = Scene::synced(|form| form).await;
    let members = scene.members().await;
    let leaves = quiet_leaves(&members);
    let (moved, new_manager) = (id(leaves[0]).to_owned(), id(leaves[1]).to_owned());
    let old_manager = manager_id(leaves[0]).map(str::to_owned);
    let justworks_title = scene.title_of(&moved).await;
    scene
        .sandbox
        .patch(&moved, json!({"manager": {"id": new_manager}}))
        .await;
    let (stale, run) = scene.preview().await;
    assert_eq!(run["plan_summary"]["updated"], 1, "{run}");

    // A hand edit of the same seat's title, pinned so that syncs leave it alone: the
    // stale plan was made from the seat as it was before.
    let (person, _, _) = person_of(&scene.app, &moved).await;
    const HAND_TITLE: &str = "Hand-Drawn Maps Lead";
    scene
        .to
        .get(&format!("/people/{person}/edit"))
        .await
        .expect(200);
    scene
        .to
        .post(&format!("/people/{person}/edit"), &[("title", HAND_TITLE)])
        .await
        .expect_redirect(&format!("/people/{person}"));
    scene
        .to
        .post(&format!("/people/{person}/pin"), &[("field", "title")])
        .await
        .expect(303);
    let edited = scene.org().await;

    let (location, page) = decide(&scene.to, &stale, "apply").await;
    let replan = location
        .strip_prefix("/syncs/")
        .expect("the new plan's page")
        .to_owned();
    assert_ne!(replan, stale, "a new run plans again");
    assert!(
        page.says("The org changed after this plan was made (a hand edit or another sync), so nothing was applied"),
        "{}",
        page.text()
    );
    let run = wait_for_run(&scene.to, &replan, has_stopped).await;
    assert_eq!(run["status"], "needs_review", "{run}");
    assert_eq!(run["waits_for"], "replan", "{run}");
    assert_eq!(run["requested_by"], TECH_NAME, "{run}");
    let page = scene.to.get(&format!("/syncs/{replan}")).await;
    assert!(
        page.says("The org changed after the earlier plan was made"),
        "{}",
        page.text()
    );
    assert_same_org(&edited, &scene.org().await);
    assert_eq!(scene.manager_of(&moved).await, old_manager);
    assert_eq!(scene.title_of(&moved).await.as_deref(), Some(HAND_TITLE));
    let old = run_json(&scene.to, &stale).await;
    assert_eq!(old["status"], "superseded", "{old}");
    assert_eq!(old["superseded_by"], replan, "{old}");
    assert!(old["decided_by"].is_null(), "never applied: {old}");

    let run = approve(&scene.to, &replan).await;
    assert_completed(&run);
    assert_eq!(run["decided_by"], TECH_NAME, "{run}");
    assert_eq!(
        scene.manager_of(&moved).await.as_deref(),
        Some(new_manager.as_str())
    );
    assert_eq!(
        scene.title_of(&moved).await.as_deref(),
        Some(HAND_TITLE),
        "the hand edit is kept (Justworks still says {justworks_title:?})"
    );
    assert_eq!(run_json(&scene.to, &stale).await["status"], "superseded");
}
