//! The sign-in throttle: ten failures from one client address in fifteen minutes (for
//! one account, or for any) pause sign-in from that address and say until when (that
//! failures elsewhere never lock an account: `hardening::lockout`).

use crate::helpers::*;

#[tokio::test]
async fn ten_failures_from_one_client_address_pause_sign_in_for_every_email() {
    let app = spawn_app().await;
    app.create_user(MEMBER_EMAIL, MEMBER_NAME, "member").await;
    let attacker = app.client_from("127.0.0.2");
    for i in 0..10 {
        attacker
            .sign_in(&format!("guess{i}@acme.test"), "not the right password")
            .await
            .expect(401);
    }
    let page = attacker.sign_in(MEMBER_EMAIL, PASSWORD).await;
    page.expect(429);
    assert!(page.says("try again after"), "{}", page.text());
    attacker
        .get("/people")
        .await
        .expect_redirect("/login?next=/people");

    // Another address is not paused, and the account itself is not locked.
    app.client_from("127.0.0.1")
        .sign_in(MEMBER_EMAIL, PASSWORD)
        .await
        .expect(303);
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_forwarded_client_has_its_own_count() {
    let app = spawn_app_with(|config| {
        config.trusted_proxies = vec!["127.0.0.3".parse().unwrap()];
    })
    .await;
    app.create_user(MEMBER_EMAIL, MEMBER_NAME, "member").await;
    // Everyone reaches the app through the load balancer at 127.0.0.3.
    let attacker = app.client_behind_proxy("127.0.0.3", "203.0.113.66");
    for i in 0..10 {
        attacker
            .sign_in(&format!("guess{i}@acme.test"), "not the right password")
            .await
            .expect(401);
    }
    attacker.sign_in(MEMBER_EMAIL, PASSWORD).await.expect(429);
    // Another person behind the same load balancer signs in.
    app.client_behind_proxy("127.0.0.3", "198.51.100.7")
        .sign_in(MEMBER_EMAIL, PASSWORD)
        .await
        .expect(303);
    // A client that is not a trusted proxy cannot choose its address by the header.
    let forger = app.client_behind_proxy("127.0.0.4", "192.0.2.1");
    for i in 0..10 {
        forger
            .sign_in(&format!("guess{i}@acme.test"), "not the right password")
            .await
            .expect(401);
    }
    app.client_behind_proxy("127.0.0.4", "192.0.2.2")
        .sign_in(MEMBER_EMAIL, PASSWORD)
        .await
        .expect(429);
}

/// Records ten failed sign-ins for `email` from `client` at `at` (UTC ms), straight
/// into the database.
async fn record_failures(app: &TestApp, email: &str, client: &str, at: i64) {
    let pool = app.db().await;
    for i in 0..10 {
        sqlx::query("INSERT INTO failed_sign_ins (id, email, client, at) VALUES ($1, $2, $3, $4)")
            .bind(format!("test-{email}-{client}-{at}-{i}"))
            .bind(email)
            .bind(client)
            .bind(at)
            .execute(&pool)
            .await
            .unwrap();
    }
    pool.close().await;
}

#[tokio::test]
async fn the_sign_in_pause_lasts_fifteen_minutes_from_the_failures_and_says_until_when() {
    let app = spawn_app().await;
    app.create_user(MEMBER_EMAIL, MEMBER_NAME, "member").await;
    app.create_user(TECH_EMAIL, TECH_NAME, "technical-owner")
        .await;
    let now_ms = jiff::Timestamp::now().as_millisecond();

    // Failures 16 minutes old no longer count.
    record_failures(&app, TECH_EMAIL, "127.0.0.2", now_ms - 16 * 60 * 1000).await;
    app.client_from("127.0.0.2")
        .sign_in(TECH_EMAIL, PASSWORD)
        .await
        .expect(303);

    // Failures 14 minutes old still do, for about one more minute.
    let at = now_ms - 14 * 60 * 1000;
    record_failures(&app, MEMBER_EMAIL, "127.0.0.3", at).await;
    let page = app
        .client_from("127.0.0.3")
        .sign_in(MEMBER_EMAIL, PASSWORD)
        .await;
    page.expect(429);
    let until = jiff::Timestamp::from_second((at + 15 * 60 * 1000) / 1000)
        .unwrap()
        .to_zoned(jiff::tz::TimeZone::UTC);
    let expected = format!(
        "try again after {:02}:{:02} UTC",
        until.hour(),
        until.minute()
    );
    assert!(
        page.says(&expected),
        "expected {expected:?}: {}",
        page.text()
    );
    let retry_after: i64 = page.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=61).contains(&retry_after), "Retry-After {retry_after}");
}

#[tokio::test]
async fn guesses_sent_all_at_once_from_one_address_still_get_only_ten_tries() {
    let app = spawn_app().await;
    app.create_user(MEMBER_EMAIL, MEMBER_NAME, "member").await;
    // Twenty browsers on one address, each ready with its own token, then one burst.
    let mut clients = Vec::new();
    for _ in 0..20 {
        let client = app.client_from("127.0.0.10");
        client.refresh_csrf_token().await;
        clients.push(client);
    }
    let guesses = clients.iter().map(|c| async move {
        c.post(
            "/login",
            &[("email", MEMBER_EMAIL), ("password", "a wrong guess here")],
        )
        .await
        .status
    });
    let statuses = futures::future::join_all(guesses).await;
    let checked = statuses.iter().filter(|s| **s == 401).count();
    let paused = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!(checked + paused, 20, "{statuses:?}");
    assert!(
        checked <= 10,
        "{checked} of 20 simultaneous guesses were checked against the password (limit 10)"
    );
}
