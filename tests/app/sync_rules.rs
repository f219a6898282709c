//! The sync rules of docs/justworks.md "Mapping onto the primary org" that were once left
//! to chance, end to end: a small company served by a sandbox of this process, changed
//! through its admin surface (`PUT /sandbox/members`, `POST /sandbox/members/{id}`),
//! synced by a Technical Owner over HTTP, and read back from the pages, the JSON and the
//! database.

use crate::helpers::*;
use crate::sync::{Sandbox, app_on, assert_completed, count, history_of_run, person_of};
use serde_json::{Value, json};
use unicode_normalization::UnicodeNormalization;

// ---------------------------------------------------------------------------------------
// A small company.
// ---------------------------------------------------------------------------------------

const COMPANY: &str = "cmp_rules";

fn company() -> Value {
    json!({
        "id": COMPANY,
        "name": "Acme Rules",
        "departments": [{"id": "dep_1", "name": "Engineering"}],
        "offices": [{"id": "off_1", "name": "New York HQ"},
                    {"id": "off_2", "name": "Lisbon"}],
    })
}

/// An active employee at the New York office, reporting to `manager` (none: the top).
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
        "emails": [{"address": format!("{id}@acme-rules.test"), "type": "work",
                    "primary": true}],
        "date_of_birth": "1991-04-05",
    });
    if let Some(manager) = manager {
        member["manager"] = json!({"id": manager});
    }
    member
}

impl Sandbox {
    /// Replaces the whole roster (`PUT /sandbox/members`).
    async fn replace(&self, members: &[Value]) {
        let response = self
            .http
            .put(format!("{}/sandbox/members", self.url))
            .json(&json!({"company": company(), "members": members}))
            .send()
            .await
            .expect("the sandbox answers");
        assert!(
            response.status().is_success(),
            "{}",
            response.text().await.unwrap()
        );
    }
}

/// A sandbox serving `members`, and an app with Justworks installed by a signed-in
/// Technical Owner, with `org_head` as *Name Org Head*.
async fn company_of(members: &[Value], org_head: &str) -> (Sandbox, TestApp, TestClient) {
    let sandbox = Sandbox::start(3, 7).await;
    sandbox.replace(members).await;
    let app = app_on(&sandbox, |_| {}).await;
    let to = app.technical_owner().await;
    install_and_save(&to, &form(&sandbox, org_head)).await;
    (sandbox, app, to)
}

/// These tests are about the mapping rules, and replace whole rosters: the safeguards
/// (tested in `review::`) would stop them.
fn form(sandbox: &Sandbox, org_head: &str) -> SettingsForm {
    sandbox
        .settings()
        .set("org_head", org_head)
        .set("apply_mode", "never_guard")
}

async fn save(client: &TestClient, form: &SettingsForm) {
    client
        .post("/apps/justworks/settings", form.fields())
        .await
        .expect_redirect("/apps/justworks");
}

/// Syncs and asserts the run completed; its id and JSON.
async fn synced(sandbox: &Sandbox, client: &TestClient) -> (String, Value) {
    let (id, run) = sandbox.sync(client).await;
    assert_completed(&run);
    (id, run)
}

fn warnings(run: &Value) -> Vec<String> {
    run["warnings"]
        .as_array()
        .expect("warnings")
        .iter()
        .map(|w| w.as_str().expect("a sentence").to_owned())
        .collect()
}

/// The person's JSON, found by their Justworks member id.
async fn person_json(app: &TestApp, client: &TestClient, member: &str) -> Value {
    let (id, _, _) = person_of(app, member).await;
    let page = client.get(&format!("/api/v1/people/{id}")).await;
    page.expect(200);
    serde_json::from_str(&page.body).expect("a person")
}

/// The id of the job a member's person holds.
async fn seat_of(app: &TestApp, member: &str) -> String {
    let pool = app.db().await;
    let (job,): (String,) = sqlx::query_as(
        "SELECT j.id FROM jobs j JOIN people p ON p.id = j.person_id \
         WHERE p.justworks_id = $1 AND j.status = 'filled'",
    )
    .bind(member)
    .fetch_one(&pool)
    .await
    .unwrap_or_else(|e| panic!("no job for {member}: {e}"));
    pool.close().await;
    job
}

/// A job's status and who holds it (a person id).
async fn job_status(app: &TestApp, job: &str) -> (String, Option<String>) {
    let pool = app.db().await;
    let status = sqlx::query_as("SELECT status, person_id FROM jobs WHERE id = $1")
        .bind(job)
        .fetch_one(&pool)
        .await
        .expect("the job");
    pool.close().await;
    status
}

fn days_from_today(days: i64) -> String {
    (jiff::tz::TimeZone::UTC
        .to_datetime(jiff::Timestamp::now())
        .date()
        + jiff::ToSpan::days(days))
    .to_string()
}

