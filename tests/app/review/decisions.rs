//! Deciding on a waiting plan: Discard, a decision on a plan no longer waiting, a newer
//! plan superseding a waiting one, and Apply pressed twice at once.

use super::*;

const ALREADY_DISCARDED: &str = "This plan was discarded: nothing of it was applied.";

#[tokio::test]
async fn a_discarded_plan_writes_nothing_and_a_later_discard_or_apply_changes_nothing_and_says_so()
{
    let scene = Scene::synced(|form| form).await;
    let members = scene.members().await;
    let promoted = id(quiet_leaves(&members)[0]).to_owned();
    let old_title = scene.title_of(&promoted).await;
    scene
        .sandbox
        .patch(&promoted, json!({"job_title": "Discarded Cartographer"}))
        .await;
    let (id, run) = scene.preview().await;
    assert_eq!(run["plan_summary"]["updated"], 1, "{run}");
    let before = scene.org().await;

    let (location, page) = decide(&scene.to, &id, "discard").await;
    assert_eq!(location, format!("/syncs/{id}"));
    assert!(
        page.says("Discarded: nothing of this plan was applied."),
        "{}",
        page.text()
    );
    assert!(
        page.says(&format!("Discarded by {TECH_NAME}")),
        "{}",
        page.text()
    );
    assert!(!page.has_id("apply-plan") && !page.has_id("discard-plan"));
    let run = run_json(&scene.to, &id).await;
    assert_eq!(run["status"], "discarded", "{run}");
    assert_eq!(run["decided_by"], TECH_NAME, "{run}");
    assert!(run["decided_at"].is_string(), "{run}");
    assert_eq!(
        run["error"],
        format!("{TECH_NAME} discarded this plan; nothing of it was applied."),
        "{run}"
    );
    assert_same_org(&before, &scene.org().await);
    assert_eq!(scene.title_of(&promoted).await, old_title);
    let mails = scene.mails_of(&id).await;
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert_eq!(mails[0].kind, "sync_discarded");
    assert_eq!(mails[0].subject, "A Justworks sync plan was discarded");
    assert_eq!(mails[0].recipients, json!([TECH_EMAIL]).to_string());
    assert!(
        mails[0].text.contains("discarded this plan"),
        "{}",
        mails[0].text
    );
    assert!(mails[0].text.contains(&format!("/syncs/{id}")));
    assert_eq!(
        scene.audit("sync.discarded").await,
        vec![(TECH_NAME.to_owned(), format!("run {id}"))]
    );

    // Someone else, later, on the same page: nothing more happens, and they are told.
    let owner = scene.app.owner().await;
    for what in ["discard", "apply"] {
        let (location, page) = decide(&owner, &id, what).await;
        assert_eq!(location, format!("/syncs/{id}"));
        assert!(page.says(ALREADY_DISCARDED), "{what}: {}", page.text());
    }
    let again = run_json(&scene.to, &id).await;
    assert_eq!(again["status"], "discarded");
    assert_eq!(again["decided_by"], TECH_NAME, "the first decision stands");
    assert_eq!(again["decided_at"], run["decided_at"]);
    assert_same_org(&before, &scene.org().await);
    assert_eq!(scene.mails_of(&id).await.len(), 1, "no second email");
    assert_eq!(scene.audit("sync.discarded").await.len(), 1);
    assert!(
        scene
            .audit("sync.approved")
            .await
            .iter()
            .all(|(_, d)| d != &format!("run {id}"))
    );
}

