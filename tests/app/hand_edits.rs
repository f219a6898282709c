//! Editing the org by hand (issue 19): people and open jobs added here survive every
//! sync; a hand edit of a Justworks field is marked, and the next sync puts Justworks'
//! value back with both rows in history; refusals name their field and save nothing;
//! Technical Owners never touch sensitive fields; headcounts follow every move.

use crate::helpers::*;
use crate::sync::{assert_completed, configured};
use orgsync::org::store::{compute_headcounts, load_org};
use sqlx::AnyPool;

/// The org head's person id and a direct report of theirs who has reports of their own.
async fn head_and_manager(pool: &AnyPool) -> (String, String) {
    let (head,): (String,) = sqlx::query_as(
        "SELECT p.id FROM people p JOIN jobs j ON j.person_id = p.id \
         WHERE j.status = 'filled' AND j.manager_job_id IS NULL AND p.status = 'active'",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    let (manager,): (String,) = sqlx::query_as(
        "SELECT p.id FROM people p JOIN jobs j ON j.person_id = p.id AND j.status = 'filled' \
         JOIN jobs h ON h.id = j.manager_job_id AND h.person_id = $1 \
         WHERE EXISTS (SELECT 1 FROM jobs r WHERE r.manager_job_id = j.id) ORDER BY p.id LIMIT 1",
    )
    .bind(&head)
    .fetch_one(pool)
    .await
    .unwrap();
    (head, manager)
}

async fn one(pool: &AnyPool, sql: &str, bind: &str) -> Option<String> {
    let row: Option<(Option<String>,)> = sqlx::query_as(sql)
        .bind(bind)
        .fetch_optional(pool)
        .await
        .unwrap();
    row.and_then(|(v,)| v)
}

async fn title_of(pool: &AnyPool, person: &str) -> Option<String> {
    one(
        pool,
        "SELECT title FROM jobs WHERE person_id = $1 AND status = 'filled'",
        person,
    )
    .await
}

async fn manager_person_of_job(pool: &AnyPool, job_title: &str) -> Option<String> {
    one(
        pool,
        "SELECT m.person_id FROM jobs j JOIN jobs m ON m.id = j.manager_job_id \
         WHERE j.title = $1 AND j.source = 'manual'",
        job_title,
    )
    .await
}

/// Every stored headcount equals the one worked out from the whole tree.
async fn assert_headcounts_right(app: &TestApp) {
    let pool = app.db().await;
    let mut conn = pool.acquire().await.unwrap();
    let org = load_org(&mut conn).await.unwrap();
    let wanted = compute_headcounts(&org);
    let stored: Vec<(String, i64)> = sqlx::query_as("SELECT id, headcount FROM jobs")
        .fetch_all(&mut *conn)
        .await
        .unwrap();
    for (id, n) in stored {
        assert_eq!(
            wanted.get(&id).copied().unwrap_or(0),
            n,
            "headcount of {id}"
        );
    }
}

#[tokio::test]
async fn an_open_job_and_a_contractor_added_by_hand_survive_every_sync() {
    let (sandbox, app, to) = configured(25).await;
    assert_completed(&sandbox.sync(&to).await.1);
    let pool = app.db().await;
    let (_, vp) = head_and_manager(&pool).await;

    let owner = app.owner().await;
    owner.get("/people/new").await.expect(200);
    let added = owner
        .post(
            "/people/new",
            &[
                ("name", "Casey Contractor"),
                ("title", "Data Consultant"),
                ("department", "Engineering"),
                ("manager_id", vp.as_str()),
                ("work_email", "casey@contractors.example"),
                ("employment_type", "Contractor"),
                ("start_date", "2026-10-01"),
            ],
        )
        .await;
    assert_eq!(added.status, 303, "{}", added.text());
    let casey = added.location.clone().unwrap();
    assert!(owner.get(&casey).await.says("Added in orgsync"));
    owner
        .post(
            "/jobs/new",
            &[
                ("title", "Staff Engineer (next quarter)"),
                ("department", "Engineering"),
                ("location", "Remote"),
                ("manager_id", vp.as_str()),
                ("planned_start", "2027-01-15"),
            ],
        )
        .await
        .expect(303);
    assert_headcounts_right(&app).await;

    for _ in 0..2 {
        assert_completed(&sandbox.sync(&to).await.1);
    }
    let casey_id = casey.trim_start_matches("/people/");
    assert_eq!(
        title_of(&pool, casey_id).await.as_deref(),
        Some("Data Consultant")
    );
    assert_eq!(
        one(&pool, "SELECT status FROM people WHERE id = $1", casey_id)
            .await
            .as_deref(),
        Some("active")
    );
    assert_eq!(
        manager_person_of_job(&pool, "Staff Engineer (next quarter)")
            .await
            .as_deref(),
        Some(vp.as_str()),
        "the open job stays under its manager"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM jobs WHERE source = 'manual' AND status = 'open'")
            .await,
        1
    );
    // The history says who added them.
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM history WHERE person_id = '{casey_id}' AND by_name = '{OWNER_NAME}'"
        ))
        .await,
        1
    );
    assert_headcounts_right(&app).await;
    pool.close().await;
}

