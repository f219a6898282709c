//! Unknown ids, anonymous callers, and names rendered as text everywhere.

use super::support::*;
use crate::helpers::*;

#[tokio::test]
async fn unknown_people_and_jobs_are_not_found() {
    let app = spawn_app().await;
    seed_acme(&app).await;
    let member = app.member().await;
    for path in [
        "/people/p-nobody",
        "/org?root=j-nobody",
        "/org?root=j-dan", // closed: not in the tree
        "/org/j-nobody/reports",
    ] {
        member.get(path).await.expect(404);
    }
    let api = member.get("/api/v1/people/p-nobody").await;
    api.expect(404);
    assert!(json(&api)["error"].is_string());
}

#[tokio::test]
async fn anonymous_callers_are_sent_to_sign_in_or_get_a_401() {
    let app = spawn_app().await;
    seed_acme(&app).await;
    let anonymous = app.client();
    anonymous
        .get("/people/p-ana")
        .await
        .expect_redirect("/login?next=/people/p-ana");
    anonymous.get("/org?root=j-cora").await.expect(303);
    anonymous.get("/org/j-cora/reports").await.expect(303);
    for path in ["/api/v1/people", "/api/v1/people/p-ana"] {
        let page = anonymous.get(path).await;
        page.expect(401);
        assert!(json(&page)["error"].is_string());
        assert!(!page.body.contains("Ana"));
    }
}

#[tokio::test]
async fn names_render_as_text_everywhere() {
    let app = spawn_app().await;
    seed_acme(&app).await;
    let member = app.member().await;
    for path in [
        "/people",
        "/people/p-zed",
        "/org",
        "/org/j-sam/reports",
        "/people/p-sam",
    ] {
        let page = member.get(path).await;
        page.expect(200);
        assert!(
            !page.body.contains("<script>alert(1)"),
            "{path} renders markup"
        );
        assert!(
            page.body
                .contains("Zed &#60;script&#62;alert(1)&#60;/script&#62; O&#39;Brien")
                || page
                    .body
                    .contains("Zed &lt;script&gt;alert(1)&lt;/script&gt; O&#39;Brien"),
            "{path}: {}",
            page.body
        );
    }
}
