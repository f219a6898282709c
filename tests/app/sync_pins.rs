//! Pins, conflicts and field ownership end to end (issue 19): a small company served by
//! a sandbox of this process, a field pinned through `orgsync::org::edit` (as the person
//! page's Pin button does), Justworks changed through the sandbox's admin surface, synced
//! by a Technical Owner over HTTP, and read back from the run JSON and the database.

use crate::helpers::*;
use crate::sync::{Sandbox, app_on, assert_completed, count, person_of};
use orgsync::org::edit::{self, Editor};
use serde_json::{Value, json};

const COMPANY: &str = "cmp_pins";

fn company() -> Value {
    json!({
        "id": COMPANY,
        "name": "Acme Pins",
        "departments": [{"id": "dep_1", "name": "Engineering"},
                        {"id": "dep_2", "name": "Sales"}],
        "offices": [{"id": "off_1", "name": "New York HQ"}],
    })
}

/// An active employee in Engineering at the New York office, reporting to `manager`.
fn member(id: &str, given: &str, family: &str, manager: Option<&str>) -> Value {
    let mut member = json!({
        "id": id,
        "company_id": COMPANY,
        "active": true,
        "work_id": format!("E-{id}"),
        "name": {"given_name": given, "family_name": family, "additional_names": []},
        "type": "employee",
        "employment_location_type": "office",
        "job_title": "Engineer",
        "department": {"id": "dep_1", "name": "Engineering"},
        "office": {"id": "off_1", "name": "New York HQ"},
        "employment_start_date": "2024-01-02",
        "emails": [{"address": format!("{id}@acme-pins.test"), "type": "work",
                    "primary": true}],
    });
    if let Some(manager) = manager {
        member["manager"] = json!({"id": manager});
    }
    member
}

/// Ada at the top, Ana reporting to her. A sandbox serving them, an app with Justworks
/// installed by a signed-in Technical Owner, and its first sync done.
async fn company_synced() -> (Sandbox, TestApp, TestClient) {
    let sandbox = Sandbox::start(3, 7).await;
    let members = [
        member("m1", "Ada", "Boss", None),
        member("m2", "Ana", "Souza", Some("m1")),
    ];
    let response = sandbox
        .http
        .put(format!("{}/sandbox/members", sandbox.url))
        .json(&json!({"company": company(), "members": members}))
        .send()
        .await
        .expect("the sandbox answers");
    assert!(response.status().is_success());
    let app = app_on(&sandbox, |_| {}).await;
    let to = app.technical_owner().await;
    install_and_save(&to, &sandbox.settings().set("org_head", "Ada Boss")).await;
    let (_, run) = sandbox.sync(&to).await;
    assert_completed(&run);
    assert_eq!(count(&run, "created"), 2, "{run}");
    (sandbox, app, to)
}

/// A synced run's JSON, asserted complete.
async fn synced(sandbox: &Sandbox, to: &TestClient) -> (String, Value) {
    let (id, run) = sandbox.sync(to).await;
    assert_completed(&run);
    (id, run)
}

/// `(title, department, pins)` of the job Ana's person holds.
async fn anas_seat(app: &TestApp) -> (Option<String>, Option<String>, Option<String>) {
    let pool = app.db().await;
    let seat = sqlx::query_as(
        "SELECT j.title, j.department, j.pins FROM jobs j JOIN people p ON p.id = j.person_id \
         WHERE p.justworks_id = 'm2' AND j.status = 'filled'",
    )
    .fetch_one(&pool)
    .await
    .expect("Ana's seat");
    pool.close().await;
    seat
}

/// The conflicts as stored: `(id, run_id, status, ours, theirs)`, oldest first.
async fn conflicts(
    app: &TestApp,
) -> Vec<(
    String,
    Option<String>,
    String,
    Option<String>,
    Option<String>,
)> {
    let pool = app.db().await;
    let rows = sqlx::query_as(
        "SELECT id, run_id, status, ours, theirs FROM conflicts ORDER BY found_at, id",
    )
    .fetch_all(&pool)
    .await
    .expect("conflicts");
    pool.close().await;
    rows
}

async fn open_conflicts(app: &TestApp) -> Vec<(String, Option<String>, Option<String>)> {
    conflicts(app)
        .await
        .into_iter()
        .filter(|c| c.2 == "open")
        .map(|(id, _, _, ours, theirs)| (id, ours, theirs))
        .collect()
}

