//! Point 9, the smaller ones: API errors are always JSON; the org head refuses control
//! characters. (The sign-in page storing no session: `sessions`.)

use crate::helpers::*;
use serde_json::Value;

#[tokio::test]
async fn every_api_error_is_the_json_error_shape() {
    let app = spawn_app().await;
    let tech = app.technical_owner().await;
    for path in [
        "/api/v1/syncs?limit=abc",
        "/api/v1/syncs?limit=0",
        "/api/v1/people?limit=abc",
        "/api/v1/people?limit=-1",
        "/api/v1/syncs/no-such-run",
        "/api/v1/no-such-thing",
    ] {
        let page = tech.get(path).await;
        assert!((400..500).contains(&page.status), "{path}: {}", page.status);
        assert!(
            page.header("content-type")
                .is_some_and(|c| c.starts_with("application/json")),
            "{path}: {:?} {}",
            page.header("content-type"),
            page.body
        );
        let body: Value = serde_json::from_str(&page.body)
            .unwrap_or_else(|e| panic!("{path}: not JSON ({e}): {}", page.body));
        for key in ["error", "message", "request_id"] {
            assert!(
                body[key].as_str().is_some_and(|v| !v.is_empty()),
                "{path}: no {key}: {body}"
            );
        }
        assert_eq!(
            body["request_id"].as_str(),
            page.header("x-request-id"),
            "{path}"
        );
    }
    // Signed out, too.
    let page = app.client().get("/api/v1/syncs?limit=abc").await;
    assert!(page.status == 401 || page.status == 400, "{}", page.status);
    let body: Value = serde_json::from_str(&page.body).expect("JSON");
    assert!(body["error"].is_string(), "{body}");
}

#[tokio::test]
async fn the_org_head_refuses_control_characters() {
    let app = spawn_app().await;
    let tech = app.technical_owner().await;
    install_and_save(&tech, &SettingsForm::valid()).await;
    let before = app.justworks_rows().await;
    // A NUL anywhere in a form refuses the whole form (400) before any field is read.
    let form = SettingsForm::valid()
        .set("password", "")
        .set("totp_secret", "")
        .set("org_head", "Ada\u{0}Lovelace");
    tech.post("/apps/justworks/settings", form.fields())
        .await
        .expect(400);
    for name in [
        "Ada\u{1b}[2J Lovelace",
        "Ada\u{7f}",
        "Ada\tLovelace",
        "Ada Lovelace\r\n",
    ] {
        let form = SettingsForm::valid()
            .set("password", "")
            .set("totp_secret", "")
            .set("org_head", name);
        let page = tech.post("/apps/justworks/settings", form.fields()).await;
        page.expect(422);
        let error = page.text_of_id("org_head-error").unwrap_or_default();
        assert!(error.contains("control characters"), "{name:?}: {error:?}");
    }
    assert_eq!(
        app.justworks_rows().await,
        before,
        "a refused name was stored"
    );
}
