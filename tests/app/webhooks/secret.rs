//! The signing secret on the Justworks settings page: write-only, shown only as set,
//! stored encrypted, audit-logged by its label; and the webhook URL to copy.

use super::*;

#[tokio::test]
async fn the_signing_secret_is_write_only_shown_as_set_and_audited_by_its_label() {
    let app = spawn_app().await;
    let owner = app.owner().await;
    install_and_save(&owner, &SettingsForm::valid()).await;
    let page = owner.get("/apps/justworks").await;
    page.expect(200);
    // The URL to give Justworks, built like the page's other absolute links.
    assert_eq!(
        page.input_value("webhook-url").as_deref(),
        Some(format!("{}/hooks/justworks", app.base).as_str())
    );
    assert!(
        tags(&page.body).any(|t| attr(t, "data-copy").as_deref() == Some("webhook-url")),
        "a Copy button"
    );
    assert!(page.body.contains(r#"src="/static/copy.js""#));
    assert_eq!(
        page.text_of_id("webhook-secret-state").as_deref(),
        Some("Not set:")
    );

    let saved = owner
        .post("/apps/justworks/settings", with_secret(kept()).fields())
        .await;
    saved.expect_redirect("/apps/justworks");
    let page = owner.get("/apps/justworks").await;
    assert!(
        page.says("Changed: Webhook signing secret."),
        "{}",
        page.text()
    );
    assert_eq!(
        page.text_of_id("webhook-secret-state").as_deref(),
        Some("✓ A signing secret is set.")
    );
    assert_eq!(page.input_value("webhook_secret").as_deref(), Some(""));
    assert!(!page.body.contains(SECRET), "never sent back");
    let stored = app.justworks_rows().await;
    assert!(stored.contains("webhook_secret"), "{stored}");
    assert!(!stored.contains(SECRET), "stored encrypted");

    // A blank field keeps it; no change is recorded.
    owner
        .post("/apps/justworks/settings", kept().fields())
        .await
        .expect_redirect("/apps/justworks");
    let page = owner.get("/apps/justworks").await;
    assert!(page.says("A signing secret is set"), "{}", page.text());

    // Pasting a new one and ticking Remove at once is refused, without echoing it.
    let both = owner
        .post(
            "/apps/justworks/settings",
            kept()
                .set("webhook_secret", "whsec_another_one")
                .set("remove_webhook_secret", "on")
                .fields(),
        )
        .await;
    both.expect(422);
    assert!(
        both.says("Either paste a new signing secret or tick Remove"),
        "{}",
        both.text()
    );
    assert!(!both.body.contains("whsec_another_one"));

    let removed = owner
        .post(
            "/apps/justworks/settings",
            kept().set("remove_webhook_secret", "on").fields(),
        )
        .await;
    removed.expect_redirect("/apps/justworks");
    let page = owner.get("/apps/justworks").await;
    assert_eq!(
        page.text_of_id("webhook-secret-state").as_deref(),
        Some("Not set:")
    );

    let audit = owner.get("/settings/audit").await.text();
    let saves = audit.matches("webhook_secret").count();
    assert_eq!(saves, 2, "set, then removed: {audit}");
    assert!(!audit.contains(SECRET));
    assert!(!captured_logs().contains(SECRET), "never logged");
}

/// The settings again, with the password and 2FA code left blank (kept).
fn kept() -> SettingsForm {
    SettingsForm::valid()
        .set("password", "")
        .set("totp_secret", "")
}
