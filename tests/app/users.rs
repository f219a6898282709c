//! Users: invitations, levels a Technical Owner may grant, changing one's own password.

use crate::helpers::*;

const INVITEE_PASSWORD: &str = "my own chosen password";

/// Invites someone as `client` and returns the invitation link shown once.
async fn invite(client: &TestClient, name: &str, email: &str, level: &str) -> String {
    client
        .post(
            "/settings/users",
            &[("name", name), ("email", email), ("level", level)],
        )
        .await
        .expect_redirect("/settings/users");
    let page = client.get("/settings/users").await;
    page.expect(200);
    assert!(page.says(&format!("{name} is invited")), "{}", page.text());
    page.input_value("invite-link")
        .expect("the invitation link is shown")
}

/// The `/invite?token=…` part of a link.
fn path_of(link: &str) -> String {
    let at = link.find("/invite?token=").expect("an invitation link");
    link[at..].to_owned()
}

#[tokio::test]
async fn an_invited_member_chooses_a_password_with_the_link_once_and_can_sign_in_with_it() {
    let app = spawn_app().await;
    let owner = app.owner().await;
    let link = invite(&owner, "Ivy New", "Ivy@Acme.test", "member").await;
    let path = path_of(&link);
    assert_eq!(
        app.user_level("ivy@acme.test").await,
        ("member".into(), true)
    );

    // Shown once only.
    let again = owner.get("/settings/users").await;
    assert!(
        again.input_value("invite-link").is_none(),
        "the link is shown twice"
    );
    assert!(again.says("Invited"), "{}", again.text());
    // Before choosing a password, the invitee cannot sign in.
    app.client()
        .sign_in("ivy@acme.test", INVITEE_PASSWORD)
        .await
        .expect(401);

    let invitee = app.client();
    let page = invitee.get(&path).await;
    page.expect(200);
    assert!(page.says("Welcome, Ivy New"), "{}", page.text());
    assert!(page.says("ivy@acme.test"));
    // The password rule applies.
    let short = invitee
        .post(
            "/invite",
            &[("token", token_of(&path)), ("password", "short")],
        )
        .await;
    short.expect(422);
    assert!(short.has_id("password-error"));
    let page = invitee
        .post(
            "/invite",
            &[("token", token_of(&path)), ("password", INVITEE_PASSWORD)],
        )
        .await;
    page.expect_redirect("/");
    let people = invitee.get("/people").await;
    people.expect(200);
    assert!(people.says("Ivy New"), "{}", people.text());
    assert!(people.says("Member"));

    // The link is spent.
    let stranger = app.client();
    let page = stranger.get(&path).await;
    page.expect(200);
    assert!(
        page.says("This invitation link is not valid"),
        "{}",
        page.text()
    );
    assert!(page.input_value("password").is_none());
    stranger
        .post(
            "/invite",
            &[
                ("token", token_of(&path)),
                ("password", "an attacker's password"),
            ],
        )
        .await
        .expect(400);
    // The chosen password signs in; the attacker's does not.
    app.client()
        .sign_in("ivy@acme.test", INVITEE_PASSWORD)
        .await
        .expect(303);
    app.client()
        .sign_in("ivy@acme.test", "an attacker's password")
        .await
        .expect(401);
    let audit = owner.get("/settings/audit").await;
    assert!(audit.says("user.invited"));
    assert!(audit.says("user.invitation_accepted"));
}

fn token_of(path: &str) -> &str {
    path.split("token=").nth(1).expect("a token")
}

#[tokio::test]
async fn the_invitation_link_points_at_the_address_the_server_is_reached_at() {
    let app = spawn_app().await;
    let owner = app.owner().await;
    let link = invite(&owner, "Ivy New", "ivy@acme.test", "member").await;
    assert!(
        link.starts_with(&format!("{}/invite?token=", app.base)),
        "the link {link} does not lead to this server ({})",
        app.base
    );
}

