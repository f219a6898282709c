//! Each safeguard just above its threshold (the run stops for review, the org unchanged,
//! the notification list emailed) and just at it (applied); the apply modes that skip
//! or force the review.

use super::*;

const ACTIVE: &str = "active people";

/// Syncs, and checks that the run stopped for exactly the safeguard `sentence`: nothing
/// written, its page and the "waiting for review" email (to the notification list, with
/// the link) say why. Then discards it, so the next sync starts from the same org.
async fn assert_stopped_by(scene: &Scene, sentence: &str) -> String {
    let before = scene.org().await;
    let (id, run) = scene.sync().await;
    assert_eq!(run["status"], "needs_review", "{run}");
    assert_eq!(run["waits_for"], "safeguard", "{run}");
    assert_eq!(run["guards"], json!([sentence]), "{run}");
    assert_same_org(&before, &scene.org().await);

    let page = scene.to.get(&format!("/syncs/{id}")).await;
    page.expect(200);
    assert!(page.says(sentence), "{}", page.text());
    assert!(page.says("A safeguard stopped this sync before anything was written."));
    assert!(page.has_id("apply-plan") && page.has_id("discard-plan"));

    let mails = scene.mails_of(&id).await;
    assert_eq!(mails.len(), 1, "{mails:?}");
    let mail = &mails[0];
    assert_eq!(mail.kind, "sync_review");
    assert_eq!(mail.subject, "A Justworks sync is waiting for review");
    assert_eq!(mail.recipients, json!([TECH_EMAIL]).to_string());
    assert!(mail.text.contains(sentence), "{}", mail.text);
    assert!(mail.text.contains(&format!("/syncs/{id}")), "{}", mail.text);

    let (_, page) = decide(&scene.to, &id, "discard").await;
    assert!(page.says("Discarded"), "{}", page.text());
    assert_same_org(&before, &scene.org().await);
    id
}

/// Syncs, and checks the run applied at once: no safeguard, no review.
async fn assert_applied(scene: &Scene) -> Value {
    let (_, run) = scene.sync().await;
    assert_completed(&run);
    assert!(run["waits_for"].is_null(), "{run}");
    assert_eq!(run["guards"], json!([]), "{run}");
    run
}

#[tokio::test]
async fn six_departures_trip_the_departures_safeguard_and_five_do_not_however_large_the_share() {
    // 1%: any departure is "above" the share; only the floor of more than five people
    // keeps five from tripping it.
    let scene = Scene::synced(|form| form.set("guard_departures_pct", "1")).await;
    let active = scene.active_people().await;
    let members = scene.members().await;
    let leaves: Vec<String> = quiet_leaves(&members)
        .into_iter()
        .take(6)
        .map(|m| id(m).to_owned())
        .collect();
    assert_eq!(leaves.len(), 6, "six members who manage nobody");

    for leaver in &leaves {
        terminate(&scene.sandbox, leaver).await;
    }
    let sentence = format!(
        "{} would depart — above your 1% safeguard",
        share(6, active, ACTIVE)
    );
    assert_stopped_by(&scene, &sentence).await;

    unterminate(&scene.sandbox, &leaves[5]).await;
    let run = assert_applied(&scene).await;
    assert_eq!(count(&run, "departed"), 5, "{run}");
}

#[tokio::test]
async fn departures_trip_their_safeguard_just_above_the_percentage_and_not_at_it() {
    let mut scene = Scene::synced(|form| form).await;
    let active = scene.active_people().await;
    let pct = pct_for(6, active);
    scene
        .change_settings(|form| form.set("guard_departures_pct", &pct.to_string()))
        .await;
    let members = scene.members().await;
    let leaves: Vec<String> = quiet_leaves(&members)
        .into_iter()
        .take(7)
        .map(|m| id(m).to_owned())
        .collect();
    assert_eq!(leaves.len(), 7, "seven members who manage nobody");

    for leaver in &leaves {
        terminate(&scene.sandbox, leaver).await;
    }
    let sentence = format!(
        "{} would depart — above your {pct}% safeguard",
        share(7, active, ACTIVE)
    );
    assert_stopped_by(&scene, &sentence).await;

    unterminate(&scene.sandbox, &leaves[6]).await;
    let run = assert_applied(&scene).await;
    assert_eq!(count(&run, "departed"), 6, "{run}");
}

