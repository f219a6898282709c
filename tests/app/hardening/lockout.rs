//! Point 4: no one can lock an account out — the only Owner included — by failing to
//! sign in as them. Failures pause the address they come from; failures of an account
//! from many addresses only slow its sign-ins down.

use crate::helpers::*;
use std::time::{Duration, Instant};

#[tokio::test]
async fn ten_wrong_passwords_from_one_address_pause_that_address_but_never_lock_the_owner_out() {
    let app = spawn_app().await;
    app.create_user(OWNER_EMAIL, OWNER_NAME, "owner").await;
    // The attack of issue 11: ten wrong passwords for the only Owner, from one address.
    let attacker = app.client_from("127.0.0.2");
    for _ in 0..10 {
        attacker
            .sign_in(OWNER_EMAIL, "not the right password")
            .await
            .expect(401);
    }
    // That address is paused, even with the right password …
    let page = attacker.sign_in(OWNER_EMAIL, PASSWORD).await;
    page.expect(429);
    assert!(page.says("try again after"), "{}", page.text());
    assert!(page.says("UTC"), "{}", page.text());
    let retry_after: u64 = page
        .header("retry-after")
        .expect("a Retry-After header")
        .parse()
        .expect("seconds");
    assert!((1..=15 * 60 + 1).contains(&retry_after), "{retry_after}");
    attacker
        .get("/people")
        .await
        .expect_redirect("/login?next=/people");

    // … but the Owner, from anywhere else, signs in.
    let owner = app.client_from("127.0.0.3");
    owner.sign_in(OWNER_EMAIL, PASSWORD).await.expect(303);
    owner.get("/people").await.expect(200);
}

#[tokio::test]
async fn failures_of_one_account_from_many_addresses_slow_it_down_but_never_refuse_it() {
    let app = spawn_app().await;
    app.create_user(MEMBER_EMAIL, MEMBER_NAME, "member").await;
    app.create_user(TECH_EMAIL, TECH_NAME, "technical-owner")
        .await;
    // A wrong password for the account from each of 30 addresses, a minute ago: no
    // address near its limit, the account far beyond ten.
    let pool = app.db().await;
    let a_minute_ago = (jiff::Timestamp::now().as_second() - 60) * 1000;
    for i in 0..30 {
        sqlx::query("INSERT INTO failed_sign_ins (id, email, client, at) VALUES ($1, $2, $3, $4)")
            .bind(format!("spread-{i}"))
            .bind(MEMBER_EMAIL)
            .bind(format!("198.51.100.{i}"))
            .bind(a_minute_ago)
            .execute(&pool)
            .await
            .unwrap();
    }
    pool.close().await;

    // The right password from a fresh address signs in — after a short wait.
    let member = app.client_from("127.0.0.3");
    member.refresh_csrf_token().await;
    let started = Instant::now();
    let page = member
        .post("/login", &[("email", MEMBER_EMAIL), ("password", PASSWORD)])
        .await;
    let took = started.elapsed();
    page.expect(303);
    assert!(
        took >= Duration::from_millis(1900),
        "30 recent failures of the account should slow its sign-in by 2 s; it took {took:?}"
    );
    member.get("/people").await.expect(200);
    // A wrong password is slowed the same way, and still only counted, not refused.
    app.client_from("127.0.0.4")
        .sign_in(MEMBER_EMAIL, "not the right password")
        .await
        .expect(401);
    // Another account signs in from an address that guessed this one.
    app.client_from("127.0.0.4")
        .sign_in(TECH_EMAIL, PASSWORD)
        .await
        .expect(303);
}
