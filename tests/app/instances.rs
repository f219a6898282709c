//! Several orgsync instances on one PostgreSQL database (issue 7), as behind a load
//! balancer: each instance has its own data directory, all share the database and the
//! secret key. The setup link either prints works; a session made on one works on the
//! other; concurrent presses on both make one run, run by one instance; both schedulers make one daily run; a killed instance's
//! run is found by its stale heartbeat and marked interrupted by the other, which runs
//! the next; and instances starting together apply the migrations once.
//!
//! SQLite serves one instance only, so these tests need PostgreSQL
//! (`ORGSYNC_TEST_POSTGRES_URL`, set by `scripts/test` and CI). Without it each says so
//! loudly on stderr and returns.

use crate::helpers::*;
use crate::schedule::{ClockedApp, Sandbox, local, save_run_daily, set_time_zone, wait_finished};
use crate::sync::{
    Server, assert_completed, is_finished, press_sync, run_json, wait_applied, wait_for_run,
};
use data_encoding::BASE64;
use orgsync::Config;
use orgsync::clock::TestClock;
use orgsync::secrets::SecretString;
use orgsync::sync::scheduler::Decision;
use rand::RngCore;
use serde_json::json;
use std::collections::BTreeSet;
use std::sync::{Arc, RwLock};
use std::time::Duration;

/// A fresh secret key, as every instance of one deployment is given it.
fn shared_key() -> SecretString {
    let mut key = [0u8; 32];
    rand::rng().fill_bytes(&mut key);
    SecretString::new(BASE64.encode(&key))
}

/// Two instances, each with its own data directory, on the first one's database and
/// one secret key.
async fn two_instances(tweak: impl Fn(&mut Config)) -> (TestApp, TestApp) {
    let key = shared_key();
    let first = spawn_app_with(|config| {
        config.secret_key = Some(key.clone());
        tweak(config);
    })
    .await;
    let database = first.config.database_url.clone();
    let second = spawn_app_with(|config| {
        config.database_url = database;
        config.secret_key = Some(key.clone());
        tweak(config);
    })
    .await;
    (first, second)
}

/// A browser whose requests go to whichever instance `base` names at the time.
fn browser_at(app: &TestApp) -> (TestClient, Arc<RwLock<String>>) {
    let base = Arc::new(RwLock::new(app.base.clone()));
    (client_at(base.clone()), base)
}

fn point(base: &Arc<RwLock<String>>, app: &TestApp) {
    *base.write().unwrap() = app.base.clone();
}

#[tokio::test]
async fn a_session_made_on_one_instance_works_on_the_other() {
    if !postgres_or_say("instances::a_session_made_on_one_instance_works_on_the_other") {
        return;
    }
    let (a, b) = two_instances(|_| {}).await;
    a.create_user(OWNER_EMAIL, OWNER_NAME, "owner").await;
    let (browser, base) = browser_at(&a);
    browser.sign_in(OWNER_EMAIL, PASSWORD).await.expect(303);

    // The load balancer sends the next request to B: still signed in.
    point(&base, &b);
    let users = browser.get("/settings/users").await;
    users.expect(200);
    assert!(users.says(OWNER_NAME), "{}", users.text());

    // A form read on B is posted to A: its CSRF token is in the shared session.
    browser.get("/settings/org").await.expect(200);
    point(&base, &a);
    browser
        .post(
            "/settings/org",
            &[("name", "Acme Corp"), ("time_zone", "America/New_York")],
        )
        .await
        .expect_redirect("/settings/org");
    point(&base, &b);
    let org = browser.get("/settings/org").await;
    assert_eq!(
        org.input_value("name").as_deref(),
        Some("Acme Corp"),
        "B does not see what was saved through A"
    );

    // Signing out on B ends the session on A too.
    browser
        .post("/logout", NO_FIELDS)
        .await
        .expect_redirect("/login");
    point(&base, &a);
    browser
        .get("/people")
        .await
        .expect_redirect("/login?next=/people");
}