#[tokio::test]
async fn a_hand_edit_of_a_justworks_title_is_marked_and_the_next_sync_puts_justworks_title_back() {
    let (sandbox, app, to) = configured(20).await;
    assert_completed(&sandbox.sync(&to).await.1);
    let pool = app.db().await;
    let (_, person) = head_and_manager(&pool).await;
    let justworks_title = title_of(&pool, &person).await.unwrap();

    let edit = to.get(&format!("/people/{person}/edit")).await;
    edit.expect(200);
    assert!(edit.says("lasts until the next sync"), "{}", edit.text());
    to.post(
        &format!("/people/{person}/edit"),
        &[("title", "Head of Cartography")],
    )
    .await
    .expect_redirect(&format!("/people/{person}"));
    assert_eq!(
        title_of(&pool, &person).await.as_deref(),
        Some("Head of Cartography")
    );
    let page = to.get(&format!("/people/{person}")).await;
    assert!(
        page.says("Set by hand: Justworks will overwrite this at the next sync unless pinned"),
        "{}",
        page.text()
    );
    assert!(page.says(&format!("{justworks_title} → Head of Cartography")));
    assert!(
        page.says(&format!("Title change by {TECH_NAME}")),
        "{}",
        page.text()
    );

    assert_completed(&sandbox.sync(&to).await.1);
    assert_eq!(
        title_of(&pool, &person).await.as_deref(),
        Some(justworks_title.as_str())
    );
    let page = to.get(&format!("/people/{person}")).await;
    assert!(
        !page.says("Justworks will overwrite this"),
        "{}",
        page.text()
    );
    assert!(page.says(&format!("{justworks_title} → Head of Cartography")));
    assert!(page.says(&format!("Head of Cartography → {justworks_title}")));
    let by: Vec<(Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT by_name, run_id FROM history WHERE person_id = $1 AND field = 'title' ORDER BY at",
    )
    .bind(&person)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(by.len(), 2, "{by:?}");
    assert_eq!(
        by[0].0.as_deref(),
        Some(TECH_NAME),
        "the edit is by its editor"
    );
    assert!(
        by[1].0.is_none() && by[1].1.is_some(),
        "the sync's row is the run's"
    );
    pool.close().await;
}

