//! Malformed ids and parameters (point 5): `%00` in a path id, a cursor, a `before`, a
//! search or a form field answers 400 or 404 — on PostgreSQL too, which refuses a NUL in
//! text with an error that used to become a 500 and an ERROR log line.

use super::*;
use data_encoding::BASE64URL_NOPAD;

/// Addresses a signed-in Owner may read, each made unreadable in one place.
fn bad_addresses() -> Vec<String> {
    let long = "a".repeat(5_000);
    // A cursor of the people API's own form (base64 of "v1:" + JSON) hiding a NUL.
    let forged = BASE64URL_NOPAD.encode(br#"v1:{"name":"A\u0000","id":"x"}"#);
    [
        "/people/%00",
        "/people/a%00b",
        "/people/%0A",
        "/people/%FF",
        &format!("/people/{long}"),
        "/syncs/%00",
        "/syncs/%00/live",
        "/org/%00/reports",
        "/api/v1/people/%00",
        "/api/v1/syncs/%00",
        "/api/v1/syncs?cursor=%00",
        "/api/v1/syncs?limit=many",
        "/api/v1/people?cursor=%00",
        &format!("/api/v1/people?cursor={forged}"),
        "/api/v1/people?q=%00",
        "/people?q=%00",
        "/people?department=%00",
        "/people?location=a%00",
        "/syncs?before=%00",
        "/settings/audit?before=%00",
        "/org?root=%00",
        "/login?next=%00",
        "/invite?token=%00",
        &format!("/people?q={long}"),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

#[track_caller]
fn assert_refused(what: &str, page: &Page) {
    assert!(
        page.status == 400 || page.status == 404,
        "{what}: {} {}",
        page.status,
        page.text()
    );
    let request_id = page.header("x-request-id").expect("a request id");
    assert_eq!(error_lines_of(request_id), Vec::<String>::new(), "{what}");
}

#[tokio::test]
async fn malformed_ids_and_parameters_answer_400_or_404_and_log_no_error() {
    let app = spawn_app().await;
    let owner = app.owner().await;
    // Something to page through, so that cursors and `before` reach the database.
    owner.post("/apps/justworks/install", NO_FIELDS).await;

    for address in bad_addresses() {
        let page = owner.get(&address).await;
        assert_refused(&address, &page);
    }
    for (path, fields) in [
        ("/settings/users/%00/level", vec![("level", "member")]),
        ("/settings/users/%00/deactivate", vec![]),
        (
            "/settings/users",
            vec![
                ("email", "a\0b@acme.test"),
                ("name", "Nul"),
                ("level", "member"),
            ],
        ),
        ("/settings/org", vec![("timezone", "UTC\0")]),
    ] {
        let page = owner.post(path, &fields).await;
        assert_refused(path, &page);
    }
    // Signing in with a NUL in the email: refused, not an error.
    let stranger = app.client();
    let page = stranger.sign_in("olivia\0@acme.test", PASSWORD).await;
    assert_refused("sign-in", &page);
    // The API answers in JSON, as for any other refusal.
    let page = owner.get("/api/v1/syncs?cursor=%00").await;
    assert!(
        page.header("content-type")
            .is_some_and(|t| t.starts_with("application/json")),
        "{:?}",
        page.headers
    );
    // And what is well formed still works.
    owner.get("/api/v1/syncs?cursor=abc").await.expect(200);
    owner.get("/people?q=Ada").await.expect(200);
}
