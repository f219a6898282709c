//! `GET /api/v1/syncs/{id}/changes`: a run's changed fields, planned or applied, in the
//! run page's order, paged, with the run page's field rules (a sensitive field's row is
//! there for Owners only).

use super::support::*;
use crate::helpers::*;
use serde_json::{Value, json};

/// The kinds in the order the run page shows them.
const KIND_ORDER: [&str; 8] = [
    "new_hire",
    "departure",
    "rehire",
    "title_change",
    "manager_change",
    "group_change",
    "compensation_change",
    "other",
];

async fn changes_page(client: &TestClient, run_id: &str, query: &str) -> Value {
    let page = client
        .get(&format!("/api/v1/syncs/{run_id}/changes{query}"))
        .await;
    page.expect(200);
    serde_json::from_str(&page.body).unwrap_or_else(|e| panic!("{e}: {}", page.body))
}

/// Every change of the run as `client` reads them, `limit` at a time, following the
/// cursors; the pages as read.
async fn all_changes(client: &TestClient, run_id: &str, limit: usize) -> (Vec<Value>, Vec<Value>) {
    let (mut items, mut pages) = (Vec::new(), Vec::new());
    let mut cursor: Option<String> = None;
    loop {
        let query = match &cursor {
            Some(c) => format!("?limit={limit}&cursor={c}"),
            None => format!("?limit={limit}"),
        };
        let page = changes_page(client, run_id, &query).await;
        let listed = page["items"].as_array().expect("items").clone();
        assert!(listed.len() <= limit, "{page}");
        items.extend(listed);
        cursor = page["next_cursor"].as_str().map(str::to_owned);
        pages.push(page);
        if cursor.is_none() {
            return (items, pages);
        }
        assert!(pages.len() < 1000, "the cursors never end");
    }
}

fn kind_rank(item: &Value) -> usize {
    let kind = item["kind"].as_str().expect("a kind");
    KIND_ORDER
        .iter()
        .position(|k| *k == kind)
        .unwrap_or_else(|| panic!("unknown kind {kind}"))
}

#[tokio::test]
async fn an_owner_sees_a_compensation_change_in_a_runs_changes_and_a_technical_owner_not_a_trace_of_it()
 {
    let (sandbox, app, to) = configured(30).await;
    let owner = app.owner().await;
    let members = sandbox.members().await;
    assert_completed(&sandbox.sync(&to).await.1);
    let leaves = quiet_leaves(&members);
    let raised = *leaves
        .iter()
        .find(|m| m["current_pay"]["amount"].as_i64().is_some())
        .expect("a paid member");
    let promoted = *leaves
        .iter()
        .find(|m| id(m) != id(raised))
        .expect("another member");
    let new_pay = raised["current_pay"]["amount"].as_i64().unwrap() + 777_700;
    sandbox
        .patch(id(raised), json!({"current_pay": {"amount": new_pay}}))
        .await;
    sandbox
        .patch(id(promoted), json!({"job_title": "Principal Cartographer"}))
        .await;
    let (run_id, run) = sandbox.sync(&to).await;
    assert_completed(&run);
    let (raised_person, _, _) = person_of(&app, id(raised)).await;
    let (promoted_person, _, _) = person_of(&app, id(promoted)).await;

    // The Owner: the raise, old and new, and the title.
    let seen = changes_page(&owner, &run_id, "").await;
    assert_eq!(seen["run_id"], run_id.as_str(), "{seen}");
    assert_eq!(seen["planned"], false, "{seen}");
    assert!(seen["next_cursor"].is_null(), "{seen}");
    let items = seen["items"].as_array().expect("items");
    let raise = items
        .iter()
        .find(|i| i["field"] == "compensation")
        .unwrap_or_else(|| panic!("no compensation row: {seen}"));
    assert_eq!(raise["kind"], "compensation_change");
    assert_eq!(raise["person_id"], raised_person.as_str());
    let new_value = raise["new"].as_str().expect("the new pay");
    assert!(
        amount_forms(new_pay).iter().any(|f| new_value.contains(f)),
        "{raise}"
    );
    assert!(raise["old"].is_string(), "{raise}");
    let title = items
        .iter()
        .find(|i| i["field"] == "title")
        .unwrap_or_else(|| panic!("no title row: {seen}"));
    assert_eq!(title["kind"], "title_change");
    assert_eq!(title["person_id"], promoted_person.as_str());
    assert_eq!(title["new"], "Principal Cartographer");
    // In the run page's order: the title change before the compensation change.
    let ranks: Vec<usize> = items.iter().map(kind_rank).collect();
    assert!(ranks.is_sorted(), "{seen}");

    // The Technical Owner: the same rows without it — not a row, not a count, not a
    // page more, not a value.
    let (to_items, to_pages) = all_changes(&to, &run_id, 1).await;
    assert!(!to_items.is_empty());
    let owner_items: Vec<&Value> = items.iter().filter(|i| !is_sensitive(i)).collect();
    assert_eq!(
        to_items.iter().collect::<Vec<_>>(),
        owner_items,
        "the Technical Owner's rows are the Owner's non-sensitive ones"
    );
    assert_eq!(to_pages.len(), owner_items.len().max(1));
    let everything = to_pages
        .iter()
        .map(Value::to_string)
        .collect::<Vec<_>>()
        .join("\n");
    for unsaid in ["compensation", raised_person.as_str()] {
        assert!(!everything.contains(unsaid), "{unsaid} in {everything}");
    }
    for form in amount_forms(new_pay) {
        assert!(!everything.contains(&form), "{form} in {everything}");
    }
    // A cursor naming the compensation row is one to an Owner, and to a Technical Owner
    // no cursor at all, exactly as one that names nothing.
    let pool = app.db().await;
    let (raise_row,): (String,) =
        sqlx::query_as("SELECT id FROM history WHERE run_id = $1 AND field = 'compensation'")
            .bind(&run_id)
            .fetch_one(&pool)
            .await
            .expect("the raise's history row");
    pool.close().await;
    changes_page(&owner, &run_id, &format!("?cursor={raise_row}")).await;
    let refused = to
        .get(&format!(
            "/api/v1/syncs/{run_id}/changes?cursor={raise_row}"
        ))
        .await;
    let unknown = to
        .get(&format!(
            "/api/v1/syncs/{run_id}/changes?cursor=0190aaaa-0000-7000-8000-000000000000"
        ))
        .await;
    assert_eq!((refused.status, unknown.status), (400, 400));
    let message = |p: &Page| json_body(p)["message"].clone();
    assert_eq!(message(&refused), message(&unknown));
}