#[tokio::test]
async fn a_loop_a_departed_manager_and_a_duplicate_work_email_are_refused_and_nothing_is_saved() {
    let (sandbox, app, to) = configured(30).await;
    assert_completed(&sandbox.sync(&to).await.1);
    let pool = app.db().await;
    let (head, manager) = head_and_manager(&pool).await;
    let (departed,): (String,) =
        sqlx::query_as("SELECT id FROM people WHERE status = 'departed' ORDER BY id LIMIT 1")
            .fetch_one(&pool)
            .await
            .unwrap();
    let (other_email,): (String,) = sqlx::query_as(
        "SELECT work_email FROM people WHERE status = 'active' AND id <> $1 \
         AND work_email IS NOT NULL ORDER BY id LIMIT 1",
    )
    .bind(&manager)
    .fetch_one(&pool)
    .await
    .unwrap();
    let before = table_rows(&pool, "people").await;
    let jobs_before = table_rows(&pool, "jobs").await;

    // The org head under someone who reports to them: a loop.
    let refused = to
        .post(
            &format!("/people/{head}/edit"),
            &[("manager_id", manager.as_str())],
        )
        .await;
    refused.expect(422);
    assert!(refused.says("that would make a loop"), "{}", refused.text());
    assert!(refused.is_described_by("manager_id-error"));

    let refused = to
        .post(
            &format!("/people/{manager}/edit"),
            &[("manager_id", departed.as_str()), ("title", "Changed too")],
        )
        .await;
    refused.expect(422);
    assert!(
        refused.says("has left; choose someone who is here"),
        "{}",
        refused.text()
    );

    let refused = to
        .post(
            &format!("/people/{manager}/edit"),
            &[("work_email", other_email.to_uppercase().as_str())],
        )
        .await;
    refused.expect(422);
    assert!(refused.says("is already"), "{}", refused.text());
    assert!(refused.is_described_by("work_email-error"));

    let refused = to
        .post("/people/new", &[("name", " "), ("start_date", "next week")])
        .await;
    refused.expect(422);
    assert!(refused.says("Enter the person's name."));
    assert!(refused.says("Enter a date as YYYY-MM-DD"));

    assert_eq!(table_rows(&pool, "people").await, before, "nothing saved");
    assert_eq!(
        table_rows(&pool, "jobs").await,
        jobs_before,
        "nothing saved"
    );
    pool.close().await;
}

#[tokio::test]
async fn a_technical_owner_can_neither_edit_nor_pin_sensitive_fields_and_a_member_cannot_edit() {
    let (sandbox, app, to) = configured(15).await;
    assert_completed(&sandbox.sync(&to).await.1);
    let pool = app.db().await;
    let (_, person) = head_and_manager(&pool).await;
    let before = table_rows(&pool, "jobs").await;

    let form = to.get(&format!("/people/{person}/edit")).await;
    assert!(form.input_value("title").is_some());
    assert!(
        form.input_value("compensation_amount").is_none(),
        "not shown"
    );
    assert!(!form.says("Birthdate"));
    let refused = to
        .post(
            &format!("/people/{person}/edit"),
            &[
                ("compensation_amount", "1"),
                ("compensation_currency", "USD"),
            ],
        )
        .await;
    refused.expect(403);
    to.post(
        &format!("/people/{person}/pin"),
        &[("field", "compensation")],
    )
    .await
    .expect(403);
    assert_eq!(table_rows(&pool, "jobs").await, before, "nothing saved");
    assert!(
        !to.get(&format!("/people/{person}"))
            .await
            .says("Pin Compensation")
    );

    // An Owner may.
    let owner = app.owner().await;
    owner
        .post(
            &format!("/people/{person}/edit"),
            &[
                ("compensation_amount", "123,456.78"),
                ("compensation_currency", "usd"),
            ],
        )
        .await
        .expect(303);
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM jobs WHERE person_id = '{person}' AND comp_amount = 12345678 \
             AND comp_currency = 'USD'"
        ))
        .await,
        1
    );
    // The Technical Owner does not learn that it changed.
    let page = to.get(&format!("/people/{person}")).await;
    assert!(
        !page.says("123,456.78") && !page.says("Compensation"),
        "{}",
        page.text()
    );

    let member = app.member().await;
    member
        .get(&format!("/people/{person}/edit"))
        .await
        .expect(403);
    member
        .post(&format!("/people/{person}/edit"), &[("title", "x")])
        .await
        .expect(403);
    pool.close().await;
}

