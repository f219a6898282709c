//! The people JSON API: paging with a cursor, departed people on request.

use super::support::*;
use crate::helpers::*;
use serde_json::Value;

#[tokio::test]
async fn the_json_api_pages_with_an_opaque_cursor_and_includes_departed_only_when_asked() {
    let app = spawn_app().await;
    seed_acme(&app).await;
    let member = app.member().await;
    let mut ids = Vec::new();
    let mut path = "/api/v1/people?limit=3".to_owned();
    loop {
        let page = json(member.get(&path).await.expect(200));
        let items = page["items"].as_array().unwrap();
        assert!(items.len() <= 3);
        ids.extend(items.iter().map(|i| i["id"].as_str().unwrap().to_owned()));
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/people?limit=3&cursor={cursor}"),
            None => break,
        }
    }
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!((ids.len(), unique.len()), (8, 8), "{ids:?}");
    assert!(!ids.contains(&"p-dan".to_owned()));

    let all = json(member.get("/api/v1/people?status=all").await.expect(200));
    let dan = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "p-dan")
        .expect("departed people with status=all");
    assert_eq!(dan["status"], "departed");
    assert_eq!(dan["end_date"], "2025-01-31");
    assert_eq!(all["next_cursor"], Value::Null);
    let cora = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "p-cora")
        .unwrap();
    assert_eq!(
        cora["manager_id"],
        Value::Null,
        "the org head has no manager"
    );

    let found = json(member.get("/api/v1/people?q=annie").await.expect(200));
    assert_eq!(found["items"].as_array().unwrap().len(), 1);

    for bad in [
        "/api/v1/people?limit=0",
        "/api/v1/people?limit=501",
        "/api/v1/people?cursor=nonsense!",
        "/api/v1/people?status=gone",
    ] {
        let page = member.get(bad).await;
        page.expect(400);
        assert!(json(&page)["message"].is_string(), "{bad}: {}", page.body);
    }
}
