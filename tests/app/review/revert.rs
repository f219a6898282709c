//! Revert: an applied run's inverse, shown for review as a new run and applied on
//! approval; fields changed since are kept and listed; a revert is itself revertible.

use super::*;
use std::collections::BTreeMap;

/// Presses **Revert this sync…** on applied run `of` and waits for the revert's plan:
/// its id and JSON.
async fn revert(scene: &Scene, of: &str) -> (String, Value) {
    let page = scene.to.get(&format!("/syncs/{of}")).await;
    assert!(page.says("Revert this sync…"), "{}", page.text());
    let id = press_to_run(&scene.to, &format!("/syncs/{of}/revert")).await;
    let run = wait_for_run(&scene.to, &id, has_stopped).await;
    assert_eq!(run["status"], "needs_review", "{run}");
    assert_eq!(run["cause"], "revert", "{run}");
    assert_eq!(run["reverts"], of, "{run}");
    assert_eq!(run["waits_for"], "revert", "{run}");
    (id, run)
}

/// A person's status and the title of their filled seat, by Justworks id.
async fn people(scene: &Scene) -> BTreeMap<String, (String, Option<String>)> {
    let pool = scene.app.db().await;
    let rows: Vec<(String, String, Option<String>)> = sqlx::query_as(
        "SELECT p.justworks_id, p.status, j.title FROM people p LEFT JOIN jobs j \
         ON j.person_id = p.id AND j.status = 'filled' WHERE p.justworks_id IS NOT NULL",
    )
    .fetch_all(&pool)
    .await
    .expect("people");
    pool.close().await;
    rows.into_iter()
        .map(|(member, status, title)| (member, (status, title)))
        .collect()
}

#[tokio::test]
async fn reverting_a_synced_title_change_puts_the_old_title_back_and_keeps_what_was_edited_since() {
    let scene = Scene::synced(|form| form).await;
    let members = scene.members().await;
    let leaves = quiet_leaves(&members);
    let (promoted, retitled, edited) = (
        id(leaves[0]).to_owned(),
        id(leaves[1]).to_owned(),
        id(leaves[2]).to_owned(),
    );
    let old_title = scene.title_of(&promoted).await.expect("a title");
    scene
        .sandbox
        .patch(&promoted, json!({"job_title": "Chief Revert Officer"}))
        .await;
    scene
        .sandbox
        .patch(&retitled, json!({"job_title": "Principal Reverter"}))
        .await;

    // Applied at once (apply mode auto, nothing tripped).
    let (run_id, run) = scene.sync().await;
    assert_completed(&run);
    assert!(
        run["waits_for"].is_null() && run["decided_by"].is_null(),
        "{run}"
    );
    assert_eq!(
        scene.title_of(&promoted).await.as_deref(),
        Some("Chief Revert Officer")
    );

    // Hand edits since: another person's title, and a title the run changed.
    let (edited_person, _, _) = person_of(&scene.app, &edited).await;
    let (retitled_person, retitled_name, _) = person_of(&scene.app, &retitled).await;
    for (person, title) in [
        (&edited_person, "Hand Edited Elsewhere"),
        (&retitled_person, "Hand Edited Since"),
    ] {
        scene
            .to
            .post(&format!("/people/{person}/edit"), &[("title", title)])
            .await
            .expect_redirect(&format!("/people/{person}"));
    }

    let before = scene.org().await;
    let (revert_id, revert_run) = revert(&scene, &run_id).await;
    assert_eq!(revert_run["plan_summary"]["updated"], 1, "{revert_run}");
    assert_same_org(&before, &scene.org().await);
    let page = scene.to.get(&format!("/syncs/{revert_id}")).await;
    assert!(
        page.says("A revert is shown for review before anything is written."),
        "{}",
        page.text()
    );
    assert_eq!(page.text_of_id("kept-heading").as_deref(), Some("Kept (1)"));
    assert!(
        page.says(&format!(
            "{retitled_name} — Title: changed since, so left as it is"
        )),
        "{}",
        page.text()
    );
    assert!(
        page.says(&format!("Chief Revert Officer → {old_title}")),
        "{}",
        page.text()
    );

    assert_completed(&approve(&scene.to, &revert_id).await);
    assert_eq!(scene.title_of(&promoted).await, Some(old_title));
    assert_eq!(
        scene.title_of(&retitled).await.as_deref(),
        Some("Hand Edited Since")
    );
    assert_eq!(
        scene.title_of(&edited).await.as_deref(),
        Some("Hand Edited Elsewhere")
    );
    let page = scene.to.get(&format!("/syncs/{run_id}")).await;
    assert!(
        page.body.contains(&format!("href=\"/syncs/{revert_id}\"")),
        "the run links to its revert: {}",
        page.text()
    );
}

#[tokio::test]
async fn reverting_a_hire_a_departure_and_a_rehire_undoes_each_and_reverting_the_revert_redoes_them()
 {
    let scene = Scene::synced(|form| form).await;
    let members = scene.members().await;
    let cast = Cast::of(&members);
    let (leaver, returning) = (id(cast.leaver).to_owned(), id(cast.returning).to_owned());
    const HIRE: &str = "mem_review_new_hire";
    let today = today().to_string();
    scene.sandbox.put(HIRE, new_hire(HIRE, cast.head)).await;
    terminate(&scene.sandbox, &leaver).await;
    scene
        .sandbox
        .patch(
            &returning,
            json!({"active": true, "employment_start_date": today, "employment_termination_date": null}),
        )
        .await;

    let before = people(&scene).await;
    // Applied after review this time: its history rows and its end share one instant.
    let (run_id, _) = scene.preview().await;
    let run = approve(&scene.to, &run_id).await;
    assert_completed(&run);
    for (kind, n) in [("created", 1), ("departed", 1), ("rehired", 1)] {
        assert_eq!(count(&run, kind), n, "{kind}: {run}");
    }
    let after = people(&scene).await;
    assert_eq!(after[HIRE].0, "active");
    assert_eq!(after[&leaver], ("departed".to_owned(), None));
    assert_eq!(after[&returning].0, "active");
    assert!(after[&returning].1.is_some(), "the rehire holds a seat");

    // The revert: the new hire departs, the leaver is back in their seat, the rehire
    // leaves again; nobody else changes.
    let (revert_id, _) = revert(&scene, &run_id).await;
    assert_completed(&approve(&scene.to, &revert_id).await);
    let mut reverted = people(&scene).await;
    assert_eq!(
        reverted.remove(HIRE),
        Some(("departed".to_owned(), None)),
        "the person the run created departed, seat closed"
    );
    assert_eq!(reverted, before, "everyone else as before the run");

    // Reverting the revert does the run again.
    let (again_id, again) = revert(&scene, &revert_id).await;
    assert_ne!(again_id, revert_id);
    assert_eq!(again["reverts"], revert_id);
    assert_completed(&approve(&scene.to, &again_id).await);
    assert_eq!(people(&scene).await, after, "as after the run");
}