#[tokio::test]
async fn moves_departures_and_rehires_keep_every_headcount_right() {
    let (sandbox, app, to) = configured(20).await;
    assert_completed(&sandbox.sync(&to).await.1);
    let pool = app.db().await;
    let (head, manager) = head_and_manager(&pool).await;

    let a = to
        .post(
            "/people/new",
            &[("name", "Avery Added"), ("manager_id", manager.as_str())],
        )
        .await;
    let a = a.location.clone().expect("added").replace("/people/", "");
    let b = to
        .post(
            "/people/new",
            &[("name", "Blake Below"), ("manager_id", "Avery Added")],
        )
        .await;
    let b = b
        .location
        .clone()
        .expect("added by a typed name")
        .replace("/people/", "");
    assert_headcounts_right(&app).await;

    to.post(
        &format!("/people/{b}/move"),
        &[("manager_id", head.as_str())],
    )
    .await
    .expect_redirect(&format!("/people/{b}"));
    assert_headcounts_right(&app).await;
    to.post(&format!("/people/{a}/move"), &[("manager_id", b.as_str())])
        .await
        .expect(303);
    assert_headcounts_right(&app).await;

    to.post(
        &format!("/people/{a}/depart"),
        &[("end_date", "2026-12-01")],
    )
    .await
    .expect(303);
    assert_eq!(
        one(&pool, "SELECT status FROM people WHERE id = $1", &a)
            .await
            .as_deref(),
        Some("departed")
    );
    assert_headcounts_right(&app).await;
    to.post(&format!("/people/{a}/rehire"), &[("x", "")])
        .await
        .expect(303);
    assert_eq!(
        one(&pool, "SELECT status FROM people WHERE id = $1", &a)
            .await
            .as_deref(),
        Some("active")
    );
    assert_headcounts_right(&app).await;

    // A person from Justworks leaves in Justworks.
    to.post(
        &format!("/people/{manager}/depart"),
        &[("end_date", "2026-12-01")],
    )
    .await
    .expect(403);
    assert_completed(&sandbox.sync(&to).await.1);
    assert_headcounts_right(&app).await;
    pool.close().await;
}

#[tokio::test]
async fn a_field_is_pinned_and_unpinned_from_the_person_page() {
    let (sandbox, app, to) = configured(12).await;
    assert_completed(&sandbox.sync(&to).await.1);
    let pool = app.db().await;
    let (_, person) = head_and_manager(&pool).await;

    let page = to.get(&format!("/people/{person}")).await;
    assert!(
        page.body.contains("aria-label=\"Pin Title\""),
        "{}",
        page.text()
    );
    to.post(&format!("/people/{person}/pin"), &[("field", "title")])
        .await
        .expect_redirect(&format!("/people/{person}"));
    let pins = one(
        &pool,
        "SELECT pins FROM jobs WHERE person_id = $1 AND status = 'filled'",
        &person,
    )
    .await;
    assert_eq!(pins.as_deref(), Some(r#"{"title":null}"#));
    let page = to.get(&format!("/people/{person}")).await;
    assert!(page.body.contains("aria-label=\"Unpin Title\""));
    assert!(page.says("Pinned"));
    to.post(&format!("/people/{person}/unpin"), &[("field", "title")])
        .await
        .expect(303);
    assert_eq!(
        one(
            &pool,
            "SELECT pins FROM jobs WHERE person_id = $1 AND status = 'filled'",
            &person,
        )
        .await,
        None
    );
    to.post(&format!("/people/{person}/pin"), &[("field", "salary")])
        .await
        .expect(404);
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM audit_log WHERE action IN ('field.pinned', 'field.unpinned')"
        )
        .await,
        2
    );
    pool.close().await;
}