#[tokio::test]
async fn a_new_invitation_link_replaces_the_old_one() {
    let app = spawn_app().await;
    let owner = app.owner().await;
    let first = path_of(&invite(&owner, "Ivy New", "ivy@acme.test", "member").await);
    let ivy = app.user_id("ivy@acme.test").await;
    owner
        .post(&format!("/settings/users/{ivy}/invitation"), NO_FIELDS)
        .await
        .expect_redirect("/settings/users");
    let page = owner.get("/settings/users").await;
    let second = path_of(&page.input_value("invite-link").expect("a new link"));
    assert_ne!(first, second);
    assert!(
        app.client()
            .get(&first)
            .await
            .says("This invitation link is not valid")
    );
    let invitee = app.client();
    assert!(invitee.get(&second).await.says("Welcome, Ivy New"));
}

#[tokio::test]
async fn a_technical_owner_invites_members_and_technical_owners_but_not_owners() {
    let app = spawn_app().await;
    app.create_user(OWNER_EMAIL, OWNER_NAME, "owner").await;
    let tech = app.technical_owner().await;

    let page = tech.get("/settings/users").await;
    page.expect(200);
    assert!(
        !page.body.contains("<option value=\"owner\""),
        "Owner is offered"
    );
    assert!(page.body.contains("<option value=\"technical_owner\""));

    invite(&tech, "Mo Member", "mo@acme.test", "member").await;
    invite(&tech, "Tia Tech", "tia@acme.test", "technical_owner").await;
    assert_eq!(
        app.user_level("mo@acme.test").await,
        ("member".into(), true)
    );
    assert_eq!(
        app.user_level("tia@acme.test").await,
        ("technical_owner".into(), true)
    );

    let page = tech
        .post(
            "/settings/users",
            &[
                ("name", "Oz Owner"),
                ("email", "oz@acme.test"),
                ("level", "owner"),
            ],
        )
        .await;
    page.expect(422);
    let error = page
        .text_of_id("level-error")
        .expect("a message at the level");
    assert!(error.contains("up to your own level"), "{error}");
    assert!(page.is_described_by("level-error"));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users WHERE email = 'oz@acme.test'")
            .await,
        0
    );

    // Nor a new link for an Owner who has not chosen a password yet.
    let owner = app.client();
    owner.sign_in(OWNER_EMAIL, PASSWORD).await.expect(303);
    invite(&owner, "Ola Owner", "ola@acme.test", "owner").await;
    let ola = app.user_id("ola@acme.test").await;
    let page = tech
        .post(&format!("/settings/users/{ola}/invitation"), NO_FIELDS)
        .await;
    page.expect(403);
    assert!(
        page.says("Only an Owner can make a new invitation link"),
        "{}",
        page.text()
    );
}

#[tokio::test]
async fn an_invitation_needs_a_name_a_real_email_and_an_unused_one() {
    let app = spawn_app().await;
    let owner = app.owner().await;
    let cases = [
        ("", "ivy@acme.test", "member", "name-error", "Enter a name"),
        (
            "Ivy",
            "not-an-email",
            "member",
            "email-error",
            "Enter an email address",
        ),
        (
            "Ivy",
            "ivy@acme",
            "member",
            "email-error",
            "Enter an email address",
        ),
        (
            "Ivy",
            OWNER_EMAIL,
            "member",
            "email-error",
            "already exists",
        ),
        (
            "Ivy",
            "  OLIVIA@acme.TEST ",
            "member",
            "email-error",
            "already exists",
        ),
        (
            "Ivy",
            "ivy@acme.test",
            "admin",
            "level-error",
            "Choose an access level",
        ),
    ];
    for (name, email, level, error_id, message) in cases {
        let page = owner
            .post(
                "/settings/users",
                &[("name", name), ("email", email), ("level", level)],
            )
            .await;
        page.expect(422);
        let error = page
            .text_of_id(error_id)
            .unwrap_or_else(|| panic!("{email}: no #{error_id}"));
        assert!(error.contains(message), "{email}: {error}");
        assert!(
            page.is_described_by(error_id),
            "{error_id} not tied to its field"
        );
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, 1);
}

