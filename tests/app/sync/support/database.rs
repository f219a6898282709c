//! The app's database read straight from the test: whole-org dumps, a run's history,
//! who holds which job.

use super::*;
use std::collections::BTreeMap;

/// Every row of the org's tables, every column quoted by the database itself (so NULL,
/// '' and 0 stay apart): equal dumps mean the org is as it was.
pub(crate) async fn org_dump(dir: &std::path::Path) -> BTreeMap<&'static str, Vec<String>> {
    let pool = open_db(dir).await;
    let mut dump = BTreeMap::new();
    for table in ["people", "jobs", "history", "departments", "locations"] {
        dump.insert(table, table_rows(&pool, table).await);
    }
    pool.close().await;
    dump
}

#[track_caller]
pub(crate) fn assert_same_org(
    before: &BTreeMap<&'static str, Vec<String>>,
    after: &BTreeMap<&'static str, Vec<String>>,
) {
    for (table, rows) in before {
        let now = &after[table];
        let first_difference = rows
            .iter()
            .zip(now.iter())
            .find(|(a, b)| a != b)
            .map(|(a, b)| format!("before: {a}\nafter:  {b}"));
        assert!(
            rows == now,
            "{table} changed ({} rows before, {} after)\n{}",
            rows.len(),
            now.len(),
            first_difference.unwrap_or_default()
        );
    }
}

/// One history row, with the Justworks id of who it is about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Row {
    pub(crate) member: Option<String>,
    pub(crate) kind: String,
    pub(crate) entity: String,
    pub(crate) field: String,
    pub(crate) old: Option<String>,
    pub(crate) new: Option<String>,
    pub(crate) sensitive: bool,
}

pub(crate) async fn history_of_run(app: &TestApp, run_id: &str) -> Vec<Row> {
    let pool = app.db().await;
    #[allow(clippy::type_complexity)]
    let rows: Vec<(
        Option<String>,
        String,
        String,
        String,
        Option<String>,
        Option<String>,
        i64,
    )> = sqlx::query_as(
        "SELECT p.justworks_id, h.kind, h.entity, h.field, h.old_value, h.new_value, h.sensitive \
         FROM history h LEFT JOIN people p ON p.id = h.person_id WHERE h.run_id = $1",
    )
    .bind(run_id)
    .fetch_all(&pool)
    .await
    .expect("history");
    pool.close().await;
    let mut rows: Vec<Row> = rows
        .into_iter()
        .map(|(member, kind, entity, field, old, new, sensitive)| Row {
            member,
            kind,
            entity,
            field,
            old,
            new,
            sensitive: sensitive != 0,
        })
        .collect();
    rows.sort();
    rows
}

/// `(person id, name, status)` of the person linked to a Justworks member.
pub(crate) async fn person_of(app: &TestApp, member_id: &str) -> (String, String, String) {
    let pool = app.db().await;
    let person: (String, String, String) =
        sqlx::query_as("SELECT id, name, status FROM people WHERE justworks_id = $1")
            .bind(member_id)
            .fetch_one(&pool)
            .await
            .unwrap_or_else(|e| panic!("no person for member {member_id}: {e}"));
    pool.close().await;
    person
}

/// The filled Justworks jobs: `(job id, person's member id, manager job id)`.
pub(crate) async fn filled_jobs(app: &TestApp) -> Vec<(String, String, Option<String>)> {
    let pool = app.db().await;
    let jobs: Vec<(String, String, Option<String>)> = sqlx::query_as(
        "SELECT j.id, p.justworks_id, j.manager_job_id FROM jobs j JOIN people p \
         ON p.id = j.person_id WHERE j.status = 'filled' AND j.source = p.source ORDER BY j.id",
    )
    .fetch_all(&pool)
    .await
    .expect("jobs");
    pool.close().await;
    jobs
}
