//! First start: the one-time setup token and `/setup`.

use crate::helpers::*;

const TOKEN_MESSAGE: &str = "This setup link is missing its token or the token is not valid";
const BAD_TOKEN_POST: &str = "This setup token is not valid";

fn owner_form<'a>(token: &'a str, password: &'a str) -> Vec<(&'static str, &'a str)> {
    vec![
        ("token", token),
        ("name", "Ana Souza"),
        ("email", "ana@acme.test"),
        ("password", password),
    ]
}

#[tokio::test]
async fn a_setup_token_is_issued_only_while_no_user_exists() {
    let app = spawn_app().await;
    let token = app
        .setup_token
        .clone()
        .expect("a token while no user exists");
    // 256 bits, URL-safe base64 without padding: 43 characters.
    assert!(token.len() >= 22, "the token is too short: {}", token.len());
    assert!(
        token
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'),
        "the token must fit in a link unescaped"
    );
    app.create_user(OWNER_EMAIL, OWNER_NAME, "owner").await;
    let app = app.restart().await;
    assert_eq!(app.setup_token, None, "no token once a user exists");
}

#[tokio::test]
async fn setup_without_or_with_a_bad_token_shows_the_token_message_and_creates_nothing() {
    let app = spawn_app().await;
    let client = app.client();

    let page = client.get("/setup").await;
    page.expect(200);
    assert!(page.says(TOKEN_MESSAGE), "{}", page.text());
    assert!(
        page.input_value("password").is_none(),
        "no form without a token"
    );

    let page = client.get("/setup?token=not-the-token").await;
    page.expect(200);
    assert!(page.says(TOKEN_MESSAGE), "{}", page.text());
    assert!(page.input_value("password").is_none());

    let page = client
        .post("/setup", &owner_form("not-the-token", PASSWORD))
        .await;
    page.expect(422);
    assert!(page.says(BAD_TOKEN_POST), "{}", page.text());

    let page = client.post("/setup", &owner_form("", PASSWORD)).await;
    page.expect(422);
    assert!(page.says(BAD_TOKEN_POST), "{}", page.text());

    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, 0);
    // The real token still works afterwards.
    let token = app.setup_token.clone().unwrap();
    client
        .get(&format!("/setup?token={token}"))
        .await
        .expect(200);
    client
        .post("/setup", &owner_form(&token, PASSWORD))
        .await
        .expect(303);
}

#[tokio::test]
async fn setup_with_the_token_creates_the_owner_signs_them_in_and_closes_for_good() {
    let app = spawn_app().await;
    let token = app.setup_token.clone().unwrap();
    let client = app.client();

    let page = client.get(&format!("/setup?token={token}")).await;
    page.expect(200);
    assert!(!page.says(TOKEN_MESSAGE));
    assert_eq!(page.input_value("token").as_deref(), Some(token.as_str()));

    let page = client.post("/setup", &owner_form(&token, PASSWORD)).await;
    page.expect_redirect("/apps");

    // Signed in as the new Owner.
    let page = client.get("/apps").await;
    page.expect(200);
    assert!(page.says("Ana Souza"), "{}", page.text());
    assert!(page.says("Owner"));
    assert_eq!(
        app.user_level("ana@acme.test").await,
        ("owner".into(), true)
    );

    // /setup is gone: GET and POST, even with the old token, for anyone.
    client.get("/setup").await.expect(404);
    client
        .get(&format!("/setup?token={token}"))
        .await
        .expect(404);
    client
        .post("/setup", &owner_form(&token, PASSWORD))
        .await
        .expect(404);
    let stranger = app.client();
    stranger
        .get(&format!("/setup?token={token}"))
        .await
        .expect(404);
    let mut second = owner_form(&token, PASSWORD);
    second[2] = ("email", "mallory@acme.test");
    stranger.post("/setup", &second).await.expect(404);
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, 1);

    // The Owner can sign in again with the password chosen at setup.
    app.client()
        .sign_in("ana@acme.test", PASSWORD)
        .await
        .expect(303);
    // Still closed after a restart.
    let app = app.restart().await;
    assert_eq!(app.setup_token, None);
    app.client()
        .get(&format!("/setup?token={token}"))
        .await
        .expect(404);
}

