//! Point 9, links: without `ORGSYNC_PUBLIC_URL`, a run email links to the address people
//! use to reach orgsync — even for a Run Daily run, which no request caused — not to
//! the address the server listens on.

use crate::helpers::*;
use crate::schedule::{ClockedApp, Sandbox, local, wait_finished};
use orgsync::clock::TestClock;
use orgsync::secrets::SecretString;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

/// The `.eml` files written so far (no SMTP server is configured).
fn emails(data: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(data.join("mail"))
        .map(|dir| {
            dir.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e == "eml"))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn a_daily_sync_email_links_to_the_address_people_use_not_the_bind_address() {
    let sandbox = Sandbox::start().await;
    let dir = tempfile::tempdir().expect("a data directory");
    let clock = Arc::new(TestClock::new(local("2026-11-26T05:00", "UTC")));
    let app = ClockedApp::start(dir.path(), &sandbox, &clock).await;
    // The server listens on 127.0.0.1; people open it as localhost.
    let bind_base = loop {
        // Set once the server task has started serving.
        if let Some(base) = app.state.public_base.get() {
            break base.clone();
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    let people_base = bind_base.replace("127.0.0.1", "localhost");
    assert_ne!(people_base, bind_base);
    let owner_id = orgsync::cli::create_user(
        &app.config,
        OWNER_EMAIL,
        OWNER_NAME,
        "owner",
        SecretString::new(PASSWORD),
    )
    .await
    .expect("the Owner")
    .id;
    let owner = client_at(Arc::new(RwLock::new(people_base.clone())));
    owner.sign_in(OWNER_EMAIL, PASSWORD).await.expect(303);
    install_justworks(&owner).await;
    let form = sandbox
        .settings()
        .set("run_daily", "on")
        .set("daily_at", "06:00")
        .add("notify_user_ids", &owner_id);
    owner.get("/apps/justworks").await.expect(200);
    owner
        .post("/apps/justworks/settings", form.fields())
        .await
        .expect_redirect("/apps/justworks");

    // 06:00 UTC: Run Daily queues a run; no request of anyone's is behind it.
    sandbox.forget_used_codes();
    clock.set(local("2026-11-26T06:00", "UTC"));
    app.tick().await;
    let (run_id,): (String,) = sqlx::query_as("SELECT id FROM sync_runs WHERE cause = 'scheduled'")
        .fetch_one(app.state.db.pool())
        .await
        .expect("a scheduled run");
    wait_finished(&app.state, &run_id).await;

    let deadline = Instant::now() + Duration::from_secs(30);
    let file = loop {
        if let Some(file) = emails(dir.path()).into_iter().next() {
            break file;
        }
        assert!(Instant::now() < deadline, "no email was written");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let mail = parse_mail(&std::fs::read(&file).expect("the email"));
    let link = format!("{people_base}/syncs/{run_id}");
    assert!(mail.text.contains(&link), "no {link} in:\n{}", mail.text);
    assert!(
        mail.html.contains(&format!("href=\"{link}\"")),
        "{}",
        mail.html
    );
    assert!(
        !mail.text.contains(&bind_base),
        "the bind address is in:\n{}",
        mail.text
    );
    app.stop().await;
}
