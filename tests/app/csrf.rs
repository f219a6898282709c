//! Every form post carries the session's CSRF token and comes from this site; otherwise
//! it is refused with a clear page and changes nothing.

use crate::helpers::*;

const EXPIRED: &str = "This form has expired";
const REFUSED: &str = "This request came from another website";

/// The ways a post can fail the gate, given a second session's valid token.
fn bad_posts<'a>(
    base: &'a str,
    others_token: &'a str,
) -> Vec<(&'static str, RawPost<'a>, &'static str)> {
    vec![
        (
            "no token",
            RawPost {
                csrf_token: None,
                origin: Some(base),
                extra_headers: &[],
            },
            EXPIRED,
        ),
        (
            "an empty token",
            RawPost {
                csrf_token: Some(""),
                origin: Some(base),
                extra_headers: &[],
            },
            EXPIRED,
        ),
        (
            "a wrong token",
            RawPost {
                csrf_token: Some("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
                origin: Some(base),
                extra_headers: &[],
            },
            EXPIRED,
        ),
        (
            "another session's token",
            RawPost {
                csrf_token: Some(others_token),
                origin: Some(base),
                extra_headers: &[],
            },
            EXPIRED,
        ),
    ]
}

fn foreign_posts<'a>(token: &'a str) -> Vec<(&'static str, RawPost<'a>, &'static str)> {
    vec![
        (
            "a foreign Origin",
            RawPost {
                csrf_token: Some(token),
                origin: Some("https://evil.test"),
                extra_headers: &[],
            },
            REFUSED,
        ),
        (
            "a foreign Referer and no Origin",
            RawPost {
                csrf_token: Some(token),
                origin: None,
                extra_headers: &[("referer", "https://evil.test/page")],
            },
            REFUSED,
        ),
        (
            "a cross-site fetch",
            RawPost {
                csrf_token: Some(token),
                origin: None,
                extra_headers: &[("sec-fetch-site", "cross-site")],
            },
            REFUSED,
        ),
    ]
}

#[tokio::test]
async fn a_post_without_this_sessions_token_or_from_another_site_is_refused_and_installs_nothing() {
    let app = spawn_app().await;
    let owner = app.owner().await;
    let other = app.client();
    other.sign_in(OWNER_EMAIL, PASSWORD).await.expect(303);
    let others_token = other.csrf_token().await;
    let token = owner.csrf_token().await;
    assert_ne!(token, others_token, "two sessions share a CSRF token");
    let base = app.base.clone();

    let mut cases = bad_posts(&base, &others_token);
    cases.extend(foreign_posts(&token));
    for (what, how, sentence) in cases {
        let page = owner
            .post_raw("/apps/justworks/install", NO_FIELDS, how)
            .await;
        page.expect(403);
        assert!(page.says(sentence), "{what}: {}", page.text());
        assert!(page.says("Nothing was changed"), "{what}: {}", page.text());
        assert_eq!(
            app.count("SELECT COUNT(*) FROM app_installs").await,
            0,
            "{what}: Justworks got installed"
        );
    }
    let apps = owner.get("/apps").await;
    assert!(apps.says("Not installed"), "{}", apps.text());
    // The session was not harmed: the real token still works.
    install_justworks(&owner).await;
    assert_eq!(app.count("SELECT COUNT(*) FROM app_installs").await, 1);
}

#[tokio::test]
async fn a_refused_post_leaves_the_settings_unchanged() {
    let app = spawn_app().await;
    let owner = app.owner().await;
    install_and_save(&owner, &SettingsForm::valid()).await;
    let before = app.justworks_rows().await;
    let other = app.client();
    other.get("/login").await;
    let others_token = other.csrf_token().await;
    let token = owner.csrf_token().await;
    let base = app.base.clone();
    let changed = SettingsForm::valid()
        .set("username", "mallory@evil.test")
        .set("org_head", "Mallory")
        .set("password", "")
        .set("totp_secret", "")
        .set("run_daily", "on");

    let mut cases = bad_posts(&base, &others_token);
    cases.extend(foreign_posts(&token));
    for (what, how, sentence) in cases {
        let page = owner
            .post_raw("/apps/justworks/settings", changed.fields(), how)
            .await;
        page.expect(403);
        assert!(page.says(sentence), "{what}: {}", page.text());
        assert_eq!(
            app.justworks_rows().await,
            before,
            "{what}: settings changed"
        );
    }
    let page = owner.get("/apps/justworks").await;
    assert_eq!(
        page.input_value("username").as_deref(),
        Some(SERVICE_USERNAME)
    );
    assert!(!page.says("mallory"));

    // Nor can anyone uninstall that way.
    for (what, how, _) in bad_posts(&base, &others_token) {
        owner
            .post_raw("/apps/justworks/uninstall", &[("confirm", "yes")], how)
            .await
            .expect(403);
        assert_eq!(app.justworks_rows().await, before, "{what}: uninstalled");
    }
}

#[tokio::test]
async fn sign_out_and_user_changes_need_the_token_too() {
    let app = spawn_app().await;
    let owner = app.owner().await;
    let member_id = app.create_user(MEMBER_EMAIL, MEMBER_NAME, "member").await;
    let base = app.base.clone();
    let no_token = || RawPost {
        csrf_token: None,
        origin: Some(&base),
        extra_headers: &[],
    };

    owner
        .post_raw("/logout", NO_FIELDS, no_token())
        .await
        .expect(403);
    owner.get("/settings/audit").await.expect(200);

    for (path, fields) in [
        (format!("/settings/users/{member_id}/deactivate"), vec![]),
        (
            format!("/settings/users/{member_id}/level"),
            vec![("level", "owner")],
        ),
    ] {
        owner.post_raw(&path, &fields, no_token()).await.expect(403);
    }
    owner
        .post_raw(
            "/settings/users",
            &[
                ("name", "Eve"),
                ("email", "eve@acme.test"),
                ("level", "owner"),
            ],
            no_token(),
        )
        .await
        .expect(403);
    assert_eq!(app.user_level(MEMBER_EMAIL).await, ("member".into(), true));
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, 2);

    // A sign-in form with a stale token is refused too (login CSRF).
    let stranger = app.client();
    stranger.get("/login").await;
    stranger
        .post_raw(
            "/login",
            &[("email", OWNER_EMAIL), ("password", PASSWORD)],
            RawPost {
                csrf_token: Some("stale"),
                origin: Some(&base),
                extra_headers: &[],
            },
        )
        .await
        .expect(403);
    stranger
        .get("/people")
        .await
        .expect_redirect("/login?next=/people");
}
