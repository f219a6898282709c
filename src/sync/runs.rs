//! Sync runs: the status rows the pages show (queued → running → complete / complete
//! with warnings / failed). The database enforces one queued-or-running run per app
//! (a unique index on `active_app`; a webhook run may wait behind a running one, see
//! [`debounced`]), a claim is one atomic UPDATE, and a heartbeat lets a run whose
//! server died be found and marked interrupted.

use crate::audit::{self, Actor};
use crate::auth::users::User;
use crate::db::{Db, is_unique_violation, new_id};
use crate::org::change::{ChangeKind, Counts};
use crate::org::model::UnknownValue;
use crate::org::visibility::Sensitive;
use crate::org::{conflicts, history};
use sqlx::{AnyConnection, FromRow};

pub mod debounced;
pub use debounced::{Debounced, enqueue_webhook};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunStatus {
    Queued,
    Running,
    Complete,
    CompleteWithWarnings,
    Failed,
    /// Planned, and waiting for a Technical Owner or Owner to apply or discard it.
    NeedsReview,
    /// Its plan was discarded (by someone, or after waiting 7 days): nothing applied.
    Discarded,
    /// A newer plan replaced it while it waited: nothing applied.
    Superseded,
}

impl RunStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Running => "running",
            Self::Complete => "complete",
            Self::CompleteWithWarnings => "complete_with_warnings",
            Self::Failed => "failed",
            Self::NeedsReview => "needs_review",
            Self::Discarded => "discarded",
            Self::Superseded => "superseded",
        }
    }
    pub fn parse(s: &str) -> Result<Self, UnknownValue> {
        match s {
            "queued" => Ok(Self::Queued),
            "running" => Ok(Self::Running),
            "complete" => Ok(Self::Complete),
            "complete_with_warnings" => Ok(Self::CompleteWithWarnings),
            "failed" => Ok(Self::Failed),
            "needs_review" => Ok(Self::NeedsReview),
            "discarded" => Ok(Self::Discarded),
            "superseded" => Ok(Self::Superseded),
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
            Self::NeedsReview => "Waiting for review",
            Self::Discarded => "Discarded",
            Self::Superseded => "Superseded",
        }
    }
    /// Neither queued nor running (a run waiting for review has stopped working).
    pub fn is_finished(self) -> bool {
        !matches!(self, Self::Queued | Self::Running)
    }
    /// Whether its plan was applied to the org.
    pub fn is_applied(self) -> bool {
        matches!(self, Self::Complete | Self::CompleteWithWarnings)
    }
    /// Whether its changes are a plan that was not (yet) applied: its rows are in
    /// `planned_history`, not `history`.
    pub fn is_planned_only(self) -> bool {
        matches!(self, Self::NeedsReview | Self::Discarded | Self::Superseded)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cause {
    Manual,
    Scheduled,
    /// *Preview changes*: fetch and plan, then wait for review.
    Preview,
    /// Undo an applied run (`Run::reverts`).
    Revert,
    /// Asked for by a Justworks webhook.
    Webhook,
}

impl Cause {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Manual => "manual",
            Self::Scheduled => "scheduled",
            Self::Preview => "preview",
            Self::Revert => "revert",
            Self::Webhook => "webhook",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Self::Manual => "Sync To Primary",
            Self::Scheduled => "Run Daily",
            Self::Preview => "Preview changes",
            Self::Revert => "Revert",
            Self::Webhook => "Justworks webhook",
        }
    }
    pub fn parse(s: &str) -> Result<Self, UnknownValue> {
        match s {
            "manual" => Ok(Self::Manual),
            "scheduled" => Ok(Self::Scheduled),
            "preview" => Ok(Self::Preview),
            "revert" => Ok(Self::Revert),
            "webhook" => Ok(Self::Webhook),
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
    /// Why it waits (or waited) for review; set when queued for previews, re-plans and
    /// reverts, when planned for the rest.
    pub waits_for: Option<WaitReason>,
    /// The safeguards' sentences that stopped it.
    pub guards: Vec<String>,
    pub planned_at: Option<i64>,
    /// The org's revision its plan was made against.
    pub plan_rev: Option<i64>,
    pub decided_by: Option<String>,
    pub decided_by_name: Option<String>,
    pub decided_at: Option<i64>,
    /// The applied run this one reverts.
    pub reverts: Option<String>,
    /// The newer run that replaced this one while it waited.
    pub superseded_by: Option<String>,
    /// What it read from the source: `None`, everyone (or nothing yet); else only the
    /// members changed since this instant (UTC ms).
    pub read_since: Option<i64>,
}

impl Run {
    /// Where its changes are: applied (history), or only planned.
    pub fn rows(&self) -> history::Rows {
        if self.status.is_planned_only() {
            history::Rows::Planned
        } else {
            history::Rows::Applied
        }
    }
}

/// Why a run waits for review (docs/design.md → *Reviewable, guarded, reversible syncs*).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaitReason {
    /// *Preview changes* was pressed.
    Preview,
    /// The first sync of an install always waits.
    FirstSync,
    /// A safeguard tripped (`Run::guards` says which).
    Safeguard,
    /// The apply mode is *Always wait for review*.
    AlwaysReview,
    /// Approved, but the org had changed since it was planned: planned again.
    Replan,
    /// A revert is always shown before it is applied.
    Revert,
}

