//! The front page's Partner-API side as a person uses it: the OAuth client to paste, a
//! redirect URI to register, a webhook with its secret, a job title that fires it.

use std::time::Duration;

use reqwest::Method;
use reqwest::header::{HOST, ORIGIN};

use super::spawned::Spawned;
use super::webhooks::{next, nothing_more, receiver, verify_with};

async fn front_page(sandbox: &Spawned, path: &str) -> String {
    let response = sandbox.request(Method::GET, path).send().await.unwrap();
    assert_eq!(response.status(), 200);
    // With `no-referrer` a browser posts the page's forms with `Origin: null`.
    assert_eq!(response.headers()["referrer-policy"], "same-origin");
    response.text().await.unwrap()
}

/// The value of the first `name="…" value="…"` input (the form token) on the page.
fn input_value(page: &str, name: &str) -> String {
    let marker = format!(r#"name="{name}" value=""#);
    let start = page.find(&marker).expect("the input is on the page") + marker.len();
    page[start..][..page[start..].find('"').unwrap()].to_string()
}

/// The text of the `<code>` after `label`'s `<dt>`.
fn shown_after(page: &str, label: &str) -> String {
    let at = page
        .find(&format!("<dt>{label}</dt>"))
        .expect("the label is on the page");
    let start = at + page[at..].find("<code>").unwrap() + "<code>".len();
    page[start..][..page[start..].find("</code>").unwrap()].to_string()
}

async fn post_form(sandbox: &Spawned, path: &str, form: &[(&str, &str)]) -> (u16, Option<String>) {
    let answer = sandbox
        .send(sandbox.request(Method::POST, path).form(form))
        .await;
    (answer.status, answer.location)
}

#[tokio::test]
async fn the_front_page_shows_the_oauth_client_and_its_forms_set_up_the_partner_api() {
    let sandbox = Spawned::start(12).await;
    let client = sandbox.sandbox.oauth_client();
    let page = front_page(&sandbox, "/").await;
    assert_eq!(shown_after(&page, "Client ID"), client.client_id);
    assert_eq!(shown_after(&page, "Client secret"), client.client_secret);
    assert!(page.contains("None registered yet."));
    assert!(page.contains("Not set: no events are sent."));
    let token = input_value(&page, "form_token");

    let callback = "http://127.0.0.1:8080/justworks/oauth/callback";
    let form = [("form_token", token.as_str()), ("redirect_uri", callback)];
    let answer = post_form(&sandbox, "/sandbox/page/redirect-uri", &form).await;
    assert_eq!(answer, (303, Some("/?done=redirect-uri#oauth".into())));
    assert_eq!(sandbox.sandbox.oauth_client().redirect_uris, [callback]);

    let (url, mut deliveries) = receiver(0, Duration::ZERO).await;
    let form = [("form_token", token.as_str()), ("url", url.as_str())];
    let answer = post_form(&sandbox, "/sandbox/page/webhook", &form).await;
    assert_eq!(answer, (303, Some("/?done=webhook#webhook".into())));
    let page = front_page(&sandbox, "/?done=webhook").await;
    assert!(page.contains("Webhook saved, with a new signing secret below."));
    assert!(page.contains(&format!("<div><code>{callback}</code></div>")));
    assert_eq!(shown_after(&page, "URL"), url);
    let secret = shown_after(&page, "Signing secret");
    assert!(secret.starts_with("whsec_"));

    let same_token = input_value(&page, "form_token");
    assert_eq!(
        same_token, token,
        "the token stays for the life of the sandbox"
    );
    let at = page.find(r#"<option value=""#).unwrap() + r#"<option value=""#.len();
    let member_id = page[at..][..page[at..].find('"').unwrap()].to_string();
    let form = [
        ("form_token", token.as_str()),
        ("member_id", member_id.as_str()),
        ("job_title", "Head of Webhooks"),
    ];
    let answer = post_form(&sandbox, "/sandbox/page/job-title", &form).await;
    assert_eq!(answer, (303, Some("/?done=job-title#members".into())));
    let delivery = next(&mut deliveries).await;
    verify_with(&secret, &delivery);
    assert_eq!(delivery.event()["data"]["member_id"], member_id.as_str());
    let page = front_page(&sandbox, "/").await;
    assert!(page.contains("Head of Webhooks"));

    // An empty URL stops the webhook.
    let form = [("form_token", token.as_str()), ("url", "")];
    post_form(&sandbox, "/sandbox/page/webhook", &form).await;
    let form = [
        ("form_token", token.as_str()),
        ("member_id", member_id.as_str()),
        ("job_title", "Quiet"),
    ];
    post_form(&sandbox, "/sandbox/page/job-title", &form).await;
    nothing_more(&mut deliveries).await;
}

#[tokio::test]
async fn a_front_page_form_from_anywhere_but_the_front_page_is_refused() {
    let sandbox = Spawned::start(12).await;
    let token = input_value(&front_page(&sandbox, "/").await, "form_token");
    let callback = "http://127.0.0.1:8080/cb";
    let no_token = [("form_token", "guessed"), ("redirect_uri", callback)];
    assert_eq!(
        post_form(&sandbox, "/sandbox/page/redirect-uri", &no_token)
            .await
            .0,
        400
    );
    let form = [("form_token", token.as_str()), ("redirect_uri", callback)];
    let cross_site = sandbox
        .request(Method::POST, "/sandbox/page/redirect-uri")
        .header(ORIGIN, "https://evil.test")
        .form(&form);
    assert_eq!(sandbox.send(cross_site).await.status, 400);
    let rebound = sandbox
        .request(Method::POST, "/sandbox/page/redirect-uri")
        .header(HOST, "evil.test")
        .form(&form);
    assert_eq!(sandbox.send(rebound).await.status, 400);
    assert!(sandbox.sandbox.oauth_client().redirect_uris.is_empty());
    let bad_uri = [
        ("form_token", token.as_str()),
        ("redirect_uri", "javascript:alert(1)"),
    ];
    let answer = sandbox
        .send(
            sandbox
                .request(Method::POST, "/sandbox/page/redirect-uri")
                .form(&bad_uri),
        )
        .await;
    assert_eq!(answer.status, 400);
    assert!(answer.text.contains("Not saved") && !answer.text.contains("<script"));
}
