//! The run's page and JSON: who sees what, progress while it saves, refreshing until
//! it ends.

use super::support::*;
use crate::helpers::*;
use serde_json::json;
use std::collections::BTreeSet;

#[tokio::test]
async fn a_technical_owners_run_page_and_json_carry_no_compensation_or_birthdates_but_an_owners_do()
{
    let (sandbox, app, to) = configured(30).await;
    let owner = app.owner().await;
    let members = sandbox.members().await;
    let (first_id, first) = sandbox.sync(&to).await;
    assert_completed(&first);

    // Nobody's pay or birthdate on a Technical Owner's view of the first sync.
    let mut secrets: Vec<String> = Vec::new();
    for member in &members {
        if let Some(amount) = member["current_pay"]["amount"].as_i64() {
            let currency = member["current_pay"]["currency"].as_str().unwrap_or("USD");
            secrets.extend(
                amount_forms(amount)
                    .into_iter()
                    // "71000.00 USD", as history writes money; bare minor units.
                    .map(|form| {
                        if form.contains('.') {
                            format!("{form} {currency}")
                        } else {
                            form
                        }
                    }),
            );
        }
        if let Some(birthdate) = member["date_of_birth"].as_str() {
            secrets.push(birthdate.to_owned());
        }
    }
    assert!(secrets.len() > 30, "the company has pay and birthdates");
    for path in [
        format!("/syncs/{first_id}"),
        format!("/syncs/{first_id}/live"),
        format!("/api/v1/syncs/{first_id}"),
        "/api/v1/syncs".to_owned(),
        "/syncs".to_owned(),
    ] {
        let page = to.get(&path).await;
        page.expect(200);
        for secret in &secrets {
            assert!(
                !page.body.contains(secret.as_str()),
                "{path} shows {secret}"
            );
        }
    }

    // A raise and a corrected birthdate.
    let leaves = quiet_leaves(&members);
    let raised = *leaves
        .iter()
        .find(|m| m["current_pay"]["amount"].as_i64().is_some())
        .expect("a paid member");
    let reborn = *leaves
        .iter()
        .find(|m| id(m) != id(raised) && m["date_of_birth"].is_string())
        .expect("a member with a birthdate");
    let new_pay = raised["current_pay"]["amount"].as_i64().unwrap() + 777_700;
    sandbox
        .patch(id(raised), json!({"current_pay": {"amount": new_pay}}))
        .await;
    sandbox
        .patch(id(reborn), json!({"date_of_birth": "1987-11-29"}))
        .await;
    let (run_id, run) = sandbox.sync(&to).await;
    assert_completed(&run);

    let history = history_of_run(&app, &run_id).await;
    let sensitive: Vec<&Row> = history.iter().filter(|r| r.sensitive).collect();
    let fields: BTreeSet<(&str, &str)> = sensitive
        .iter()
        .map(|r| (r.member.as_deref().unwrap_or_default(), r.field.as_str()))
        .collect();
    assert_eq!(
        fields,
        BTreeSet::from([(id(raised), "compensation"), (id(reborn), "birthdate")]),
        "{history:?}"
    );
    let values: Vec<String> = sensitive
        .iter()
        .flat_map(|r| [r.old.clone(), r.new.clone()])
        .flatten()
        .collect();
    assert_eq!(values.len(), 4, "{sensitive:?}");
    assert!(values.iter().any(|v| v == "1987-11-29"));

    for path in [
        format!("/syncs/{run_id}"),
        format!("/syncs/{run_id}/live"),
        format!("/api/v1/syncs/{run_id}"),
        "/api/v1/syncs".to_owned(),
    ] {
        let page = to.get(&path).await;
        page.expect(200);
        for value in &values {
            assert!(!page.body.contains(value.as_str()), "{path} shows {value}");
        }
        for form in amount_forms(new_pay) {
            assert!(!page.body.contains(&form), "{path} shows {form}");
        }
    }
    // Not even that they changed: only how many people changed in such fields.
    let page = to.get(&format!("/syncs/{run_id}")).await;
    for unsaid in ["Compensation", "Birthdate"] {
        assert!(!page.says(unsaid), "{unsaid}: {}", page.text());
    }
    assert!(
        page.says("2 people: changes to fields visible to Owners only."),
        "{}",
        page.text()
    );
    assert_eq!(
        page.text_of_id("counts-heading").as_deref(),
        Some("Changes visible to Owners only")
    );
    // The JSON counts them apart from `updated`, for Technical Owners only.
    let seen_by_to = run_json(&to, &run_id).await;
    let seen_by_owner = run_json(&owner, &run_id).await;
    assert_eq!(seen_by_to["counts"]["owner_only"], 2, "{seen_by_to}");
    assert!(seen_by_owner["counts"].get("owner_only").is_none());
    assert_eq!(
        count(&seen_by_owner, "updated") - count(&seen_by_to, "updated"),
        2
    );

    let page = owner.get(&format!("/syncs/{run_id}")).await;
    page.expect(200);
    for value in &values {
        assert!(page.says(value), "the Owner does not see {value}");
    }
    assert!(!page.says("values visible to Owners only"));
}