// ---------------------------------------------------------------------------------------
// 1. Names compared as Unicode means them.
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn names_meet_in_any_case_and_normal_form_for_the_org_head_and_possible_duplicates() {
    let decomposed: String = "José Núñez".nfd().collect();
    let (given, family) = decomposed.split_once(' ').expect("two words");
    let members = [
        member("m1", "Νίκος", "Παπαδόπουλος", None),
        member("m2", "Jürgen", "Weiß", Some("m1")),
        member("m3", given, family, Some("m1")),
    ];
    // The org head typed in capitals: the final ς of Νίκος is Σ.
    let (sandbox, app, to) = company_of(&members, "  ΝΊΚΟΣ   ΠΑΠΑΔΌΠΟΥΛΟΣ ").await;
    let (_, run) = synced(&sandbox, &to).await;
    assert_eq!(count(&run, "created"), 3, "{run}");
    let head = person_json(&app, &to, "m1").await;
    assert_eq!(head["manager_id"], Value::Null);
    assert_eq!(head["manager_job_id"], Value::Null, "the top of the tree");
    let (head_id, _, _) = person_of(&app, "m1").await;
    assert_eq!(
        person_json(&app, &to, "m2").await["manager_id"],
        json!(head_id)
    );

    // Jürgen and José come back under new ids: as SS, and composed.
    sandbox
        .replace(&[
            member("m1", "Νίκος", "Παπαδόπουλος", None),
            member("m9", "JÜRGEN", "WEISS", Some("m1")),
            member("m10", "José", "Núñez", Some("m1")),
        ])
        .await;
    // The old ids are gone, which only a read of everyone sees: a settings save makes
    // the next sync one.
    save(&to, &form(&sandbox, "  ΝΊΚΟΣ   ΠΑΠΑΔΌΠΟΥΛΟΣ ")).await;
    let (_, run) = synced(&sandbox, &to).await;
    let warnings = warnings(&run);
    for new in ["JÜRGEN WEISS (m9)", "José Núñez (m10)"] {
        assert!(
            warnings
                .iter()
                .any(|w| w.starts_with(&format!("possible duplicate: {new} "))),
            "{new}: {warnings:#?}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// 2. Full, preferred or full-preferred name only; the closest names on failure.
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn the_org_head_is_found_by_its_own_names_only_and_a_miss_names_the_closest() {
    let mut robert = member("m1", "Robert", "Smith", Some("m2"));
    robert["name"]["preferred_name"] = json!("Bob");
    let members = [robert, member("m2", "Bob", "Smith", None)];
    // Robert goes by Bob, but "Bob Smith" is only Bob Smith's name.
    let (sandbox, app, to) = company_of(&members, "Bob Smith").await;
    synced(&sandbox, &to).await;
    let (bob_id, _, _) = person_of(&app, "m2").await;
    assert_eq!(
        person_json(&app, &to, "m2").await["manager_job_id"],
        Value::Null
    );
    assert_eq!(
        person_json(&app, &to, "m1").await["manager_id"],
        json!(bob_id)
    );

    save(&to, &form(&sandbox, "Bob Smyth")).await;
    let (_, run) = sandbox.sync(&to).await;
    assert_eq!(run["status"], "failed", "{run}");
    let error = run["error"].as_str().expect("an error");
    assert!(
        error.starts_with("No active Justworks member is named “Bob Smyth”"),
        "{error}"
    );
    assert!(
        error.contains("The closest names: Bob Smith (m2), Robert Smith (m1)."),
        "{error}"
    );
}

// ---------------------------------------------------------------------------------------
// 3. A cancelled scheduled termination.
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn a_cancelled_termination_clears_the_end_date_with_a_history_row() {
    let members = [
        member("m1", "Grace", "Hopper", None),
        member("m2", "Ana", "Souza", Some("m1")),
    ];
    let (sandbox, app, to) = company_of(&members, "Grace Hopper").await;
    synced(&sandbox, &to).await;
    let scheduled = days_from_today(30);
    sandbox
        .patch("m2", json!({"employment_termination_date": scheduled}))
        .await;
    synced(&sandbox, &to).await;
    assert_eq!(
        person_json(&app, &to, "m2").await["end_date"],
        json!(scheduled)
    );

    sandbox
        .patch("m2", json!({"employment_termination_date": null}))
        .await;
    let (run_id, _) = synced(&sandbox, &to).await;
    let ana = person_json(&app, &to, "m2").await;
    assert_eq!(ana["end_date"], Value::Null, "{ana}");
    assert_eq!(ana["status"], "active");
    let rows = history_of_run(&app, &run_id).await;
    let ended: Vec<_> = rows.iter().filter(|r| r.field == "end_date").collect();
    assert_eq!(ended.len(), 1, "{rows:#?}");
    assert_eq!(ended[0].old.as_deref(), Some(scheduled.as_str()));
    assert_eq!(ended[0].new.as_deref(), Some("Termination cancelled"));
    let page = to
        .get(&format!("/people/{}", ana["id"].as_str().unwrap()))
        .await;
    assert!(page.says("Termination cancelled"), "{}", page.text());
    let run_page = to.get(&format!("/syncs/{run_id}")).await;
    assert!(
        run_page.says("Termination cancelled"),
        "{}",
        run_page.text()
    );
}

// ---------------------------------------------------------------------------------------
// 4. A move to remote.
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn a_move_to_remote_makes_the_location_remote_or_blank_per_the_option() {
    let members = [
        member("m1", "Grace", "Hopper", None),
        member("m2", "Ana", "Souza", Some("m1")),
        member("m3", "Bo", "Li", Some("m1")),
    ];
    let (sandbox, app, to) = company_of(&members, "Grace Hopper").await;
    synced(&sandbox, &to).await;
    let remote = json!({"employment_location_type": "remote", "office": null});
    sandbox.patch("m2", remote.clone()).await;
    let (run_id, _) = synced(&sandbox, &to).await;
    assert_eq!(person_json(&app, &to, "m2").await["location"], "Remote");
    let moved: Vec<_> = history_of_run(&app, &run_id)
        .await
        .into_iter()
        .filter(|r| r.field == "location")
        .collect();
    assert_eq!(moved.len(), 1, "{moved:#?}");
    assert_eq!(
        (moved[0].old.as_deref(), moved[0].new.as_deref()),
        (Some("New York HQ"), Some("Remote"))
    );
    assert_eq!(moved[0].kind, "group_change");

    // With the blank option, a move to remote leaves the location blank.
    save(
        &to,
        &form(&sandbox, "Grace Hopper").set("missing_location", "blank"),
    )
    .await;
    sandbox.patch("m3", remote).await;
    synced(&sandbox, &to).await;
    for who in ["m2", "m3"] {
        let person = person_json(&app, &to, who).await;
        assert_eq!(person["location"], Value::Null, "{who}: {person}");
    }
    assert_eq!(
        person_json(&app, &to, "m1").await["location"],
        "New York HQ"
    );
}

// ---------------------------------------------------------------------------------------
// 5. Inactive before the termination date.
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn an_inactive_member_departs_now_with_a_warning_naming_their_date() {
    let members = [
        member("m1", "Grace", "Hopper", None),
        member("m2", "Ana", "Souza", Some("m1")),
    ];
    let (sandbox, app, to) = company_of(&members, "Grace Hopper").await;
    synced(&sandbox, &to).await;
    let ana_job = seat_of(&app, "m2").await;
    let later = days_from_today(20);
    sandbox
        .patch(
            "m2",
            json!({"active": false, "employment_termination_date": later}),
        )
        .await;
    let (_, run) = synced(&sandbox, &to).await;
    assert_eq!(count(&run, "departed"), 1, "{run}");
    let warnings = warnings(&run);
    let prefix = format!(
        "Ana Souza (m2) is inactive in Justworks, but their termination date {later} is \
         still to come; they departed now, on "
    );
    let warning = warnings
        .iter()
        .find(|w| w.starts_with(&prefix))
        .unwrap_or_else(|| panic!("{warnings:#?}"));
    let today = &warning[prefix.len()..];
    let ana = person_json(&app, &to, "m2").await;
    assert_eq!(ana["status"], "departed");
    assert_eq!(ana["end_date"], json!(today));
    assert_eq!(job_status(&app, &ana_job).await, ("open".into(), None));

    // The next sync, still before the date: nothing to do, nothing to say.
    let (_, run) = synced(&sandbox, &to).await;
    assert_eq!(count(&run, "unchanged"), 2, "{run}");
    assert_eq!(count(&run, "warnings"), 0, "{run}");
}

// ---------------------------------------------------------------------------------------
// 6. Reports of an open job.
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn someone_under_the_open_job_their_manager_left_is_shown_under_it() {
    let mut manager = member("m2", "Ana", "Souza", Some("m1"));
    manager["job_title"] = json!("Engineering Manager");
    let members = [
        member("m1", "Grace", "Hopper", None),
        manager,
        member("m3", "Bo", "Li", Some("m2")),
    ];
    let (sandbox, app, to) = company_of(&members, "Grace Hopper").await;
    synced(&sandbox, &to).await;
    let open_job = seat_of(&app, "m2").await;

    // Ana leaves; Bo is excluded in the same run, so nobody moves him.
    sandbox
        .patch(
            "m2",
            json!({"active": false, "employment_termination_date": days_from_today(-1)}),
        )
        .await;
    save(
        &to,
        &form(&sandbox, "Grace Hopper").set("exclude_ids", "m3"),
    )
    .await;
    synced(&sandbox, &to).await;
    assert_eq!(job_status(&app, &open_job).await, ("open".into(), None));

    let bo = person_json(&app, &to, "m3").await;
    assert_eq!(bo["manager_id"], Value::Null, "{bo}");
    assert_eq!(bo["manager_job_id"], json!(open_job), "{bo}");
    let head = person_json(&app, &to, "m1").await;
    assert_eq!(
        (&head["manager_id"], &head["manager_job_id"]),
        (&Value::Null, &Value::Null)
    );
    let list = to.get("/api/v1/people").await;
    let list: Value = serde_json::from_str(&list.body).expect("people");
    let bo_listed = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["justworks_id"] == "m3")
        .expect("Bo is listed");
    assert_eq!(bo_listed["manager_job_id"], json!(open_job));

    // The directory, Bo's page and the org chart show him under the open job.
    let directory = to.get("/people").await;
    let row = directory
        .body
        .split("<tr")
        .find(|row| row.contains("Bo Li"))
        .expect("Bo's row");
    assert!(
        html_text(row).contains("Open job: Engineering Manager"),
        "{row}"
    );
    let page = to
        .get(&format!("/people/{}", bo["id"].as_str().unwrap()))
        .await;
    assert!(
        page.says("Open job: Engineering Manager"),
        "{}",
        page.text()
    );
    let chart = to.get(&format!("/org?root={open_job}")).await;
    chart.expect(200);
    assert!(chart.says("Org chart: Open job: Engineering Manager"));
    assert!(chart.says("Bo Li"), "{}", chart.text());
    let whole = to.get("/org").await;
    let open_at = whole
        .body
        .find("Open job: Engineering Manager")
        .expect("open");
    assert!(
        whole.body[open_at..].contains("Bo Li"),
        "Bo is under the open job: {}",
        whole.text()
    );
}

// ---------------------------------------------------------------------------------------
// 7. People who stop being synced.
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn someone_who_stops_being_synced_is_kept_warned_about_once_and_their_page_says_so() {
    let mut contractor = member("m2", "Ana", "Souza", Some("m1"));
    contractor["type"] = json!("contractor");
    let members = [
        member("m1", "Grace", "Hopper", None),
        contractor,
        member("m3", "Bo", "Li", Some("m1")),
    ];
    let (sandbox, app, to) = company_of(&members, "Grace Hopper").await;
    synced(&sandbox, &to).await;

    // Bo is excluded by work id and contractors are switched off; both change in
    // Justworks meanwhile, which orgsync no longer takes.
    let stopped = form(&sandbox, "Grace Hopper")
        .set("exclude_ids", "E-m3")
        .without("include_contractors");
    save(&to, &stopped).await;
    for who in ["m2", "m3"] {
        sandbox
            .patch(who, json!({"job_title": "Chief Everything"}))
            .await;
    }
    let (_, run) = synced(&sandbox, &to).await;
    assert_eq!(count(&run, "excluded"), 2, "{run}");
    let mut said = warnings(&run);
    said.sort();
    assert_eq!(
        said,
        [
            "Ana Souza (m2) is no longer synced from Justworks: a contractor, and contractors \
             are not included. Their person and job are kept as they were",
            "Bo Li (m3) is no longer synced from Justworks: excluded. Their person and job \
             are kept as they were",
        ]
    );
    let owner = app.owner().await;
    for (who, why) in [
        ("m2", "a contractor, and contractors are not included"),
        ("m3", "excluded"),
    ] {
        let person = person_json(&app, &to, who).await;
        assert_eq!(person["status"], "active", "{who}");
        assert_eq!(person["title"], "Engineer", "{who}: frozen");
        let page = owner
            .get(&format!("/people/{}", person["id"].as_str().unwrap()))
            .await;
        assert_eq!(
            page.text_of_id("person-sync-stopped"),
            Some(format!("No longer synced from Justworks: {why}")),
            "{who}"
        );
    }

    // Warned once: the next run says nothing more.
    let (_, run) = synced(&sandbox, &to).await;
    assert_eq!(count(&run, "warnings"), 0, "{run}");

    // Synced again, Bo takes what changed meanwhile and his page no longer says it.
    save(
        &to,
        &form(&sandbox, "Grace Hopper").without("include_contractors"),
    )
    .await;
    synced(&sandbox, &to).await;
    let bo = person_json(&app, &to, "m3").await;
    assert_eq!(bo["title"], "Chief Everything");
    let page = to
        .get(&format!("/people/{}", bo["id"].as_str().unwrap()))
        .await;
    assert!(!page.has_id("person-sync-stopped"), "{}", page.text());
}
