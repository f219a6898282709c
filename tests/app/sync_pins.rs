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
    company_synced_with(|_| {}, |form| form).await
}

/// As [`company_synced`], with the app's configuration and the settings form tweaked.
async fn company_synced_with(
    tweak: impl FnOnce(&mut orgsync::Config),
    settings: impl FnOnce(SettingsForm) -> SettingsForm,
) -> (Sandbox, TestApp, TestClient) {
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
    let app = app_on(&sandbox, tweak).await;
    let to = app.technical_owner().await;
    let form = settings(sandbox.settings().set("org_head", "Ada Boss"));
    install_and_save(&to, &form).await;
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

#[tokio::test]
async fn conflicts_are_shown_answered_and_counted_on_every_page_each_reader_may_see() {
    let sink = SmtpSink::start().await;
    let smtp = sink.url();
    let (sandbox, app, to) = company_synced_with(
        move |config| {
            config.smtp_url = Some(orgsync::secrets::SecretString::new(smtp));
            crate::mail::quick_delivery(config);
        },
        |form| form,
    )
    .await;
    let owner = app.owner().await;
    let owner_id = app.user_id(OWNER_EMAIL).await;
    install_and_save(
        &to,
        &sandbox
            .settings()
            .set("org_head", "Ada Boss")
            .add("notify_user_ids", &owner_id),
    )
    .await;
    let (ana, _, _) = person_of(&app, "m2").await;

    // Pinned from the page; Justworks retitles her and raises her pay.
    owner
        .post(&format!("/people/{ana}/pin"), &[("field", "title")])
        .await
        .expect(303);
    owner
        .post(&format!("/people/{ana}/pin"), &[("field", "compensation")])
        .await
        .expect(303);
    sandbox
        .patch(
            "m2",
            json!({"job_title": "Director of Sales",
                   "current_pay": {"amount": 9_900_000, "currency": "USD", "pay_basis": "salary"}}),
        )
        .await;
    let (run_id, run) = synced(&sandbox, &to).await;
    assert!(count(&run, "conflicts") >= 1, "{run}");

    // The run page: the title conflict for everyone who may open it; the pay one only
    // for Owners.
    let as_to = to.get(&format!("/syncs/{run_id}")).await;
    assert!(as_to.says("Conflicts (1)"), "{}", as_to.text());
    assert_eq!(
        as_to.text_of_id("counts-heading").as_deref(),
        Some("1 conflict needs a decision")
    );
    assert!(
        as_to.says("Justworks says Director of Sales") && as_to.says("pinned here: Engineer"),
        "{}",
        as_to.text()
    );
    let as_owner = owner.get(&format!("/syncs/{run_id}")).await;
    assert!(
        as_owner.says("Compensation: Justworks says"),
        "{}",
        as_owner.text()
    );
    assert!(as_owner.says("Conflicts (2)"), "{}", as_owner.text());
    assert!(!as_to.says("Compensation"), "{}", as_to.text());

    // The email counts what its reader may learn of.
    let mails = sink.wait_for(1, std::time::Duration::from_secs(20)).await;
    let mail = mails[0].parsed();
    assert!(
        mail.subject.contains("2 conflicts need a decision"),
        "{}",
        mail.subject
    );
    assert!(
        mail.text.contains("2 conflicts need a decision"),
        "{}",
        mail.text
    );
    assert!(!mail.text.contains("99,000"), "never a value in an email");

    // The Conflicts view and the JSON: the same rule.
    let page = to.get("/people/conflicts").await;
    page.expect(200);
    assert!(page.says("1 conflict needs a decision"), "{}", page.text());
    let api: Value = serde_json::from_str(&to.get("/api/v1/conflicts").await.body).unwrap();
    let items = api["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{api}");
    assert_eq!(items[0]["field"], "title");
    assert_eq!(items[0]["theirs"], "Director of Sales");
    assert!(items[0].get("theirs_value").is_none(), "{api}");
    let member = app.member().await;
    member.get("/people/conflicts").await.expect(403);
    member.get("/api/v1/conflicts").await.expect(403);

    // A Technical Owner may not answer the pay conflict; keeping the title's works.
    let pool = app.db().await;
    let (pay_id,): (String,) =
        sqlx::query_as("SELECT id FROM conflicts WHERE field = 'compensation' AND status = 'open'")
            .fetch_one(&pool)
            .await
            .unwrap();
    pool.close().await;
    to.post(&format!("/conflicts/{pay_id}/take"), NO_FIELDS)
        .await
        .expect(404);
    owner
        .post(&format!("/conflicts/{pay_id}/take"), NO_FIELDS)
        .await
        .expect(303);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM jobs WHERE comp_amount = 9900000")
            .await,
        1,
        "Justworks' pay taken by the Owner"
    );
    let id = items[0]["id"].as_str().unwrap();
    to.post(&format!("/conflicts/{id}/keep"), NO_FIELDS)
        .await
        .expect_redirect("/people/conflicts");
    let page = to.get("/people/conflicts").await;
    assert!(
        page.says("Kept ours: Title stays pinned."),
        "{}",
        page.text()
    );
    assert!(page.says("No conflicts"), "{}", page.text());
    assert_eq!(anas_seat(&app).await.0.as_deref(), Some("Engineer"));
    // Answered twice (another tab): nothing more happens.
    to.post(&format!("/conflicts/{id}/take"), NO_FIELDS)
        .await
        .expect(303);
    assert_eq!(anas_seat(&app).await.0.as_deref(), Some("Engineer"));
    assert!(to.get("/people/conflicts").await.says("already answered"));
}
