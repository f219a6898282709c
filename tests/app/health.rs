//! The connection's health on the Justworks page and the apps list, and how often a
//! daily sync that keeps failing emails the list (issue 14): the real app, a sandbox
//! over real HTTP, failures Justworks really answers with.

use crate::helpers::*;
use crate::sync::support::*;
use serde_json::json;

async fn on_sandbox(
    form: impl FnOnce(SettingsForm) -> SettingsForm,
) -> (Sandbox, TestApp, TestClient) {
    let sandbox = Sandbox::start(5, 7).await;
    let app = app_on(&sandbox, |_| {}).await;
    let to = app.technical_owner().await;
    let to_id = app.user_id(TECH_EMAIL).await;
    install_and_save(
        &to,
        &form(sandbox.settings().add("notify_user_ids", &to_id)),
    )
    .await;
    (sandbox, app, to)
}

fn health_line(page: &Page) -> String {
    page.text_of_id("health")
        .unwrap_or_else(|| panic!("no health line: {}", page.text()))
}

#[tokio::test]
async fn rejected_credentials_then_an_unreachable_justworks_then_a_success_are_each_said() {
    let (sandbox, _app, to) = on_sandbox(|f| f.set("password", "not the password")).await;
    let (_, run) = sync_and_wait(&to).await;
    assert_eq!(run["status"], "failed", "{run}");
    let page = to.get("/apps/justworks").await;
    let line = health_line(&page);
    assert!(line.contains("Credentials rejected"), "{line}");
    assert!(line.contains("no successful sync yet"), "{line}");
    let apps = to.get("/apps").await;
    assert!(
        apps.says("Connection: ! Credentials rejected"),
        "{}",
        apps.text()
    );

    to.post("/apps/justworks/settings", sandbox.settings().fields())
        .await
        .expect_redirect("/apps/justworks");
    let (_, run) = sandbox.sync(&to).await;
    assert_completed(&run);
    let line = health_line(&to.get("/apps/justworks").await);
    assert!(line.contains("Connected"), "{line}");
    assert!(line.contains("last successful sync"), "{line}");

    sandbox
        .faults(json!({"fail_next": 1000, "status": 503}))
        .await;
    let (_, run) = sync_and_wait(&to).await;
    assert_eq!(run["status"], "failed", "{run}");
    let line = health_line(&to.get("/apps/justworks").await);
    assert!(line.contains("Justworks unreachable"), "{line}");
    assert!(line.contains("since"), "{line}");
    assert!(line.contains("last successful sync"), "{line}");
    sandbox.faults(json!({})).await;
}

#[tokio::test]
async fn a_daily_sync_that_keeps_failing_emails_on_its_first_and_third_day_only() {
    let (_sandbox, app, to) = on_sandbox(|f| f.set("password", "not the password")).await;
    let failure_mails = "SELECT COUNT(*) FROM mail_outbox WHERE kind = 'sync_failed'";
    let mut sent = Vec::new();
    for _ in 0..4 {
        let id = queue_daily_run(&app).await;
        let run = wait_for_run(&to, &id, has_stopped).await;
        assert_eq!(run["status"], "failed", "{run}");
        sent.push(app.count(failure_mails).await);
    }
    assert_eq!(
        sent,
        [1, 1, 2, 2],
        "the first failure, then the third day's"
    );
    let db = app.db().await;
    let (latest,): (String,) = sqlx::query_as(
        "SELECT text_body FROM mail_outbox WHERE kind = 'sync_failed' ORDER BY created_at DESC LIMIT 1",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert!(
        latest.contains("Still failing") && latest.contains("3 days in a row"),
        "{latest}"
    );
}
