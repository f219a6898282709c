//! A server killed during a run, or inside the apply transaction, and restarted.

use super::support::*;
use crate::helpers::*;
use serde_json::json;
use std::collections::BTreeSet;
use std::sync::{Arc, RwLock};

/// A real server process (one that can be killed) on a data directory of its own, with
/// a Technical Owner signed in, Justworks configured and a first sync done.
pub(crate) struct Killable {
    pub(crate) sandbox: Sandbox,
    pub(crate) dir: tempfile::TempDir,
    pub(crate) log: std::path::PathBuf,
    pub(crate) server: Server,
    /// Where the Technical Owner's browser goes: moved to the restarted server.
    pub(crate) base: Arc<RwLock<String>>,
    pub(crate) to: TestClient,
}

pub(crate) async fn killable_after_a_first_sync() -> Killable {
    init();
    let sandbox = Sandbox::start(20, 7).await;
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("server.log");
    orgsync::cli::create_user(
        &test_config(dir.path()),
        TECH_EMAIL,
        TECH_NAME,
        "technical-owner",
        orgsync::secrets::SecretString::new(PASSWORD),
    )
    .await
    .expect("a Technical Owner");
    let server = Server::start(dir.path(), &sandbox.url, &log).await;
    let base = Arc::new(RwLock::new(server.base.clone()));
    let to = client_at(base.clone());
    to.sign_in(TECH_EMAIL, PASSWORD).await.expect(303);
    install_and_save(&to, &sandbox.settings()).await;
    let (_, first) = sandbox.sync(&to).await;
    assert_completed(&first);
    Killable {
        sandbox,
        dir,
        log,
        server,
        base,
        to,
    }
}

#[tokio::test]
async fn a_server_killed_during_a_run_marks_it_interrupted_at_restart_and_a_new_run_succeeds() {
    let Killable {
        sandbox,
        dir,
        log,
        mut server,
        base,
        to,
    } = killable_after_a_first_sync().await;
    let members = sandbox.members().await;
    let promoted = quiet_leaves(&members)[0];
    sandbox
        .patch(id(promoted), json!({"job_title": "Survivor"}))
        .await;
    let before = org_dump(dir.path()).await;

    // A run that takes its time, killed while it works.
    sandbox.faults(json!({"latency_ms": 2000})).await;
    sandbox.forget_used_codes();
    let killed = press_sync(&to).await;
    wait_for_run(&to, &killed, |r| r["status"] == "running").await;
    server.kill();
    let pool = open_db(dir.path()).await;
    let (status,): (String,) = sqlx::query_as("SELECT status FROM sync_runs WHERE id = $1")
        .bind(&killed)
        .fetch_one(&pool)
        .await
        .unwrap();
    pool.close().await;
    assert_eq!(status, "running", "the kill came while the run ran");
    assert_same_org(&before, &org_dump(dir.path()).await);

    sandbox.faults(json!({})).await;
    let server = Server::start(dir.path(), &sandbox.url, &log).await;
    *base.write().unwrap() = server.base.clone();
    // SQLite: marked at start; PostgreSQL: once its heartbeat is 3 s stale.
    let run = wait_for_run(&to, &killed, is_finished).await;
    assert_eq!(run["status"], "failed", "{run}");
    let error = run["error"].as_str().unwrap_or_default();
    assert!(error.contains("interrupted"), "{run}");
    let page = to.get(&format!("/syncs/{killed}")).await;
    assert!(page.says(error), "{}", page.text());
    assert_same_org(&before, &org_dump(dir.path()).await);

    let (run_id, run) = sandbox.sync(&to).await;
    assert_ne!(run_id, killed);
    assert_completed(&run);
    let rows = history_of_run_in(dir.path(), &run_id).await;
    assert_eq!(
        rows,
        vec![(
            id(promoted).to_owned(),
            "title_change".to_owned(),
            "Survivor".to_owned()
        )]
    );
    drop(server);
}

#[tokio::test]
async fn a_server_killed_inside_the_apply_transaction_leaves_the_org_as_it_was() {
    let Killable {
        sandbox,
        dir,
        log,
        mut server,
        base,
        to,
    } = killable_after_a_first_sync().await;
    let members = sandbox.members().await;
    let leaves = quiet_leaves(&members);
    sandbox
        .patch(id(leaves[0]), json!({"job_title": "Half Written"}))
        .await;
    sandbox
        .patch(
            id(leaves[1]),
            json!({"active": false, "employment_termination_date": today().to_string()}),
        )
        .await;
    let before = org_dump(dir.path()).await;

    // Writing a history row takes seconds (triggers cannot sleep, so it counts), which
    // holds the run inside its transaction after people and jobs are written.
    slow_down_history_writes(dir.path(), 800).await;

    sandbox.forget_used_codes();
    let killed = press_sync(&to).await;
    wait_until_a_write_holds_the_database(dir.path(), RUN_DEADLINE).await;
    server.kill();
    let pool = open_db(dir.path()).await;
    let (status,): (String,) = sqlx::query_as("SELECT status FROM sync_runs WHERE id = $1")
        .bind(&killed)
        .fetch_one(&pool)
        .await
        .unwrap();
    stop_slowing_history_writes(&pool).await;
    pool.close().await;
    assert_eq!(status, "running", "the kill came while the run ran");
    assert_same_org(&before, &org_dump(dir.path()).await);

    let server = Server::start(dir.path(), &sandbox.url, &log).await;
    *base.write().unwrap() = server.base.clone();
    // SQLite: marked at start; PostgreSQL: once its heartbeat is 3 s stale.
    let run = wait_for_run(&to, &killed, is_finished).await;
    assert_eq!(run["status"], "failed", "{run}");
    assert!(
        run["error"]
            .as_str()
            .unwrap_or_default()
            .contains("interrupted"),
        "{run}"
    );
    assert_same_org(&before, &org_dump(dir.path()).await);
    let (run_id, run) = sandbox.sync(&to).await;
    assert_completed(&run);
    let kinds: BTreeSet<(String, String)> = history_of_run_in(dir.path(), &run_id)
        .await
        .into_iter()
        .map(|(member, kind, _)| (member, kind))
        .collect();
    assert_eq!(
        kinds,
        BTreeSet::from([
            (id(leaves[0]).to_owned(), "title_change".to_owned()),
            (id(leaves[1]).to_owned(), "departure".to_owned()),
        ])
    );
    drop(server);
}

/// `(member, kind, new value)` of a run's history, read from a data directory.
async fn history_of_run_in(dir: &std::path::Path, run_id: &str) -> Vec<(String, String, String)> {
    let pool = open_db(dir).await;
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT p.justworks_id, h.kind, COALESCE(h.new_value, '') FROM history h \
         JOIN people p ON p.id = h.person_id WHERE h.run_id = $1 ORDER BY 1, 2",
    )
    .bind(run_id)
    .fetch_all(&pool)
    .await
    .unwrap();
    pool.close().await;
    rows
}