#[tokio::test]
async fn setup_refuses_bad_fields_and_creates_nobody() {
    let app = spawn_app().await;
    let token = app.setup_token.clone().unwrap();
    let client = app.client();
    client
        .get(&format!("/setup?token={token}"))
        .await
        .expect(200);

    let cases: &[(&str, &str, &str, &str, &str)] = &[
        // (name, email, password, field with the error, words of the message)
        (
            "Ana Souza",
            "ana@acme.test",
            "short pw",
            "password",
            "at least 12 characters",
        ),
        (
            "Ana Souza",
            "ana@acme.test",
            "",
            "password",
            "at least 12 characters",
        ),
        (
            "Ana Souza",
            "not-an-email",
            PASSWORD,
            "email",
            "Enter an email address",
        ),
        (
            "Ana Souza",
            "ana@acme",
            PASSWORD,
            "email",
            "Enter an email address",
        ),
        ("Ana Souza", "", PASSWORD, "email", "Enter an email address"),
        ("", "ana@acme.test", PASSWORD, "name", "Enter a name"),
        ("    ", "ana@acme.test", PASSWORD, "name", "Enter a name"),
    ];
    let long_password = "p".repeat(129);
    let long_name = "n".repeat(101);
    let mut cases: Vec<(&str, &str, &str, &str, &str)> = cases.to_vec();
    cases.push((
        "Ana Souza",
        "ana@acme.test",
        &long_password,
        "password",
        "at most 128",
    ));
    cases.push((&long_name, "ana@acme.test", PASSWORD, "name", "at most 100"));

    for (name, email, password, field, message) in cases {
        let page = client
            .post(
                "/setup",
                &[
                    ("token", token.as_str()),
                    ("name", name),
                    ("email", email),
                    ("password", password),
                ],
            )
            .await;
        page.expect(422);
        let error_id = format!("{field}-error");
        let error = page
            .text_of_id(&error_id)
            .unwrap_or_else(|| panic!("no #{error_id} for {name:?}/{email:?}: {}", page.text()));
        assert!(error.contains(message), "{field}: {error}");
        assert!(
            page.is_described_by(&error_id),
            "{error_id} is not tied to its field"
        );
        assert_eq!(
            page.input_value("password").unwrap_or_default(),
            "",
            "the page must not echo the password"
        );
        assert_eq!(app.count("SELECT COUNT(*) FROM users").await, 0, "{field}");
    }
    // The token was not spent by the refused tries.
    client
        .post(
            "/setup",
            &[
                ("token", token.as_str()),
                ("name", "Ana Souza"),
                ("email", "ana@acme.test"),
                ("password", PASSWORD),
            ],
        )
        .await
        .expect_redirect("/apps");
}

#[tokio::test]
async fn two_setups_racing_with_the_token_make_exactly_one_owner() {
    let app = spawn_app().await;
    let token = app.setup_token.clone().unwrap();
    let (a, b) = (app.client(), app.client());
    for client in [&a, &b] {
        client
            .get(&format!("/setup?token={token}"))
            .await
            .expect(200);
    }
    let form = |email: &'static str| {
        vec![
            ("token", token.clone()),
            ("name", "Racer".to_owned()),
            ("email", email.to_owned()),
            ("password", PASSWORD.to_owned()),
        ]
    };
    let (form_a, form_b) = (form("a@acme.test"), form("b@acme.test"));
    let (first, second) = tokio::join!(a.post("/setup", &form_a), b.post("/setup", &form_b));
    let mut statuses = [first.status, second.status];
    statuses.sort();
    assert_eq!(
        statuses,
        [303, 404],
        "one setup wins, the other finds it gone"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, 1);
}
