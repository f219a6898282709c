//! Connecting a Justworks account through the Partner API (OAuth 2.0) end to end: the
//! real app, the sandbox's consent page and token endpoint over real HTTP, and a
//! Technical Owner pressing Connect with Justworks, saying Allow or Deny as a browser
//! would (the sandbox side with a client of its own, cookie-less, as another site).

use crate::helpers::*;
use crate::sync::support::*;
use serde_json::{Value, json};

/// A sandbox, an app on it whose consent page is the sandbox's, and a Technical Owner
/// who saved the Partner API settings (client id and secret from the sandbox, its
/// redirect URI registered there).
struct Partner {
    sandbox: Sandbox,
    app: TestApp,
    to: TestClient,
}

async fn partner(members: usize) -> Partner {
    let sandbox = Sandbox::start(members, 7).await;
    let authorize = format!("{}/oauth/authorize", sandbox.url);
    let app = app_on(&sandbox, |config| {
        config.justworks_authorize_url = Some(authorize);
        config.webhook_debounce = std::time::Duration::from_millis(300);
    })
    .await;
    let to = app.technical_owner().await;
    let to_id = app.user_id(TECH_EMAIL).await;
    let client: Value = sandbox.json_get("/sandbox/oauth-client").await;
    let redirect = format!("{}/apps/justworks/oauth/callback", to.base());
    sandbox
        .json_put(
            "/sandbox/oauth-client",
            &json!({"redirect_uris": [redirect]}),
        )
        .await;
    let form = sandbox
        .settings()
        .set("connection", "partner_api")
        .set("client_id", client["client_id"].as_str().unwrap())
        .set("client_secret", client["client_secret"].as_str().unwrap())
        .set("username", "")
        .set("password", "")
        .set("totp_secret", "")
        .set("webhook_secret", WEBHOOK_SECRET)
        .add("notify_user_ids", &to_id);
    install_and_save(&to, &form).await;
    Partner { sandbox, app, to }
}

/// The signing secret the sandbox's webhook signs with, pasted into the settings.
const WEBHOOK_SECRET: &str = "whsec_0123456789abcdef0123456789abcdef";

/// What the consent page's button sent the browser back with.
struct Answer {
    /// The callback's path and query on the app.
    callback: String,
}

impl Partner {
    /// Presses Connect with Justworks and answers the sandbox's consent page with the
    /// button `choice` ("Allow" or "Deny"); the browser is then sent back to orgsync.
    async fn consent(&self, choice: &str) -> Answer {
        let page = self
            .to
            .post("/apps/justworks/oauth/connect", NO_FIELDS)
            .await;
        assert_eq!(page.status, 303, "{}", page.text());
        let authorize = page.header("location").expect("a Location").to_owned();
        assert!(
            authorize.starts_with(&format!("{}/oauth/authorize?", self.sandbox.url)),
            "{authorize}"
        );
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let consent = http.get(&authorize).send().await.unwrap();
        assert_eq!(consent.status(), 200);
        let html = consent.text().await.unwrap();
        let (action, fields) = consent_form(&html, choice);
        let action = if action.starts_with('/') {
            format!("{}{action}", self.sandbox.url)
        } else {
            action
        };
        let back = http.post(&action).form(&fields).send().await.unwrap();
        assert!(back.status().is_redirection(), "{}", back.status());
        let location = back.headers()["location"].to_str().unwrap().to_owned();
        let callback = location
            .strip_prefix(&self.to.base())
            .unwrap_or_else(|| panic!("the consent page sent the browser to {location}"))
            .to_owned();
        Answer { callback }
    }

    /// Connects: Allow, then the callback in the Technical Owner's browser.
    async fn connect(&self) -> Page {
        let answer = self.consent("Allow").await;
        let page = self.to.get(&answer.callback).await;
        page.expect_redirect("/apps/justworks");
        self.to.get("/apps/justworks").await
    }

    async fn connections(&self) -> i64 {
        self.app.count("SELECT COUNT(*) FROM app_connections").await
    }
}

/// The consent page's form whose button says `choice`: its action and fields (hidden
/// inputs and the button's own name and value).
fn consent_form(html: &str, choice: &str) -> (String, Vec<(String, String)>) {
    for form in html.split("<form").skip(1) {
        let form = &form[..form.find("</form>").expect("a closed form")];
        if !html_text(form).contains(choice) {
            continue;
        }
        let open = &form[..form.find('>').unwrap()];
        let action = attr(open, "action").unwrap_or_else(|| "/oauth/authorize".into());
        let mut fields = Vec::new();
        for tag in tags(form) {
            let control = tag.starts_with("<input") || tag.starts_with("<button");
            if let (true, Some(name), Some(value)) =
                (control, attr(tag, "name"), attr(tag, "value"))
            {
                fields.push((unescape(&name), unescape(&value)));
            }
        }
        return (unescape(&action), fields);
    }
    panic!("no {choice} form on the consent page: {html}");
}