#[tokio::test]
async fn the_setup_link_each_instance_prints_works_until_the_first_owner_exists() {
    if !postgres_or_say(
        "instances::the_setup_link_each_instance_prints_works_until_the_first_owner_exists",
    ) {
        return;
    }
    let (a, b) = two_instances(|_| {}).await;
    let (token_a, token_b) = (
        a.setup_token.clone().unwrap(),
        b.setup_token.clone().unwrap(),
    );
    assert_ne!(token_a, token_b);
    // The administrator opens whichever link they find first: both work.
    for (app, token) in [(&a, &token_a), (&b, &token_b)] {
        let page = app.client().get(&format!("/setup?token={token}")).await;
        page.expect(200);
        assert!(
            page.input_value("token").as_deref() == Some(token.as_str()),
            "{}",
            page.text()
        );
    }
    // The Owner is made through A's link on B; then no link works anywhere.
    let form = [
        ("token", token_a.as_str()),
        ("name", OWNER_NAME),
        ("email", OWNER_EMAIL),
        ("password", PASSWORD),
    ];
    let client = b.client();
    client
        .get(&format!("/setup?token={token_a}"))
        .await
        .expect(200);
    client.post("/setup", &form).await.expect_redirect("/apps");
    for (app, token) in [(&a, &token_a), (&b, &token_b)] {
        app.client()
            .get(&format!("/setup?token={token}"))
            .await
            .expect(404);
    }
}

