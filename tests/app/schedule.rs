//! Run Daily with an injected clock (ISSUE 5, "Scheduler with the injected clock"): the
//! real app on port 0 with its real database and worker, a Justworks sandbox in
//! this process, and a test clock the test sets. The tests call `scheduler::tick` at the
//! instants that matter (the app's own scheduler task ticks too, on the same clock —
//! which only adds the concurrency the database must make harmless) and look at what
//! the database and the pages say.

use crate::helpers::*;
use jiff::{SignedDuration, Timestamp, Zoned};
use orgsync::clock::TestClock;
use orgsync::sandbox::{RunningSandbox, SandboxOptions};
use orgsync::secrets::SecretString;
use orgsync::state::AppState;
use orgsync::sync::runs::{self, Cause};
use orgsync::sync::scheduler::{self, Decision};
use orgsync::{App, Config};
use std::path::Path;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

const NEW_YORK: &str = "America/New_York";
const RUN_DEADLINE: Duration = Duration::from_secs(60);

// ---------------------------------------------------------------------------------------
// The harness: a sandbox, and the app built on a test clock.
// ---------------------------------------------------------------------------------------

/// A Justworks sandbox serving in this process.
pub(crate) struct Sandbox {
    running: RunningSandbox,
}

impl Sandbox {
    pub(crate) async fn start() -> Sandbox {
        init();
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a loopback port");
        let running = orgsync::sandbox::start(
            listener,
            SandboxOptions {
                members: 20,
                seed: 11,
            },
        )
        .await
        .expect("the sandbox starts");
        Sandbox { running }
    }

    /// The Justworks settings a person would paste from the sandbox's front page.
    pub(crate) fn settings(&self) -> SettingsForm {
        let credentials = self.running.credentials();
        SettingsForm::valid()
            .set("username", &credentials.username)
            .set("password", &credentials.password)
            .set("totp_secret", &credentials.totp_secret)
            .set("org_head", &self.running.org_head().expect("an org head"))
    }

    /// As if a new TOTP step had begun: the app may sign in again at once.
    pub(crate) fn forget_used_codes(&self) {
        self.running.forget_used_codes();
    }

    /// Where it serves (`ORGSYNC_JUSTWORKS_URL`).
    pub(crate) fn url(&self) -> String {
        self.running.base_url()
    }

    /// Sets the sandbox's faults (`{"latency_ms": 1500}`; `{}` clears them).
    pub(crate) async fn faults(&self, faults: serde_json::Value) {
        self.admin_post("/sandbox/faults", faults).await;
    }

    /// Merges a JSON patch into one member.
    pub(crate) async fn patch_member(&self, id: &str, patch: serde_json::Value) {
        self.admin_post(&format!("/sandbox/members/{id}"), patch)
            .await;
    }

    pub(crate) fn org_head(&self) -> String {
        self.running.org_head().expect("an org head")
    }

    async fn admin_post(&self, path: &str, body: serde_json::Value) {
        let response = reqwest::Client::new()
            .post(format!("{}{path}", self.running.base_url()))
            .json(&body)
            .send()
            .await
            .expect("the sandbox answers");
        assert!(
            response.status().is_success(),
            "{path}: {}",
            response.status()
        );
    }
}

/// An orgsync served on port 0 that reads time from a shared [`TestClock`].
pub(crate) struct ClockedApp {
    pub(crate) state: AppState,
    pub(crate) config: Config,
    base: Arc<RwLock<String>>,
    shutdown: oneshot::Sender<()>,
    task: JoinHandle<anyhow::Result<()>>,
}

impl ClockedApp {
    /// Builds and serves the app on `dir` (a second call on the same directory is a
    /// second instance on the same database, or a restart once the first has stopped).
    pub(crate) async fn start(dir: &Path, sandbox: &Sandbox, clock: &Arc<TestClock>) -> Self {
        Self::start_with(dir, sandbox, clock, |_| {}).await
    }

