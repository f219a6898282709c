//! The Partner API's OAuth 2.0 over real HTTP: the consent page, codes, tokens,
//! rotation, revoking, and what an OAuth token reads.

use reqwest::Method;
use serde_json::{Value, json};

use super::spawned::{CALLBACK, Spawned, VERIFIER};

#[tokio::test]
async fn the_consent_page_names_the_app_and_the_scopes_with_allow_and_deny_forms() {
    let sandbox = Spawned::start(10).await;
    sandbox.register_callback().await;
    let params = sandbox.authorize_params(VERIFIER, "a&b\"c");
    let page = sandbox.consent(&params).await;
    assert_eq!(page.status, 200);
    assert!(page.location.is_none());
    let html = page.text;
    assert!(html.contains("Allow orgsync to read your Justworks data?"));
    assert!(html.contains("company.detail:read") && html.contains("member.detail:read"));
    assert!(
        !html.contains("member.pay:read"),
        "only the scopes asked for"
    );
    assert_eq!(
        html.matches(r#"<form method="post" action="/oauth/authorize">"#)
            .count(),
        2
    );
    assert!(html.contains(
        r#"<button type="submit" name="decision" value="allow" class="allow">Allow</button>"#
    ));
    assert!(html.contains(r#"<button type="submit" name="decision" value="deny">Deny</button>"#));
    let challenge = &params
        .iter()
        .find(|(k, _)| k == "code_challenge")
        .unwrap()
        .1;
    assert!(html.contains(&format!(r#"name="code_challenge" value="{challenge}""#)));
    let marker = r#"name="state" value=""#;
    let start = html.find(marker).unwrap() + marker.len();
    let shown = &html[start..][..html[start..].find('"').unwrap()];
    let unescaped = shown
        .replace("&#34;", "\"")
        .replace("&quot;", "\"")
        .replace("&#38;", "&")
        .replace("&amp;", "&");
    assert_eq!(
        unescaped, "a&b\"c",
        "the state is escaped in its attribute: {shown}"
    );
    assert!(!html.contains("<script"));
}

#[tokio::test]
async fn a_bad_authorization_request_is_refused_on_the_page_and_never_redirected() {
    let sandbox = Spawned::start(10).await;
    sandbox.register_callback().await;
    let good = sandbox.authorize_params(VERIFIER, "st");
    let with = |key: &str, value: Option<&str>| {
        let mut params: Vec<(String, String)> =
            good.iter().filter(|(k, _)| k != key).cloned().collect();
        if let Some(value) = value {
            params.push((key.to_string(), value.to_string()));
        }
        params
    };
    for (what, params) in [
        (
            "unregistered redirect",
            with("redirect_uri", Some("http://127.0.0.1:9/elsewhere")),
        ),
        ("unknown client", with("client_id", Some("someone-else"))),
        ("implicit grant", with("response_type", Some("token"))),
        ("no PKCE", with("code_challenge", None)),
        ("plain PKCE", with("code_challenge_method", Some("plain"))),
        (
            "unknown scope",
            with("scope", Some("member.everything:write")),
        ),
    ] {
        let page = sandbox.consent(&params).await;
        assert_eq!(
            (page.status, page.location.as_deref()),
            (400, None),
            "{what}"
        );
        assert!(page.text.contains("cannot go on"), "{what}");
        // The POST checks it all again: a hand-made Allow is refused the same way.
        let posted = sandbox.decide(&params, "allow").await;
        assert_eq!(
            (posted.status, posted.location.as_deref()),
            (400, None),
            "{what}"
        );
    }
}

#[tokio::test]
async fn allow_gives_a_code_that_the_verifier_turns_into_tokens() {
    let sandbox = Spawned::start(10).await;
    sandbox.register_callback().await;
    let params = sandbox.authorize_params(VERIFIER, "the-state");
    let allowed = sandbox.decide(&params, "allow").await;
    assert_eq!(allowed.status, 302);
    assert!(allowed.location.as_deref().unwrap().starts_with(CALLBACK));
    assert_eq!(
        allowed.redirect_param("state").as_deref(),
        Some("the-state")
    );
    let code = allowed.redirect_param("code").unwrap();
    let (status, tokens) = sandbox.exchange(&code, VERIFIER).await;
    assert_eq!(status, 200, "{tokens}");
    assert_eq!(tokens["token_type"], "Bearer");
    assert_eq!(tokens["expires_in"], 900);
    assert_eq!(tokens["scope"], "company.detail:read member.detail:read");
    assert!(
        tokens["refresh_token"]
            .as_str()
            .is_some_and(|t| t.len() >= 43)
    );
    let (status, company) = sandbox
        .data("company", tokens["access_token"].as_str().unwrap())
        .await;
    assert_eq!(status, 200);
    assert!(company["departments"].is_array());
}

#[tokio::test]
async fn deny_sends_access_denied_with_the_state() {
    let sandbox = Spawned::start(10).await;
    sandbox.register_callback().await;
    let params = sandbox.authorize_params(VERIFIER, "st-42");
    let denied = sandbox.decide(&params, "deny").await;
    assert_eq!(denied.status, 302);
    assert_eq!(
        denied.redirect_param("error").as_deref(),
        Some("access_denied")
    );
    assert_eq!(denied.redirect_param("state").as_deref(), Some("st-42"));
    assert_eq!(denied.redirect_param("code"), None);
}

#[tokio::test]
async fn a_wrong_verifier_is_invalid_grant_and_burns_the_code() {
    let sandbox = Spawned::start(10).await;
    sandbox.register_callback().await;
    let code = sandbox.code(VERIFIER).await;
    let (status, error) = sandbox.exchange(&code, &"x".repeat(50)).await;
    assert_eq!((status, error), (400, json!({"error": "invalid_grant"})));
    let (status, _) = sandbox.exchange(&code, VERIFIER).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn a_code_works_once_and_its_second_use_is_invalid_grant() {
    let sandbox = Spawned::start(10).await;
    sandbox.register_callback().await;
    let code = sandbox.code(VERIFIER).await;
    let (status, tokens) = sandbox.exchange(&code, VERIFIER).await;
    assert_eq!(status, 200);
    let (status, error) = sandbox.exchange(&code, VERIFIER).await;
    assert_eq!((status, error), (400, json!({"error": "invalid_grant"})));
    // What the first use gave keeps working (the contract check relies on it).
    let access = tokens["access_token"].as_str().unwrap();
    assert_eq!(sandbox.data("company", access).await.0, 200);
}

#[tokio::test]
async fn a_code_expires_after_sixty_seconds() {
    let sandbox = Spawned::start(10).await;
    sandbox.register_callback().await;
    let code = sandbox.code(VERIFIER).await;
    sandbox.advance(60);
    let (status, error) = sandbox.exchange(&code, VERIFIER).await;
    assert_eq!((status, error), (400, json!({"error": "invalid_grant"})));
    let code = sandbox.code(VERIFIER).await;
    sandbox.advance(59);
    assert_eq!(sandbox.exchange(&code, VERIFIER).await.0, 200);
}

#[tokio::test]
async fn a_refresh_rotates_the_pair_and_the_old_refresh_token_stops_working() {
    let sandbox = Spawned::start(10).await;
    let first = sandbox.connect().await;
    sandbox.advance(900);
    let old_access = first["access_token"].as_str().unwrap();
    assert_eq!(
        sandbox.data("company", old_access).await,
        (401, json!({"error": "token_expired"}))
    );
    let (status, second) = sandbox
        .refresh(first["refresh_token"].as_str().unwrap())
        .await;
    assert_eq!(status, 200, "{second}");
    assert_ne!(second["refresh_token"], first["refresh_token"]);
    assert_eq!(second["expires_in"], 900);
    let new_access = second["access_token"].as_str().unwrap();
    assert_eq!(sandbox.data("company", new_access).await.0, 200);
    let (status, error) = sandbox
        .refresh(first["refresh_token"].as_str().unwrap())
        .await;
    assert_eq!((status, error), (400, json!({"error": "invalid_grant"})));
    assert_eq!(
        sandbox.data("company", new_access).await.0,
        200,
        "a replay revokes nothing"
    );
    sandbox.advance(30 * 24 * 3_600);
    let (status, _) = sandbox
        .refresh(second["refresh_token"].as_str().unwrap())
        .await;
    assert_eq!(status, 400, "refresh tokens live 30 days");
}

#[tokio::test]
async fn a_wrong_client_secret_is_invalid_client_and_basic_authentication_works() {
    let sandbox = Spawned::start(10).await;
    let tokens = sandbox.connect().await;
    let client = sandbox.sandbox.oauth_client();
    let refresh = tokens["refresh_token"].as_str().unwrap();
    let (status, error) = sandbox
        .token(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh),
            ("client_id", &client.client_id),
            ("client_secret", "wrong"),
        ])
        .await;
    assert_eq!((status, error), (401, json!({"error": "invalid_client"})));
    let request = sandbox
        .request(Method::POST, "/oauth/token")
        .basic_auth(&client.client_id, Some(&client.client_secret))
        .form(&[("grant_type", "refresh_token"), ("refresh_token", refresh)]);
    let answer = sandbox.send(request).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert!(!format!("{client:?}").contains(&client.client_secret));
}

#[tokio::test]
async fn the_token_endpoint_names_what_is_malformed() {
    let sandbox = Spawned::start(10).await;
    let client = sandbox.sandbox.oauth_client();
    let (status, error) = sandbox
        .token(&[
            ("grant_type", "password"),
            ("client_id", &client.client_id),
            ("client_secret", &client.client_secret),
        ])
        .await;
    assert_eq!(
        (status, error),
        (400, json!({"error": "unsupported_grant_type"}))
    );
    let (status, error) = sandbox.token(&[("code", "x")]).await;
    assert_eq!(
        (status, error["error"].clone()),
        (400, json!("invalid_request"))
    );
    let (status, error) = sandbox
        .admin(
            Method::POST,
            "/oauth/token",
            json!({"grant_type": "refresh_token"}),
        )
        .await;
    assert_eq!(
        (status, error["error"].clone()),
        (400, json!("invalid_request"))
    );
}

#[tokio::test]
async fn revoking_ends_every_access_and_refresh_token() {
    let sandbox = Spawned::start(10).await;
    let tokens = sandbox.connect().await;
    let service_token = sandbox.sign_in_service_user().await;
    let (status, _) = sandbox
        .admin(Method::POST, "/sandbox/oauth/revoke", json!({}))
        .await;
    assert_eq!(status, 200);
    let access = tokens["access_token"].as_str().unwrap();
    assert_eq!(
        sandbox.data("members", access).await,
        (401, json!({"error": "invalid_token"}))
    );
    let (status, error) = sandbox
        .refresh(tokens["refresh_token"].as_str().unwrap())
        .await;
    assert_eq!((status, error), (400, json!({"error": "invalid_grant"})));
    assert_eq!(
        sandbox.data("company", &service_token).await.0,
        200,
        "the service user is another way in"
    );
    // Connecting again works.
    let again = sandbox.connect().await;
    assert_eq!(
        sandbox
            .data("company", again["access_token"].as_str().unwrap())
            .await
            .0,
        200
    );
}

#[tokio::test]
async fn an_oauth_token_reads_members_without_gender_or_eeo1_race() {
    let sandbox = Spawned::start(40).await;
    let tokens = sandbox.connect().await;
    let service_token = sandbox.sign_in_service_user().await;
    let (_, as_service_user) = sandbox.data("members?limit=100", &service_token).await;
    let (status, as_partner) = sandbox
        .data(
            "members?limit=100",
            tokens["access_token"].as_str().unwrap(),
        )
        .await;
    assert_eq!(status, 200);
    let items = |page: &Value| page["items"].as_array().unwrap().clone();
    let (full, partner) = (items(&as_service_user), items(&as_partner));
    assert_eq!(full.len(), 40);
    assert!(full.iter().any(|m| m.get("gender").is_some()));
    assert!(full.iter().any(|m| m.get("eeo1_race").is_some()));
    for (mut member, served) in full.into_iter().zip(partner) {
        let object = member.as_object_mut().unwrap();
        object.remove("gender");
        object.remove("eeo1_race");
        assert_eq!(member, served, "everything else is the same");
    }
}

#[tokio::test]
async fn the_expire_tokens_fault_expires_oauth_tokens_and_the_other_faults_apply() {
    let sandbox = Spawned::start(10).await;
    let tokens = sandbox.connect().await;
    let access = tokens["access_token"].as_str().unwrap();
    let fault = |body| sandbox.admin(Method::POST, "/sandbox/faults", body);
    fault(json!({"fail_next": 1, "status": 503})).await;
    assert_eq!(sandbox.data("company", access).await.0, 503);
    assert_eq!(sandbox.data("company", access).await.0, 200);
    fault(json!({"expire_tokens": true})).await;
    assert_eq!(
        sandbox.data("members", access).await,
        (401, json!({"error": "token_expired"}))
    );
    let (status, fresh) = sandbox
        .refresh(tokens["refresh_token"].as_str().unwrap())
        .await;
    assert_eq!(status, 200, "a refresh after token_expired works");
    assert_eq!(
        sandbox
            .data("members", fresh["access_token"].as_str().unwrap())
            .await
            .0,
        200
    );
}
