//! Org settings (`/settings/org`): the Owner names the org and sets its time zone; the
//! zone is checked against the time-zone database, a bad one is refused next to its
//! field with nothing saved; only Owners get in; Run Daily's next sync is told in the
//! org's zone.

use crate::helpers::*;
use crate::schedule::{ClockedApp, Sandbox, local, save_run_daily, set_time_zone, wait_finished};
use orgsync::clock::TestClock;
use std::sync::Arc;

/// `(name, time_zone)` as stored, if a row exists.
async fn stored(app: &TestApp) -> Option<(String, String)> {
    let pool = app.db().await;
    let row = sqlx::query_as("SELECT name, time_zone FROM org_settings WHERE id = 1")
        .fetch_optional(&pool)
        .await
        .expect("org_settings");
    pool.close().await;
    row
}

#[tokio::test]
async fn an_owner_saves_the_org_name_and_time_zone() {
    let app = spawn_app().await;
    let owner = app.owner().await;
    let page = owner.get("/settings/org").await;
    page.expect(200);
    assert_eq!(page.input_value("name").as_deref(), Some("Your org"));
    assert_eq!(page.input_value("time_zone").as_deref(), Some("UTC"));
    assert!(page.body.contains("href=\"/settings/org\""), "no nav entry");
    assert!(page.body.contains("<option value=\"America/New_York\">"));

    let saved = owner
        .post(
            "/settings/org",
            &[
                ("name", "  Acme   Corp "),
                ("time_zone", "america/new_york"),
            ],
        )
        .await;
    saved.expect_redirect("/settings/org");
    assert_eq!(
        stored(&app).await,
        Some(("Acme Corp".to_owned(), "America/New_York".to_owned()))
    );
    let page = owner.get("/settings/org").await;
    assert!(
        page.says("Org settings saved. Changed: Org name, Time zone."),
        "{}",
        page.text()
    );
    assert_eq!(page.input_value("name").as_deref(), Some("Acme Corp"));
    assert_eq!(
        page.input_value("time_zone").as_deref(),
        Some("America/New_York")
    );
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'org.settings_saved' \
             AND details = 'changed: name, time_zone'"
        )
        .await,
        1
    );

    // Only what changed is named.
    owner
        .post(
            "/settings/org",
            &[("name", "Acme Corp"), ("time_zone", "Europe/Paris")],
        )
        .await
        .expect_redirect("/settings/org");
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'org.settings_saved' \
             AND details = 'changed: time_zone'"
        )
        .await,
        1
    );
    app.stop().await;
}

