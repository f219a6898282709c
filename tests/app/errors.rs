//! What people see when something goes wrong: a sentence and a request id, never a
//! driver error; and a failed request leaves nothing half-saved.

use crate::helpers::*;

#[tokio::test]
async fn a_server_error_shows_a_sentence_and_the_request_id_and_saves_nothing() {
    let app = spawn_app().await;
    let owner = app.owner().await;
    // Break the audit log under the running server: every change writes to it.
    let pool = app.db().await;
    sqlx::query("DROP TABLE audit_log")
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;

    let page = owner.post("/apps/justworks/install", NO_FIELDS).await;
    page.expect(500);
    assert!(page.says("Something went wrong"), "{}", page.text());
    let request_id = page
        .header("x-request-id")
        .expect("an X-Request-Id header")
        .to_owned();
    assert!(
        page.says(&request_id),
        "the page does not show the request id"
    );
    for leak in [
        "audit_log",
        "no such table",
        "sqlx",
        "SQLITE",
        "sqlite",
        "does not exist",
        "PgDatabaseError",
        "panicked",
        ".rs:",
    ] {
        assert!(!page.body.contains(leak), "the page shows {leak:?}");
    }
    // The install and its audit entry are one transaction: no install without its entry.
    assert_eq!(app.count("SELECT COUNT(*) FROM app_installs").await, 0);
    // The log has the details, under the same request id.
    let logs = captured_logs();
    assert!(
        logs.lines()
            .any(|l| l.contains(&request_id) && l.contains("request failed")),
        "no log line for request {request_id}"
    );
}

#[tokio::test]
async fn static_files_are_served_but_nothing_outside_the_static_folder() {
    let app = spawn_app().await;
    let client = app.client();
    let css = client.get("/static/app.css").await;
    css.expect(200);
    assert!(!css.body.is_empty());
    for path in [
        "/static/%2e%2e/Cargo.toml",
        "/static/..%2fCargo.toml",
        "/static/%2e%2e%2fsrc%2fmain.rs",
        "/static/",
    ] {
        let page = client.get(path).await;
        assert!(
            page.status == 404 || page.status == 400,
            "{path}: {}",
            page.status
        );
        assert!(
            !page.body.contains("[package]") && !page.body.contains("fn main"),
            "{path}"
        );
    }
}

#[tokio::test]
async fn the_health_check_says_ok_only_while_the_database_answers() {
    use tower::ServiceExt;
    init();
    let dir = tempfile::tempdir().unwrap();
    let app = orgsync::App::build(test_config(dir.path())).await.unwrap();
    let router = orgsync::web::router(app.state.clone());
    let health = || {
        axum::http::Request::get("/healthz")
            .body(axum::body::Body::empty())
            .unwrap()
    };
    let up = router.clone().oneshot(health()).await.unwrap();
    assert_eq!(up.status(), 200);
    let body = axum::body::to_bytes(up.into_body(), 1024).await.unwrap();
    assert_eq!(&body[..], b"ok");

    // The database goes away (closed pool: every query fails, as when it is down).
    app.state.db.close().await;
    let down = router.oneshot(health()).await.unwrap();
    assert_eq!(down.status(), 503);
    let body = axum::body::to_bytes(down.into_body(), 1024).await.unwrap();
    assert_eq!(&body[..], b"database unavailable");
}

#[tokio::test]
async fn an_unreachable_postgres_is_named_at_once_without_its_password() {
    init();
    let started = std::time::Instant::now();
    // Nothing listens on port 1: the connection is refused.
    let err = orgsync::db::Db::connect("postgres://orgsync:hunter2@127.0.0.1:1/orgsync")
        .await
        .unwrap_err();
    let text = format!("{err:#}");
    assert!(
        text.contains("could not connect to PostgreSQL at orgsync@127.0.0.1:1/orgsync"),
        "{text}"
    );
    assert!(!text.contains("hunter2"), "{text}");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(10),
        "took {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_stored_word_orgsync_does_not_know_is_an_error_not_a_guess() {
    let app = spawn_app().await;
    let owner = app.owner().await;
    // Rows written by something else (another version, a hand edit): a person from a
    // source orgsync does not know, and a run with a kind of change it does not know.
    let pool = app.db().await;
    for sql in [
        "INSERT INTO people (id, source, status, name, search_text, created_at, updated_at) \
         VALUES ('p-odd', 'workday', 'active', 'Ada Odd', 'ada odd', 0, 0)",
        "INSERT INTO sync_runs (id, app, status, cause, queued_at) \
         VALUES ('run-odd', 'justworks', 'complete', 'manual', 0)",
        "INSERT INTO history (id, run_id, at, entity, entity_id, person_id, person_name, kind, \
         field) VALUES ('h-odd', 'run-odd', 0, 'person', 'p-odd', 'p-odd', 'Ada Odd', \
         'promotion', 'title')",
    ] {
        sqlx::query(sql).execute(&pool).await.unwrap();
    }
    pool.close().await;

    // Not shown as a hand-made person, nor as "Other changes": the page fails, and the
    // log names the word.
    for (path, what, word) in [
        ("/people/p-odd", "unknown source", "workday"),
        ("/syncs/run-odd", "unknown change kind", "promotion"),
    ] {
        let page = owner.get(path).await;
        page.expect(500);
        assert!(page.says("Something went wrong"), "{path}: {}", page.text());
        assert!(!page.says(word), "{path} shows {word:?}");
        let logs = captured_logs();
        assert!(
            logs.lines().any(|l| l.contains(what) && l.contains(word)),
            "{path}: no log line names {word:?}"
        );
    }
}
