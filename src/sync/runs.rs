//! Sync runs: the status rows the pages show (queued → running → complete / complete
//! with warnings / failed). The database enforces one queued-or-running run per app
//! (a unique index on `active_app`), a claim is one atomic UPDATE, and a heartbeat lets
//! a run whose server died be found and marked interrupted.

use crate::audit::{self, Actor};
use crate::auth::users::User;
use crate::db::{Db, is_unique_violation, new_id};
use crate::org::change::{ChangeKind, Counts};
use crate::org::model::UnknownValue;
use crate::org::visibility::Sensitive;
use crate::org::{conflicts, history};
use sqlx::{AnyConnection, FromRow};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunStatus {
    Queued,
    Running,
    Complete,
    CompleteWithWarnings,
    Failed,
}

impl RunStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Running => "running",
            Self::Complete => "complete",
            Self::CompleteWithWarnings => "complete_with_warnings",
            Self::Failed => "failed",
        }
    }
    pub fn parse(s: &str) -> Result<Self, UnknownValue> {
        match s {
            "queued" => Ok(Self::Queued),
            "running" => Ok(Self::Running),
            "complete" => Ok(Self::Complete),
            "complete_with_warnings" => Ok(Self::CompleteWithWarnings),
            "failed" => Ok(Self::Failed),
            _ => Err(UnknownValue::new("run status", s)),
        }
    }
    /// How the UI says it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Queued => "Queued",
            Self::Running => "Running",
            Self::Complete => "Complete",
            Self::CompleteWithWarnings => "Complete with warnings",
            Self::Failed => "Failed",
        }
    }
    pub fn is_finished(self) -> bool {
        !matches!(self, Self::Queued | Self::Running)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cause {
    Manual,
    Scheduled,
}

impl Cause {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Manual => "manual",
            Self::Scheduled => "scheduled",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Self::Manual => "Sync To Primary",
            Self::Scheduled => "Run Daily",
        }
    }
    pub fn parse(s: &str) -> Result<Self, UnknownValue> {
        match s {
            "manual" => Ok(Self::Manual),
            "scheduled" => Ok(Self::Scheduled),
            _ => Err(UnknownValue::new("run trigger", s)),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Run {
    pub id: String,
    pub app: String,
    pub status: RunStatus,
    pub cause: Cause,
    pub requested_by: Option<String>,
    pub requested_by_name: Option<String>,
    pub queued_at: i64,
    pub started_at: Option<i64>,
    pub finished_at: Option<i64>,
    pub heartbeat_at: Option<i64>,
    pub step: Option<String>,
    pub members_fetched: i64,
    pub counts: Counts,
    pub warnings: Vec<String>,
    pub error: Option<String>,
}

#[derive(FromRow)]
struct RunRow {
    id: String,
    app: String,
    status: String,
    cause: String,
    requested_by: Option<String>,
    requested_by_name: Option<String>,
    queued_at: i64,
    started_at: Option<i64>,
    finished_at: Option<i64>,
    heartbeat_at: Option<i64>,
    step: Option<String>,
    members_fetched: i64,
    created_count: i64,
    updated_count: i64,
    departed_count: i64,
    rehired_count: i64,
    unchanged_count: i64,
    excluded_count: i64,
    warnings_count: i64,
    conflicts_count: i64,
    warnings: String,
    error: Option<String>,
}

const RUN_COLUMNS: &str = "id, app, status, cause, requested_by, requested_by_name, queued_at, \
    started_at, finished_at, heartbeat_at, step, members_fetched, created_count, updated_count, \
    departed_count, rehired_count, unchanged_count, excluded_count, warnings_count, \
    conflicts_count, warnings, error";

impl TryFrom<RunRow> for Run {
    type Error = UnknownValue;
    fn try_from(r: RunRow) -> Result<Self, UnknownValue> {
        Ok(Run {
            id: r.id,
            app: r.app,
            status: RunStatus::parse(&r.status)?,
            cause: Cause::parse(&r.cause)?,
            requested_by: r.requested_by,
            requested_by_name: r.requested_by_name,
            queued_at: r.queued_at,
            started_at: r.started_at,
            finished_at: r.finished_at,
            heartbeat_at: r.heartbeat_at,
            step: r.step,
            members_fetched: r.members_fetched,
            counts: Counts {
                created: r.created_count,
                updated: r.updated_count,
                departed: r.departed_count,
                rehired: r.rehired_count,
                unchanged: r.unchanged_count,
                excluded: r.excluded_count,
                warnings: r.warnings_count,
                conflicts: r.conflicts_count,
                owner_only: None,
            },
            warnings: serde_json::from_str(&r.warnings).unwrap_or_default(),
            error: r.error,
        })
    }
}

/// Rows read as runs; one with an unknown status or trigger fails the read.
fn runs_of(rows: Vec<RunRow>) -> sqlx::Result<Vec<Run>> {
    Ok(rows
        .into_iter()
        .map(Run::try_from)
        .collect::<Result<_, _>>()?)
}

/// What pressing Sync To Primary did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Enqueued {
    /// A new run, queued.
    New(String),
    /// A run of this app was already queued or running: this is it.
    AlreadyActive(String),
}

impl Enqueued {
    pub fn run_id(&self) -> &str {
        match self {
            Self::New(id) | Self::AlreadyActive(id) => id,
        }
    }
}

/// Queues a run of `app` unless one is already queued or running (the database decides,
/// so concurrent presses on any number of instances make one run). `now` is the time
/// as stored (UTC milliseconds, from the app's clock), here and below.
pub async fn enqueue(
    conn: &mut AnyConnection,
    app: &str,
    cause: Cause,
    requested_by: Option<(&str, &str)>,
    now: i64,
) -> sqlx::Result<Enqueued> {
    let id = new_id();
    let inserted = sqlx::query(
        "INSERT INTO sync_runs (id, app, status, cause, requested_by, requested_by_name, \
         queued_at, active_app) VALUES ($1, $2, 'queued', $3, $4, $5, $6, $2) \
         ON CONFLICT (active_app) DO NOTHING",
    )
    .bind(&id)
    .bind(app)
    .bind(cause.as_str())
    .bind(requested_by.map(|(id, _)| id))
    .bind(requested_by.map(|(_, name)| name))
    .bind(now)
    .execute(&mut *conn)
    .await;
    match inserted {
        Ok(done) if done.rows_affected() == 1 => return Ok(Enqueued::New(id)),
        Ok(_) => {}
        Err(e) if is_unique_violation(&e) => {}
        Err(e) => return Err(e),
    }
    let active: Option<(String,)> =
        sqlx::query_as("SELECT id FROM sync_runs WHERE active_app = $1")
            .bind(app)
            .fetch_optional(&mut *conn)
            .await?;
    match active {
        Some((id,)) => Ok(Enqueued::AlreadyActive(id)),
        // The other run finished between our insert and this read: try once more.
        None => Box::pin(enqueue(conn, app, cause, requested_by, now)).await,
    }
}

/// A sync of `app` asked for by `user` from the page: queued (unless one is already
/// queued or running) and, when new, recorded in the audit log with it.
pub async fn request_manual(
    db: &Db,
    app: &str,
    label: &str,
    user: &User,
    now: jiff::Timestamp,
) -> sqlx::Result<Enqueued> {
    let mut tx = db.begin().await?;
    let requested_by = Some((user.id.as_str(), user.name.as_str()));
    let enqueued = enqueue(
        &mut tx,
        app,
        Cause::Manual,
        requested_by,
        now.as_millisecond(),
    )
    .await?;
    if let Enqueued::New(id) = &enqueued {
        audit::record(
            &mut tx,
            &Actor::user(user),
            "sync.requested",
            label,
            &format!("run {id}"),
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(enqueued)
}

/// Claims the oldest queued run for `worker`, atomically: two workers never get the same
/// run.
pub async fn claim_next(db: &Db, worker: &str, now: i64) -> sqlx::Result<Option<Run>> {
    let claimed: Option<(String,)> = sqlx::query_as(
        "UPDATE sync_runs SET status = 'running', started_at = $1, heartbeat_at = $1, \
         worker = $2, step = 'Starting' \
         WHERE id = (SELECT id FROM sync_runs WHERE status = 'queued' ORDER BY queued_at, id LIMIT 1) \
         AND status = 'queued' RETURNING id",
    )
    .bind(now)
    .bind(worker)
    .fetch_optional(db.pool())
    .await?;
    match claimed {
        Some((id,)) => find(db, &id).await,
        None => Ok(None),
    }
}

pub async fn find(db: &Db, id: &str) -> sqlx::Result<Option<Run>> {
    let row: Option<RunRow> = sqlx::query_as(&format!(
        "SELECT {RUN_COLUMNS} FROM sync_runs WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(db.pool())
    .await?;
    Ok(row.map(Run::try_from).transpose()?)
}

/// The latest runs, newest first; `before` is the id of the last run already shown.
pub async fn list(
    db: &Db,
    app: Option<&str>,
    before: Option<&str>,
    limit: i64,
) -> sqlx::Result<Vec<Run>> {
    let rows: Vec<RunRow> = sqlx::query_as(&format!(
        "SELECT {RUN_COLUMNS} FROM sync_runs WHERE ($1 IS NULL OR app = $1) \
         AND ($2 IS NULL OR id < $2) ORDER BY id DESC LIMIT $3"
    ))
    .bind(app)
    .bind(before)
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    runs_of(rows)
}

/// The latest finished run of an app and the active one, if any (for the Apps page).
pub async fn latest(db: &Db, app: &str) -> sqlx::Result<Option<Run>> {
    Ok(list(db, Some(app), None, 1).await?.into_iter().next())
}

/// Records what a running run is doing; false if the run is no longer this worker's
/// (it was marked interrupted), so the worker must stop.
pub async fn heartbeat(
    db: &Db,
    id: &str,
    worker: &str,
    step: &str,
    members_fetched: i64,
    now: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE sync_runs SET heartbeat_at = $1, step = $2, members_fetched = $3 \
         WHERE id = $4 AND worker = $5 AND status = 'running'",
    )
    .bind(now)
    .bind(step)
    .bind(members_fetched)
    .bind(id)
    .bind(worker)
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Ends a run as failed with a sentence a person can act on, on the caller's connection
/// or transaction (so that the failure email is queued with it); false if the run had
/// already ended.
pub async fn fail_in(
    conn: &mut AnyConnection,
    id: &str,
    error: &str,
    now: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE sync_runs SET status = 'failed', error = $1, finished_at = $2, active_app = NULL, \
         step = NULL WHERE id = $3 AND status IN ('queued', 'running')",
    )
    .bind(error)
    .bind(now)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The first statement of the apply transaction: a write, so that the transaction holds
/// the database's write lock (SQLite) / the run's row (PostgreSQL) from its start.
pub async fn lock_for_apply(conn: &mut AnyConnection, id: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE sync_runs SET step = 'Saving changes' WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Ends a run as complete inside the apply transaction, so the run row and the org
/// commit together. False if the run is no longer this worker's (nothing must commit).
pub async fn finish(
    conn: &mut AnyConnection,
    id: &str,
    worker: &str,
    counts: &Counts,
    warnings: &[String],
    members_fetched: i64,
    now: i64,
) -> sqlx::Result<bool> {
    let status = if warnings.is_empty() {
        RunStatus::Complete
    } else {
        RunStatus::CompleteWithWarnings
    };
    let done = sqlx::query(
        "UPDATE sync_runs SET status = $1, finished_at = $2, heartbeat_at = $2, active_app = NULL, \
         step = NULL, members_fetched = $3, created_count = $4, updated_count = $5, \
         departed_count = $6, rehired_count = $7, unchanged_count = $8, excluded_count = $9, \
         warnings_count = $10, warnings = $11, conflicts_count = $14 \
         WHERE id = $12 AND worker = $13 AND status = 'running'",
    )
    .bind(status.as_str())
    .bind(now)
    .bind(members_fetched)
    .bind(counts.created)
    .bind(counts.updated)
    .bind(counts.departed)
    .bind(counts.rehired)
    .bind(counts.unchanged)
    .bind(counts.excluded)
    .bind(warnings.len() as i64)
    .bind(serde_json::to_string(warnings).expect("json"))
    .bind(id)
    .bind(worker)
    .bind(counts.conflicts)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub const INTERRUPTED: &str = "The sync was interrupted (the server stopped or lost contact while \
    it ran). Nothing was changed by it; press Sync To Primary to run it again.";

/// Running runs whose heartbeat is older than `stale_ms` before `now`: their server died
/// (or, at a SQLite start, every running run). The caller marks each interrupted — any
/// instance may do it for any other; `fail_in` makes sure only one of them does.
pub async fn stale_runs(db: &Db, stale_ms: i64, now: i64) -> sqlx::Result<Vec<Run>> {
    let rows: Vec<RunRow> = sqlx::query_as(&format!(
        "SELECT {RUN_COLUMNS} FROM sync_runs WHERE status = 'running' \
         AND (heartbeat_at IS NULL OR heartbeat_at < $1)"
    ))
    .bind(now - stale_ms)
    .fetch_all(db.pool())
    .await?;
    runs_of(rows)
}

/// A run as one reader may learn it: the people changed per kind, from the history rows
/// the reader may see (see [`history::seen_changes`]); for a reader who may not see
/// sensitive fields, the people whose only changes were to those are counted out of
/// `updated` and apart, in `counts.owner_only`, and conflicts on sensitive fields are
/// not counted.
pub async fn as_seen(
    db: &Db,
    mut run: Run,
    sensitive: Sensitive,
) -> sqlx::Result<(Run, Vec<(ChangeKind, i64)>)> {
    let mut conn = db.pool().acquire().await?;
    let seen = history::seen_changes(&mut conn, &run.id, sensitive).await?;
    if let Some(owner_only) = seen.owner_only {
        run.counts.updated = (run.counts.updated - owner_only).max(0);
        run.counts.owner_only = Some(owner_only);
    }
    if sensitive == Sensitive::Hidden {
        // Only the conflicts they may learn of (a later run may have replaced some of
        // this run's: then fewer, never a hint of a sensitive one).
        let visible = conflicts::count_of_run(&mut conn, &run.id, sensitive).await?;
        run.counts.conflicts = run.counts.conflicts.min(visible);
    }
    Ok((run, seen.kinds))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_run_status_or_trigger_reads_back_and_an_unknown_one_is_an_error() {
        use RunStatus::*;
        for status in [Queued, Running, Complete, CompleteWithWarnings, Failed] {
            assert_eq!(RunStatus::parse(status.as_str()), Ok(status));
        }
        for cause in [Cause::Manual, Cause::Scheduled] {
            assert_eq!(Cause::parse(cause.as_str()), Ok(cause));
        }
        // Never quietly "failed" or "manual".
        let unknown = RunStatus::parse("paused").unwrap_err();
        assert_eq!(
            unknown.to_string(),
            r#"unknown run status "paused" in the database"#
        );
        assert!(Cause::parse("webhook").is_err());
        assert!(Cause::parse("").is_err());
    }
}