    /// Like [`ClockedApp::start`], with the configuration changed first (another
    /// instance's database and key, say).
    pub(crate) async fn start_with(
        dir: &Path,
        sandbox: &Sandbox,
        clock: &Arc<TestClock>,
        tweak: impl FnOnce(&mut Config),
    ) -> Self {
        init();
        let mut config = test_config(dir);
        config.justworks_url = Some(sandbox.running.base_url());
        // Sessions expire on the app's clock too: these tests jump it by days, and the
        // people they sign in stay signed in throughout.
        config.session_idle = Duration::from_secs(365 * 24 * 3600);
        config.session_lifetime = Duration::from_secs(365 * 24 * 3600);
        tweak(&mut config);
        let app = App::build_with_clock(config.clone(), clock.clone())
            .await
            .unwrap_or_else(|e| panic!("the app did not build: {e:#}"));
        let state = app.state.clone();
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a loopback port");
        let base = Arc::new(RwLock::new(format!(
            "http://{}",
            listener.local_addr().expect("an address")
        )));
        let (shutdown, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(app.serve(listener, async move {
            let _ = rx.await;
        }));
        ClockedApp {
            state,
            config,
            base,
            shutdown,
            task,
        }
    }

    pub(crate) async fn stop(self) {
        let _ = self.shutdown.send(());
        match tokio::time::timeout(Duration::from_secs(30), self.task).await {
            Ok(Ok(Ok(()))) => {}
            other => panic!("the server did not stop cleanly: {other:?}"),
        }
    }

    /// A new user of `level`, signed in.
    pub(crate) async fn signed_in(&self, email: &str, name: &str, level: &str) -> TestClient {
        orgsync::cli::create_user(
            &self.config,
            email,
            name,
            level,
            SecretString::new(PASSWORD),
        )
        .await
        .unwrap_or_else(|e| panic!("could not create {email}: {e:#}"));
        let client = client_at(self.base.clone());
        client.sign_in(email, PASSWORD).await.expect(303);
        client
    }

    pub(crate) async fn tick(&self) -> Vec<Decision> {
        scheduler::tick(&self.state)
            .await
            .unwrap_or_else(|e| panic!("the scheduler failed: {e}"))
    }
}

/// The instant of a local time in a zone: `local("2026-11-26T06:00", NEW_YORK)`.
pub(crate) fn local(datetime: &str, zone: &str) -> Timestamp {
    format!("{datetime}[{zone}]")
        .parse::<Zoned>()
        .unwrap_or_else(|e| panic!("{datetime} in {zone}: {e}"))
        .timestamp()
}

/// Saves the org's time zone as `owner`.
pub(crate) async fn set_time_zone(owner: &TestClient, zone: &str) {
    owner.get("/settings/org").await.expect(200);
    owner
        .post(
            "/settings/org",
            &[("name", "Acme Corp"), ("time_zone", zone)],
        )
        .await
        .expect_redirect("/settings/org");
}

/// Saves the Justworks settings with Run Daily on or off at `daily_at`.
pub(crate) async fn save_run_daily(owner: &TestClient, sandbox: &Sandbox, on: bool, at: &str) {
    let form = sandbox.settings().set("daily_at", at);
    let form = if on {
        form.set("run_daily", "on")
    } else {
        form.without("run_daily")
    };
    owner.get("/apps/justworks").await.expect(200);
    owner
        .post("/apps/justworks/settings", form.fields())
        .await
        .expect_redirect("/apps/justworks");
}

/// One test's world: a sandbox, a data directory, a clock, the app on them, and the
/// Owner who installed Justworks with the org in `zone`.
struct Scene {
    sandbox: Sandbox,
    dir: tempfile::TempDir,
    clock: Arc<TestClock>,
    app: ClockedApp,
    owner: TestClient,
}

/// The org in `zone`, the clock at `start` (local), Justworks installed and configured
/// with Run Daily `on` at `daily_at` — saved at `start`.
async fn scene(zone: &str, start: &str, on: bool, daily_at: &str) -> Scene {
    let sandbox = Sandbox::start().await;
    let dir = tempfile::tempdir().expect("a data directory");
    let clock = Arc::new(TestClock::new(local(start, zone)));
    let app = ClockedApp::start(dir.path(), &sandbox, &clock).await;
    let owner = app.signed_in(OWNER_EMAIL, OWNER_NAME, "owner").await;
    set_time_zone(&owner, zone).await;
    install_justworks(&owner).await;
    save_run_daily(&owner, &sandbox, on, daily_at).await;
    Scene {
        sandbox,
        dir,
        clock,
        app,
        owner,
    }
}

impl Scene {
    /// Sets the clock to a local time in `zone` and ticks, letting the sandbox accept a
    /// fresh sign-in first (a run may start).
    async fn tick_at(&self, datetime: &str, zone: &str) -> Vec<Decision> {
        self.sandbox.forget_used_codes();
        self.clock.set(local(datetime, zone));
        self.app.tick().await
    }
}

// ---------------------------------------------------------------------------------------
// What the database holds.
// ---------------------------------------------------------------------------------------

/// `(id, status)` of every run with cause `scheduled`, oldest first.
async fn scheduled_runs(state: &AppState) -> Vec<(String, String)> {
    sqlx::query_as(
        "SELECT id, status FROM sync_runs WHERE cause = 'scheduled' ORDER BY queued_at, id",
    )
    .fetch_all(state.db.pool())
    .await
    .expect("sync_runs")
}

/// A row of `daily_runs`.
#[derive(Debug, Clone, PartialEq)]
struct DailyRun {
    day: String,
    outcome: String,
    run_id: Option<String>,
    due_at: Timestamp,
    /// The clock's time when a scheduler decided the day.
    decided_at: Timestamp,
}

async fn daily_runs(state: &AppState) -> Vec<DailyRun> {
    let rows: Vec<(String, String, Option<String>, i64, i64)> = sqlx::query_as(
        "SELECT day, outcome, run_id, due_at, decided_at FROM daily_runs ORDER BY day",
    )
    .fetch_all(state.db.pool())
    .await
    .expect("daily_runs");
    let instant = |ms: i64| Timestamp::from_millisecond(ms).expect("an instant");
    rows.into_iter()
        .map(|(day, outcome, run_id, due_at, decided_at)| DailyRun {
            day,
            outcome,
            run_id,
            due_at: instant(due_at),
            decided_at: instant(decided_at),
        })
        .collect()
}

fn days(rows: &[DailyRun]) -> Vec<&str> {
    rows.iter().map(|r| r.day.as_str()).collect()
}

/// Waits until the run has ended; its final status. The first sync of an install waits
/// for review: an Owner applies it, as one would on its page.
pub(crate) async fn wait_finished(state: &AppState, id: &str) -> String {
    let deadline = Instant::now() + RUN_DEADLINE;
    loop {
        let run = runs::find(&state.db, id)
            .await
            .expect("sync_runs")
            .expect("the run exists");
        if run.status == runs::RunStatus::NeedsReview
            && run.waits_for == Some(runs::WaitReason::FirstSync)
        {
            let (owner,): (String,) = sqlx::query_as(
                "SELECT id FROM users WHERE level = 'owner' ORDER BY created_at LIMIT 1",
            )
            .fetch_one(state.db.pool())
            .await
            .expect("an Owner");
            let owner = orgsync::auth::users::find(&state.db, &owner)
                .await
                .expect("users")
                .expect("the Owner");
            orgsync::sync::review::approve(state, id, &owner)
                .await
                .expect("the first sync applies");
            continue;
        }
        if run.status.is_finished() {
            if let Some(error) = &run.error {
                panic!("run {id} failed: {error}");
            }
            return run.status.as_str().to_owned();
        }
        assert!(Instant::now() < deadline, "run {id} still {:?}", run.status);
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// Waits for every scheduled run to end (so the next day's is not skipped as "already
/// under way").
async fn wait_all_finished(state: &AppState) {
    for (id, _) in scheduled_runs(state).await {
        wait_finished(state, &id).await;
    }
}

fn count_scheduled(decisions: &[Decision]) -> usize {
    decisions
        .iter()
        .filter(|d| matches!(d, Decision::Scheduled { .. }))
        .count()
}

// ---------------------------------------------------------------------------------------
// The tests.
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn a_daily_sync_runs_once_at_its_time_and_the_worker_completes_it() {
    let s = scene(NEW_YORK, "2026-11-26T05:00", true, "06:00").await;
    let page = s.owner.get("/apps/justworks").await;
    page.expect(200);
    assert_eq!(
        page.text_of_id("next-sync").as_deref(),
        Some("Next sync: Thu 26 Nov 2026 06:00 (America/New_York)")
    );

    // A second before: nothing.
    let decisions = s.tick_at("2026-11-26T05:59:59", NEW_YORK).await;
    assert!(
        matches!(decisions.as_slice(), [Decision::NothingDue { .. }]),
        "{decisions:?}"
    );
    assert!(scheduled_runs(&s.app.state).await.is_empty());
    assert!(daily_runs(&s.app.state).await.is_empty());

    // At 06:00: one run, cause scheduled, recorded for the 26th.
    s.tick_at("2026-11-26T06:00", NEW_YORK).await;
    let scheduled = scheduled_runs(&s.app.state).await;
    assert_eq!(scheduled.len(), 1, "{scheduled:?}");
    let rows = daily_runs(&s.app.state).await;
    assert_eq!(days(&rows), ["2026-11-26"]);
    assert_eq!(rows[0].outcome, "scheduled");
    assert_eq!(rows[0].run_id.as_deref(), Some(scheduled[0].0.as_str()));
    assert_eq!(rows[0].due_at, local("2026-11-26T06:00", NEW_YORK));

    // The worker runs it against the sandbox.
    let status = wait_finished(&s.app.state, &scheduled[0].0).await;
    assert!(status.starts_with("complete"), "{status}");

    // The clock ticking on through the day, the run over, changes nothing.
    for at in [
        "2026-11-26T06:00",
        "2026-11-26T06:00:01",
        "2026-11-26T12:00",
        "2026-11-26T23:59:59",
    ] {
        let decisions = s.tick_at(at, NEW_YORK).await;
        assert!(
            matches!(decisions.as_slice(), [Decision::AlreadyDecided { day, .. }] if day == "2026-11-26"),
            "{at}: {decisions:?}"
        );
    }
    assert_eq!(scheduled_runs(&s.app.state).await.len(), 1);
    assert_eq!(daily_runs(&s.app.state).await, rows);
    let people: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM people")
        .fetch_one(s.app.state.db.pool())
        .await
        .unwrap();
    assert!(people.0 > 0, "the scheduled sync brought nobody in");
    let run = s
        .owner
        .get(&format!("/api/v1/syncs/{}", scheduled[0].0))
        .await;
    run.expect(200);
    let run: serde_json::Value = serde_json::from_str(&run.body).unwrap();
    assert_eq!(run["cause"], "scheduled");

    // The pages now point at tomorrow.
    let page = s.owner.get("/apps/justworks").await;
    assert_eq!(
        page.text_of_id("next-sync").as_deref(),
        Some("Next sync: Fri 27 Nov 2026 06:00 (America/New_York)")
    );
    let apps = s.owner.get("/apps").await;
    apps.expect(200);
    assert!(apps.says("Run Daily: on"), "{}", apps.text());
    assert!(
        apps.says("Next sync: Fri 27 Nov 2026 06:00 (America/New_York)"),
        "{}",
        apps.text()
    );
    s.app.stop().await;
}

#[tokio::test]
async fn a_restart_the_same_day_does_not_run_it_again() {
    let s = scene(NEW_YORK, "2026-11-26T05:00", true, "06:00").await;
    s.tick_at("2026-11-26T06:00", NEW_YORK).await;
    wait_all_finished(&s.app.state).await;
    assert_eq!(scheduled_runs(&s.app.state).await.len(), 1);
    s.app.stop().await;

    // Restarted in the evening of the same day, on the same database and clock.
    s.clock.set(local("2026-11-26T18:00", NEW_YORK));
    let app = ClockedApp::start(s.dir.path(), &s.sandbox, &s.clock).await;
    let decisions = app.tick().await;
    assert!(
        matches!(decisions.as_slice(), [Decision::AlreadyDecided { day, .. }] if day == "2026-11-26"),
        "{decisions:?}"
    );
    assert_eq!(scheduled_runs(&app.state).await.len(), 1);

    // The next morning it runs again: the restarted scheduler is alive.
    s.sandbox.forget_used_codes();
    s.clock.set(local("2026-11-27T06:00", NEW_YORK));
    app.tick().await;
    assert_eq!(
        days(&daily_runs(&app.state).await),
        ["2026-11-26", "2026-11-27"]
    );
    assert_eq!(scheduled_runs(&app.state).await.len(), 2);
    wait_all_finished(&app.state).await;
    app.stop().await;
}

#[tokio::test]
async fn a_two_day_outage_catches_up_once() {
    let s = scene(NEW_YORK, "2026-11-26T05:00", true, "06:00").await;
    s.tick_at("2026-11-26T06:00", NEW_YORK).await;
    wait_all_finished(&s.app.state).await;
    s.app.stop().await;

    // Down through the 27th and the 28th; back at 09:00 on the 29th.
    s.sandbox.forget_used_codes();
    s.clock.set(local("2026-11-29T09:00", NEW_YORK));
    let app = ClockedApp::start(s.dir.path(), &s.sandbox, &s.clock).await;
    let mut decisions = Vec::new();
    for _ in 0..5 {
        decisions.extend(app.tick().await);
    }
    assert!(count_scheduled(&decisions) <= 1, "{decisions:?}");
    let rows = daily_runs(&app.state).await;
    assert_eq!(days(&rows), ["2026-11-26", "2026-11-29"], "{rows:?}");
    assert_eq!(scheduled_runs(&app.state).await.len(), 2);
    wait_all_finished(&app.state).await;

    // Caught up means caught up: later that day, nothing more.
    s.clock.set(local("2026-11-29T20:00", NEW_YORK));
    app.tick().await;
    assert_eq!(scheduled_runs(&app.state).await.len(), 2);
    app.stop().await;
}

#[tokio::test]
async fn two_schedulers_on_one_database_make_one_run() {
    let s = scene(NEW_YORK, "2026-11-26T05:00", true, "06:00").await;
    let second = ClockedApp::start(s.dir.path(), &s.sandbox, &s.clock).await;
    s.sandbox.forget_used_codes();
    s.clock.set(local("2026-11-26T06:00", NEW_YORK));

    let ticks = (0..20)
        .flat_map(|_| [&s.app, &second])
        .map(|app| app.tick());
    let decisions: Vec<Decision> = futures::future::join_all(ticks)
        .await
        .into_iter()
        .flatten()
        .collect();
    assert!(count_scheduled(&decisions) <= 1, "{decisions:?}");
    assert_eq!(scheduled_runs(&s.app.state).await.len(), 1);
    assert_eq!(scheduled_runs(&second.state).await.len(), 1);
    assert_eq!(days(&daily_runs(&s.app.state).await), ["2026-11-26"]);
    wait_all_finished(&s.app.state).await;
    second.stop().await;
    s.app.stop().await;
}

/// Steps the clock by 15 minutes from `from` to `to` (local, in New York), ticking at
/// each step and letting each run finish before the clock moves on.
async fn step_through(s: &Scene, from: &str, to: &str) {
    let end = local(to, NEW_YORK);
    let mut now = local(from, NEW_YORK);
    while now <= end {
        s.sandbox.forget_used_codes();
        s.clock.set(now);
        s.app.tick().await;
        // Ours or the app's own scheduler's: either way, let it end.
        wait_all_finished(&s.app.state).await;
        now = now.checked_add(SignedDuration::from_mins(15)).unwrap();
    }
}

/// Each day was decided exactly when it fell due: the steps land on the due instants,
/// so a day decided an hour early or late (or at the repeated hour) shows here.
#[track_caller]
fn assert_decided_when_due(rows: &[DailyRun]) {
    for row in rows {
        assert_eq!(row.decided_at, row.due_at, "{row:?}");
        assert_eq!(row.outcome, "scheduled", "{row:?}");
    }
}

#[tokio::test]
async fn spring_forward_neither_skips_nor_doubles_a_day() {
    // 8 Mar 2026 in New York: 02:00 EST jumps to 03:00 EDT, so 02:30 does not exist.
    let s = scene(NEW_YORK, "2026-03-06T12:00", true, "02:30").await;
    step_through(&s, "2026-03-06T12:00", "2026-03-10T12:00").await;
    let rows = daily_runs(&s.app.state).await;
    assert_eq!(
        days(&rows),
        ["2026-03-07", "2026-03-08", "2026-03-09", "2026-03-10"]
    );
    assert_decided_when_due(&rows);
    let due: Vec<String> = rows.iter().map(|r| r.due_at.to_string()).collect();
    assert_eq!(
        due,
        [
            "2026-03-07T07:30:00Z", // 02:30 EST
            "2026-03-08T07:30:00Z", // the gap: 03:30 EDT
            "2026-03-09T06:30:00Z", // 02:30 EDT
            "2026-03-10T06:30:00Z",
        ]
    );
    assert_eq!(scheduled_runs(&s.app.state).await.len(), 4);
    s.app.stop().await;
}

#[tokio::test]
async fn fall_back_neither_skips_nor_doubles_a_day() {
    // 1 Nov 2026 in New York: 02:00 EDT falls back to 01:00 EST, so 01:30 comes twice.
    let s = scene(NEW_YORK, "2026-10-30T12:00", true, "01:30").await;
    step_through(&s, "2026-10-30T12:00", "2026-11-03T12:00").await;
    let rows = daily_runs(&s.app.state).await;
    assert_eq!(
        days(&rows),
        ["2026-10-31", "2026-11-01", "2026-11-02", "2026-11-03"]
    );
    let due: Vec<String> = rows.iter().map(|r| r.due_at.to_string()).collect();
    assert_eq!(
        due,
        [
            "2026-10-31T05:30:00Z", // 01:30 EDT
            "2026-11-01T05:30:00Z", // the first 01:30 (EDT), not the second (EST)
            "2026-11-02T06:30:00Z", // 01:30 EST
            "2026-11-03T06:30:00Z",
        ]
    );
    assert_decided_when_due(&rows);
    assert_eq!(scheduled_runs(&s.app.state).await.len(), 4);
    s.app.stop().await;
}

#[tokio::test]
async fn run_daily_off_makes_no_runs_and_switching_it_off_stops_them() {
    let s = scene(NEW_YORK, "2026-11-26T05:00", false, "06:00").await;
    let page = s.owner.get("/apps/justworks").await;
    assert!(
        page.text_of_id("next-sync")
            .is_some_and(|t| t.starts_with("Run Daily is off")),
        "{}",
        page.text()
    );
    let apps = s.owner.get("/apps").await;
    assert!(apps.says("Run Daily: off"), "{}", apps.text());
    assert!(!apps.says("Next sync:"), "{}", apps.text());
    for at in ["2026-11-26T06:00", "2026-11-26T23:00", "2026-11-27T06:00"] {
        let decisions = s.tick_at(at, NEW_YORK).await;
        assert!(decisions.is_empty(), "{at}: {decisions:?}");
    }
    assert!(scheduled_runs(&s.app.state).await.is_empty());
    assert!(daily_runs(&s.app.state).await.is_empty());

    // On at 05:00 on the 28th: one run at 06:00; then off: no run on the 29th.
    s.clock.set(local("2026-11-28T05:00", NEW_YORK));
    save_run_daily(&s.owner, &s.sandbox, true, "06:00").await;
    s.tick_at("2026-11-28T06:00", NEW_YORK).await;
    assert_eq!(scheduled_runs(&s.app.state).await.len(), 1);
    wait_all_finished(&s.app.state).await;
    save_run_daily(&s.owner, &s.sandbox, false, "06:00").await;
    for at in ["2026-11-29T06:00", "2026-11-30T06:00"] {
        let decisions = s.tick_at(at, NEW_YORK).await;
        assert!(decisions.is_empty(), "{at}: {decisions:?}");
    }
    assert_eq!(scheduled_runs(&s.app.state).await.len(), 1);
    assert_eq!(days(&daily_runs(&s.app.state).await), ["2026-11-28"]);
    s.app.stop().await;
}

#[tokio::test]
async fn switching_run_daily_on_after_todays_time_waits_for_tomorrow() {
    // Switched on at 10:00 with a daily time of 06:00.
    let s = scene(NEW_YORK, "2026-11-26T10:00", true, "06:00").await;
    let page = s.owner.get("/apps/justworks").await;
    assert_eq!(
        page.text_of_id("next-sync").as_deref(),
        Some("Next sync: Fri 27 Nov 2026 06:00 (America/New_York)")
    );
    for at in [
        "2026-11-26T10:00",
        "2026-11-26T23:59",
        "2026-11-27T05:59:59",
    ] {
        let decisions = s.tick_at(at, NEW_YORK).await;
        assert!(
            matches!(decisions.as_slice(), [Decision::NothingDue { .. }]),
            "{at}: {decisions:?}"
        );
    }
    assert!(scheduled_runs(&s.app.state).await.is_empty());
    s.tick_at("2026-11-27T06:00", NEW_YORK).await;
    assert_eq!(days(&daily_runs(&s.app.state).await), ["2026-11-27"]);
    assert_eq!(scheduled_runs(&s.app.state).await.len(), 1);
    wait_all_finished(&s.app.state).await;
    s.app.stop().await;
}

#[tokio::test]
async fn a_daily_sync_due_while_a_manual_one_runs_is_recorded_as_skipped() {
    let s = scene(NEW_YORK, "2026-11-26T05:00", true, "06:00").await;
    // A slow Justworks keeps the manual sync under way.
    s.sandbox
        .faults(serde_json::json!({"latency_ms": 1500}))
        .await;
    s.sandbox.forget_used_codes();
    s.owner.get("/apps/justworks").await.expect(200);
    let pressed = s.owner.post("/apps/justworks/sync", NO_FIELDS).await;
    pressed.expect(303);
    let manual = pressed
        .location
        .as_deref()
        .and_then(|l| l.strip_prefix("/syncs/"))
        .expect("the run's page")
        .to_owned();

    s.clock.set(local("2026-11-26T06:00", NEW_YORK));
    let decisions = s.app.tick().await;
    let manual_run = runs::find(&s.app.state.db, &manual).await.unwrap().unwrap();
    assert!(
        !manual_run.status.is_finished(),
        "the manual sync ended before the daily time; the test proves nothing"
    );
    // Ours, or the app's own scheduler's a moment earlier.
    assert!(
        decisions.iter().all(|d| matches!(d,
            Decision::Skipped { day, active_run_id, .. }
                if day == "2026-11-26" && active_run_id == &manual)
            || matches!(d, Decision::AlreadyDecided { day, .. } if day == "2026-11-26")),
        "{decisions:?}"
    );
    let rows = daily_runs(&s.app.state).await;
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0].outcome, "skipped");
    assert_eq!(rows[0].run_id.as_deref(), Some(manual.as_str()));
    assert!(scheduled_runs(&s.app.state).await.is_empty());
    assert_eq!(manual_run.cause, Cause::Manual);

    let page = s.owner.get("/apps/justworks").await;
    let skipped = page.text_of_id("skipped-2026-11-26").unwrap_or_default();
    assert!(
        skipped.contains("The daily sync of 2026-11-26 was skipped: a sync was already under way."),
        "{}",
        page.text()
    );
    assert!(page.body.contains(&format!("href=\"/syncs/{manual}\"")));

    // The manual sync ends; the skipped day stays skipped, and tomorrow runs.
    s.sandbox.faults(serde_json::json!({})).await;
    wait_finished(&s.app.state, &manual).await;
    s.tick_at("2026-11-26T07:00", NEW_YORK).await;
    assert!(scheduled_runs(&s.app.state).await.is_empty());
    s.tick_at("2026-11-27T06:00", NEW_YORK).await;
    assert_eq!(scheduled_runs(&s.app.state).await.len(), 1);
    wait_all_finished(&s.app.state).await;
    s.app.stop().await;
}