#[tokio::test]
async fn while_a_run_saves_its_page_says_so_with_the_members_fetched() {
    let (sandbox, app, to) = configured(20).await;
    let (_, first) = sandbox.sync(&to).await;
    assert_completed(&first);
    let members = sandbox.members().await;
    // Three history rows of about two seconds each (see `slow_down_history_writes`): the
    // apply holds the write lock for seconds, well past the half second the wait needs.
    for member in quiet_leaves(&members).into_iter().take(3) {
        sandbox
            .patch(id(member), json!({"job_title": "Patient"}))
            .await;
    }
    slow_down_history_writes(app.dir.path(), 500).await;

    sandbox.forget_used_codes();
    let run_id = press_sync(&to).await;
    wait_until_a_write_holds_the_database(app.dir.path(), RUN_DEADLINE).await;
    let live = to.get(&format!("/syncs/{run_id}/live")).await;
    live.expect(200);
    let run = wait_applied(&to, &run_id).await;
    assert_completed(&run);
    assert!(
        live.says("Saving changes") && live.text_of_id("run-live").is_some(),
        "while the run saved, its page said: {}",
        live.text()
    );
    // Only the three changed members were read: everyone else is as the last read kept.
    assert!(
        live.says("Members fetched 3 Read from Justworks changes since"),
        "while the run saved, its page said: {}",
        live.text()
    );
}

#[tokio::test]
async fn a_member_cannot_see_sync_pages_or_json() {
    let (sandbox, app, to) = configured(20).await;
    let (run_id, run) = sandbox.sync(&to).await;
    assert_completed(&run);
    let member = app.member().await;
    for path in [
        "/syncs".to_owned(),
        format!("/syncs/{run_id}"),
        format!("/syncs/{run_id}/live"),
        "/api/v1/syncs".to_owned(),
        format!("/api/v1/syncs/{run_id}"),
    ] {
        let page = member.get(&path).await;
        assert_eq!(page.status, 403, "{path}: {}", page.text());
        assert!(!page.body.contains(&run_id), "{path} names the run");
    }
    // Pressing the button does nothing either.
    member
        .post("/apps/justworks/sync", NO_FIELDS)
        .await
        .expect(403);
    assert_eq!(app.count("SELECT COUNT(*) FROM sync_runs").await, 1);
}

#[tokio::test]
async fn the_run_page_refreshes_itself_until_the_run_ends() {
    let (sandbox, _app, to) = configured(20).await;
    sandbox.faults(json!({"latency_ms": 1000})).await;
    sandbox.forget_used_codes();
    let run_id = press_sync(&to).await;
    let live = format!("hx-get=\"/syncs/{run_id}/live\"");

    let page = to.get(&format!("/syncs/{run_id}")).await;
    page.expect(200);
    let run = run_json(&to, &run_id).await;
    assert!(
        !is_finished(&run),
        "the run ended too soon for this test: {run}"
    );
    assert!(page.body.contains(&live), "{}", page.body);
    assert!(page.body.contains("hx-trigger=\"every 1s\""));
    assert!(
        page.body.contains("<noscript><meta http-equiv=\"refresh\""),
        "no refresh without JavaScript"
    );
    let partial = to.get(&format!("/syncs/{run_id}/live")).await;
    partial.expect(200);
    assert!(partial.body.contains(&live) && partial.body.contains("hx-trigger=\"every 1s\""));
    assert!(
        partial.says("Running") || partial.says("Queued"),
        "{}",
        partial.text()
    );

    sandbox.faults(json!({})).await;
    let run = wait_applied(&to, &run_id).await;
    assert_completed(&run);
    let partial = to.get(&format!("/syncs/{run_id}/live")).await;
    partial.expect(200);
    assert!(partial.body.contains("id=\"run-live\""), "{}", partial.body);
    assert!(!partial.body.contains("hx-trigger"), "{}", partial.body);
    assert!(partial.says("Complete"), "{}", partial.text());
    let page = to.get(&format!("/syncs/{run_id}")).await;
    assert!(!page.body.contains("hx-trigger") && !page.body.contains("http-equiv=\"refresh\""));
}