fn unescape(s: &str) -> String {
    html_text(s).trim().to_owned()
}

#[tokio::test]
async fn connect_with_justworks_allows_then_syncs_through_the_partner_api() {
    let p = partner(20).await;
    let page = p.to.get("/apps/justworks").await;
    assert!(page.says("Not connected"), "{}", page.text());
    assert_eq!(
        page.input_value("redirect_uri"),
        Some(format!("{}/apps/justworks/oauth/callback", p.to.base())),
        "the redirect URI to register is shown"
    );

    let page = p.connect().await;
    let company = p.sandbox.running.company_name().unwrap();
    assert!(
        page.says(&format!("Connected to Justworks — company {company}")),
        "{}",
        page.text()
    );
    assert_eq!(p.connections().await, 1);
    let (_, run) = p.sandbox.sync(&p.to).await;
    assert_completed(&run);
    assert_eq!(run["members_fetched"], 20, "{run}");
    let audit = p
        .app
        .count("SELECT COUNT(*) FROM audit_log WHERE action = 'app.connected'")
        .await;
    assert_eq!(audit, 1);
}

#[tokio::test]
async fn deny_on_the_consent_page_connects_nothing_and_says_so() {
    let p = partner(5).await;
    let answer = p.consent("Deny").await;
    assert!(answer.callback.contains("error=access_denied"));
    p.to.get(&answer.callback)
        .await
        .expect_redirect("/apps/justworks");
    let page = p.to.get("/apps/justworks").await;
    assert!(page.says("the permission was denied"), "{}", page.text());
    assert_eq!(p.connections().await, 0);
}

#[tokio::test]
async fn a_callback_with_another_state_or_used_twice_connects_nothing() {
    let p = partner(5).await;
    let answer = p.consent("Allow").await;
    let forged = answer.callback.replace("state=", "state=x");
    p.to.get(&forged).await.expect_redirect("/apps/justworks");
    let page = p.to.get("/apps/justworks").await;
    assert!(
        page.says("was not started from this browser"),
        "{}",
        page.text()
    );
    assert_eq!(p.connections().await, 0);

    // The attempt was used up by the forged callback: the real one no longer works.
    p.to.get(&answer.callback)
        .await
        .expect_redirect("/apps/justworks");
    assert_eq!(p.connections().await, 0);

    // Another browser (another Technical Owner) cannot finish this one's attempt.
    let answer = p.consent("Allow").await;
    let (other, _) = p
        .app
        .signed_in("other.to@acme.test", "Other TO", "technical-owner")
        .await;
    other
        .get(&answer.callback)
        .await
        .expect_redirect("/apps/justworks");
    assert_eq!(p.connections().await, 0);
}

#[tokio::test]
async fn an_expired_access_token_is_refreshed_and_the_rotated_pair_stored() {
    let p = partner(20).await;
    p.connect().await;
    p.sandbox.faults(json!({"expire_tokens": true})).await;
    let (_, run) = p.sandbox.sync(&p.to).await;
    assert_completed(&run);
    let rev = p
        .app
        .count("SELECT token_rev FROM app_connections WHERE app = 'justworks'")
        .await;
    assert_eq!(rev, 2, "one refresh, stored once");
    p.sandbox.faults(json!({})).await;
    // The refreshed pair works for the next sync too.
    let (_, run) = p.sandbox.sync(&p.to).await;
    assert_completed(&run);
}

