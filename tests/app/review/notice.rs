//! "A sync is waiting for review" on People, the Org chart and the Justworks page, for
//! Technical Owners and Owners only, while a plan waits.

use super::*;

const NOTICE: &str = "A sync is waiting for review";

/// Whether `client` sees the notice on `path`, and it links to run `id`.
async fn sees_notice(client: &TestClient, path: &str, id: &str) -> bool {
    let page = client.get(path).await;
    page.expect(200);
    let says = page.says(NOTICE);
    if says {
        assert!(
            page.body.contains(&format!("href=\"/syncs/{id}\"")),
            "the notice links to the run: {}",
            page.text()
        );
    }
    says
}

#[tokio::test]
async fn technical_owners_and_owners_see_a_plan_waiting_for_review_until_it_is_applied_or_discarded()
 {
    let scene = Scene::configured(|form| form).await;
    let owner = scene.app.owner().await;
    let member = scene.app.member().await;

    let (first, _) = scene.sync().await;
    for path in ["/people", "/org", "/apps/justworks"] {
        assert!(sees_notice(&scene.to, path, &first).await, "{path}");
    }
    assert!(sees_notice(&owner, "/people", &first).await);
    assert!(sees_notice(&owner, "/org", &first).await);
    assert!(!sees_notice(&member, "/people", &first).await);
    assert!(!sees_notice(&member, "/org", &first).await);

    assert_completed(&approve(&scene.to, &first).await);
    assert!(!sees_notice(&scene.to, "/people", &first).await);
    assert!(!sees_notice(&owner, "/people", &first).await);

    let (preview, _) = scene.preview().await;
    assert!(sees_notice(&owner, "/people", &preview).await);
    assert!(!sees_notice(&member, "/people", &preview).await);
    decide(&owner, &preview, "discard").await;
    assert!(!sees_notice(&owner, "/people", &preview).await);
    assert!(!sees_notice(&scene.to, "/people", &preview).await);
}
