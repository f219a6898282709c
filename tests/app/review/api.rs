//! `GET /api/v1/syncs/{id}` of a plan waiting for review: what it would apply, apart
//! from what it applied (nothing yet), and why it waits.

use super::*;

#[tokio::test]
async fn a_waiting_runs_json_has_its_planned_counts_zero_applied_counts_and_why_it_waits() {
    let scene = Scene::synced(|form| form.set("guard_departures_pct", "1")).await;
    let active = scene.active_people().await;
    let members = scene.members().await;
    let leaves = quiet_leaves(&members);
    for leaver in &leaves[..6] {
        terminate(&scene.sandbox, id(leaver)).await;
    }
    scene
        .sandbox
        .patch(id(leaves[6]), json!({"job_title": "Counted Once"}))
        .await;

    let (run_id, _) = scene.sync().await;
    let run = run_json(&scene.to, &run_id).await;
    assert_eq!(run["status"], "needs_review", "{run}");
    assert_eq!(run["waits_for"], "safeguard", "{run}");
    assert_eq!(
        run["guards"],
        json!([format!(
            "{} would depart — above your 1% safeguard",
            share(6, active, "active people")
        )]),
        "{run}"
    );
    let plan = &run["plan_summary"];
    assert_eq!(plan["departed"], 6, "{run}");
    assert_eq!(plan["updated"], 1, "{run}");
    assert_eq!(plan["created"], 0, "{run}");
    assert_eq!(plan["rehired"], 0, "{run}");
    assert_eq!(
        plan["unchanged"],
        (members.len() - 7) as i64,
        "everyone else: {run}"
    );
    for name in ["created", "updated", "departed", "rehired", "unchanged"] {
        assert_eq!(count(&run, name), 0, "nothing applied yet, {name}: {run}");
    }
    assert!(
        run["decided_by"].is_null() && run["decided_at"].is_null(),
        "{run}"
    );
    assert!(
        run["reverts"].is_null() && run["superseded_by"].is_null(),
        "{run}"
    );
    assert_eq!(run["cause"], "manual", "{run}");

    // The list says the same of it.
    let list = scene.to.get("/api/v1/syncs").await;
    list.expect(200);
    let list: Value = serde_json::from_str(&list.body).unwrap();
    let listed = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == run_id.as_str())
        .expect("the run is listed");
    assert_eq!(listed, &run);

    // Once applied, the counts are what it applied and the plan's are the same.
    let applied = approve(&scene.to, &run_id).await;
    assert_completed(&applied);
    assert_eq!(count(&applied, "departed"), 6, "{applied}");
    assert_eq!(applied["plan_summary"], applied["counts"], "{applied}");
    assert_eq!(applied["decided_by"], TECH_NAME, "{applied}");
    assert_eq!(
        applied["guards"], run["guards"],
        "why it waited stays: {applied}"
    );
}