#[tokio::test]
async fn a_revoked_connection_fails_the_sync_with_reconnect_justworks_until_connected_again() {
    let p = partner(10).await;
    p.connect().await;
    let (_, run) = p.sandbox.sync(&p.to).await;
    assert_completed(&run);
    p.sandbox
        .json_post("/sandbox/oauth/revoke", &json!({}))
        .await;

    let (_, run) = sync_and_wait(&p.to).await;
    assert_eq!(run["status"], "failed", "{run}");
    assert!(
        run["error"]
            .as_str()
            .unwrap()
            .starts_with("Reconnect Justworks"),
        "{run}"
    );
    let page = p.to.get("/apps/justworks").await;
    assert!(page.says("Reconnect needed"), "{}", page.text());
    assert!(page.says("Reconnect Justworks"));
    let failure_mails = "SELECT COUNT(*) FROM mail_outbox WHERE kind = 'sync_failed'";
    assert_eq!(p.app.count(failure_mails).await, 1, "the list is told");
    // The next syncs fail the same way, and tell no one again.
    let (_, run) = sync_and_wait(&p.to).await;
    assert_eq!(run["status"], "failed", "{run}");
    assert_eq!(
        p.app.count(failure_mails).await,
        1,
        "told once, not at every sync"
    );

    let page = p.connect().await;
    assert!(page.says("Connected to Justworks"), "{}", page.text());
    assert!(!page.says("Reconnect needed"), "{}", page.text());
    let (_, run) = p.sandbox.sync(&p.to).await;
    assert_completed(&run);
}

#[tokio::test]
async fn disconnect_forgets_the_tokens_and_syncs_stop() {
    let p = partner(5).await;
    p.connect().await;
    assert_eq!(
        p.app
            .count(
                "SELECT COUNT(*) FROM app_secrets WHERE name IN ('access_token', 'refresh_token')"
            )
            .await,
        2
    );
    p.to.post("/apps/justworks/oauth/disconnect", NO_FIELDS)
        .await
        .expect_redirect("/apps/justworks");
    assert_eq!(p.connections().await, 0);
    assert_eq!(
        p.app
            .count(
                "SELECT COUNT(*) FROM app_secrets WHERE name IN ('access_token', 'refresh_token')"
            )
            .await,
        0
    );
    let page = p.to.get("/apps/justworks").await;
    assert!(page.says("Not connected"), "{}", page.text());
}

#[tokio::test]
async fn the_partner_api_needs_a_client_id_and_secret_but_no_service_user() {
    let p = partner(5).await;
    let page =
        p.to.post(
            "/apps/justworks/settings",
            SettingsForm::valid()
                .set("connection", "partner_api")
                .set("client_id", "")
                .set("username", "")
                .set("password", "")
                .set("totp_secret", "")
                .fields(),
        )
        .await;
    page.expect(422);
    assert!(page.says("Enter the client ID"), "{}", page.text());
    assert!(!page.says("Enter the Justworks service user's password"));
}

#[tokio::test]
async fn a_member_cannot_connect_or_finish_a_connection() {
    let p = partner(5).await;
    let member = p.app.member().await;
    member
        .post("/apps/justworks/oauth/connect", NO_FIELDS)
        .await
        .expect(403);
    member
        .get("/apps/justworks/oauth/callback?code=x&state=y")
        .await
        .expect(403);
    member
        .post("/apps/justworks/oauth/disconnect", NO_FIELDS)
        .await
        .expect(403);
}

#[tokio::test]
async fn a_change_in_justworks_arrives_by_webhook_and_one_run_applies_just_that() {
    let p = partner(20).await;
    p.connect().await;
    let (_, first) = p.sandbox.sync(&p.to).await;
    assert_completed(&first);
    let hook = format!("{}/hooks/justworks", p.to.base());
    p.sandbox
        .json_put(
            "/sandbox/webhook",
            &json!({"url": hook, "secret": WEBHOOK_SECRET}),
        )
        .await;

    let members = p.sandbox.members().await;
    let leaf = id(quiet_leaves(&members)[0]).to_owned();
    p.sandbox
        .patch(&leaf, json!({"job_title": "Webhook Wrangler"}))
        .await;

    let webhook_runs = "SELECT COUNT(*) FROM sync_runs WHERE cause = 'webhook'";
    let deadline = std::time::Instant::now() + RUN_DEADLINE;
    while p.app.count(webhook_runs).await == 0 {
        assert!(std::time::Instant::now() < deadline, "no webhook run");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let db = p.app.db().await;
    let (run_id,): (String,) = sqlx::query_as("SELECT id FROM sync_runs WHERE cause = 'webhook'")
        .fetch_one(&db)
        .await
        .unwrap();
    let run = wait_applied(&p.to, &run_id).await;
    assert_completed(&run);
    assert_eq!(run["read"]["scope"], "changes", "{run}");
    assert!(run["members_fetched"].as_i64().unwrap() < 20, "{run}");
    assert_eq!(
        p.app
            .count("SELECT COUNT(*) FROM jobs WHERE title = 'Webhook Wrangler'")
            .await,
        1
    );
    assert_eq!(p.app.count(webhook_runs).await, 1, "one change, one run");
}
