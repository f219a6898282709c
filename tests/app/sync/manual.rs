//! Pressing Sync To Primary: one run for many presses, none before settings are saved.

use super::support::*;
use crate::helpers::*;
use serde_json::json;
use std::collections::BTreeSet;

#[tokio::test]
async fn twenty_concurrent_presses_make_one_run() {
    let (sandbox, app, to) = configured(20).await;
    let owner = app.owner().await;
    let (other, _) = app
        .signed_in("tara@acme.test", "Tara Tech", "technical-owner")
        .await;
    // Slow enough that the run is still under way when the last press lands.
    sandbox.faults(json!({"latency_ms": 1500})).await;
    sandbox.forget_used_codes();
    let clients = [&to, &owner, &other];
    let presses =
        (0..20).map(|i| clients[i % clients.len()].post("/apps/justworks/sync", NO_FIELDS));
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
    assert!(location.starts_with("/syncs/"), "{location}");
    assert_eq!(app.count("SELECT COUNT(*) FROM sync_runs").await, 1);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'sync.requested'")
            .await,
        1
    );
    sandbox.faults(json!({})).await;
    let run = wait_applied(&to, &location["/syncs/".len()..]).await;
    assert_completed(&run);
    assert_eq!(app.count("SELECT COUNT(*) FROM sync_runs").await, 1);
}

#[tokio::test]
async fn sync_to_primary_is_refused_until_settings_are_saved() {
    let sandbox = Sandbox::start(20, 7).await;
    let app = app_on(&sandbox, |_| {}).await;
    let to = app.technical_owner().await;

    to.post("/apps/justworks/sync", NO_FIELDS)
        .await
        .expect_redirect("/apps");
    let page = to.get("/apps").await;
    assert!(page.says("Install Justworks first."), "{}", page.text());

    install_justworks(&to).await;
    to.post("/apps/justworks/sync", NO_FIELDS)
        .await
        .expect_redirect("/apps/justworks");
    let page = to.get("/apps/justworks").await;
    assert!(
        page.says("Save the Justworks settings (username, password, 2FA code and org head) before syncing."),
        "{}",
        page.text()
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM sync_runs").await, 0);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'sync.requested'")
            .await,
        0
    );

    to.post("/apps/justworks/settings", sandbox.settings().fields())
        .await
        .expect_redirect("/apps/justworks");
    let (_, run) = sandbox.sync(&to).await;
    assert_completed(&run);
    assert_eq!(app.count("SELECT COUNT(*) FROM sync_runs").await, 1);
}
