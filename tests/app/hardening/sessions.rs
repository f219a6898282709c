//! Point 3: ending a session is final, whatever was in flight; reading pages writes no
//! session. Point 9: reading the sign-in page stores no session at all.

use crate::helpers::*;
use std::time::Duration;

/// Pages a signed-in Member reads, sent with `cookie` all at once (another tab).
async fn pages_in_flight(app: &TestApp, cookie: &str) {
    let reads = ["/org", "/people", "/settings/account"]
        .map(|path| async move { app.get_with_session_cookie(path, cookie).await });
    futures::future::join_all(reads).await;
}

#[tokio::test]
async fn a_page_in_flight_when_signing_out_never_brings_the_session_back() {
    let app = spawn_app().await;
    app.create_user(MEMBER_EMAIL, MEMBER_NAME, "member").await;
    let mut revived = Vec::new();
    for trial in 0..50 {
        let client = app.client();
        client.sign_in(MEMBER_EMAIL, PASSWORD).await.expect(303);
        let cookie = client.session_cookie().expect("a session cookie");
        // Pages start loading, and ~2 ms later the same browser signs out.
        let sign_out = async {
            tokio::time::sleep(Duration::from_millis(2)).await;
            client
                .post("/logout", NO_FIELDS)
                .await
                .expect_redirect("/login");
        };
        tokio::join!(pages_in_flight(&app, &cookie), sign_out);
        let after = app.get_with_session_cookie("/people", &cookie).await;
        if after.status != 303 {
            revived.push((trial, after.status));
        }
        // The session that carries "You are signed out." has an id of its own.
        assert_ne!(client.session_cookie().as_deref(), Some(cookie.as_str()));
    }
    assert!(
        revived.is_empty(),
        "the cookie worked again after signing out (trial, status): {revived:?}"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM sessions WHERE user_id IS NOT NULL")
            .await,
        0,
        "a signed-out session row came back"
    );
}

#[tokio::test]
async fn a_session_write_in_flight_when_signing_out_never_brings_the_session_back() {
    // A short idle time: a page read more than 250 ms after the last one writes the
    // session (it renews the idle timeout), so the pages in flight save it.
    let app = spawn_app_with(|c| c.session_idle = Duration::from_secs(1)).await;
    app.create_user(MEMBER_EMAIL, MEMBER_NAME, "member").await;
    let mut revived = Vec::new();
    for trial in 0..20 {
        let client = app.client();
        client.sign_in(MEMBER_EMAIL, PASSWORD).await.expect(303);
        let cookie = client.session_cookie().expect("a session cookie");
        tokio::time::sleep(Duration::from_millis(300)).await;
        let sign_out = async {
            tokio::time::sleep(Duration::from_millis(2)).await;
            client
                .post("/logout", NO_FIELDS)
                .await
                .expect_redirect("/login");
        };
        tokio::join!(pages_in_flight(&app, &cookie), sign_out);
        let after = app.get_with_session_cookie("/people", &cookie).await;
        if after.status != 303 {
            revived.push((trial, after.status));
        }
    }
    assert!(
        revived.is_empty(),
        "the cookie worked again after signing out (trial, status): {revived:?}"
    );
}

#[tokio::test]
async fn sessions_ended_by_deactivation_a_level_change_or_a_password_change_stay_ended() {
    let app = spawn_app().await;
    let owner = app.owner().await;
    let member_id = app.create_user(MEMBER_EMAIL, MEMBER_NAME, "member").await;
    let mut revived = Vec::new();
    for trial in 0..5 {
        for ending in ["deactivation", "level change", "password change"] {
            let member = app.client();
            member.sign_in(MEMBER_EMAIL, PASSWORD).await.expect(303);
            let cookie = member.session_cookie().expect("a session cookie");
            // The member's own other session changes the password, which ends this one.
            let other = app.client();
            if ending == "password change" {
                other.sign_in(MEMBER_EMAIL, PASSWORD).await.expect(303);
            }
            let end = async {
                tokio::time::sleep(Duration::from_millis(2)).await;
                match ending {
                    "deactivation" => owner
                        .post(
                            &format!("/settings/users/{member_id}/deactivate"),
                            NO_FIELDS,
                        )
                        .await
                        .expect_redirect("/settings/users"),
                    "level change" => owner
                        .post(
                            &format!("/settings/users/{member_id}/level"),
                            &[("level", "technical_owner")],
                        )
                        .await
                        .expect_redirect("/settings/users"),
                    _ => other
                        .post(
                            "/settings/account",
                            &[
                                ("current_password", PASSWORD),
                                ("new_password", PASSWORD),
                                ("confirm_password", PASSWORD),
                            ],
                        )
                        .await
                        .expect_redirect("/settings/account"),
                };
            };
            tokio::join!(pages_in_flight(&app, &cookie), end);
            let after = app.get_with_session_cookie("/people", &cookie).await;
            if after.status != 303 {
                revived.push((trial, ending, after.status));
            }
            // Back to an active Member for the next trial.
            owner
                .post(
                    &format!("/settings/users/{member_id}/reactivate"),
                    NO_FIELDS,
                )
                .await;
            owner
                .post(
                    &format!("/settings/users/{member_id}/level"),
                    &[("level", "member")],
                )
                .await;
        }
    }
    assert!(
        revived.is_empty(),
        "an ended session worked again (trial, ending, status): {revived:?}"
    );
}

/// The session row of `cookie`'s session: its data and expiry, as stored.
async fn session_row(app: &TestApp) -> Vec<(String, i64)> {
    let pool = app.db().await;
    let rows: Vec<(String, i64)> =
        sqlx::query_as("SELECT data, expires_at FROM sessions ORDER BY id_hash")
            .fetch_all(&pool)
            .await
            .unwrap();
    pool.close().await;
    rows
}

#[tokio::test]
async fn reading_pages_does_not_write_the_session() {
    let app = spawn_app().await;
    let member = app.member().await;
    member.get("/people").await.expect(200);
    let before = session_row(&app).await;
    assert_eq!(before.len(), 1, "{before:?}");
    for path in ["/people", "/org", "/settings/account", "/people", "/login"] {
        let page = member.get(path).await;
        assert!(page.status == 200, "{path}: {}", page.status);
        assert!(
            page.session_set_cookie().is_none(),
            "{path} set the session cookie again (it wrote the session)"
        );
    }
    assert_eq!(
        session_row(&app).await,
        before,
        "a page read wrote the session"
    );
}

#[tokio::test]
async fn reading_the_sign_in_page_or_failing_to_sign_in_stores_no_session() {
    let app = spawn_app().await;
    app.create_user(MEMBER_EMAIL, MEMBER_NAME, "member").await;
    for _ in 0..5 {
        let client = app.client();
        let page = client.get("/login").await;
        page.expect(200);
        assert!(
            page.session_set_cookie().is_none(),
            "{:?}",
            page.set_cookies()
        );
        client
            .sign_in(MEMBER_EMAIL, "not the right password")
            .await
            .expect(401);
        app.client().get("/login?next=/people").await.expect(200);
        app.client()
            .get("/people")
            .await
            .expect_redirect("/login?next=/people");
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM sessions").await, 0);
    // The forms still work: signing in makes the one session.
    app.client()
        .sign_in(MEMBER_EMAIL, PASSWORD)
        .await
        .expect(303);
    assert_eq!(app.count("SELECT COUNT(*) FROM sessions").await, 1);
}