impl WaitReason {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Preview => "preview",
            Self::FirstSync => "first_sync",
            Self::Safeguard => "safeguard",
            Self::AlwaysReview => "always_review",
            Self::Replan => "replan",
            Self::Revert => "revert",
        }
    }
    pub fn parse(s: &str) -> Result<Self, UnknownValue> {
        match s {
            "preview" => Ok(Self::Preview),
            "first_sync" => Ok(Self::FirstSync),
            "safeguard" => Ok(Self::Safeguard),
            "always_review" => Ok(Self::AlwaysReview),
            "replan" => Ok(Self::Replan),
            "revert" => Ok(Self::Revert),
            _ => Err(UnknownValue::new("review reason", s)),
        }
    }
    /// Why it waits, as its page says it.
    pub fn sentence(self) -> &'static str {
        match self {
            Self::Preview => "A preview: nothing is written until you apply it.",
            Self::FirstSync => {
                "The first sync of Justworks always waits for review: check the import \
                 before anything is written."
            }
            Self::Safeguard => "A safeguard stopped this sync before anything was written.",
            Self::AlwaysReview => "The Justworks settings ask for every sync to wait for review.",
            Self::Replan => {
                "The org changed after the earlier plan was made (a hand edit or another \
                 sync), so orgsync planned again: review the new plan."
            }
            Self::Revert => "A revert is shown for review before anything is written.",
        }
    }
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
    waits_for: Option<String>,
    guards: String,
    planned_at: Option<i64>,
    plan_rev: Option<i64>,
    decided_by: Option<String>,
    decided_by_name: Option<String>,
    decided_at: Option<i64>,
    reverts: Option<String>,
    superseded_by: Option<String>,
    read_since: Option<i64>,
}

const RUN_COLUMNS: &str = "id, app, status, cause, requested_by, requested_by_name, queued_at, \
    started_at, finished_at, heartbeat_at, step, members_fetched, created_count, updated_count, \
    departed_count, rehired_count, unchanged_count, excluded_count, warnings_count, \
    conflicts_count, warnings, error, waits_for, guards, planned_at, plan_rev, decided_by, \
    decided_by_name, decided_at, reverts, superseded_by, read_since";

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
            waits_for: r.waits_for.as_deref().map(WaitReason::parse).transpose()?,
            guards: serde_json::from_str(&r.guards).unwrap_or_default(),
            planned_at: r.planned_at,
            plan_rev: r.plan_rev,
            decided_by: r.decided_by,
            decided_by_name: r.decided_by_name,
            decided_at: r.decided_at,
            reverts: r.reverts,
            superseded_by: r.superseded_by,
            read_since: r.read_since,
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
    enqueue_for_review(conn, app, cause, requested_by, ForReview::default(), now).await
}

/// What a run queued to be reviewed carries: why it will wait, and the run it reverts.
#[derive(Debug, Clone, Copy, Default)]
pub struct ForReview<'a> {
    pub waits_for: Option<WaitReason>,
    pub reverts: Option<&'a str>,
}

