//! Security headers on every answer, and pages without inline script.

use crate::helpers::*;

#[track_caller]
fn assert_security_headers(what: &str, page: &Page, is_static: bool) {
    let csp = page
        .header("content-security-policy")
        .unwrap_or_else(|| panic!("{what}: no Content-Security-Policy"));
    assert!(csp.contains("frame-ancestors 'none'"), "{what}: {csp}");
    assert!(csp.contains("default-src 'self'"), "{what}: {csp}");
    assert!(!csp.contains("'unsafe-inline'"), "{what}: {csp}");
    assert!(!csp.contains("'unsafe-eval'"), "{what}: {csp}");
    assert!(!csp.contains('*'), "{what}: a wildcard source in {csp}");
    assert_eq!(
        page.header("x-content-type-options"),
        Some("nosniff"),
        "{what}"
    );
    assert_eq!(
        page.header("referrer-policy"),
        Some("same-origin"),
        "{what}"
    );
    if !is_static {
        assert_eq!(page.header("cache-control"), Some("no-store"), "{what}");
    }
    assert_eq!(
        page.header("strict-transport-security"),
        None,
        "{what}: HSTS over plain http"
    );
}

#[tokio::test]
async fn every_answer_carries_the_security_headers() {
    let app = spawn_app().await;
    let owner = app.owner().await;
    let member = app.member().await;
    let anonymous = app.client();

    let mut answers = vec![
        ("sign-in page", anonymous.get("/login").await, false),
        ("redirect to sign-in", anonymous.get("/apps").await, false),
        ("404", anonymous.get("/no-such-page").await, false),
        ("404 signed in", owner.get("/no-such-page").await, false),
        ("403", member.get("/apps").await, false),
        ("people", owner.get("/people").await, false),
        ("users", owner.get("/settings/users").await, false),
        ("healthz", anonymous.get("/healthz").await, false),
        ("stylesheet", anonymous.get("/static/app.css").await, true),
        ("htmx", anonymous.get("/static/htmx.min.js").await, true),
        (
            "missing static file",
            anonymous.get("/static/nope.css").await,
            true,
        ),
    ];
    answers.push((
        "CSRF refusal",
        owner
            .post_raw(
                "/apps/justworks/install",
                NO_FIELDS,
                RawPost {
                    csrf_token: None,
                    origin: None,
                    extra_headers: &[],
                },
            )
            .await,
        false,
    ));
    answers.push((
        "422",
        owner.post("/settings/users", &[("name", "")]).await,
        false,
    ));
    for (what, page, is_static) in &answers {
        assert_security_headers(what, page, *is_static);
    }
    assert_eq!(answers[2].1.status, 404);
    assert_eq!(answers[4].1.status, 403);
    assert_eq!(answers[8].1.status, 200);
    assert!(
        answers[8]
            .1
            .header("content-type")
            .is_some_and(|t| t.starts_with("text/css")),
        "the stylesheet's type"
    );
}

#[tokio::test]
async fn strict_transport_security_is_sent_when_served_over_https() {
    let app = spawn_app_with(|c| {
        c.public_url = Some("https://org.acme.test".into());
        c.cookie_secure = true;
    })
    .await;
    let page = app.client().get("/login").await;
    let hsts = page
        .header("strict-transport-security")
        .expect("HSTS behind https");
    assert!(hsts.contains("max-age="), "{hsts}");
}

/// Problems of inline script in one page: `<script>` with content or without `src`, and
/// `on…=` event handler attributes.
fn inline_script_problems(html: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let lower = html.to_ascii_lowercase();
    for tag in tags(&lower) {
        if tag.starts_with("<script") {
            if !tag.contains(" src=") {
                problems.push(format!("a script without src: {tag}"));
            }
            let start = lower.find(tag).unwrap() + tag.len();
            let content = &lower[start..];
            let end = content.find("</script").unwrap_or(content.len());
            if !content[..end].trim().is_empty() {
                problems.push(format!("a script with inline content after {tag}"));
            }
        }
        // Attribute names are preceded by whitespace in a tag: ` onclick=`.
        let name_start = tag
            .char_indices()
            .filter(|(_, c)| c.is_whitespace())
            .map(|(i, _)| i + 1);
        for i in name_start {
            let rest = &tag[i..];
            if let Some(after_on) = rest.strip_prefix("on") {
                let name_len = after_on
                    .find(|c: char| !c.is_ascii_alphabetic())
                    .unwrap_or(after_on.len());
                if name_len > 0 && after_on[name_len..].trim_start().starts_with('=') {
                    problems.push(format!("an event handler attribute in {tag}"));
                }
            }
        }
        if tag.contains("javascript:") {
            problems.push(format!("a javascript: URL in {tag}"));
        }
    }
    problems
}

#[test]
fn the_inline_script_check_catches_what_it_should() {
    assert!(inline_script_problems("<p>ok</p><script src=\"/static/x.js\"></script>").is_empty());
    assert_eq!(inline_script_problems("<script>alert(1)</script>").len(), 2);
    assert_eq!(
        inline_script_problems("<button onclick=\"x()\">b</button>").len(),
        1
    );
    assert_eq!(inline_script_problems("<a href=\"javascript:x\">").len(), 1);
    assert!(inline_script_problems("<p>Click on = this; one=1</p>").is_empty());
}

#[tokio::test]
async fn no_page_has_inline_script_or_event_handler_attributes() {
    let app = spawn_app().await;
    let anonymous = app.client();
    let token = app.setup_token.clone().unwrap();
    let mut pages = vec![
        ("setup without token", anonymous.get("/setup").await),
        (
            "setup",
            anonymous.get(&format!("/setup?token={token}")).await,
        ),
        (
            "setup with errors",
            anonymous
                .post(
                    "/setup",
                    &[
                        ("token", token.as_str()),
                        ("name", ""),
                        ("email", "x"),
                        ("password", "y"),
                    ],
                )
                .await,
        ),
        ("sign-in (no users)", anonymous.get("/login").await),
    ];
    let owner = app.owner().await;
    let member = app.member().await;
    pages.push(("apps before install", owner.get("/apps").await));
    install_justworks(&owner).await;
    pages.push((
        "settings with errors",
        owner
            .post("/apps/justworks/settings", &[("username", "")])
            .await,
    ));
    install_and_save(&owner, &SettingsForm::valid()).await;
    owner
        .post(
            "/settings/users",
            &[
                ("name", "Ivy New"),
                ("email", "ivy@acme.test"),
                ("level", "member"),
            ],
        )
        .await
        .expect(303);
    for path in [
        "/people",
        "/org",
        "/syncs",
        "/apps",
        "/apps/justworks",
        "/settings/users",
        "/settings/account",
        "/settings/audit",
        "/no-such-page",
    ] {
        pages.push((path, owner.get(path).await));
    }
    pages.push(("403", member.get("/apps").await));
    pages.push(("invite", anonymous.get("/invite?token=nope").await));
    pages.push(("sign-in", anonymous.get("/login").await));
    pages.push((
        "sign-in failed",
        anonymous
            .sign_in("nobody@acme.test", "wrong password")
            .await,
    ));
    pages.push((
        "form expired",
        owner
            .post_raw(
                "/logout",
                NO_FIELDS,
                RawPost {
                    csrf_token: None,
                    origin: None,
                    extra_headers: &[],
                },
            )
            .await,
    ));

    let mut problems = Vec::new();
    for (what, page) in &pages {
        assert!(
            page.body.contains("<html"),
            "{what} is not a page ({})",
            page.status
        );
        for problem in inline_script_problems(&page.body) {
            problems.push(format!("{what}: {problem}"));
        }
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}
