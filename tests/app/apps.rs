//! Apps and Integrations: the catalogue, install and uninstall, and the sandbox banner.

use crate::helpers::*;

#[tokio::test]
async fn the_apps_page_lists_justworks_with_its_description_packages_and_an_install_button() {
    let app = spawn_app().await;
    let tech = app.technical_owner().await;
    let page = tech.get("/apps").await;
    page.expect(200);
    let text = page.text();
    assert!(text.contains("Apps and Integrations"));
    assert!(text.contains("Justworks"));
    assert!(
        text.contains(
            "syncs your organizational roster from Justworks automatically on a daily basis"
        ),
        "{text}"
    );
    assert!(text.contains("Basic | Standard | Premium"), "{text}");
    for synced in [
        "Job titles",
        "Compensation",
        "Managers",
        "Departments and locations",
    ] {
        assert!(text.contains(synced), "{synced}: {text}");
    }
    assert!(text.contains("Not installed"));
    assert!(page.body.contains("action=\"/apps/justworks/install\""));
    assert!(text.contains("Install"));
    assert!(
        !page.body.contains("href=\"/apps/justworks\""),
        "Configure before install"
    );
    // Until installed, the settings page sends you back here.
    tech.get("/apps/justworks").await.expect_redirect("/apps");
}

#[tokio::test]
async fn after_install_the_row_shows_configure_and_run_daily_off() {
    let app = spawn_app().await;
    let tech = app.technical_owner().await;
    install_justworks(&tech).await;
    let page = tech.get("/apps").await;
    page.expect(200);
    let text = page.text();
    assert!(text.contains("Installed"), "{text}");
    assert!(text.contains("Configure"), "{text}");
    assert!(page.body.contains("href=\"/apps/justworks\""));
    assert!(text.contains("Run Daily: off"), "{text}");
    assert!(!page.body.contains("action=\"/apps/justworks/install\""));

    let settings = tech.get("/apps/justworks").await;
    settings.expect(200);
    for label in [
        "JustWorks Username",
        "JustWorks Password",
        "JustWorks 2FA Code",
        "Name Org Head",
        "Run Daily",
        "Send Notification Email To",
        "Which way in?",
        "How to make the service user",
        "Connection method",
        "Partner API (OAuth)",
        "Save Settings",
        "Test connection",
        "Sync To Primary",
        "Uninstall",
    ] {
        assert!(settings.says(label), "{label} missing");
    }
    // Nothing is set yet.
    assert!(!settings.says("A password is set"));
    assert!(!settings.says("A 2FA code is set"));
    // Installing twice is harmless.
    install_justworks(&tech).await;
    assert_eq!(app.count("SELECT COUNT(*) FROM app_installs").await, 1);
}

#[tokio::test]
async fn uninstall_asks_for_confirmation_then_deletes_the_settings_and_secrets() {
    let app = spawn_app().await;
    let tech = app.technical_owner().await;
    let member_id = app.create_user(MEMBER_EMAIL, MEMBER_NAME, "member").await;
    install_and_save(
        &tech,
        &SettingsForm::valid().add("notify_user_ids", &member_id),
    )
    .await;
    let before = app.justworks_rows().await;

    for confirm in [vec![], vec![("confirm", "no")], vec![("confirm", "")]] {
        tech.post("/apps/justworks/uninstall", &confirm)
            .await
            .expect_redirect("/apps/justworks");
        let page = tech.get("/apps/justworks").await;
        page.expect(200);
        assert!(page.says("was not uninstalled"), "{}", page.text());
        assert_eq!(app.justworks_rows().await, before);
    }

    tech.post("/apps/justworks/uninstall", &[("confirm", "yes")])
        .await
        .expect_redirect("/apps");
    let apps = tech.get("/apps").await;
    assert!(apps.says("uninstalled"), "{}", apps.text());
    assert!(apps.says("Not installed"));
    assert_eq!(app.count("SELECT COUNT(*) FROM app_secrets").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM app_installs").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM app_notify_users").await, 0);
    // The users themselves stay.
    assert_eq!(app.user_level(MEMBER_EMAIL).await, ("member".into(), true));

    // Installing again starts from nothing.
    install_justworks(&tech).await;
    let page = tech.get("/apps/justworks").await;
    assert_eq!(page.input_value("username").as_deref(), Some(""));
    assert!(!page.says("A password is set"));
}

#[tokio::test]
async fn settings_cannot_be_saved_before_install() {
    let app = spawn_app().await;
    let tech = app.technical_owner().await;
    let page = tech
        .post("/apps/justworks/settings", SettingsForm::valid().fields())
        .await;
    page.expect(400);
    assert!(page.says("Justworks is not installed"), "{}", page.text());
    assert_eq!(app.count("SELECT COUNT(*) FROM app_installs").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM app_secrets").await, 0);
}

#[tokio::test]
async fn every_page_says_when_justworks_is_the_built_in_sandbox() {
    const BANNER: &str = "Justworks: sandbox (generated data)";
    let app = spawn_app().await;
    let owner = app.owner().await;
    install_justworks(&owner).await;
    for path in [
        "/login",
        "/people",
        "/apps",
        "/apps/justworks",
        "/settings/account",
    ] {
        assert!(owner.get(path).await.says(BANNER), "{path}");
    }
    let settings = owner.get("/apps/justworks").await;
    assert!(settings.says("Its credentials are on its front page"));

    // With a real Justworks configured, no sandbox runs and no banner shows.
    let app =
        spawn_app_with(|c| c.justworks_url = Some("https://api.justworks.example".into())).await;
    let owner = app.owner().await;
    install_justworks(&owner).await;
    for path in ["/login", "/people", "/apps", "/apps/justworks"] {
        assert!(!owner.get(path).await.says(BANNER), "{path}");
    }
    assert!(
        !owner
            .get("/apps/justworks")
            .await
            .says("Its credentials are on its front page")
    );
}