#[tokio::test]
async fn twenty_presses_split_across_two_instances_make_one_run_run_by_one_instance() {
    if !postgres_or_say(
        "instances::twenty_presses_split_across_two_instances_make_one_run_run_by_one_instance",
    ) {
        return;
    }
    let sandbox = Sandbox::start().await;
    let sink = SmtpSink::start().await;
    let url = sandbox.url();
    let (a, b) = two_instances(|config| {
        config.justworks_url = Some(url.clone());
        // Both mailers send, and look for mail often.
        config.smtp_url = Some(SecretString::new(sink.url()));
        config.mail_delivery.poll = Duration::from_millis(100);
    })
    .await;
    let (on_a, theo) = a.signed_in(TECH_EMAIL, TECH_NAME, "technical-owner").await;
    let (on_b, _) = browser_at(&b);
    let olivia = b.create_user(OWNER_EMAIL, OWNER_NAME, "owner").await;
    on_b.sign_in(OWNER_EMAIL, PASSWORD).await.expect(303);
    let settings = sandbox
        .settings()
        .add("notify_user_ids", &theo)
        .add("notify_user_ids", &olivia);
    install_and_save(&on_a, &settings).await;

    // Slow enough that the run is still under way when the last press lands.
    sandbox.faults(json!({"latency_ms": 1500})).await;
    sandbox.forget_used_codes();
    let clients = [&on_a, &on_b];
    let presses = (0..20).map(|i| clients[i % 2].post("/apps/justworks/sync", NO_FIELDS));
    let answers = futures::future::join_all(presses).await;
    let locations: BTreeSet<Option<String>> = answers
        .iter()
        .map(|page| {
            page.expect(303);
            page.location.clone()
        })
        .collect();
    assert_eq!(locations.len(), 1, "{locations:?}");
    let location = locations.into_iter().next().flatten().unwrap();
    let run_id = location.trim_start_matches("/syncs/").to_owned();
    assert_eq!(a.count("SELECT COUNT(*) FROM sync_runs").await, 1);
    assert_eq!(
        a.count("SELECT COUNT(*) FROM audit_log WHERE action = 'sync.requested'")
            .await,
        1
    );

    sandbox.faults(json!({})).await;
    let run = wait_applied(&on_b, &run_id).await;
    assert_completed(&run);
    assert_eq!(run_json(&on_a, &run_id).await["status"], run["status"]);
    assert_eq!(a.count("SELECT COUNT(*) FROM sync_runs").await, 1);
    // Claimed once: one worker started it, and the people were written once.
    let started = captured_logs()
        .lines()
        .filter(|l| l.contains("sync started") && l.contains(&run_id))
        .count();
    assert_eq!(started, 1, "the run was started {started} times");
    assert_eq!(
        a.count("SELECT COUNT(*) FROM people").await,
        run["counts"]["created"].as_i64().unwrap()
    );

    // Its review notice (the first sync waits for review) and its summary reach each
    // recipient once, though two mailers look for them.
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while sink.mails().len() < 4 {
        assert!(
            std::time::Instant::now() < deadline,
            "the summaries did not arrive"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let mut to: Vec<Vec<String>> = sink.mails().iter().map(|m| m.rcpt_to.clone()).collect();
    to.sort();
    assert_eq!(
        to,
        [
            vec![OWNER_EMAIL.to_owned()],
            vec![OWNER_EMAIL.to_owned()],
            vec![TECH_EMAIL.to_owned()],
            vec![TECH_EMAIL.to_owned()]
        ]
    );
    assert_eq!(
        a.count("SELECT COUNT(*) FROM mail_outbox WHERE status = 'sent' AND attempts = 1")
            .await,
        4
    );
}

/// Queued runs of `n` apps and `n` pending mails, claimed by two instances' pools with
/// 16 claimers each, all at once: every run and every mail is claimed exactly once.
#[tokio::test]
async fn claims_from_two_instances_take_each_queued_run_and_mail_once() {
    if !postgres_or_say("instances::claims_from_two_instances_take_each_queued_run_and_mail_once") {
        return;
    }
    use orgsync::mail::outbox::{self, MailKind, NewMail};
    use orgsync::sync::runs::{self, Cause, Enqueued};
    init();
    let n = 40;
    let dir = tempfile::tempdir().unwrap();
    let url = database_url(dir.path());
    let (a, b) = (
        orgsync::db::Db::connect(&url).await.unwrap(),
        orgsync::db::Db::connect(&url).await.unwrap(),
    );
    let mail = orgsync::mail::compose::Mail {
        subject: "s".into(),
        text: "t".into(),
        html: "h".into(),
    };
    let now = jiff::Timestamp::now().as_millisecond();
    let mut conn = a.pool().acquire().await.unwrap();
    for i in 0..n {
        let queued = runs::enqueue(&mut conn, &format!("app-{i:02}"), Cause::Manual, None, now)
            .await
            .unwrap();
        assert!(matches!(queued, Enqueued::New(_)));
        let to = format!("person{i}@acme.test");
        let new = NewMail {
            run_id: None,
            kind: MailKind::Test,
            to: &to,
            mail: &mail,
            claimed: None,
        };
        outbox::insert(&mut conn, &new, now).await.unwrap();
    }
    drop(conn);

    let claimers = (0..32).map(|i| {
        let db = if i % 2 == 0 { a.clone() } else { b.clone() };
        async move {
            let me = format!("claimer-{i}");
            let (mut runs_taken, mut mails_taken) = (Vec::new(), Vec::new());
            loop {
                let run = runs::claim_next(&db, &me, now).await.unwrap();
                let mail = outbox::claim_next(&db, &me, now, now + 600_000)
                    .await
                    .unwrap();
                if run.is_none() && mail.is_none() {
                    return (runs_taken, mails_taken);
                }
                runs_taken.extend(run.map(|r| r.id));
                mails_taken.extend(mail.map(|m| m.id));
            }
        }
    });
    let taken = futures::future::join_all(claimers).await;
    let runs_taken: Vec<String> = taken.iter().flat_map(|(r, _)| r.clone()).collect();
    let mails_taken: Vec<String> = taken.iter().flat_map(|(_, m)| m.clone()).collect();
    assert_eq!(runs_taken.len(), n, "runs claimed: {runs_taken:?}");
    assert_eq!(runs_taken.iter().collect::<BTreeSet<_>>().len(), n);
    assert_eq!(mails_taken.len(), n, "mails claimed: {mails_taken:?}");
    assert_eq!(mails_taken.iter().collect::<BTreeSet<_>>().len(), n);
    // Both instances took part.
    let busy = taken.iter().filter(|(r, m)| !r.is_empty() || !m.is_empty());
    assert!(busy.count() > 1);
    a.close().await;
    b.close().await;
}

#[tokio::test]
async fn two_instances_schedulers_on_one_clock_make_one_daily_run() {
    if !postgres_or_say("instances::two_instances_schedulers_on_one_clock_make_one_daily_run") {
        return;
    }
    const NEW_YORK: &str = "America/New_York";
    let sandbox = Sandbox::start().await;
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let clock = Arc::new(TestClock::new(local("2026-11-26T05:00", NEW_YORK)));
    let key = shared_key();
    let a = ClockedApp::start_with(dir_a.path(), &sandbox, &clock, |c| {
        c.secret_key = Some(key.clone())
    })
    .await;
    let database = a.config.database_url.clone();
    let b = ClockedApp::start_with(dir_b.path(), &sandbox, &clock, |c| {
        c.secret_key = Some(key.clone());
        c.database_url = database;
    })
    .await;
    let owner = a.signed_in(OWNER_EMAIL, OWNER_NAME, "owner").await;
    set_time_zone(&owner, NEW_YORK).await;
    install_justworks(&owner).await;
    save_run_daily(&owner, &sandbox, true, "06:00").await;

    for (day, expected_runs) in [("2026-11-26", 1), ("2026-11-27", 2)] {
        sandbox.forget_used_codes();
        clock.set(local(&format!("{day}T06:00"), NEW_YORK));
        // Both schedulers, many times at once (their own tasks tick too).
        let ticks = (0..10).flat_map(|_| [&a, &b]).map(|app| app.tick());
        let decisions: Vec<Decision> = futures::future::join_all(ticks)
            .await
            .into_iter()
            .flatten()
            .collect();
        let scheduled: Vec<&Decision> = decisions
            .iter()
            .filter(|d| matches!(d, Decision::Scheduled { .. }))
            .collect();
        assert!(scheduled.len() <= 1, "{day}: {decisions:?}");
        let runs: Vec<(String, String)> = sqlx::query_as(
            "SELECT d.day, r.id FROM daily_runs d JOIN sync_runs r ON r.id = d.run_id \
             WHERE r.cause = 'scheduled' ORDER BY d.day",
        )
        .fetch_all(b.state.db.pool())
        .await
        .unwrap();
        assert_eq!(runs.len(), expected_runs, "{day}: {runs:?}");
        let (last_day, last_run) = runs.last().unwrap();
        assert_eq!(last_day, day);
        assert_ne!(wait_finished(&a.state, last_run).await, "failed");
    }
    let (all_runs,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM sync_runs")
        .fetch_one(a.state.db.pool())
        .await
        .unwrap();
    assert_eq!(all_runs, 2);
    b.stop().await;
    a.stop().await;
}

#[tokio::test]
async fn when_the_instance_running_a_sync_is_killed_the_other_marks_it_interrupted_and_runs_the_next()
 {
    if !postgres_or_say(
        "instances::when_the_instance_running_a_sync_is_killed_the_other_marks_it_interrupted_and_runs_the_next",
    ) {
        return;
    }
    let sandbox = Sandbox::start().await;
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let database = database_url(dir_a.path());
    let key = shared_key();
    let env = [("ORGSYNC_SECRET_KEY", key.expose())];
    let mut config = test_config(dir_a.path());
    config.secret_key = Some(key.clone());
    orgsync::cli::create_user(
        &config,
        TECH_EMAIL,
        TECH_NAME,
        "technical-owner",
        SecretString::new(PASSWORD),
    )
    .await
    .expect("a Technical Owner");

    // Both binaries count a run silent for 3 s as dead (ORGSYNC_RUN_STALE_SECONDS).
    let log_a = dir_a.path().join("server.log");
    let mut server_a =
        Server::start_on(dir_a.path(), &database, &sandbox.url(), &log_a, &env).await;
    let base = Arc::new(RwLock::new(server_a.base.clone()));
    let to = client_at(base.clone());
    to.sign_in(TECH_EMAIL, PASSWORD).await.expect(303);
    install_and_save(&to, &sandbox.settings()).await;

    // A slow run, claimed by A (the only instance yet).
    sandbox.faults(json!({"latency_ms": 4000})).await;
    sandbox.forget_used_codes();
    let killed = press_sync(&to).await;
    wait_for_run(&to, &killed, |r| r["status"] == "running").await;

    // B starts while A works: A's run is alive (its heartbeat is fresh), so B leaves it
    // alone — at its start and for longer than the stale time.
    let log_b = dir_b.path().join("server.log");
    let server_b = Server::start_on(dir_b.path(), &database, &sandbox.url(), &log_b, &env).await;
    *base.write().unwrap() = server_b.base.clone();
    tokio::time::sleep(Duration::from_millis(4500)).await;
    let alive = run_json(&to, &killed).await;
    assert_eq!(
        alive["status"], "running",
        "B interrupted a live run: {alive}"
    );

    // A dies. B finds the run silent and marks it interrupted.
    server_a.kill();
    let run = wait_for_run(&to, &killed, is_finished).await;
    assert_eq!(run["status"], "failed", "{run}");
    assert!(
        run["error"]
            .as_str()
            .unwrap_or_default()
            .contains("interrupted"),
        "{run}"
    );
    let pool = open_db(dir_a.path()).await;
    let (people,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM people")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(people, 0, "the killed run wrote people");

    // And B runs the next one.
    sandbox.faults(json!({})).await;
    sandbox.forget_used_codes();
    let next = press_sync(&to).await;
    assert_ne!(next, killed);
    let run = wait_applied(&to, &next).await;
    assert_completed(&run);
    let workers: Vec<(String, Option<String>)> =
        sqlx::query_as("SELECT id, worker FROM sync_runs ORDER BY queued_at")
            .fetch_all(&pool)
            .await
            .unwrap();
    pool.close().await;
    assert_eq!(workers.len(), 2, "{workers:?}");
    assert!(
        workers[0].1.is_some() && workers[1].1.is_some() && workers[0].1 != workers[1].1,
        "the next run was not run by the other instance: {workers:?}"
    );
    drop(server_b);
}

#[tokio::test]
async fn instances_starting_together_on_a_fresh_database_apply_the_migrations_once() {
    if !postgres_or_say(
        "instances::instances_starting_together_on_a_fresh_database_apply_the_migrations_once",
    ) {
        return;
    }
    init();
    let key = shared_key();
    let dirs: Vec<tempfile::TempDir> = (0..4).map(|_| tempfile::tempdir().unwrap()).collect();
    let database = database_url(dirs[0].path());
    let builds = dirs.iter().map(|dir| {
        let mut config = test_config(dir.path());
        config.database_url = SecretString::new(database.clone());
        config.secret_key = Some(key.clone());
        orgsync::App::build(config)
    });
    let apps: Vec<orgsync::App> = futures::future::join_all(builds)
        .await
        .into_iter()
        .map(|built| built.unwrap_or_else(|e| panic!("an instance did not start: {e:#}")))
        .collect();
    let db = &apps[0].state.db;
    let migrations: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT version, CAST(success AS INTEGER) FROM _sqlx_migrations ORDER BY version",
    )
    .fetch_all(db.pool())
    .await
    .unwrap();
    let files = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/postgres"))
        .unwrap()
        .count();
    assert_eq!(migrations.len(), files, "{migrations:?}");
    assert!(migrations.iter().all(|(_, ok)| *ok == 1), "{migrations:?}");
    // Every instance sees the whole schema, and the one key check.
    for app in &apps {
        let (users,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM daily_runs")
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
        assert_eq!(users, 0);
    }
    let (checks,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM key_check")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(checks, 1);
    for app in apps {
        app.state.db.close().await;
    }
}