#[tokio::test]
async fn the_edit_form_sent_back_unchanged_changes_nothing() {
    let (sandbox, app, to) = configured(12).await;
    assert_completed(&sandbox.sync(&to).await.1);
    let pool = app.db().await;
    let (_, person) = head_and_manager(&pool).await;
    let people = table_rows(&pool, "people").await;
    let jobs = table_rows(&pool, "jobs").await;

    let owner = app.owner().await;
    let form = owner.get(&format!("/people/{person}/edit")).await;
    let names = [
        "name",
        "preferred_name",
        "title",
        "department",
        "location",
        "manager_id",
        "work_email",
        "employment_type",
        "start_date",
        "end_date",
        "personal_email",
        "home_address",
        "birthdate",
        "gender",
        "ethnicity",
        "compensation_amount",
        "compensation_currency",
    ];
    let fields: Vec<(&str, String)> = names
        .iter()
        .map(|n| {
            (
                *n,
                form.input_value(n)
                    .unwrap_or_else(|| panic!("{n} is on the form")),
            )
        })
        .collect();
    let saved = owner.post(&format!("/people/{person}/edit"), &fields).await;
    saved.expect_redirect(&format!("/people/{person}"));
    assert!(
        owner
            .get(&format!("/people/{person}"))
            .await
            .says("Saved: nothing changed.")
    );
    assert_eq!(table_rows(&pool, "people").await, people);
    assert_eq!(table_rows(&pool, "jobs").await, jobs);
    pool.close().await;
}

#[tokio::test]
async fn a_card_on_the_chart_moves_its_person_to_the_manager_typed_and_members_see_no_move() {
    let (sandbox, app, to) = configured(15).await;
    assert_completed(&sandbox.sync(&to).await.1);
    let pool = app.db().await;
    let (head, manager) = head_and_manager(&pool).await;

    let chart = to.get("/org").await;
    chart.expect(200);
    let action = format!("/people/{manager}/move");
    assert!(
        chart.body.contains(&format!("action=\"{action}\"")),
        "a Move form on the card"
    );
    assert!(chart.body.contains("<datalist id=\"manager-options\">"));
    let member = app.member().await;
    assert!(
        !member.get("/org").await.body.contains("/move\""),
        "no Move for a Member"
    );

    // Under someone in their own team: refused, back on the person page with why.
    let (report,): (String,) = sqlx::query_as(
        "SELECT p.name FROM people p JOIN jobs j ON j.person_id = p.id \
         JOIN jobs m ON m.id = j.manager_job_id WHERE m.person_id = $1 LIMIT 1",
    )
    .bind(&manager)
    .fetch_one(&pool)
    .await
    .unwrap();
    to.post(
        &action,
        &[("manager_id", report.as_str()), ("back", "/org")],
    )
    .await
    .expect_redirect("/org");
    assert!(to.get("/org").await.says("that would make a loop"));

    let (head_name,): (String,) = sqlx::query_as("SELECT name FROM people WHERE id = $1")
        .bind(&head)
        .fetch_one(&pool)
        .await
        .unwrap();
    let other = one(
        &pool,
        "SELECT p.id FROM people p JOIN jobs j ON j.person_id = p.id AND j.status = 'filled' \
         WHERE p.id <> $1 AND j.manager_job_id IS NOT NULL AND p.status = 'active' \
         AND j.manager_job_id <> (SELECT id FROM jobs WHERE person_id = $1 AND status = 'filled') \
         ORDER BY p.id LIMIT 1",
        &head,
    )
    .await
    .expect("someone not reporting to the head");
    to.post(
        &format!("/people/{other}/move"),
        &[
            ("manager_id", head_name.as_str()),
            ("back", "https://evil.test/"),
        ],
    )
    .await
    .expect_redirect(&format!("/people/{other}"));
    assert_eq!(
        one(
            &pool,
            "SELECT m.person_id FROM jobs j JOIN jobs m ON m.id = j.manager_job_id \
             WHERE j.person_id = $1 AND j.status = 'filled'",
            &other,
        )
        .await
        .as_deref(),
        Some(head.as_str())
    );
    assert_headcounts_right(&app).await;
    pool.close().await;
}
