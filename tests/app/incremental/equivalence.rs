//! An incremental read plans exactly as a full one: two apps on one sandbox start from
//! the same first sync; rounds of random changes in Justworks (titles, managers,
//! terminations, rehires, new hires — never a member gone, which only a full read
//! sees) follow; after each round one app reads everyone (its settings were just saved)
//! and the other only what changed. Their people, jobs and history must be the same
//! rows, ids and times aside.

use super::*;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use std::collections::BTreeMap;

const ROUNDS: usize = 3;

/// The org as rows that mean the same in both apps: ids replaced by the Justworks id of
/// the person they lead to, runs by their order, times left out.
async fn org_rows(app: &TestApp) -> BTreeMap<&'static str, Vec<String>> {
    let pool = app.db().await;
    let member_of_person =
        |col: &str| format!("(SELECT x.justworks_id FROM people x WHERE x.id = {col})");
    let member_of_job = |col: &str| {
        format!(
            "(SELECT x.justworks_id FROM jobs j2 JOIN people x ON x.id = j2.person_id \
             WHERE j2.id = {col})"
        )
    };
    let run_order = "(SELECT COUNT(*) FROM sync_runs r2 WHERE r2.queued_at <= \
                     (SELECT r.queued_at FROM sync_runs r WHERE r.id = t.run_id))"
        .to_owned();
    let entity = format!(
        "CASE WHEN t.entity = 'person' THEN {} ELSE {} END",
        member_of_person("t.entity_id"),
        member_of_job("t.entity_id")
    );
    let tables: [(&'static str, Vec<(&str, String)>); 3] = [
        ("people", vec![]),
        (
            "jobs",
            vec![
                ("person_id", member_of_person("t.person_id")),
                ("manager_job_id", member_of_job("t.manager_job_id")),
            ],
        ),
        (
            "history",
            vec![
                ("run_id", run_order),
                ("entity_id", entity),
                ("person_id", member_of_person("t.person_id")),
            ],
        ),
    ];
    let left_out = ["id", "created_at", "updated_at", "synced_at", "at"];
    let mut rows = BTreeMap::new();
    for (table, mapped) in tables {
        let columns: Vec<String> = table_columns(&pool, table)
            .await
            .into_iter()
            .filter(|c| !left_out.contains(&c.as_str()))
            .map(|c| match mapped.iter().find(|(name, _)| *name == c) {
                Some((_, expression)) => expression.clone(),
                None => format!("t.\"{c}\""),
            })
            .map(|e| {
                if on_postgres() {
                    format!("quote_nullable({e})")
                } else {
                    format!("quote({e})")
                }
            })
            .collect();
        let row = if on_postgres() {
            format!("concat_ws('|', {})", columns.join(", "))
        } else {
            columns.join(" || '|' || ")
        };
        let found: Vec<(String,)> =
            sqlx::query_as(&format!("SELECT {row} FROM {table} t ORDER BY 1"))
                .fetch_all(&pool)
                .await
                .unwrap_or_else(|e| panic!("the rows of {table}: {e}"));
        rows.insert(table, found.into_iter().map(|(r,)| r).collect());
    }
    pool.close().await;
    rows
}

/// A new hire as Justworks lists one (no `updated_at`: the sandbox stamps it now).
fn hire(n: usize, manager: &Value) -> Value {
    json!({
        "id": format!("mem_new_{n}"),
        "company_id": manager["company_id"],
        "active": true,
        "work_id": format!("N{n}"),
        "name": {"given_name": format!("New{n}"), "family_name": "Hire", "additional_names": []},
        "type": "employee",
        "employment_location_type": "remote",
        "job_title": "Analyst",
        "department": manager["department"],
        "manager": {"id": manager["id"]},
        "employment_start_date": today().to_string(),
        "emails": [{"address": format!("new{n}@acme-incremental.test"), "type": "work",
                    "primary": true}],
        "phones": [],
        "addresses": []
    })
}

