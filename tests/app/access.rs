//! Access levels: every route × (anonymous, Member, Technical Owner, Owner), and the rules
//! about who may change whom.

use crate::helpers::*;

/// What a caller should get.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Answer {
    /// 200.
    Ok,
    /// 303 to exactly this place.
    Redirect(&'static str),
    /// 303 to the sign-in page (with `next` for a GET page).
    SignIn,
    /// 403 naming the level needed.
    Forbidden,
    NotFound,
    /// 422: the form was read and sent back (the caller passed the access check).
    Unprocessable,
    BadRequest,
    /// 401: the sign-in form's "don't match".
    Unauthorized,
}

use Answer::*;

struct Route {
    method: &'static str,
    path: String,
    fields: Vec<(&'static str, String)>,
    /// anonymous, Member, Technical Owner, Owner
    answers: [Answer; 4],
}

fn get(path: &str, answers: [Answer; 4]) -> Route {
    Route {
        method: "GET",
        path: path.to_owned(),
        fields: vec![],
        answers,
    }
}

fn post(path: &str, fields: &[(&'static str, &str)], answers: [Answer; 4]) -> Route {
    Route {
        method: "POST",
        path: path.to_owned(),
        fields: fields.iter().map(|(k, v)| (*k, v.to_string())).collect(),
        answers,
    }
}

#[tokio::test]
async fn every_route_answers_each_access_level_as_the_design_says() {
    let app = spawn_app().await;
    let owner = app.owner().await;
    let tech = app.technical_owner().await;
    let member = app.member().await;
    let anonymous = app.client();
    anonymous.get("/login").await.expect(200);
    // Someone to act on, who is none of the callers.
    let target = app
        .create_user("tara@acme.test", "Tara Target", "member")
        .await;
    install_justworks(&owner).await;

    let t = |suffix: &str| format!("/settings/users/{target}/{suffix}");
    let wrong_password = [
        ("current_password", "not my password at all"),
        ("new_password", "a brand new password"),
        ("confirm_password", "a brand new password"),
    ];
    let routes = vec![
        get(
            "/",
            [
                Redirect("/login"),
                Redirect("/people"),
                Redirect("/people"),
                Redirect("/people"),
            ],
        ),
        get("/login", [Ok, Ok, Ok, Ok]),
        get("/setup", [NotFound, NotFound, NotFound, NotFound]),
        get("/healthz", [Ok, Ok, Ok, Ok]),
        get("/static/app.css", [Ok, Ok, Ok, Ok]),
        get("/static/htmx.min.js", [Ok, Ok, Ok, Ok]),
        get("/people", [SignIn, Ok, Ok, Ok]),
        get("/org", [SignIn, Ok, Ok, Ok]),
        get("/settings/account", [SignIn, Ok, Ok, Ok]),
        get("/syncs", [SignIn, Forbidden, Ok, Ok]),
        get("/apps", [SignIn, Forbidden, Ok, Ok]),
        get("/apps/justworks", [SignIn, Forbidden, Ok, Ok]),
        get("/settings/users", [SignIn, Forbidden, Ok, Ok]),
        get("/settings/audit", [SignIn, Forbidden, Forbidden, Ok]),
        get("/settings/org", [SignIn, Forbidden, Forbidden, Ok]),
        get("/api/v1/syncs", [Unauthorized, Forbidden, Ok, Ok]),
        get("/api/v1/people", [Unauthorized, Ok, Ok, Ok]),
        get("/invite?token=not-a-token", [Ok, Ok, Ok, Ok]),
        get("/no-such-page", [NotFound, NotFound, NotFound, NotFound]),
        post(
            "/setup",
            &[
                ("token", "x"),
                ("name", "Mallory"),
                ("email", "m@acme.test"),
                ("password", PASSWORD),
            ],
            [NotFound, NotFound, NotFound, NotFound],
        ),
        post(
            "/apps/justworks/install",
            &[],
            [
                SignIn,
                Forbidden,
                Redirect("/apps/justworks"),
                Redirect("/apps/justworks"),
            ],
        ),
        // Without confirm=yes: refused with a flash, nothing removed.
        post(
            "/apps/justworks/uninstall",
            &[],
            [
                SignIn,
                Forbidden,
                Redirect("/apps/justworks"),
                Redirect("/apps/justworks"),
            ],
        ),
        // A sync needs saved settings first: refused with a flash, back to the settings.
        post(
            "/apps/justworks/sync",
            &[],
            [
                SignIn,
                Forbidden,
                Redirect("/apps/justworks"),
                Redirect("/apps/justworks"),
            ],
        ),
        post(
            "/settings/org",
            &[("name", ""), ("time_zone", "UTC")],
            [SignIn, Forbidden, Forbidden, Unprocessable],
        ),
        // Nothing typed and nothing saved: answered with "Not tested", nothing sent out.
        post("/apps/justworks/test", &[], [SignIn, Forbidden, Ok, Ok]),
        // An empty form: read and refused field by field.
        post(
            "/apps/justworks/settings",
            &[],
            [SignIn, Forbidden, Unprocessable, Unprocessable],
        ),
        post(
            "/settings/users",
            &[
                ("name", ""),
                ("email", "new@acme.test"),
                ("level", "member"),
            ],
            [SignIn, Forbidden, Unprocessable, Unprocessable],
        ),
        post(
            &t("level"),
            &[("level", "member")],
            [SignIn, Forbidden, Forbidden, Redirect("/settings/users")],
        ),
        post(
            &t("deactivate"),
            &[],
            [SignIn, Forbidden, Forbidden, Redirect("/settings/users")],
        ),
        post(
            &t("reactivate"),
            &[],
            [SignIn, Forbidden, Forbidden, Redirect("/settings/users")],
        ),
        // The target has a password already: answered with a flash, no link made.
        post(
            &t("invitation"),
            &[],
            [
                SignIn,
                Forbidden,
                Redirect("/settings/users"),
                Redirect("/settings/users"),
            ],
        ),
        post(
            "/settings/account",
            &wrong_password,
            [SignIn, Unprocessable, Unprocessable, Unprocessable],
        ),
        post(
            "/invite",
            &[("token", "not-a-token"), ("password", PASSWORD)],
            [BadRequest, BadRequest, BadRequest, BadRequest],
        ),
        post(
            "/login",
            &[
                ("email", "nobody@acme.test"),
                ("password", "not the right password"),
            ],
            [Unauthorized, Unauthorized, Unauthorized, Unauthorized],
        ),
        // Last: it ends the sessions.
        post(
            "/logout",
            &[],
            [
                Redirect("/login"),
                Redirect("/login"),
                Redirect("/login"),
                Redirect("/login"),
            ],
        ),
    ];

    let callers = [
        ("anonymous", &anonymous),
        ("Member", &member),
        ("Technical Owner", &tech),
        ("Owner", &owner),
    ];
    let mut failures = Vec::new();
    for route in &routes {
        for (i, (who, client)) in callers.iter().enumerate() {
            let expected = route.answers[i];
            let page = match route.method {
                "GET" => client.get(&route.path).await,
                _ => client.post(&route.path, &route.fields).await,
            };
            let ok = match expected {
                Ok => page.status == 200,
                Redirect(to) => page.status == 303 && page.location.as_deref() == Some(to),
                SignIn => {
                    let to = if route.method == "GET" {
                        format!("/login?next={}", route.path)
                    } else {
                        "/login".to_owned()
                    };
                    page.status == 303 && page.location.as_deref() == Some(to.as_str())
                }
                Forbidden => page.status == 403 && page.says("needs at least"),
                NotFound => page.status == 404,
                Unprocessable => page.status == 422,
                BadRequest => page.status == 400,
                Unauthorized => page.status == 401,
            };
            if !ok {
                failures.push(format!(
                    "{} {} as {who}: expected {expected:?}, got {} {:?}",
                    route.method, route.path, page.status, page.location
                ));
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));

    // What the refused callers tried changed nothing; what the Owner did was undone by
    // the Owner (deactivate, then reactivate).
    assert_eq!(
        app.user_level("tara@acme.test").await,
        ("member".into(), true)
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM app_installs").await, 1);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users WHERE email = 'new@acme.test'")
            .await,
        0
    );
    // Signed out, everyone is anonymous again.
    for (who, client) in callers {
        let page = client.get("/people").await;
        assert_eq!(
            page.location.as_deref(),
            Some("/login?next=/people"),
            "{who} is still signed in after signing out"
        );
    }
}

#[tokio::test]
async fn a_member_sees_no_link_to_apps_and_gets_a_403_naming_the_level_and_the_owners() {
    let app = spawn_app().await;
    app.create_user(OWNER_EMAIL, OWNER_NAME, "owner").await;
    app.create_user("ben@acme.test", "Ben Li", "owner").await;
    let member = app.member().await;

    let people = member.get("/people").await;
    people.expect(200);
    assert!(!people.body.contains("href=\"/apps\""), "a link to /apps");
    assert!(!people.says("Apps and Integrations"), "{}", people.text());
    assert!(!people.body.contains("href=\"/settings/users\""));
    assert!(!people.body.contains("href=\"/settings/audit\""));

    for path in ["/apps", "/apps/justworks"] {
        let page = member.get(path).await;
        page.expect(403);
        assert!(
            page.says("Apps and Integrations needs at least Technical Owner access"),
            "{}",
            page.text()
        );
        assert!(page.says("Ben Li"), "{}", page.text());
        assert!(page.says(OWNER_NAME), "{}", page.text());
    }

    // A Technical Owner does see the link.
    let tech = app.technical_owner().await;
    let page = tech.get("/people").await;
    assert!(page.body.contains("href=\"/apps\""));
    assert!(page.says("Apps and Integrations"));
    assert!(!page.body.contains("href=\"/settings/audit\""));
}

#[tokio::test]
async fn a_technical_owner_cannot_change_levels_deactivate_or_read_the_audit_log() {
    let app = spawn_app().await;
    app.create_user(OWNER_EMAIL, OWNER_NAME, "owner").await;
    let tech = app.technical_owner().await;
    let member_id = app.create_user(MEMBER_EMAIL, MEMBER_NAME, "member").await;
    let owner_id = app.user_id(OWNER_EMAIL).await;
    let tech_id = app.user_id(TECH_EMAIL).await;

    let page = tech.get("/settings/users").await;
    page.expect(200);
    assert!(page.says(MEMBER_NAME));
    assert!(
        !page
            .body
            .contains(&format!("/settings/users/{member_id}/deactivate")),
        "a Technical Owner is offered a Deactivate button"
    );

    let attempts = [
        (
            format!("/settings/users/{member_id}/level"),
            vec![("level", "technical_owner")],
        ),
        (
            format!("/settings/users/{tech_id}/level"),
            vec![("level", "owner")],
        ),
        (
            format!("/settings/users/{owner_id}/level"),
            vec![("level", "member")],
        ),
        (format!("/settings/users/{member_id}/deactivate"), vec![]),
        (format!("/settings/users/{owner_id}/deactivate"), vec![]),
    ];
    for (path, fields) in attempts {
        let page = tech.post(&path, &fields).await;
        page.expect(403);
        assert!(
            page.says("Users and access needs at least Owner access"),
            "{path}: {}",
            page.text()
        );
        assert!(page.says(OWNER_NAME));
    }
    assert_eq!(app.user_level(MEMBER_EMAIL).await, ("member".into(), true));
    assert_eq!(
        app.user_level(TECH_EMAIL).await,
        ("technical_owner".into(), true)
    );
    assert_eq!(app.user_level(OWNER_EMAIL).await, ("owner".into(), true));

    let page = tech.get("/settings/audit").await;
    page.expect(403);
    assert!(
        page.says("The audit log needs at least Owner access"),
        "{}",
        page.text()
    );
    // Still signed in: a refusal is not a sign-out.
    tech.get("/apps").await.expect(200);
}