#[tokio::test]
async fn an_unknown_time_zone_is_refused_next_to_its_field_and_nothing_is_saved() {
    let app = spawn_app().await;
    let owner = app.owner().await;
    owner.get("/settings/org").await.expect(200);
    owner
        .post(
            "/settings/org",
            &[("name", "Acme Corp"), ("time_zone", "Europe/London")],
        )
        .await
        .expect_redirect("/settings/org");
    let audits = app.count("SELECT COUNT(*) FROM audit_log").await;

    owner.get("/settings/org").await.expect(200);
    let page = owner
        .post(
            "/settings/org",
            &[("name", "Renamed Corp"), ("time_zone", "Mars/Olympus_Mons")],
        )
        .await;
    page.expect(422);
    assert!(page.has_id("time_zone-error"));
    assert!(page.is_described_by("time_zone-error"));
    assert!(
        page.text_of_id("time_zone-error")
            .is_some_and(|t| t.contains("not a time zone orgsync knows")),
        "{}",
        page.text()
    );
    assert!(!page.has_id("name-error"));
    // What was typed is kept for correcting.
    assert_eq!(page.input_value("name").as_deref(), Some("Renamed Corp"));
    assert_eq!(
        page.input_value("time_zone").as_deref(),
        Some("Mars/Olympus_Mons")
    );
    assert_eq!(
        stored(&app).await,
        Some(("Acme Corp".to_owned(), "Europe/London".to_owned()))
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log").await, audits);

    // A blank name too, each with its own message.
    let page = owner
        .post("/settings/org", &[("name", "   "), ("time_zone", "")])
        .await;
    page.expect(422);
    assert!(page.is_described_by("name-error") && page.is_described_by("time_zone-error"));
    assert_eq!(
        stored(&app).await,
        Some(("Acme Corp".to_owned(), "Europe/London".to_owned()))
    );
    app.stop().await;
}

#[tokio::test]
async fn only_owners_may_see_or_change_org_settings() {
    let app = spawn_app().await;
    let tech = app.technical_owner().await;
    let member = app.member().await;
    for (who, client) in [("technical owner", &tech), ("member", &member)] {
        let page = client.get("/settings/org").await;
        page.expect(403);
        assert!(
            page.says("Org settings needs at least Owner access"),
            "{who}: {}",
            page.text()
        );
        client.get("/people").await.expect(200);
        let page = client
            .post(
                "/settings/org",
                &[("name", "Hijacked"), ("time_zone", "Asia/Tokyo")],
            )
            .await;
        page.expect(403);
    }
    assert_eq!(stored(&app).await, None);
    let page = tech.get("/apps").await;
    assert!(
        !page.body.contains("href=\"/settings/org\""),
        "a Technical Owner sees the nav entry"
    );
    app.stop().await;
}

#[tokio::test]
async fn the_next_sync_is_told_in_the_org_time_zone() {
    let sandbox = Sandbox::start().await;
    let dir = tempfile::tempdir().unwrap();
    // 10:00 UTC on Thursday 26 November 2026.
    let clock = Arc::new(TestClock::new("2026-11-26T10:00:00Z".parse().unwrap()));
    let app = ClockedApp::start(dir.path(), &sandbox, &clock).await;
    let owner = app.signed_in(OWNER_EMAIL, OWNER_NAME, "owner").await;
    install_justworks(&owner).await;
    save_run_daily(&owner, &sandbox, true, "06:00").await;

    // In UTC, 06:00 today has passed (and Run Daily was only just switched on): tomorrow.
    let next = |page: &Page| page.text_of_id("next-sync").unwrap_or_default();
    let page = owner.get("/apps/justworks").await;
    assert_eq!(next(&page), "Next sync: Fri 27 Nov 2026 06:00 (UTC)");

    // In New York it is 05:00: today at 06:00 local.
    set_time_zone(&owner, "America/New_York").await;
    let page = owner.get("/apps/justworks").await;
    assert_eq!(
        next(&page),
        "Next sync: Thu 26 Nov 2026 06:00 (America/New_York)"
    );
    assert_eq!(
        local("2026-11-26T06:00", "America/New_York").to_string(),
        "2026-11-26T11:00:00Z"
    );

    // In Tokyo it is 19:00: tomorrow at 06:00 local.
    set_time_zone(&owner, "Asia/Tokyo").await;
    let page = owner.get("/apps/justworks").await;
    assert_eq!(next(&page), "Next sync: Fri 27 Nov 2026 06:00 (Asia/Tokyo)");
    let apps = owner.get("/apps").await;
    assert!(
        apps.says("Next sync: Fri 27 Nov 2026 06:00 (Asia/Tokyo)"),
        "{}",
        apps.text()
    );
    // The org settings page shows the zone's clock.
    let page = owner.get("/settings/org").await;
    assert!(
        page.says("Now there: Thu 26 Nov 2026 19:00 (Asia/Tokyo)"),
        "{}",
        page.text()
    );
    app.stop().await;
}

#[tokio::test]
async fn a_sync_counts_today_in_the_org_time_zone() {
    let sandbox = Sandbox::start().await;
    let dir = tempfile::tempdir().unwrap();
    // 23:00 on Thursday 26 November in New York: already the 27th in UTC.
    let clock = Arc::new(TestClock::new(local(
        "2026-11-26T23:00",
        "America/New_York",
    )));
    let app = ClockedApp::start(dir.path(), &sandbox, &clock).await;
    let owner = app.signed_in(OWNER_EMAIL, OWNER_NAME, "owner").await;
    set_time_zone(&owner, "America/New_York").await;
    install_justworks(&owner).await;
    save_run_daily(&owner, &sandbox, false, "06:00").await;
    let sync = || async {
        sandbox.forget_used_codes();
        owner.get("/apps/justworks").await.expect(200);
        let page = owner.post("/apps/justworks/sync", NO_FIELDS).await;
        page.expect(303);
        let id = page
            .location
            .as_deref()
            .unwrap()
            .trim_start_matches("/syncs/")
            .to_owned();
        wait_finished(&app.state, &id).await;
    };
    sync().await;

    // Someone (not the org head) whose last day is the 27th.
    let (leaver,): (String,) = sqlx::query_as(
        "SELECT justworks_id FROM people WHERE status = 'active' AND name <> $1 \
         ORDER BY justworks_id LIMIT 1",
    )
    .bind(sandbox.org_head())
    .fetch_one(app.state.db.pool())
    .await
    .unwrap();
    sandbox
        .patch_member(
            &leaver,
            serde_json::json!({"employment_termination_date": "2026-11-27"}),
        )
        .await;
    let status = || async {
        let (status,): (String,) =
            sqlx::query_as("SELECT status FROM people WHERE justworks_id = $1")
                .bind(&leaver)
                .fetch_one(app.state.db.pool())
                .await
                .unwrap();
        status
    };

    // In New York it is still the 26th: not gone yet.
    sync().await;
    assert_eq!(status().await, "active");
    // In UTC it is the 27th: gone.
    set_time_zone(&owner, "UTC").await;
    sync().await;
    assert_eq!(status().await, "departed");
    app.stop().await;
}