#[tokio::test]
async fn a_wrong_current_password_changes_nothing() {
    let app = spawn_app().await;
    let member = app.member().await;
    let page = member
        .post(
            "/settings/account",
            &[
                ("current_password", "this is not it at all"),
                ("new_password", "a brand new password"),
                ("confirm_password", "a brand new password"),
            ],
        )
        .await;
    page.expect(422);
    assert!(
        page.text_of_id("current_password-error")
            .is_some_and(|e| e.contains("not your current password")),
        "{}",
        page.text()
    );
    assert!(page.is_described_by("current_password-error"));

    let mismatch = member
        .post(
            "/settings/account",
            &[
                ("current_password", PASSWORD),
                ("new_password", "a brand new password"),
                ("confirm_password", "a different new password"),
            ],
        )
        .await;
    mismatch.expect(422);
    assert!(mismatch.has_id("confirm_password-error"));
    let short = member
        .post(
            "/settings/account",
            &[
                ("current_password", PASSWORD),
                ("new_password", "short"),
                ("confirm_password", "short"),
            ],
        )
        .await;
    short.expect(422);
    assert!(short.has_id("new_password-error"));

    // The old password still works, the new one does not; this session stays.
    member.get("/people").await.expect(200);
    app.client()
        .sign_in(MEMBER_EMAIL, PASSWORD)
        .await
        .expect(303);
    app.client()
        .sign_in(MEMBER_EMAIL, "a brand new password")
        .await
        .expect(401);
}

#[tokio::test]
async fn changing_ones_password_signs_out_the_other_sessions_and_keeps_this_one() {
    let app = spawn_app().await;
    let this = app.member().await;
    let other = app.client();
    other.sign_in(MEMBER_EMAIL, PASSWORD).await.expect(303);
    other.get("/people").await.expect(200);
    let before = this.session_cookie().unwrap();

    let new_password = "an even better passphrase";
    this.post(
        "/settings/account",
        &[
            ("current_password", PASSWORD),
            ("new_password", new_password),
            ("confirm_password", new_password),
        ],
    )
    .await
    .expect_redirect("/settings/account");
    let page = this.get("/settings/account").await;
    page.expect(200);
    assert!(page.says("Your password is changed"), "{}", page.text());
    this.get("/people").await.expect(200);
    assert_ne!(
        this.session_cookie().unwrap(),
        before,
        "the session id should be renewed with the new password"
    );

    other
        .get("/people")
        .await
        .expect_redirect("/login?next=/people");
    app.get_with_session_cookie("/people", &before)
        .await
        .expect_redirect("/login?next=/people");

    app.client()
        .sign_in(MEMBER_EMAIL, PASSWORD)
        .await
        .expect(401);
    app.client()
        .sign_in(MEMBER_EMAIL, new_password)
        .await
        .expect(303);

    // Forms keep working in the session that changed it.
    this.refresh_csrf_token().await;
    this.post("/logout", NO_FIELDS)
        .await
        .expect_redirect("/login");
}

#[tokio::test]
async fn the_link_of_a_deactivated_invitee_no_longer_works() {
    let app = spawn_app().await;
    let owner = app.owner().await;
    let path = path_of(&invite(&owner, "Ivy New", "ivy@acme.test", "member").await);
    let ivy = app.user_id("ivy@acme.test").await;
    owner
        .post(&format!("/settings/users/{ivy}/deactivate"), NO_FIELDS)
        .await
        .expect_redirect("/settings/users");
    let invitee = app.client();
    let page = invitee.get(&path).await;
    assert!(
        page.says("This invitation link is not valid"),
        "{}",
        page.text()
    );
    invitee
        .post(
            "/invite",
            &[("token", token_of(&path)), ("password", INVITEE_PASSWORD)],
        )
        .await
        .expect(400);
    invitee
        .get("/people")
        .await
        .expect_redirect("/login?next=/people");
}
