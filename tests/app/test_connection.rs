//! *Test connection* on the Justworks page, against the embedded sandbox over HTTP: it
//! signs in with what is typed (or saved), reads one page, says what happened in a
//! sentence — and saves and changes nothing.

use crate::helpers::*;
use serde_json::Value;

/// The sandbox's address, read from the Justworks page the way a person finds it.
async fn sandbox_url(client: &TestClient) -> String {
    let page = client.get("/apps/justworks").await;
    page.expect(200);
    let start = page
        .body
        .find("class=\"sandbox-hint\"")
        .expect("the page links the sandbox");
    let href = &page.body[start..];
    let href = &href[href.find("href=\"").expect("a link") + 6..];
    href[..href.find('"').expect("the link ends")]
        .trim_end_matches('/')
        .to_owned()
}

/// The sandbox's credentials as its admin surface gives them.
async fn sandbox_credentials(sandbox: &str) -> Value {
    reqwest::get(format!("{sandbox}/sandbox/credentials"))
        .await
        .expect("the sandbox answers")
        .json()
        .await
        .expect("credentials JSON")
}

fn typed(creds: &Value) -> Vec<(String, String)> {
    SettingsForm::valid()
        .set("username", creds["username"].as_str().unwrap())
        .set("password", creds["password"].as_str().unwrap())
        .set("totp_secret", creds["totp_secret"].as_str().unwrap())
        .set("org_head", creds["org_head"].as_str().unwrap())
        .fields()
        .to_vec()
}

fn with(fields: &[(String, String)], key: &str, value: &str) -> Vec<(String, String)> {
    fields
        .iter()
        .map(|(k, v)| {
            if k == key {
                (k.clone(), value.to_owned())
            } else {
                (k.clone(), v.clone())
            }
        })
        .collect()
}

async fn installed_owner(app: &TestApp) -> TestClient {
    let owner = app.owner().await;
    install_justworks(&owner).await;
    owner
}

#[tokio::test]
async fn typed_credentials_sign_in_and_name_the_company_without_saving_anything() {
    let app = spawn_app().await;
    let owner = installed_owner(&app).await;
    let sandbox = sandbox_url(&owner).await;
    let creds = sandbox_credentials(&sandbox).await;
    let before = app.justworks_rows().await;

    let page = owner.post("/apps/justworks/test", &typed(&creds)).await;
    page.expect(200);
    let text = page.text();
    let expected = format!(
        "Signed in to Justworks as {} — company ",
        creds["username"].as_str().unwrap()
    );
    assert!(text.contains("Connection works."), "{text}");
    assert!(text.contains(&expected), "{text}");
    assert!(text.contains(", member data readable"), "{text}");
    assert_eq!(app.justworks_rows().await, before, "nothing was saved");
    assert_eq!(app.count("SELECT COUNT(*) FROM people").await, 0);
    // The typed secrets are not sent back in the page.
    assert!(!page.body.contains(creds["password"].as_str().unwrap()));
}

#[tokio::test]
async fn blank_fields_use_the_saved_credentials() {
    let app = spawn_app().await;
    let owner = installed_owner(&app).await;
    let sandbox = sandbox_url(&owner).await;
    let creds = sandbox_credentials(&sandbox).await;
    owner
        .post("/apps/justworks/settings", &typed(&creds))
        .await
        .expect_redirect("/apps/justworks");
    let blank = with(&with(&typed(&creds), "password", ""), "totp_secret", "");
    let page = owner.post("/apps/justworks/test", &blank).await;
    assert!(page.text().contains("Connection works."), "{}", page.text());
}

#[tokio::test]
async fn a_wrong_password_is_named_as_such() {
    let app = spawn_app().await;
    let owner = installed_owner(&app).await;
    let creds = sandbox_credentials(&sandbox_url(&owner).await).await;
    let wrong = with(&typed(&creds), "password", "not the password at all");
    let page = owner.post("/apps/justworks/test", &wrong).await;
    let text = page.text();
    assert!(text.contains("Connection failed."), "{text}");
    assert!(
        text.contains("Justworks rejected the username or password"),
        "{text}"
    );
    assert!(!page.body.contains("not the password at all"));
}

#[tokio::test]
async fn a_wrong_seed_is_named_as_a_2fa_problem() {
    let app = spawn_app().await;
    let owner = installed_owner(&app).await;
    let creds = sandbox_credentials(&sandbox_url(&owner).await).await;
    // Valid base32, 160 bits — just not this user's seed.
    let wrong = with(&typed(&creds), "totp_secret", SEED);
    let page = owner.post("/apps/justworks/test", &wrong).await;
    let text = page.text();
    assert!(
        text.contains(
            "Justworks rejected the 2FA code — check the 2FA code you entered and this server's clock"
        ),
        "{text}"
    );
    assert!(!page.body.contains(SEED));
}

#[tokio::test]
async fn a_seed_that_is_not_one_is_refused_before_trying() {
    let app = spawn_app().await;
    let owner = installed_owner(&app).await;
    let creds = sandbox_credentials(&sandbox_url(&owner).await).await;
    let page = owner
        .post(
            "/apps/justworks/test",
            &with(&typed(&creds), "totp_secret", "123456"),
        )
        .await;
    assert!(
        page.text()
            .contains("Not tested: the 2FA code is not usable."),
        "{}",
        page.text()
    );
}

#[tokio::test]
async fn justworks_unreachable_says_where_it_tried() {
    // Nothing listens on port 9 of this machine.
    let app = spawn_app_with(|c| c.justworks_url = Some("http://127.0.0.1:9".into())).await;
    let owner = installed_owner(&app).await;
    let fields = SettingsForm::valid().fields().to_vec();
    let page = owner.post("/apps/justworks/test", &fields).await;
    let text = page.text();
    assert!(
        text.contains("Justworks could not be reached at http://127.0.0.1:9"),
        "{text}"
    );
    assert!(!page.body.contains(SERVICE_PASSWORD));
}

#[tokio::test]
async fn an_unreadable_first_page_is_named_with_its_page_number() {
    let app = spawn_app().await;
    let owner = installed_owner(&app).await;
    let sandbox = sandbox_url(&owner).await;
    let creds = sandbox_credentials(&sandbox).await;
    reqwest::Client::new()
        .post(format!("{sandbox}/sandbox/faults"))
        .json(&serde_json::json!({"corrupt_next_page": true}))
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap();
    let page = owner.post("/apps/justworks/test", &typed(&creds)).await;
    let text = page.text();
    assert!(
        text.contains("Justworks answered with data orgsync could not read (page 1)"),
        "{text}"
    );
}

#[tokio::test]
async fn with_htmx_only_the_result_comes_back_so_typed_fields_stay() {
    let app = spawn_app().await;
    let owner = installed_owner(&app).await;
    let creds = sandbox_credentials(&sandbox_url(&owner).await).await;
    let token = owner.csrf_token().await;
    let origin = owner.base();
    let page = owner
        .post_raw(
            "/apps/justworks/test",
            &typed(&creds),
            RawPost {
                csrf_token: Some(&token),
                origin: Some(&origin),
                extra_headers: &[("hx-request", "true")],
            },
        )
        .await;
    page.expect(200);
    assert!(
        page.body
            .trim_start()
            .starts_with("<div id=\"connection-result\"")
    );
    assert!(!page.body.contains("<html"));
    assert!(page.text().contains("Connection works."));
}

#[tokio::test]
async fn a_member_cannot_test_the_connection() {
    let app = spawn_app().await;
    let member = app.member().await;
    let page = member
        .post("/apps/justworks/test", SettingsForm::valid().fields())
        .await;
    page.expect(403);
}
