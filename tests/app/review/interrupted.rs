//! A server killed inside the transaction of an approved apply: the org as it was, the
//! plan still waiting, and Apply works after the restart.

use super::*;
use crate::sync::restarts::{Killable, killable_after_a_first_sync};

#[tokio::test]
async fn a_server_killed_while_applying_an_approved_plan_leaves_the_org_as_it_was_and_the_plan_approvable()
 {
    let Killable {
        sandbox,
        dir,
        log,
        mut server,
        base,
        to,
    } = killable_after_a_first_sync().await;
    let members = sandbox.members().await;
    let leaves = quiet_leaves(&members);
    let (promoted, leaver) = (id(leaves[0]).to_owned(), id(leaves[1]).to_owned());
    sandbox
        .patch(&promoted, json!({"job_title": "Approved Once"}))
        .await;
    terminate(&sandbox, &leaver).await;
    sandbox.forget_used_codes();
    let plan = press_to_run(&to, "/apps/justworks/preview").await;
    let run = wait_for_run(&to, &plan, has_stopped).await;
    assert_eq!(run["status"], "needs_review", "{run}");
    let before = org_dump(dir.path()).await;

    // Each history row takes seconds to write: the apply holds its transaction, with
    // people and jobs already written, while the server is killed.
    slow_down_history_writes(dir.path(), 800).await;
    let presser = client_at(base.clone());
    presser.sign_in(TECH_EMAIL, PASSWORD).await.expect(303);
    presser.get(&format!("/syncs/{plan}")).await.expect(200);
    let path = format!("/syncs/{plan}/apply");
    // The press never gets its answer (the server dies): the task's end is not awaited.
    let pressed = tokio::spawn(async move { presser.post(&path, NO_FIELDS).await.status });
    wait_until_a_write_holds_the_database(dir.path(), RUN_DEADLINE).await;
    server.kill();
    pressed.abort();

    let pool = open_db(dir.path()).await;
    let (status, decided_by): (String, Option<String>) =
        sqlx::query_as("SELECT status, decided_by FROM sync_runs WHERE id = $1")
            .bind(&plan)
            .fetch_one(&pool)
            .await
            .unwrap();
    stop_slowing_history_writes(&pool).await;
    pool.close().await;
    assert_eq!(
        (status.as_str(), decided_by),
        ("needs_review", None),
        "the decision rolled back with the apply"
    );
    assert_same_org(&before, &org_dump(dir.path()).await);

    let server = Server::start(dir.path(), &sandbox.url, &log).await;
    *base.write().unwrap() = server.base.clone();
    let run = run_json(&to, &plan).await;
    assert_eq!(run["status"], "needs_review", "still waiting: {run}");
    assert_same_org(&before, &org_dump(dir.path()).await);
    let run = approve(&to, &plan).await;
    assert_completed(&run);
    assert_eq!(run["decided_by"], TECH_NAME, "{run}");
    let pool = open_db(dir.path()).await;
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT p.justworks_id, h.kind FROM history h JOIN people p ON p.id = h.person_id \
         WHERE h.run_id = $1 GROUP BY p.justworks_id, h.kind \
         ORDER BY 1, 2",
    )
    .bind(&plan)
    .fetch_all(&pool)
    .await
    .unwrap();
    let (approvals,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'sync.approved' AND details = $1",
    )
    .bind(format!("run {plan}"))
    .fetch_one(&pool)
    .await
    .unwrap();
    pool.close().await;
    let mut expected = vec![
        (promoted.clone(), "title_change".to_owned()),
        (leaver.clone(), "departure".to_owned()),
    ];
    expected.sort();
    assert_eq!(rows, expected);
    assert_eq!(approvals, 1, "the killed approval left no audit row");
    drop(server);
}
