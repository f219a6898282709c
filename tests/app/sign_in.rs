//! Signing in and out: sessions and their lifetimes, cookies, and equal answers for
//! unknown emails and wrong passwords.

use crate::helpers::*;
use std::time::{Duration, Instant};

#[tokio::test]
async fn signing_in_lands_signed_in_under_a_new_session_id() {
    let app = spawn_app().await;
    app.create_user(MEMBER_EMAIL, MEMBER_NAME, "member").await;
    let client = app.client();

    let login = client.get("/login").await;
    login.expect(200);
    assert!(
        login.session_set_cookie().is_none(),
        "the sign-in page starts no session (its CSRF token is in a cookie of its own)"
    );
    let anonymous_token = login.csrf_token().expect("a CSRF token");

    let page = client.sign_in(MEMBER_EMAIL, PASSWORD).await;
    page.expect_redirect("/");
    let signed_in_cookie = page
        .session_set_cookie()
        .expect("signing in sets the session cookie");
    let signed_in_id = client.session_cookie().unwrap();
    assert!(signed_in_cookie.contains(&signed_in_id));

    client.get("/").await.expect_redirect("/people");
    let people = client.get("/people").await;
    people.expect(200);
    assert!(people.says(MEMBER_NAME), "{}", people.text());

    // The id is signed in, even from another client.
    app.get_with_session_cookie("/people", &signed_in_id)
        .await
        .expect(200);
    // The CSRF token from before signing in does not carry over.
    let base = app.base.clone();
    client
        .post_raw(
            "/logout",
            NO_FIELDS,
            RawPost {
                csrf_token: Some(&anonymous_token),
                origin: Some(&base),
                extra_headers: &[],
            },
        )
        .await
        .expect(403);
    assert_ne!(client.csrf_token().await, anonymous_token);
    client.get("/people").await.expect(200);

    // Signing out leaves an anonymous session (it carries "You are signed out."); signing
    // in from it gets a new id again, and that anonymous id is not signed in.
    client
        .post("/logout", NO_FIELDS)
        .await
        .expect_redirect("/login");
    let anonymous_id = client.session_cookie().unwrap();
    assert_ne!(anonymous_id, signed_in_id);
    let token = client.pre_session_cookie().expect("the pre-session cookie");
    client
        .post_raw(
            "/login",
            &[("email", MEMBER_EMAIL), ("password", PASSWORD)],
            RawPost {
                csrf_token: Some(&token),
                origin: Some(&base),
                extra_headers: &[],
            },
        )
        .await
        .expect_redirect("/");
    let second_id = client.session_cookie().unwrap();
    assert_ne!(
        anonymous_id, second_id,
        "the session id must be renewed at sign-in (session fixation)"
    );
    app.get_with_session_cookie("/people", &anonymous_id)
        .await
        .expect_redirect("/login?next=/people");
    app.get_with_session_cookie("/people", &second_id)
        .await
        .expect(200);
}

#[tokio::test]
async fn the_email_is_matched_whatever_its_case_and_surrounding_spaces() {
    let app = spawn_app().await;
    app.create_user(MEMBER_EMAIL, MEMBER_NAME, "member").await;
    app.client()
        .sign_in("  MIA@Acme.Test ", PASSWORD)
        .await
        .expect(303);
    // The password, though, is exact.
    app.client()
        .sign_in(MEMBER_EMAIL, &PASSWORD.to_uppercase())
        .await
        .expect(401);
    app.client()
        .sign_in(MEMBER_EMAIL, &format!("{PASSWORD} "))
        .await
        .expect(401);
}

#[tokio::test]
async fn sign_in_returns_to_the_page_asked_for_but_never_to_another_site() {
    let app = spawn_app().await;
    app.create_user(TECH_EMAIL, TECH_NAME, "technical-owner")
        .await;
    let client = app.client();
    client
        .get("/apps")
        .await
        .expect_redirect("/login?next=/apps");
    client.get("/login?next=/apps").await.expect(200);
    client
        .post(
            "/login",
            &[
                ("email", TECH_EMAIL),
                ("password", PASSWORD),
                ("next", "/apps"),
            ],
        )
        .await
        .expect_redirect("/apps");

    for evil in ["//evil.test/x", "https://evil.test/", "/\\evil.test"] {
        let client = app.client();
        client.get("/login").await;
        client
            .post(
                "/login",
                &[
                    ("email", TECH_EMAIL),
                    ("password", PASSWORD),
                    ("next", evil),
                ],
            )
            .await
            .expect_redirect("/");
    }
}