/// [`enqueue`], for a run that waits for review once planned (a preview, a re-plan, a
/// revert).
pub async fn enqueue_for_review(
    conn: &mut AnyConnection,
    app: &str,
    cause: Cause,
    requested_by: Option<(&str, &str)>,
    review: ForReview<'_>,
    now: i64,
) -> sqlx::Result<Enqueued> {
    let id = new_id();
    let inserted = sqlx::query(
        "INSERT INTO sync_runs (id, app, status, cause, requested_by, requested_by_name, \
         queued_at, active_app, waits_for, reverts) \
         VALUES ($1, $2, 'queued', $3, $4, $5, $6, $2, $7, $8) \
         ON CONFLICT (active_app) DO NOTHING",
    )
    .bind(&id)
    .bind(app)
    .bind(cause.as_str())
    .bind(requested_by.map(|(id, _)| id))
    .bind(requested_by.map(|(_, name)| name))
    .bind(now)
    .bind(review.waits_for.map(WaitReason::as_str))
    .bind(review.reverts)
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
        Some((id,)) => {
            // A person (or Run Daily) asked for a sync now: a webhook run waiting out
            // its debounce need not wait any longer.
            debounced::start_now(&mut *conn, &id).await?;
            Ok(Enqueued::AlreadyActive(id))
        }
        // The other run finished between our insert and this read: try once more.
        None => {
            Box::pin(enqueue_for_review(
                conn,
                app,
                cause,
                requested_by,
                review,
                now,
            ))
            .await
        }
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
    request(
        db,
        app,
        label,
        user,
        Cause::Manual,
        ForReview::default(),
        now,
    )
    .await
}

/// *Preview changes*: a run that fetches and plans, then waits for review.
pub async fn request_preview(
    db: &Db,
    app: &str,
    label: &str,
    user: &User,
    now: jiff::Timestamp,
) -> sqlx::Result<Enqueued> {
    let review = ForReview {
        waits_for: Some(WaitReason::Preview),
        reverts: None,
    };
    request(db, app, label, user, Cause::Preview, review, now).await
}

/// A run asked for by `user` on a page (Sync To Primary, Preview changes, Revert, an
/// approval that must plan again), queued and audit-logged together.
pub async fn request(
    db: &Db,
    app: &str,
    label: &str,
    user: &User,
    cause: Cause,
    review: ForReview<'_>,
    now: jiff::Timestamp,
) -> sqlx::Result<Enqueued> {
    let mut tx = db.begin().await?;
    let requested_by = Some((user.id.as_str(), user.name.as_str()));
    let enqueued = enqueue_for_review(
        &mut tx,
        app,
        cause,
        requested_by,
        review,
        now.as_millisecond(),
    )
    .await?;
    if let Enqueued::New(id) = &enqueued {
        let (action, detail) = match (cause, review.reverts) {
            (Cause::Preview, _) => ("sync.preview_requested", format!("run {id}")),
            (Cause::Revert, Some(of)) => (
                "sync.revert_requested",
                format!("run {id} reverts run {of}"),
            ),
            _ => ("sync.requested", format!("run {id}")),
        };
        audit::record(&mut tx, &Actor::user(user), action, label, &detail, now).await?;
    }
    tx.commit().await?;
    Ok(enqueued)
}