fn is_sensitive(item: &Value) -> bool {
    matches!(
        item["field"].as_str(),
        Some(
            "compensation"
                | "birthdate"
                | "gender"
                | "ethnicity"
                | "home_address"
                | "personal_email"
                | "phones"
        )
    )
}

fn json_body(page: &Page) -> Value {
    serde_json::from_str(&page.body).unwrap_or_else(|e| panic!("{e}: {}", page.body))
}

#[tokio::test]
async fn a_runs_changes_page_through_every_row_once_in_the_run_pages_order() {
    // The first sync: a row per new hire, and some for members already departed.
    let (sandbox, _app, to) = configured(130).await;
    let (run_id, run) = sandbox.sync(&to).await;
    assert_completed(&run);

    let (whole, pages) = all_changes(&to, &run_id, 500).await;
    assert_eq!(pages.len(), 1);
    assert!(whole.len() > 100, "{} rows", whole.len());
    let kinds: std::collections::BTreeSet<usize> = whole.iter().map(kind_rank).collect();
    assert!(kinds.len() > 1, "{kinds:?}");
    // 100 at a time unless asked.
    let default = changes_page(&to, &run_id, "").await;
    assert_eq!(default["items"].as_array().unwrap()[..], whole[..100]);
    assert!(default["next_cursor"].is_string());
    for limit in [7, 100] {
        let (paged, pages) = all_changes(&to, &run_id, limit).await;
        assert_eq!(paged, whole, "limit {limit}");
        assert_eq!(pages.len(), whole.len().div_ceil(limit));
    }
    // By kind, and within a kind each person's rows together.
    let ranks: Vec<usize> = whole.iter().map(kind_rank).collect();
    assert!(ranks.is_sorted());
    let mut seen: Vec<(usize, String)> = Vec::new();
    for item in &whole {
        let key = (
            kind_rank(item),
            format!("{}|{}", item["person_name"], item["person_id"]),
        );
        if seen.last() != Some(&key) {
            assert!(!seen.contains(&key), "{key:?} comes back after others");
            seen.push(key);
        }
    }

    // Refused: limits out of range, a cursor not of this run; an unknown run is a 404.
    for query in ["?limit=0", "?limit=501", "?limit=abc", "?cursor=nope"] {
        let page = to
            .get(&format!("/api/v1/syncs/{run_id}/changes{query}"))
            .await;
        assert_eq!(page.status, 400, "{query}: {}", page.body);
        assert!(json_body(&page)["message"].is_string(), "{}", page.body);
    }
    let missing = to.get("/api/v1/syncs/no-such-run/changes").await;
    assert_eq!(missing.status, 404, "{}", missing.body);
    let like = to.get("/api/v1/syncs/no-such-run").await;
    assert_eq!(like.status, 404);
    for key in ["error", "message"] {
        assert_eq!(json_body(&missing)[key], json_body(&like)[key], "{key}");
    }
}

#[tokio::test]
async fn a_plan_waiting_for_review_lists_its_changes_as_planned_until_applied() {
    let (_sandbox, app, to) = configured(12).await;
    let run_id = press_sync(&to).await;
    let run = wait_for_run(&to, &run_id, has_stopped).await;
    assert_eq!(run["status"], "needs_review", "{run}");
    assert_eq!(app.count("SELECT COUNT(*) FROM people").await, 0);

    let planned = changes_page(&to, &run_id, "?limit=500").await;
    assert_eq!(planned["planned"], true, "{planned}");
    let items = planned["items"].as_array().expect("items").clone();
    assert!(items.iter().any(|i| i["kind"] == "new_hire"), "{planned}");
    assert!(items.iter().all(|i| i["person_name"].is_string()));

    // Applied: the same rows, now the run's changes.
    let applied = approve(&to, &run_id).await;
    assert_completed(&applied);
    let after = changes_page(&to, &run_id, "?limit=500").await;
    assert_eq!(after["planned"], false, "{after}");
    assert_eq!(after["items"].as_array().unwrap(), &items);
}