#[tokio::test]
async fn a_next_with_a_tab_or_a_new_line_does_not_lead_to_another_site() {
    let app = spawn_app().await;
    app.create_user(TECH_EMAIL, TECH_NAME, "technical-owner")
        .await;
    // Browsers drop tabs and new lines from a URL before reading it, so a Location of
    // "/<tab>/evil.test" takes them to //evil.test.
    let mut failures = Vec::new();
    for evil in ["/\t/evil.test", "/\t\t/evil.test/x", "/\r\n/evil.test"] {
        let client = app.client();
        let token = client.refresh_csrf_token().await;
        let answer = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
            .post(format!("{}/login", app.base))
            .header(
                "cookie",
                format!(
                    "{PRE_SESSION_COOKIE}={}",
                    client.pre_session_cookie().unwrap()
                ),
            )
            .form(&[
                ("email", TECH_EMAIL),
                ("password", PASSWORD),
                ("next", evil),
                ("csrf_token", &token),
            ])
            .send()
            .await;
        match answer {
            Ok(response) => {
                let location = response
                    .headers()
                    .get("location")
                    .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
                if response.status() != 303 || location.as_deref() != Some("/") {
                    failures.push(format!(
                        "next={evil:?}: {} Location {location:?}",
                        response.status()
                    ));
                }
            }
            Err(e) => failures.push(format!("next={evil:?}: no answer ({e})")),
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_email_get_the_same_answer() {
    let app = spawn_app().await;
    app.create_user(MEMBER_EMAIL, MEMBER_NAME, "member").await;
    let client = app.client();

    let wrong = client.sign_in(MEMBER_EMAIL, "not the right password").await;
    let unknown = client
        .sign_in("nobody@acme.test", "not the right password")
        .await;
    assert_eq!(wrong.status, 401, "{}", wrong.text());
    assert_eq!(wrong.status, unknown.status);
    assert!(wrong.says(SIGN_IN_FAILED), "{}", wrong.text());
    assert!(unknown.says(SIGN_IN_FAILED), "{}", unknown.text());
    // Apart from the email typed back into the form, the pages are the same.
    assert_eq!(
        wrong.text().replace(MEMBER_EMAIL, "EMAIL"),
        unknown.text().replace("nobody@acme.test", "EMAIL")
    );
    // And neither signed in.
    client
        .get("/people")
        .await
        .expect_redirect("/login?next=/people");
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_email_take_about_the_same_time() {
    let app = spawn_app().await;
    app.create_user(MEMBER_EMAIL, MEMBER_NAME, "member").await;
    let client = app.client();
    let token = client.csrf_token().await;
    let attempt = |email: &'static str| {
        let token = token.clone();
        let client = &client;
        async move {
            let started = Instant::now();
            let page = client
                .post_raw(
                    "/login",
                    &[("email", email), ("password", "not the right password")],
                    RawPost {
                        csrf_token: Some(&token),
                        origin: None,
                        extra_headers: &[],
                    },
                )
                .await;
            page.expect(401);
            started.elapsed()
        }
    };
    // Warm up (the dummy hash for unknown emails is made on first use). Nine failures in
    // all: under the throttle's ten.
    attempt("nobody@acme.test").await;
    let mut wrong = Duration::ZERO;
    let mut unknown = Duration::ZERO;
    for _ in 0..4 {
        wrong += attempt(MEMBER_EMAIL).await;
        unknown += attempt("nobody@acme.test").await;
    }
    let ratio = wrong.as_secs_f64() / unknown.as_secs_f64();
    assert!(
        (0.5..=2.0).contains(&ratio),
        "wrong password took {wrong:?}, unknown email {unknown:?} (ratio {ratio:.2})"
    );
    // Both really verified a hash (argon2id takes tens of milliseconds), not a shortcut.
    assert!(
        unknown >= Duration::from_millis(4 * 10),
        "an unknown email answered in {unknown:?} for 4 tries: no dummy hash?"
    );
}

#[tokio::test]
async fn a_deactivated_user_cannot_sign_in() {
    let app = spawn_app().await;
    let owner = app.owner().await;
    let member_id = app.create_user(MEMBER_EMAIL, MEMBER_NAME, "member").await;
    owner
        .post(
            &format!("/settings/users/{member_id}/deactivate"),
            NO_FIELDS,
        )
        .await
        .expect_redirect("/settings/users");

    let client = app.client();
    let page = client.sign_in(MEMBER_EMAIL, PASSWORD).await;
    page.expect(401);
    assert!(page.says(SIGN_IN_FAILED), "{}", page.text());
    client
        .get("/people")
        .await
        .expect_redirect("/login?next=/people");

    // Reactivated, they can again.
    owner
        .post(
            &format!("/settings/users/{member_id}/reactivate"),
            NO_FIELDS,
        )
        .await
        .expect_redirect("/settings/users");
    client.sign_in(MEMBER_EMAIL, PASSWORD).await.expect(303);
}

#[tokio::test]
async fn signing_out_ends_the_session_for_good() {
    let app = spawn_app().await;
    let client = app.member().await;
    client.get("/people").await.expect(200);
    let signed_in_id = client.session_cookie().unwrap();

    client
        .post("/logout", NO_FIELDS)
        .await
        .expect_redirect("/login");
    client
        .get("/people")
        .await
        .expect_redirect("/login?next=/people");
    let login = client.get("/login").await;
    assert!(login.says("You are signed out."), "{}", login.text());

    // Replaying the old cookie from elsewhere does not bring the session back.
    app.get_with_session_cookie("/people", &signed_in_id)
        .await
        .expect_redirect("/login?next=/people");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM sessions WHERE user_id IS NOT NULL")
            .await,
        0,
        "the signed-in session row must be deleted"
    );
}

#[tokio::test]
async fn a_session_survives_a_server_restart() {
    let app = spawn_app().await;
    let client = app.owner().await;
    client.get("/settings/audit").await.expect(200);
    let token_before = client.csrf_token().await;

    let app = app.restart().await;
    let page = client.get("/settings/audit").await;
    page.expect(200);
    assert!(page.says(OWNER_NAME));
    // The session's CSRF token carries over too: forms keep working.
    assert_eq!(page.csrf_token().as_deref(), Some(token_before.as_str()));
    install_justworks(&client).await;
    assert_eq!(app.count("SELECT COUNT(*) FROM app_installs").await, 1);
}

#[tokio::test]
async fn the_session_cookie_is_http_only_same_site_lax_for_the_whole_site_and_not_secure_by_default()
 {
    let app = spawn_app().await;
    app.create_user(MEMBER_EMAIL, MEMBER_NAME, "member").await;
    let client = app.client();
    let login_page = client.get("/login").await;
    let signed_in = client.sign_in(MEMBER_EMAIL, PASSWORD).await;
    signed_in.expect(303);
    for cookie in [
        login_page
            .set_cookie_named(PRE_SESSION_COOKIE)
            .expect("the pre-session cookie on the sign-in page"),
        signed_in.session_set_cookie().expect("a cookie at sign-in"),
    ] {
        let attributes: Vec<String> = cookie
            .split(';')
            .skip(1)
            .map(|a| a.trim().to_ascii_lowercase())
            .collect();
        assert!(attributes.iter().any(|a| a == "httponly"), "{cookie}");
        assert!(attributes.iter().any(|a| a == "samesite=lax"), "{cookie}");
        assert!(attributes.iter().any(|a| a == "path=/"), "{cookie}");
        assert!(!attributes.iter().any(|a| a == "secure"), "{cookie}");
        assert!(
            !attributes.iter().any(|a| a.starts_with("domain")),
            "no Domain: {cookie}"
        );
        // The id is long enough to be unguessable (≥ 128 bits).
        let value = cookie["orgsync_session=".len()..]
            .split(';')
            .next()
            .unwrap();
        assert!(value.len() >= 22, "session id too short: {value}");
    }
}

#[tokio::test]
async fn the_session_cookie_is_secure_when_configured() {
    let app = spawn_app_with(|c| c.cookie_secure = true).await;
    app.create_user(MEMBER_EMAIL, MEMBER_NAME, "member").await;
    // A browser would not send a Secure cookie back over plain http: the test does.
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let login = Page::read(
        http.get(format!("{}/login", app.base))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let pre_session = login
        .set_cookie_named(PRE_SESSION_COOKIE)
        .expect("the pre-session cookie");
    let token = login.csrf_token().expect("a CSRF token");
    let value = pre_session.split(';').next().unwrap().to_owned();
    let signed_in = Page::read(
        http.post(format!("{}/login", app.base))
            .header("cookie", value)
            .header("origin", app.base.clone())
            .form(&[
                ("email", MEMBER_EMAIL),
                ("password", PASSWORD),
                ("csrf_token", &token),
            ])
            .send()
            .await
            .unwrap(),
    )
    .await;
    signed_in.expect(303);
    let session = signed_in.session_set_cookie().expect("a session cookie");
    for cookie in [pre_session, session] {
        assert!(
            cookie
                .split(';')
                .any(|a| a.trim().eq_ignore_ascii_case("secure")),
            "{cookie}"
        );
        assert!(cookie.to_ascii_lowercase().contains("httponly"), "{cookie}");
    }
}

#[tokio::test]
async fn a_session_ends_after_the_idle_time_and_activity_keeps_it_alive() {
    let app = spawn_app_with(|c| c.session_idle = Duration::from_secs(3)).await;
    let client = app.member().await;
    let id = client.session_cookie().unwrap();
    // Each page read counts as activity: 4.5 s after signing in, still signed in.
    for _ in 0..3 {
        tokio::time::sleep(Duration::from_millis(1500)).await;
        client.get("/people").await.expect(200);
    }
    // 3 s without a request: over, on the server (not just in the browser's cookie jar).
    tokio::time::sleep(Duration::from_millis(3200)).await;
    app.get_with_session_cookie("/people", &id)
        .await
        .expect_redirect("/login?next=/people");
}

#[tokio::test]
async fn a_session_ends_after_its_absolute_lifetime_even_when_active() {
    let app = spawn_app_with(|c| c.session_lifetime = Duration::from_secs(2)).await;
    let client = app.member().await;
    client.get("/people").await.expect(200);
    tokio::time::sleep(Duration::from_millis(1000)).await;
    client.get("/people").await.expect(200);
    tokio::time::sleep(Duration::from_millis(1200)).await;
    client
        .get("/people")
        .await
        .expect_redirect("/login?next=/people");
}
