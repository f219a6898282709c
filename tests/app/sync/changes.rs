//! A later sync: exactly the changes made in Justworks, recorded as history.

use super::support::*;
use crate::helpers::*;
use serde_json::json;

#[tokio::test]
async fn a_second_sync_records_exactly_the_changes_made_in_justworks() {
    let (sandbox, app, to) = configured(40).await;
    let owner = app.owner().await;
    let (_, first) = sandbox.sync(&to).await;
    assert_completed(&first);

    let members = sandbox.members().await;
    let Cast {
        head,
        promoted,
        moved,
        new_manager,
        leaver,
        returning,
        raised,
    } = Cast::of(&members);
    let old_manager = manager_id(moved).expect("a manager");
    let today = today().to_string();
    let yesterday = (self::today() - jiff::ToSpan::days(1)).to_string();

    // What changed in Justworks.
    let old_title = promoted["job_title"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let new_title = "Principal Cartographer";
    assert_ne!(old_title, new_title);
    sandbox
        .patch(id(promoted), json!({"job_title": new_title}))
        .await;
    sandbox
        .patch(id(moved), json!({"manager": {"id": id(new_manager)}}))
        .await;
    sandbox
        .patch(
            id(leaver),
            json!({"active": false, "employment_termination_date": yesterday}),
        )
        .await;
    sandbox
        .patch(
            id(returning),
            json!({"active": true, "employment_start_date": today, "employment_termination_date": null}),
        )
        .await;
    let old_pay = raised["current_pay"]["amount"].as_i64().unwrap();
    let new_pay = old_pay + 1_234_500;
    sandbox
        .patch(id(raised), json!({"current_pay": {"amount": new_pay}}))
        .await;
    let hire_id = "mem_e2e_new_hire";
    let hire = new_hire(hire_id, head);
    sandbox.put(hire_id, hire.clone()).await;

    let old_manager_name = person_of(&app, old_manager).await.1;
    let new_manager_name = person_of(&app, id(new_manager)).await.1;
    let leaver_name = person_of(&app, id(leaver)).await.1;
    let (run_id, run) = sandbox.sync(&to).await;
    assert_completed(&run);

    // Exactly these rows, about exactly these people.
    let history = history_of_run(&app, &run_id).await;
    let (pay_rows, history): (Vec<Row>, Vec<Row>) = history
        .into_iter()
        .partition(|r| r.kind == "compensation_change");
    let was_start = returning["employment_start_date"].as_str();
    let was_end = termination(returning);
    let (title, manager) = (old_title.as_str(), old_manager_name.as_str());
    #[rustfmt::skip]
    let expected = [
        (promoted, "title_change", "job", "title", Some(title), Some(new_title)),
        (moved, "manager_change", "job", "manager", Some(manager), Some(&new_manager_name)),
        (leaver, "departure", "person", "status", Some("active"), Some("departed")),
        (leaver, "departure", "person", "end_date", None, Some(&yesterday)),
        (leaver, "departure", "job", "status", Some("filled"), Some("open")),
        (leaver, "departure", "job", "person", Some(&leaver_name), None),
        (leaver, "departure", "job", "end_date", None, Some(&yesterday)),
        (returning, "rehire", "person", "status", Some("departed"), Some("active")),
        (returning, "rehire", "person", "start_date", was_start, Some(&today)),
        (returning, "rehire", "person", "end_date", was_end, None),
        (&hire, "new_hire", "person", "status", None, Some("active")),
    ];
    let mut expected: Vec<Row> = expected
        .into_iter()
        .map(|(member, kind, entity, field, old, new)| Row {
            member: Some(id(member).to_owned()),
            kind: kind.into(),
            entity: entity.into(),
            field: field.into(),
            old: old.map(str::to_owned),
            new: new.map(str::to_owned),
            sensitive: false,
        })
        .collect();
    expected.sort();
    assert_eq!(history, expected);
    assert_eq!(pay_rows.len(), 1, "{pay_rows:?}");
    let pay = &pay_rows[0];
    assert_eq!(
        (
            pay.member.as_deref(),
            pay.entity.as_str(),
            pay.field.as_str()
        ),
        (Some(id(raised)), "job", "compensation")
    );
    assert!(pay.sensitive, "compensation is sensitive");
    let old_shown = pay.old.clone().unwrap_or_default();
    let new_shown = pay.new.clone().unwrap_or_default();
    assert!(
        // History shows money grouped, as people write it: "71,000.00 USD (salary, …)".
        old_shown.starts_with(&format!("{} USD", amount_forms(old_pay)[1]))
            && new_shown.starts_with(&format!("{} USD", amount_forms(new_pay)[1])),
        "{old_pay} → {new_pay} shown as {old_shown} → {new_shown}"
    );

    let everyone = members.len() as i64 + 1;
    assert_eq!(
        (
            count(&run, "created"),
            count(&run, "departed"),
            count(&run, "rehired"),
            count(&run, "updated"),
            count(&run, "unchanged"),
            count(&run, "excluded"),
        ),
        // Read by a Technical Owner: the raise is counted apart, not as an update.
        (1, 1, 1, 2, everyone - 6, 0),
        "{run}"
    );
    assert_eq!(count(&run, "owner_only"), 1, "{run}");

    // The org now says so.
    assert_eq!(person_of(&app, id(leaver)).await.2, "departed");
    assert_eq!(person_of(&app, id(returning)).await.2, "active");
    assert_eq!(person_of(&app, hire_id).await.2, "active");
    let jobs = filled_jobs(&app).await;
    let job_of = |member: &str| {
        jobs.iter()
            .filter(|(_, m, _)| m == member)
            .collect::<Vec<_>>()
    };
    assert!(job_of(id(leaver)).is_empty());
    assert_eq!(job_of(id(returning)).len(), 1);
    assert_eq!(job_of(hire_id).len(), 1);
    assert_eq!(
        job_of(id(moved))[0].2.as_deref(),
        Some(job_of(id(new_manager))[0].0.as_str())
    );
    assert_eq!(
        job_of(hire_id)[0].2.as_deref(),
        Some(job_of(id(head))[0].0.as_str())
    );

    // The run's page groups them the way people read them.
    let page = owner.get(&format!("/syncs/{run_id}")).await;
    page.expect(200);
    assert_eq!(
        page.text_of_id("counts-heading").as_deref(),
        Some("1 new hire, 1 departure, 1 rehire, 3 other changes")
    );
    for (key, heading) in [
        ("new_hire", "New hires (1)"),
        ("departure", "Departures (1)"),
        ("rehire", "Rehires (1)"),
        ("title_change", "Title changes (1)"),
        ("manager_change", "Manager changes (1)"),
        ("compensation_change", "Compensation changes (1)"),
    ] {
        assert_eq!(
            page.text_of_id(&format!("group-{key}")).as_deref(),
            Some(heading)
        );
    }
    assert!(!page.has_id("group-group_change") && !page.has_id("group-other"));
    assert!(
        page.says(&format!("{old_title} → {new_title}")),
        "{}",
        page.text()
    );
    assert!(page.says(&format!("{old_manager_name} → {new_manager_name}")));

    // A third sync with nothing new changes nothing.
    let (quiet_id, quiet) = sandbox.sync(&to).await;
    assert_completed(&quiet);
    assert_eq!(history_of_run(&app, &quiet_id).await, Vec::<Row>::new());
    assert_eq!(
        (
            count(&quiet, "created"),
            count(&quiet, "updated"),
            count(&quiet, "departed"),
            count(&quiet, "rehired"),
            count(&quiet, "unchanged"),
        ),
        (0, 0, 0, 0, everyone),
        "{quiet}"
    );
    let page = to.get(&format!("/syncs/{quiet_id}")).await;
    assert_eq!(
        page.text_of_id("counts-heading").as_deref(),
        Some("No changes")
    );
    let list = to.get("/syncs").await;
    assert!(list.says("No changes"), "{}", list.text());
}