/// Claims the oldest queued run for `worker`, atomically: two workers never get the same
/// run. A run waiting out its debounce (`not_before` still ahead) or following a run
/// still running (no `active_app` yet, see [`debounced`]) is not claimable.
pub async fn claim_next(db: &Db, worker: &str, now: i64) -> sqlx::Result<Option<Run>> {
    let claimed: Option<(String,)> = sqlx::query_as(
        "UPDATE sync_runs SET status = 'running', started_at = $1, heartbeat_at = $1, \
         worker = $2, step = 'Starting' \
         WHERE id = (SELECT id FROM sync_runs WHERE status = 'queued' \
         AND active_app IS NOT NULL AND (not_before IS NULL OR not_before <= $1) \
         ORDER BY queued_at, id LIMIT 1) \
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

/// Records what a running run is about to read: everyone (`None`), or the members
/// changed since an instant (UTC ms). False if the run is no longer this worker's.
pub async fn set_read_since(
    db: &Db,
    id: &str,
    worker: &str,
    read_since: Option<i64>,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE sync_runs SET read_since = $1 WHERE id = $2 AND worker = $3 \
         AND status = 'running'",
    )
    .bind(read_since)
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

/// Ends a run's work in `needs_review` inside the transaction that stores its plan: the
/// plan's counts and warnings, why it waits, the safeguards' sentences, the org revision
/// it was made against. False if the run is no longer this worker's.
#[allow(clippy::too_many_arguments)]
pub async fn wait_for_review(
    conn: &mut AnyConnection,
    id: &str,
    worker: &str,
    counts: &Counts,
    warnings: &[String],
    members_fetched: i64,
    reason: WaitReason,
    guards: &[String],
    plan_rev: i64,
    now: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE sync_runs SET status = 'needs_review', finished_at = NULL, heartbeat_at = $1, \
         planned_at = $1, active_app = NULL, step = NULL, members_fetched = $2, \
         created_count = $3, updated_count = $4, departed_count = $5, rehired_count = $6, \
         unchanged_count = $7, excluded_count = $8, warnings_count = $9, warnings = $10, \
         conflicts_count = $11, waits_for = $12, guards = $13, plan_rev = $14 \
         WHERE id = $15 AND worker = $16 AND status = 'running'",
    )
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
    .bind(counts.conflicts)
    .bind(reason.as_str())
    .bind(serde_json::to_string(guards).expect("json"))
    .bind(plan_rev)
    .bind(id)
    .bind(worker)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Marks the plan of `app` waiting for review, other than `by`'s, superseded by run
/// `by` (a newer plan was made: the old one is stale). Returns the runs it superseded.
pub async fn supersede_waiting(
    conn: &mut AnyConnection,
    app: &str,
    by: &str,
    now: i64,
) -> sqlx::Result<Vec<Run>> {
    let rows: Vec<RunRow> = sqlx::query_as(&format!(
        "SELECT {RUN_COLUMNS} FROM sync_runs WHERE app = $1 AND status = 'needs_review' \
         AND id <> $2"
    ))
    .bind(app)
    .bind(by)
    .fetch_all(&mut *conn)
    .await?;
    sqlx::query(
        "UPDATE sync_runs SET status = 'superseded', superseded_by = $1, finished_at = $2 \
         WHERE app = $3 AND status = 'needs_review' AND id <> $1",
    )
    .bind(by)
    .bind(now)
    .bind(app)
    .execute(&mut *conn)
    .await?;
    runs_of(rows)
}

/// Takes the decision on a waiting run, as the first write of the transaction that
/// applies or discards it: true for exactly one caller however many press at once (the
/// database decides: the row's status changes once).
pub async fn decide(
    conn: &mut AnyConnection,
    id: &str,
    decision: RunStatus,
    by: Option<(&str, &str)>,
    now: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE sync_runs SET status = $1, decided_by = $2, decided_by_name = $3, \
         decided_at = $4, finished_at = $4 WHERE id = $5 AND status = 'needs_review'",
    )
    .bind(decision.as_str())
    .bind(by.map(|(id, _)| id))
    .bind(by.map(|(_, name)| name))
    .bind(now)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Sets the sentence that says why a run ended as it did (a plan discarded after waiting
/// too long).
pub async fn set_error(conn: &mut AnyConnection, id: &str, error: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE sync_runs SET error = $1 WHERE id = $2")
        .bind(error)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// A run read on the caller's connection or transaction.
pub async fn find_in(conn: &mut AnyConnection, id: &str) -> sqlx::Result<Option<Run>> {
    let row: Option<RunRow> = sqlx::query_as(&format!(
        "SELECT {RUN_COLUMNS} FROM sync_runs WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(Run::try_from).transpose()?)
}

/// The run of `app` waiting for review, if any (at most one: the database sees to it).
pub async fn waiting(db: &Db, app: &str) -> sqlx::Result<Option<Run>> {
    let row: Option<RunRow> = sqlx::query_as(&format!(
        "SELECT {RUN_COLUMNS} FROM sync_runs WHERE app = $1 AND status = 'needs_review'"
    ))
    .bind(app)
    .fetch_optional(db.pool())
    .await?;
    Ok(row.map(Run::try_from).transpose()?)
}

/// Runs waiting for review since before `planned_before`.
pub async fn waiting_since(db: &Db, planned_before: i64) -> sqlx::Result<Vec<Run>> {
    let rows: Vec<RunRow> = sqlx::query_as(&format!(
        "SELECT {RUN_COLUMNS} FROM sync_runs WHERE status = 'needs_review' AND planned_at < $1"
    ))
    .bind(planned_before)
    .fetch_all(db.pool())
    .await?;
    runs_of(rows)
}

/// Whether a run of `app` other than a revert has been applied since `since` (the
/// install): the first sync of an install always waits for review.
pub async fn applied_since(conn: &mut AnyConnection, app: &str, since: i64) -> sqlx::Result<bool> {
    let found: Option<(String,)> = sqlx::query_as(
        "SELECT id FROM sync_runs WHERE app = $1 AND status IN ('complete', \
         'complete_with_warnings') AND queued_at >= $2 LIMIT 1",
    )
    .bind(app)
    .bind(since)
    .fetch_optional(conn)
    .await?;
    Ok(found.is_some())
}

/// The latest applied run that reverts `id`, if any.
pub async fn reverted_by(db: &Db, id: &str) -> sqlx::Result<Option<String>> {
    let found: Option<(String,)> = sqlx::query_as(
        "SELECT id FROM sync_runs WHERE reverts = $1 AND status IN ('complete', \
         'complete_with_warnings') ORDER BY id DESC LIMIT 1",
    )
    .bind(id)
    .fetch_optional(db.pool())
    .await?;
    Ok(found.map(|(id,)| id))
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
    let seen = history::seen_changes(&mut conn, &run.id, run.rows(), sensitive).await?;
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

/// How the latest runs that read from the payroll app ended, newest first: `(failed,
/// error, finished_at)` — a run that read and planned (applied or waiting for review)
/// is not failed. Reverts and runs not yet ended are left out: they read nothing.
pub async fn recent_reads(
    db: &Db,
    app: &str,
    limit: i64,
) -> sqlx::Result<Vec<(bool, Option<String>, i64)>> {
    // A plan waiting for review (or decided later) read at `planned_at`.
    let rows: Vec<(String, Option<String>, i64)> = sqlx::query_as(
        "SELECT status, error, COALESCE(planned_at, finished_at) AS read_end FROM sync_runs \
         WHERE app = $1 AND cause <> 'revert' \
         AND COALESCE(planned_at, finished_at) IS NOT NULL \
         AND status IN ('complete', 'failed', 'needs_review', 'discarded', 'superseded') \
         ORDER BY read_end DESC, id DESC LIMIT $2",
    )
    .bind(app)
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|(status, error, at)| (status == "failed", error, at))
        .collect())
}

/// How many of the app's latest daily runs failed in a row (the one just failed
/// included, inside the caller's transaction).
pub async fn failed_daily_streak(conn: &mut AnyConnection, app: &str) -> sqlx::Result<usize> {
    let statuses: Vec<(String,)> = sqlx::query_as(
        "SELECT status FROM sync_runs WHERE app = $1 AND cause = 'scheduled' \
         AND finished_at IS NOT NULL ORDER BY finished_at DESC, id DESC LIMIT 10",
    )
    .bind(app)
    .fetch_all(&mut *conn)
    .await?;
    Ok(statuses.iter().take_while(|(s,)| s == "failed").count())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_run_status_or_trigger_reads_back_and_an_unknown_one_is_an_error() {
        use RunStatus::*;
        for status in [
            Queued,
            Running,
            Complete,
            CompleteWithWarnings,
            Failed,
            NeedsReview,
            Discarded,
            Superseded,
        ] {
            assert_eq!(RunStatus::parse(status.as_str()), Ok(status));
        }
        for cause in [
            Cause::Manual,
            Cause::Scheduled,
            Cause::Preview,
            Cause::Revert,
            Cause::Webhook,
        ] {
            assert_eq!(Cause::parse(cause.as_str()), Ok(cause));
        }
        for reason in [
            WaitReason::Preview,
            WaitReason::FirstSync,
            WaitReason::Safeguard,
            WaitReason::AlwaysReview,
            WaitReason::Replan,
            WaitReason::Revert,
        ] {
            assert_eq!(WaitReason::parse(reason.as_str()), Ok(reason));
        }
        // Never quietly "failed" or "manual".
        let unknown = RunStatus::parse("paused").unwrap_err();
        assert_eq!(
            unknown.to_string(),
            r#"unknown run status "paused" in the database"#
        );
        assert!(Cause::parse("email").is_err());
        assert!(WaitReason::parse("later").is_err());
        assert!(Cause::parse("").is_err());
    }
}