#[tokio::test]
async fn a_pinned_title_is_a_conflict_not_a_change_until_kept_or_taken() {
    let (sandbox, app, to) = company_synced().await;
    let (ana, _, _) = person_of(&app, "m2").await;
    let theo = app.user_id(TECH_EMAIL).await;
    let editor = Editor {
        user_id: &theo,
        name: TECH_NAME,
        sensitive: false,
    };
    let db = &app.state.db;
    let now = jiff::Timestamp::now;
    edit::pin(db, &editor, &ana, "title", now())
        .await
        .expect("pinned");

    // Justworks retitles her: the run lists a conflict, and changes nothing.
    sandbox
        .patch("m2", json!({"job_title": "Director of Sales"}))
        .await;
    let (run_id, run) = synced(&sandbox, &to).await;
    assert_eq!(count(&run, "conflicts"), 1, "{run}");
    assert_eq!(count(&run, "updated"), 0, "{run}");
    assert_eq!(anas_seat(&app).await.0.as_deref(), Some("Engineer"));
    let open = open_conflicts(&app).await;
    assert_eq!(
        open.iter()
            .map(|c| (c.1.as_deref(), c.2.as_deref()))
            .collect::<Vec<_>>(),
        [(Some("Engineer"), Some("Director of Sales"))]
    );
    assert_eq!(conflicts(&app).await[0].1.as_deref(), Some(run_id.as_str()));

    // The same again: still one open conflict, not two.
    let (_, run) = synced(&sandbox, &to).await;
    assert_eq!(count(&run, "conflicts"), 1, "{run}");
    assert_eq!(open_conflicts(&app).await.len(), 1);
    assert_eq!(conflicts(&app).await.len(), 1, "replaced, not duplicated");

    // Keep ours: not raised again while Justworks says the same.
    let id = open_conflicts(&app).await[0].0.clone();
    edit::keep(db, &editor, &id, now()).await.expect("kept");
    let (_, run) = synced(&sandbox, &to).await;
    assert_eq!(count(&run, "conflicts"), 0, "{run}");
    assert!(open_conflicts(&app).await.is_empty());
    let seat = anas_seat(&app).await;
    assert_eq!(seat.0.as_deref(), Some("Engineer"));
    assert!(
        seat.2
            .as_deref()
            .is_some_and(|p| p.contains("Director of Sales")),
        "{seat:?}"
    );

    // Justworks changes it again: a new conflict.
    sandbox
        .patch("m2", json!({"job_title": "Chief Revenue Officer"}))
        .await;
    let (_, run) = synced(&sandbox, &to).await;
    assert_eq!(count(&run, "conflicts"), 1, "{run}");
    let open = open_conflicts(&app).await;
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].2.as_deref(), Some("Chief Revenue Officer"));

    // Take Justworks': applied, unpinned, and the history says who.
    edit::take(db, &editor, &open[0].0, now())
        .await
        .expect("taken");
    let seat = anas_seat(&app).await;
    assert_eq!(seat.0.as_deref(), Some("Chief Revenue Officer"));
    assert!(
        !seat.2.as_deref().unwrap_or_default().contains("title"),
        "{seat:?}"
    );
    let pool = app.db().await;
    let (old, new, by, run): (
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
    ) = sqlx::query_as(
        "SELECT old_value, new_value, by_name, run_id FROM history \
             WHERE field = 'title' AND person_id = $1 ORDER BY at DESC, id DESC",
    )
    .bind(&ana)
    .fetch_one(&pool)
    .await
    .expect("a history row");
    pool.close().await;
    assert_eq!(
        (old.as_deref(), new.as_deref()),
        (Some("Engineer"), Some("Chief Revenue Officer"))
    );
    assert_eq!((by.as_deref(), run), (Some(TECH_NAME), None));
    let statuses: Vec<String> = conflicts(&app).await.into_iter().map(|c| c.2).collect();
    assert_eq!(statuses, ["kept", "taken"]);

    // Unpinned and equal to Justworks: the next sync has nothing to do.
    let (_, run) = synced(&sandbox, &to).await;
    assert_eq!(
        (count(&run, "conflicts"), count(&run, "updated")),
        (0, 0),
        "{run}"
    );
}

#[tokio::test]
async fn departments_orgsync_owns_are_left_as_they_are_while_titles_follow_justworks() {
    let (sandbox, app, to) = company_synced().await;
    let form = sandbox
        .settings()
        .set("org_head", "Ada Boss")
        .set("own_groups", "orgsync");
    to.post("/apps/justworks/settings", form.fields())
        .await
        .expect_redirect("/apps/justworks");
    let page = to.get("/apps/justworks").await;
    page.expect(200);
    assert!(
        page.body
            .contains(r#"<option value="orgsync" selected>orgsync owns</option>"#),
        "the page shows who owns departments"
    );
    let audit = app
        .count("SELECT COUNT(*) FROM audit_log WHERE action = 'app.settings_saved' AND details LIKE '%own_groups%'")
        .await;
    assert_eq!(audit, 1, "the change is audit-logged");

    sandbox
        .patch(
            "m2",
            json!({"department": {"id": "dep_2", "name": "Sales"}, "job_title": "Account Executive"}),
        )
        .await;
    let (run_id, run) = synced(&sandbox, &to).await;
    let seat = anas_seat(&app).await;
    assert_eq!(
        seat.1.as_deref(),
        Some("Engineering"),
        "Justworks' department ignored"
    );
    assert_eq!(
        seat.0.as_deref(),
        Some("Account Executive"),
        "titles are still Justworks'"
    );
    assert_eq!(count(&run, "conflicts"), 0, "{run}");
    let department_rows = app
        .count(&format!(
            "SELECT COUNT(*) FROM history WHERE run_id = '{run_id}' AND field = 'department'"
        ))
        .await;
    assert_eq!(department_rows, 0);
}