#[tokio::test]
async fn manager_changes_trip_their_safeguard_just_above_the_percentage_and_not_at_it() {
    let mut scene = Scene::synced(|form| form).await;
    let active = scene.active_people().await;
    let pct = pct_for(2, active);
    scene
        .change_settings(|form| form.set("guard_managers_pct", &pct.to_string()))
        .await;
    let members = scene.members().await;
    let leaves = quiet_leaves(&members);
    // Three people who manage nobody move under a fourth (who manages nobody either, so
    // no one else's manager changes).
    let (moved, new_manager) = (&leaves[..3], id(leaves[3]));
    let old_manager = manager_id(moved[2]).expect("a manager").to_owned();
    for m in moved {
        assert_ne!(manager_id(m), Some(new_manager));
        scene
            .sandbox
            .patch(id(m), json!({"manager": {"id": new_manager}}))
            .await;
    }
    let sentence = format!(
        "{} would change manager — above your {pct}% safeguard",
        share(3, active, ACTIVE)
    );
    assert_stopped_by(&scene, &sentence).await;

    scene
        .sandbox
        .patch(id(moved[2]), json!({"manager": {"id": old_manager}}))
        .await;
    let run = assert_applied(&scene).await;
    assert_eq!(count(&run, "updated"), 2, "{run}");
}

#[tokio::test]
async fn members_missing_from_the_roster_trip_their_safeguard_just_above_the_percentage_and_not_at_it()
 {
    let mut scene = Scene::synced(|form| form).await;
    // Everyone active came from Justworks: all of them were synced before.
    let synced = scene.active_people().await;
    let pct = pct_for(2, synced);
    scene
        .change_settings(|form| form.set("guard_missing_pct", &pct.to_string()))
        .await;
    let members = scene.members().await;
    let gone: Vec<String> = quiet_leaves(&members)
        .into_iter()
        .take(3)
        .map(|m| id(m).to_owned())
        .collect();
    let without = |n: usize| -> Vec<Value> {
        members
            .iter()
            .filter(|m| !gone[..n].iter().any(|g| g == id(m)))
            .cloned()
            .collect()
    };

    // Justworks no longer lists three of them at all (not terminated: missing).
    scene.set_roster(&without(3)).await;
    assert_eq!(scene.members().await.len(), members.len() - 3);
    let sentence = format!(
        "{} are missing from what Justworks sent — above your {pct}% safeguard",
        share(3, synced, "people synced before")
    );
    assert_stopped_by(&scene, &sentence).await;

    scene.set_roster(&without(2)).await;
    // A member back in the list with an unchanged `updated_at` is seen only by a read of
    // everyone (as are the missing): a settings save makes the next sync one.
    scene.change_settings(|form| form).await;
    let run = assert_applied(&scene).await;
    let warnings = run["warnings"].to_string();
    assert!(
        warnings.contains("no longer in the Justworks data"),
        "the two missing are named: {run}"
    );
}

/// The member's `emails` with its work address replaced by `address`.
fn emails_with_work(member: &Value, address: &str) -> Value {
    let mut emails = member["emails"].clone();
    let work = emails
        .as_array_mut()
        .expect("emails")
        .iter_mut()
        .find(|e| e["type"] == "work")
        .expect("a work email");
    work["address"] = json!(address);
    emails
}

fn work_email(member: &Value) -> String {
    member["emails"]
        .as_array()
        .expect("emails")
        .iter()
        .find(|e| e["type"] == "work")
        .and_then(|e| e["address"].as_str())
        .expect("a work email")
        .to_owned()
}