#[tokio::test]
async fn a_newer_plan_supersedes_a_waiting_one_which_can_no_longer_be_applied() {
    let scene = Scene::synced(|form| form).await;
    let members = scene.members().await;
    let promoted = id(quiet_leaves(&members)[0]).to_owned();
    scene
        .sandbox
        .patch(&promoted, json!({"job_title": "First Plan Title"}))
        .await;
    let (waiting, _) = scene.preview().await;

    scene
        .sandbox
        .patch(&promoted, json!({"job_title": "Newer Plan Title"}))
        .await;
    let (newer, run) = scene.sync().await;
    assert_ne!(newer, waiting);
    assert_completed(&run);
    assert_eq!(
        scene.title_of(&promoted).await.as_deref(),
        Some("Newer Plan Title")
    );

    let old = run_json(&scene.to, &waiting).await;
    assert_eq!(old["status"], "superseded", "{old}");
    assert_eq!(old["superseded_by"], newer, "{old}");
    assert!(old["decided_by"].is_null(), "{old}");
    let mails = scene.mails_of(&waiting).await;
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert_eq!(
        mails[0].subject,
        "A waiting Justworks sync plan was replaced"
    );
    assert!(
        mails[0].text.contains(&format!("/syncs/{newer}")),
        "{}",
        mails[0].text
    );

    let before = scene.org().await;
    let (location, page) = decide(&scene.to, &waiting, "apply").await;
    assert_eq!(location, format!("/syncs/{waiting}"));
    assert!(
        page.says("A newer plan replaced this one: nothing of it was applied."),
        "{}",
        page.text()
    );
    assert!(page.body.contains(&format!("href=\"/syncs/{newer}\"")));
    assert!(!page.has_id("apply-plan"));
    assert_same_org(&before, &scene.org().await);
    assert_eq!(
        scene.title_of(&promoted).await.as_deref(),
        Some("Newer Plan Title"),
        "the stale title was not written"
    );
    assert_eq!(run_json(&scene.to, &waiting).await["status"], "superseded");
}

#[tokio::test]
async fn apply_pressed_twice_at_once_applies_the_plan_once() {
    let scene = Scene::configured(|form| form).await;
    let owner = scene.app.owner().await;
    let (id, _) = scene.sync().await;
    let planned = scene
        .app
        .count(&format!(
            "SELECT COUNT(*) FROM planned_history WHERE run_id = '{id}'"
        ))
        .await;
    assert!(planned > 0);

    let path = format!("/syncs/{id}/apply");
    let (a, b) = tokio::join!(
        scene.to.post(&path, NO_FIELDS),
        owner.post(&path, NO_FIELDS)
    );
    a.expect(303);
    b.expect(303);
    let mut told = Vec::new();
    for (client, answer) in [(&scene.to, &a), (&owner, &b)] {
        let page = client.get(answer.location.as_deref().unwrap()).await;
        told.push(page.says("Applied: the org now has these changes."));
        if !told.last().unwrap() {
            assert!(
                page.says("This plan has already been applied."),
                "{}",
                page.text()
            );
        }
    }
    assert_eq!(
        told.iter().filter(|t| **t).count(),
        1,
        "exactly one press applied"
    );

    let run = run_json(&scene.to, &id).await;
    assert_completed(&run);
    let history = scene
        .app
        .count(&format!(
            "SELECT COUNT(*) FROM history WHERE run_id = '{id}'"
        ))
        .await;
    assert_eq!(history, planned, "the history rows are not doubled");
    assert_eq!(
        scene.app.count("SELECT COUNT(*) FROM people").await,
        MEMBERS as i64,
        "everyone once"
    );
    let filled = scene
        .app
        .count("SELECT COUNT(*) FROM jobs WHERE status = 'filled'")
        .await;
    assert_eq!(filled as u64, scene.active_people().await, "one seat each");
    let approved = scene.audit("sync.approved").await;
    assert_eq!(approved.len(), 1, "{approved:?}");
    let who = if told[0] { TECH_NAME } else { OWNER_NAME };
    assert_eq!(approved[0].0, who);
    assert_eq!(run["decided_by"], who, "{run}");
    // The first sync's review notice, then one summary: never two.
    let mails = scene.mails_of(&id).await;
    let summaries: Vec<_> = mails.iter().filter(|m| m.kind == "sync_summary").collect();
    assert_eq!(summaries.len(), 1, "one summary email: {mails:?}");
}
