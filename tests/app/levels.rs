//! Owners' powers over users: levels, deactivation, the last Owner, and what each change
//! does to the sessions of the user changed.

use crate::helpers::*;

#[tokio::test]
async fn nobody_can_deactivate_or_demote_the_last_active_owner() {
    let app = spawn_app().await;
    let owner = app.owner().await;
    let owner_id = app.user_id(OWNER_EMAIL).await;

    for (path, fields) in [
        (format!("/settings/users/{owner_id}/deactivate"), vec![]),
        (
            format!("/settings/users/{owner_id}/level"),
            vec![("level", "technical_owner")],
        ),
        (
            format!("/settings/users/{owner_id}/level"),
            vec![("level", "member")],
        ),
    ] {
        owner
            .post(&path, &fields)
            .await
            .expect_redirect("/settings/users");
        let page = owner.get("/settings/users").await;
        page.expect(200);
        assert!(
            page.says("is the last active Owner"),
            "{path}: {}",
            page.text()
        );
        assert_eq!(app.user_level(OWNER_EMAIL).await, ("owner".into(), true));
    }
    // Still signed in, still an Owner.
    owner.get("/settings/audit").await.expect(200);

    // With a second active Owner, one of them can step down.
    let ben_id = app.create_user("ben@acme.test", "Ben Li", "owner").await;
    owner
        .post(&format!("/settings/users/{ben_id}/deactivate"), NO_FIELDS)
        .await
        .expect_redirect("/settings/users");
    assert_eq!(
        app.user_level("ben@acme.test").await,
        ("owner".into(), false)
    );
    // A deactivated Owner does not count: Olivia is again the last active one.
    owner
        .post(
            &format!("/settings/users/{owner_id}/level"),
            &[("level", "member")],
        )
        .await
        .expect_redirect("/settings/users");
    assert_eq!(app.user_level(OWNER_EMAIL).await, ("owner".into(), true));
    owner
        .post(&format!("/settings/users/{ben_id}/reactivate"), NO_FIELDS)
        .await
        .expect_redirect("/settings/users");
    owner
        .post(
            &format!("/settings/users/{owner_id}/level"),
            &[("level", "technical_owner")],
        )
        .await
        .expect_redirect("/settings/users");
    assert_eq!(
        app.user_level(OWNER_EMAIL).await,
        ("technical_owner".into(), true)
    );
}

#[tokio::test]
async fn deactivating_a_user_ends_their_sessions_at_once() {
    let app = spawn_app().await;
    let owner = app.owner().await;
    let member = app.member().await;
    let second_member_session = app.client();
    second_member_session
        .sign_in(MEMBER_EMAIL, PASSWORD)
        .await
        .expect(303);
    member.get("/people").await.expect(200);
    let member_id = app.user_id(MEMBER_EMAIL).await;

    owner
        .post(
            &format!("/settings/users/{member_id}/deactivate"),
            NO_FIELDS,
        )
        .await
        .expect_redirect("/settings/users");
    let flash = owner.get("/settings/users").await;
    assert!(
        flash.says("is deactivated and signed out"),
        "{}",
        flash.text()
    );

    for session in [&member, &second_member_session] {
        session
            .get("/people")
            .await
            .expect_redirect("/login?next=/people");
    }
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM sessions WHERE user_id = '{member_id}'"
        ))
        .await,
        0
    );
}

#[tokio::test]
async fn changing_someones_level_signs_them_out_and_they_return_with_the_new_level() {
    let app = spawn_app().await;
    let owner = app.owner().await;
    let member = app.member().await;
    let member_id = app.user_id(MEMBER_EMAIL).await;
    member.get("/apps").await.expect(403);

    owner
        .post(
            &format!("/settings/users/{member_id}/level"),
            &[("level", "technical_owner")],
        )
        .await
        .expect_redirect("/settings/users");
    let page = owner.get("/settings/users").await;
    assert!(
        page.says("Mia Member is now Technical Owner"),
        "{}",
        page.text()
    );

    member
        .get("/people")
        .await
        .expect_redirect("/login?next=/people");
    member.sign_in(MEMBER_EMAIL, PASSWORD).await.expect(303);
    member.get("/apps").await.expect(200);

    // And down again.
    owner
        .post(
            &format!("/settings/users/{member_id}/level"),
            &[("level", "member")],
        )
        .await
        .expect_redirect("/settings/users");
    member
        .get("/apps")
        .await
        .expect_redirect("/login?next=/apps");
    member.sign_in(MEMBER_EMAIL, PASSWORD).await.expect(303);
    member.get("/apps").await.expect(403);
}

#[tokio::test]
async fn an_owner_can_do_everything_a_technical_owner_can_and_read_the_audit_log() {
    let app = spawn_app().await;
    let owner = app.owner().await;
    install_and_save(&owner, &SettingsForm::valid()).await;
    let audit = owner.get("/settings/audit").await;
    audit.expect(200);
    for action in ["user.created", "app.installed", "app.settings_saved"] {
        assert!(audit.says(action), "{action}: {}", audit.text());
    }
    assert!(audit.says(OWNER_NAME));
    owner
        .post("/apps/justworks/uninstall", &[("confirm", "yes")])
        .await
        .expect_redirect("/apps");
    let audit = owner.get("/settings/audit").await;
    assert!(audit.says("app.uninstalled"), "{}", audit.text());
}

#[tokio::test]
async fn two_owners_demoting_each_other_at_once_leave_one_owner() {
    let app = spawn_app().await;
    let olivia = app.owner().await;
    let (ben, ben_id) = app.signed_in("ben@acme.test", "Ben Li", "owner").await;
    let olivia_id = app.user_id(OWNER_EMAIL).await;
    let demote = [("level", "member")];
    let (ben_path, olivia_path) = (
        format!("/settings/users/{ben_id}/level"),
        format!("/settings/users/{olivia_id}/level"),
    );
    let (by_olivia, by_ben) = tokio::join!(
        olivia.post(&ben_path, &demote),
        ben.post(&olivia_path, &demote),
    );
    // The loser may find its own session already ended by the winner (a sign-in
    // redirect or an expired form): what matters is that one Owner remains.
    let done = |p: &Page| p.status == 303 && p.location.as_deref() == Some("/settings/users");
    assert!(
        done(&by_olivia) || done(&by_ben),
        "neither demotion was answered: {} {:?} / {} {:?}",
        by_olivia.status,
        by_olivia.location,
        by_ben.status,
        by_ben.location
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users WHERE level = 'owner' AND active = 1")
            .await,
        1,
        "exactly one of the two demotions may succeed"
    );
}