#[tokio::test]
async fn work_email_or_id_swaps_trip_their_safeguard_just_above_the_percentage_and_not_at_it() {
    let mut scene = Scene::synced(|form| form).await;
    let active = scene.active_people().await;
    let pct = pct_for(2, active);
    scene
        .change_settings(|form| form.set("guard_swaps_pct", &pct.to_string()))
        .await;
    let members = scene.members().await;
    let three: Vec<&Value> = quiet_leaves(&members)
        .into_iter()
        .filter(|m| !m["work_id"].is_null())
        .take(3)
        .collect();
    assert_eq!(three.len(), 3, "three members with an employee ID");
    let sentence = format!(
        "{} would take a work email or employee ID another person had — above your {pct}% \
         safeguard",
        share(3, active, ACTIVE)
    );

    // Three employee IDs go round: each takes the next one's.
    for (i, m) in three.iter().enumerate() {
        let next = three[(i + 1) % 3];
        scene
            .sandbox
            .patch(id(m), json!({"work_id": next["work_id"]}))
            .await;
    }
    assert_stopped_by(&scene, &sentence).await;

    // The IDs back; now three work emails go round.
    for m in &three {
        scene
            .sandbox
            .patch(id(m), json!({"work_id": m["work_id"]}))
            .await;
    }
    for (i, m) in three.iter().enumerate() {
        let next = work_email(three[(i + 1) % 3]);
        scene
            .sandbox
            .patch(id(m), json!({"emails": emails_with_work(m, &next)}))
            .await;
    }
    assert_stopped_by(&scene, &sentence).await;

    // Two of them trade work emails, the third keeps theirs: two swaps, at the limit.
    let (a, b, c) = (three[0], three[1], three[2]);
    scene
        .sandbox
        .patch(
            id(a),
            json!({"emails": emails_with_work(a, &work_email(b))}),
        )
        .await;
    scene
        .sandbox
        .patch(
            id(b),
            json!({"emails": emails_with_work(b, &work_email(a))}),
        )
        .await;
    scene
        .sandbox
        .patch(id(c), json!({"emails": c["emails"]}))
        .await;
    let run = assert_applied(&scene).await;
    assert_eq!(count(&run, "updated"), 2, "{run}");
}

#[tokio::test]
async fn never_guard_applies_a_plan_above_a_safeguard_but_still_stops_the_first_sync() {
    let scene = Scene::configured(|form| {
        form.set("apply_mode", "never_guard")
            .set("guard_departures_pct", "1")
    })
    .await;
    let (first, run) = scene.sync().await;
    assert_eq!(run["status"], "needs_review", "{run}");
    assert_eq!(run["waits_for"], "first_sync", "{run}");
    assert_completed(&approve(&scene.to, &first).await);

    let members = scene.members().await;
    let leavers: Vec<String> = quiet_leaves(&members)
        .into_iter()
        .take(6)
        .map(|m| id(m).to_owned())
        .collect();
    for leaver in &leavers {
        terminate(&scene.sandbox, leaver).await;
    }
    let run = assert_applied(&scene).await;
    assert_eq!(count(&run, "departed"), 6, "{run}");
    for leaver in &leavers {
        assert_eq!(
            scene.title_of(leaver).await,
            None,
            "{leaver} left their seat"
        );
    }
}

#[tokio::test]
async fn always_review_stops_a_sync_that_trips_no_safeguard() {
    let scene = Scene::synced(|form| form.set("apply_mode", "always_review")).await;
    let members = scene.members().await;
    let promoted = id(quiet_leaves(&members)[0]).to_owned();
    let old_title = scene.title_of(&promoted).await;
    scene
        .sandbox
        .patch(&promoted, json!({"job_title": "Reviewed Cartographer"}))
        .await;

    let before = scene.org().await;
    let (id, run) = scene.sync().await;
    assert_eq!(run["status"], "needs_review", "{run}");
    assert_eq!(run["waits_for"], "always_review", "{run}");
    assert_eq!(run["guards"], json!([]), "{run}");
    assert_eq!(run["plan_summary"]["updated"], 1, "{run}");
    assert_same_org(&before, &scene.org().await);
    let page = scene.to.get(&format!("/syncs/{id}")).await;
    assert!(
        page.says("The Justworks settings ask for every sync to wait for review."),
        "{}",
        page.text()
    );
    assert_eq!(scene.title_of(&promoted).await, old_title);

    assert_completed(&approve(&scene.to, &id).await);
    assert_eq!(
        scene.title_of(&promoted).await.as_deref(),
        Some("Reviewed Cartographer")
    );
}