/// One round of random changes in Justworks.
async fn change_randomly(sandbox: &Sandbox, rng: &mut StdRng, round: usize) {
    let members = sandbox.members().await;
    let head = org_head(&members);
    let live: Vec<&Value> = members
        .iter()
        .filter(|m| is_live(m) && id(m) != id(head))
        .collect();
    let leaves = quiet_leaves(&members);
    let departed: Vec<&Value> = members
        .iter()
        .filter(|m| m["active"] == json!(false))
        .collect();
    let mut touched = std::collections::HashSet::new();
    for step in 0..6 {
        match rng.random_range(0..5) {
            0 => {
                let m = live.choose(rng).expect("someone live");
                sandbox
                    .patch(id(m), json!({"job_title": format!("Title {round}.{step}")}))
                    .await;
            }
            1 => {
                let m = live.choose(rng).expect("someone live");
                let to = live.choose(rng).expect("someone live");
                if id(m) != id(to) {
                    sandbox
                        .patch(id(m), json!({"manager": {"id": id(to)}}))
                        .await;
                }
            }
            2 => {
                if let Some(m) = leaves.choose(rng)
                    && touched.insert(id(m).to_owned())
                {
                    terminate(sandbox, id(m)).await;
                }
            }
            3 => {
                if let Some(m) = departed.choose(rng)
                    && touched.insert(id(m).to_owned())
                {
                    sandbox
                        .patch(
                            id(m),
                            json!({"active": true, "employment_termination_date": null,
                                   "manager": {"id": id(head)}}),
                        )
                        .await;
                }
            }
            _ => {
                let n = round * 10 + step;
                sandbox.put(&format!("mem_new_{n}"), hire(n, head)).await;
            }
        }
    }
}

/// Terminates a member in Justworks as of today.
async fn terminate(sandbox: &Sandbox, member: &str) {
    sandbox
        .patch(
            member,
            json!({"active": false, "employment_termination_date": today().to_string()}),
        )
        .await;
}

#[tokio::test]
async fn incremental_and_full_reads_of_the_same_changes_give_the_same_org_and_history() {
    let never_guard = |form: SettingsForm| form.set("apply_mode", "never_guard");
    let mut full = Scene::configured(never_guard).await;
    let sandbox = &full.sandbox;
    let changes = app_on(sandbox, |_| {}).await;
    let (changes_to, tech) = changes
        .signed_in(TECH_EMAIL, TECH_NAME, "technical-owner")
        .await;
    install_and_save(
        &changes_to,
        &never_guard(sandbox.settings()).add("notify_user_ids", &tech),
    )
    .await;
    let (_, first) = sandbox.sync(&full.to).await;
    assert_completed(&first);
    let (_, first) = sandbox.sync(&changes_to).await;
    assert_completed(&first);
    assert_eq!(org_rows(&full.app).await, org_rows(&changes).await);

    let mut rng = StdRng::seed_from_u64(14);
    for round in 0..ROUNDS {
        change_randomly(&full.sandbox, &mut rng, round).await;
        full.change_settings(|form| form).await;
        let (_, read_all) = full.sandbox.sync(&full.to).await;
        assert_completed(&read_all);
        assert_eq!(read_all["read"], json!({"scope": "full"}), "{read_all}");
        let (_, read_changes) = full.sandbox.sync(&changes_to).await;
        assert_completed(&read_changes);
        assert_eq!(read_changes["read"]["scope"], "changes", "{read_changes}");
        assert!(
            read_changes["members_fetched"].as_i64() < read_all["members_fetched"].as_i64(),
            "{read_changes}"
        );
        assert_eq!(read_changes["counts"], read_all["counts"], "round {round}");
        assert_eq!(
            read_changes["warnings"], read_all["warnings"],
            "round {round}"
        );
        let (a, b) = (org_rows(&full.app).await, org_rows(&changes).await);
        for table in ["people", "jobs", "history"] {
            assert_eq!(a[table], b[table], "{table} differ after round {round}");
        }
    }
}
