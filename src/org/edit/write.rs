//! The steps every hand edit's transaction shares: taking the org's revision first (so
//! a sync's apply and a hand edit never interleave), reading the rows an edit starts
//! from, the manager chain above a seat, moving headcounts with a subtree, and writing
//! history rows and the audit entry with the editor as their source.

use super::Editor;
use crate::audit::{self, Actor};
use crate::org::change::FieldChange;
use crate::org::display;
use crate::org::history;
use crate::org::model::{Job, Person};
use crate::org::store::{JOB_COLUMNS, JobRow, PERSON_COLUMNS, PersonRow};
use jiff::Timestamp;
use sqlx::AnyConnection;

/// Bumps the org's revision. The first statement of every transaction that writes the
/// org (a hand edit, a sync's apply): on PostgreSQL the row lock makes the next writer
/// wait until this one commits, as SQLite's write lock does, so a sync never plans from
/// rows a hand edit is changing.
pub async fn bump_revision(conn: &mut AnyConnection) -> sqlx::Result<i64> {
    let (rev,): (i64,) =
        sqlx::query_as("UPDATE org_revision SET rev = rev + 1 WHERE id = 1 RETURNING rev")
            .fetch_one(conn)
            .await?;
    Ok(rev)
}

pub(super) async fn person(conn: &mut AnyConnection, id: &str) -> sqlx::Result<Option<Person>> {
    let row: Option<PersonRow> = sqlx::query_as(&format!(
        "SELECT {PERSON_COLUMNS} FROM people WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(Person::try_from).transpose()?)
}

pub(super) async fn job(conn: &mut AnyConnection, id: &str) -> sqlx::Result<Option<Job>> {
    let row: Option<JobRow> =
        sqlx::query_as(&format!("SELECT {JOB_COLUMNS} FROM jobs WHERE id = $1"))
            .bind(id)
            .fetch_optional(conn)
            .await?;
    Ok(row.map(Job::try_from).transpose()?)
}

/// A person's seat, as their page shows it: the filled one, else the latest they held.
pub(super) async fn seat_of(
    conn: &mut AnyConnection,
    person_id: &str,
) -> sqlx::Result<Option<Job>> {
    let row: Option<JobRow> = sqlx::query_as(&format!(
        "SELECT {JOB_COLUMNS} FROM jobs WHERE person_id = $1 \
         ORDER BY CASE status WHEN 'filled' THEN 0 ELSE 1 END, updated_at DESC, id LIMIT 1"
    ))
    .bind(person_id)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(Job::try_from).transpose()?)
}

/// The seat a manager field names: a person's filled seat, or an open job by its id.
pub(super) async fn manager_seat(
    conn: &mut AnyConnection,
    id: &str,
) -> sqlx::Result<Option<(Job, Option<Person>)>> {
    if let Some(p) = person(conn, id).await? {
        let seat = seat_of(conn, &p.id).await?;
        return Ok(seat.map(|s| (s, Some(p))));
    }
    Ok(job(conn, id).await?.map(|j| (j, None)))
}

/// The ids of the active people with this name (case-folded), at most a few.
pub(super) async fn active_named(
    conn: &mut AnyConnection,
    name: &str,
) -> sqlx::Result<Vec<String>> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT id FROM people WHERE status = 'active' AND LOWER(name) = LOWER($1) LIMIT 5",
    )
    .bind(name.trim())
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// How a manager's seat reads in history: who holds it, or "Open job: Title".
pub(super) async fn manager_label(
    conn: &mut AnyConnection,
    job_id: Option<&str>,
) -> sqlx::Result<Option<String>> {
    let Some(job_id) = job_id else {
        return Ok(None);
    };
    let Some(seat) = job(conn, job_id).await? else {
        return Ok(None);
    };
    let holder = match seat.person_id.as_deref() {
        Some(p) => person(conn, p).await?,
        None => None,
    };
    Ok(Some(display::job(&seat, holder.as_ref())))
}

/// The seats above `job_id`, nearest first (not itself). A stored loop ends the walk.
pub(super) async fn chain_above(
    conn: &mut AnyConnection,
    job_id: &str,
) -> sqlx::Result<Vec<String>> {
    let mut chain = Vec::new();
    let mut next: Option<String> = Some(job_id.to_owned());
    while let Some(id) = next.take() {
        let up: Option<(Option<String>,)> =
            sqlx::query_as("SELECT manager_job_id FROM jobs WHERE id = $1")
                .bind(&id)
                .fetch_optional(&mut *conn)
                .await?;
        if let Some((Some(manager),)) = up
            && manager != job_id
            && !chain.contains(&manager)
        {
            chain.push(manager.clone());
            next = Some(manager);
        }
    }
    Ok(chain)
}

/// Adds `delta` to the headcount of each seat in `chain` (people in filled seats below).
pub(super) async fn shift_headcounts(
    conn: &mut AnyConnection,
    chain: &[String],
    delta: i64,
) -> sqlx::Result<()> {
    if delta == 0 {
        return Ok(());
    }
    for id in chain {
        sqlx::query("UPDATE jobs SET headcount = headcount + $1 WHERE id = $2")
            .bind(delta)
            .bind(id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// The history rows of a hand edit, by `editor`.
pub(super) async fn record(
    conn: &mut AnyConnection,
    editor: &Editor<'_>,
    changes: &[FieldChange],
    now: Timestamp,
) -> sqlx::Result<()> {
    history::record_by_hand(
        conn,
        changes,
        (editor.user_id, editor.name),
        now.as_millisecond(),
    )
    .await
}

/// The audit entry: what was done to whom, and which fields (never their values).
pub(super) async fn audit(
    conn: &mut AnyConnection,
    editor: &Editor<'_>,
    action: &str,
    target: &str,
    details: &str,
    now: Timestamp,
) -> sqlx::Result<()> {
    let actor = Actor {
        id: Some(editor.user_id),
        name: editor.name,
    };
    audit::record(conn, &actor, action, target, details, now).await
}
