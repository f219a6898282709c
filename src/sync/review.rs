//! Reviewing a plan before it is written (docs/design.md → *Reviewable, guarded,
//! reversible syncs*): the plan kept with its run while it waits (`run_plans`, this
//! module's table), **Approve** (apply the stored plan in one transaction if the org has
//! not changed since it was planned, else plan again), **Discard**, the 7-day expiry, and
//! **Revert** (queue a run that undoes an applied one).

use crate::audit::{self, Actor};
use crate::auth::users::User;
use crate::db::Db;
use crate::org::change::{Conflict, Entity, JobChange, PersonChange, Plan};
use crate::org::fields;
use crate::org::store::{self, Groups, TreeShape};
use crate::org::{edit, history};
use crate::state::AppState;
use crate::sync::notify::RunEnd;
use crate::sync::pipeline;
use crate::sync::runs::{self, Cause, Enqueued, ForReview, Run, RunStatus, WaitReason};
use sqlx::AnyConnection;

/// How long a plan may wait for a decision before it is discarded.
pub const WAIT_LIMIT_MS: i64 = 7 * 24 * 60 * 60 * 1000;

/// What a waiting plan keeps: the rows the apply would write (never the roster), the
/// conflicts it found and the departments and offices the pull named. Its history rows
/// are in `planned_history`, where the run page reads them.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct StoredPlan {
    people: Vec<PersonChange>,
    jobs: Vec<JobChange>,
    conflicts: Vec<StoredConflict>,
    groups: Groups,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct StoredConflict {
    entity: String,
    entity_id: String,
    person_id: Option<String>,
    person_name: String,
    field: String,
    ours: Option<String>,
    theirs: Option<String>,
    theirs_value: Option<String>,
    sensitive: bool,
}

impl From<&Conflict> for StoredConflict {
    fn from(c: &Conflict) -> Self {
        Self {
            entity: c.entity.as_str().into(),
            entity_id: c.entity_id.clone(),
            person_id: c.person_id.clone(),
            person_name: c.person_name.clone(),
            field: c.field.into(),
            ours: c.ours.clone(),
            theirs: c.theirs.clone(),
            theirs_value: c.theirs_value.clone(),
            sensitive: c.sensitive,
        }
    }
}

impl TryFrom<StoredConflict> for Conflict {
    type Error = crate::db::UnknownValue;
    fn try_from(c: StoredConflict) -> Result<Self, Self::Error> {
        Ok(Conflict {
            entity: Entity::parse(&c.entity)?,
            entity_id: c.entity_id,
            person_id: c.person_id,
            person_name: c.person_name,
            field: fields::key_of(&c.field)?,
            ours: c.ours,
            theirs: c.theirs,
            theirs_value: c.theirs_value,
            sensitive: c.sensitive,
        })
    }
}

/// Keeps a plan with its waiting run, in the transaction that ends the run's work: the
/// rows to write and the history rows its page shows.
pub async fn store_plan(
    conn: &mut AnyConnection,
    run_id: &str,
    plan: &Plan,
    groups: &Groups,
    now: i64,
) -> sqlx::Result<()> {
    let stored = StoredPlan {
        people: plan.people.clone(),
        jobs: plan.jobs.clone(),
        conflicts: plan.conflicts.iter().map(StoredConflict::from).collect(),
        groups: groups.clone(),
    };
    let json = serde_json::to_string(&stored).expect("a plan serialises");
    sqlx::query(
        "INSERT INTO run_plans (run_id, plan, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (run_id) DO UPDATE SET plan = excluded.plan",
    )
    .bind(run_id)
    .bind(json)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    history::record_planned(conn, &plan.history, run_id, now).await
}

/// The stored plan of a waiting run, as a plan to apply (its history rows stay in
/// `planned_history`: [`history::apply_planned`] moves them).
async fn load_plan(conn: &mut AnyConnection, run: &Run) -> sqlx::Result<Option<(Plan, Groups)>> {
    let found: Option<(Option<String>,)> =
        sqlx::query_as("SELECT plan FROM run_plans WHERE run_id = $1")
            .bind(&run.id)
            .fetch_optional(&mut *conn)
            .await?;
    let Some((Some(json),)) = found else {
        return Ok(None);
    };
    let stored: StoredPlan = serde_json::from_str(&json).map_err(|e| {
        sqlx::Error::Decode(format!("the stored plan of run {} is unreadable: {e}", run.id).into())
    })?;
    let conflicts = stored
        .conflicts
        .into_iter()
        .map(Conflict::try_from)
        .collect::<Result<Vec<_>, _>>()?;
    let plan = Plan {
        people: stored.people,
        jobs: stored.jobs,
        history: Vec::new(),
        conflicts,
        warnings: run.warnings.clone(),
        counts: run.counts,
        ..Plan::default()
    };
    Ok(Some((plan, stored.groups)))
}

/// Drops a plan that will never be applied (its history rows stay, so the page of a
/// discarded or superseded run still shows what it would have done).
async fn drop_plan(conn: &mut AnyConnection, run_id: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE run_plans SET plan = NULL WHERE run_id = $1")
        .bind(run_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// What pressing **Apply these changes** did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Approved {
    /// The plan was applied.
    Applied,
    /// The org had changed since the plan was made: a new run plans again (its id), and
    /// will wait for review.
    Replanned(String),
    /// The run was no longer waiting (applied, discarded or superseded meanwhile).
    NotWaiting(RunStatus),
}

/// Applies a waiting run's stored plan, decided by `user`, in one transaction — or, if
/// the org changed since it was planned, queues a new plan for review instead (a stale
/// plan is never applied). Pressed twice, or on two instances at once, it applies once:
/// the org's revision row serialises the attempts, and the run's status changes once.
pub async fn approve(state: &AppState, run_id: &str, user: &User) -> anyhow::Result<Approved> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    // First the org's revision: every writer of the org takes it first, so nothing
    // changes the org between this check and the commit.
    let rev = edit::bump_revision(&mut tx).await?;
    let Some(run) = runs::find_in(&mut tx, run_id).await? else {
        return Ok(Approved::NotWaiting(RunStatus::Discarded));
    };
    if run.status != RunStatus::NeedsReview {
        return Ok(Approved::NotWaiting(run.status));
    }
    if run.plan_rev != Some(rev - 1) {
        drop(tx);
        return replan(state, &run, user).await;
    }
    let Some((plan, groups)) = load_plan(&mut tx, &run).await? else {
        anyhow::bail!("run {} waits for review without a stored plan", run.id);
    };
    let status = if run.warnings.is_empty() {
        RunStatus::Complete
    } else {
        RunStatus::CompleteWithWarnings
    };
    let by = (user.id.as_str(), user.name.as_str());
    let ms = now.as_millisecond();
    if !runs::decide(&mut tx, &run.id, status, Some(by), ms).await? {
        return Ok(Approved::NotWaiting(RunStatus::Complete));
    }
    let org = store::load_org(&mut tx).await?;
    let tree = TreeShape::of(&org);
    drop(org);
    pipeline::write_plan(&mut tx, &plan, tree, &groups, &run.id, ms).await?;
    history::apply_planned(&mut tx, &run.id, ms).await?;
    drop_plan(&mut tx, &run.id).await?;
    audit::record(
        &mut tx,
        &Actor::user(user),
        "sync.approved",
        "Justworks",
        &format!("run {}", run.id),
        now,
    )
    .await?;
    let mut applied = run.clone();
    applied.status = status;
    applied.decided_by = Some(user.id.clone());
    applied.decided_by_name = Some(user.name.clone());
    applied.decided_at = Some(ms);
    let warnings = run.warnings.clone();
    let queued = pipeline::queue_notice(
        &mut tx,
        state,
        &applied,
        RunEnd::Finished {
            warnings: &warnings,
            replaced: &[],
        },
    )
    .await;
    tx.commit().await?;
    if queued > 0 {
        state.mail_wake.notify_one();
    }
    tracing::info!(run_id = %run.id, "a reviewed sync plan was applied");
    Ok(Approved::Applied)
}

/// The org changed since `run` was planned: plan again (a new run of the same kind that
/// waits for review), requested by the approver. The stale plan keeps waiting until the
/// new one supersedes it.
async fn replan(state: &AppState, run: &Run, user: &User) -> anyhow::Result<Approved> {
    let review = ForReview {
        waits_for: Some(if run.cause == Cause::Revert {
            WaitReason::Revert
        } else {
            WaitReason::Replan
        }),
        reverts: run.reverts.as_deref(),
    };
    let cause = match run.cause {
        Cause::Scheduled | Cause::Webhook => Cause::Manual,
        other => other,
    };
    let enqueued = runs::request(
        &state.db,
        &run.app,
        "Justworks",
        user,
        cause,
        review,
        state.clock.now(),
    )
    .await?;
    if let Enqueued::New(_) = enqueued {
        state.sync_wake.notify_one();
    }
    Ok(Approved::Replanned(enqueued.run_id().to_owned()))
}

/// **Discard**: ends a waiting run as `discarded` (nothing applied), decided by `user`.
/// False if it was no longer waiting.
pub async fn discard(state: &AppState, run_id: &str, user: &User) -> anyhow::Result<bool> {
    let now = state.clock.now();
    let by = (user.id.as_str(), user.name.as_str());
    let reason = format!(
        "{} discarded this plan; nothing of it was applied.",
        user.name
    );
    let done = end_waiting(state, run_id, Some(by), &reason, now).await?;
    if done {
        let mut conn = state.db.pool().acquire().await?;
        audit::record(
            &mut conn,
            &Actor::user(user),
            "sync.discarded",
            "Justworks",
            &format!("run {run_id}"),
            now,
        )
        .await?;
    }
    Ok(done)
}

/// Ends a waiting run as discarded with `reason` and emails the notification list, in
/// one transaction. False if it was no longer waiting.
async fn end_waiting(
    state: &AppState,
    run_id: &str,
    by: Option<(&str, &str)>,
    reason: &str,
    now: jiff::Timestamp,
) -> anyhow::Result<bool> {
    let ms = now.as_millisecond();
    let mut tx = state.db.begin().await?;
    if !runs::decide(&mut tx, run_id, RunStatus::Discarded, by, ms).await? {
        return Ok(false);
    }
    runs::set_error(&mut tx, run_id, reason).await?;
    drop_plan(&mut tx, run_id).await?;
    let run = runs::find_in(&mut tx, run_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("run {run_id} vanished"))?;
    let queued = pipeline::queue_notice(&mut tx, state, &run, RunEnd::Discarded { reason }).await;
    tx.commit().await?;
    if queued > 0 {
        state.mail_wake.notify_one();
    }
    Ok(true)
}

/// Discards plans that have waited longer than [`WAIT_LIMIT_MS`]; returns how many.
pub async fn expire_waiting(state: &AppState) -> anyhow::Result<usize> {
    let now = state.clock.now();
    let old = runs::waiting_since(&state.db, now.as_millisecond() - WAIT_LIMIT_MS).await?;
    let mut n = 0;
    for run in old {
        let reason = "This plan waited 7 days without a decision and was discarded; nothing of \
                      it was applied. Sync again to plan afresh.";
        if end_waiting(state, &run.id, None, reason, now).await? {
            tracing::info!(run_id = %run.id, "a sync plan waiting for review expired");
            n += 1;
        }
    }
    Ok(n)
}

/// Why a revert cannot be asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RevertRefused {
    /// Only an applied run can be reverted.
    NotApplied,
    /// Applied before orgsync kept what runs changed.
    NoRecord,
}

/// **Revert**: queues a run that builds the inverse of applied run `run` and waits for
/// review.
pub async fn request_revert(
    state: &AppState,
    run: &Run,
    user: &User,
) -> anyhow::Result<Result<Enqueued, RevertRefused>> {
    if !run.status.is_applied() {
        return Ok(Err(RevertRefused::NotApplied));
    }
    if !has_undo(&state.db, &run.id).await? {
        return Ok(Err(RevertRefused::NoRecord));
    }
    let review = ForReview {
        waits_for: Some(WaitReason::Revert),
        reverts: Some(&run.id),
    };
    let enqueued = runs::request(
        &state.db,
        &run.app,
        "Justworks",
        user,
        Cause::Revert,
        review,
        state.clock.now(),
    )
    .await?;
    if let Enqueued::New(_) = enqueued {
        state.sync_wake.notify_one();
    }
    Ok(Ok(enqueued))
}

/// Keeps what an applied run changed (created ids, rows before and after), for Revert.
pub async fn store_undo(
    conn: &mut AnyConnection,
    run_id: &str,
    undo: &str,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO run_plans (run_id, undo, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (run_id) DO UPDATE SET undo = excluded.undo",
    )
    .bind(run_id)
    .bind(undo)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// What applied run `run_id` changed, as stored (JSON), if orgsync kept it.
pub async fn load_undo(conn: &mut AnyConnection, run_id: &str) -> sqlx::Result<Option<String>> {
    let found: Option<(Option<String>,)> =
        sqlx::query_as("SELECT undo FROM run_plans WHERE run_id = $1")
            .bind(run_id)
            .fetch_optional(conn)
            .await?;
    Ok(found.and_then(|(undo,)| undo))
}

/// Whether orgsync kept what applied run `run_id` changed.
pub async fn has_undo(db: &Db, run_id: &str) -> sqlx::Result<bool> {
    let found: Option<(i64,)> =
        sqlx::query_as("SELECT 1 FROM run_plans WHERE run_id = $1 AND undo IS NOT NULL")
            .bind(run_id)
            .fetch_optional(db.pool())
            .await?;
    Ok(found.is_some())
}

/// Keeps a revert run's list of fields it leaves alone (JSON).
pub async fn store_kept(
    conn: &mut AnyConnection,
    run_id: &str,
    kept: &str,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO run_plans (run_id, kept, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (run_id) DO UPDATE SET kept = excluded.kept",
    )
    .bind(run_id)
    .bind(kept)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// A revert run's list of fields it leaves alone (JSON), if any.
pub async fn load_kept(db: &Db, run_id: &str) -> sqlx::Result<Option<String>> {
    let found: Option<(Option<String>,)> =
        sqlx::query_as("SELECT kept FROM run_plans WHERE run_id = $1")
            .bind(run_id)
            .fetch_optional(db.pool())
            .await?;
    Ok(found.and_then(|(kept,)| kept))
}

/// One field a revert leaves alone, as its page lists it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct KeptLine {
    pub person_id: Option<String>,
    pub person_name: String,
    pub field: String,
    pub sensitive: bool,
    /// Why, in words: "changed since", "still referred to", "no longer exists".
    pub why: String,
}

/// A revert run's kept fields that a reader with `sensitive` may learn of (a sensitive
/// field's line is left out for those who may not see it, as its history is).
pub async fn kept_lines(
    db: &Db,
    run_id: &str,
    sensitive: crate::org::visibility::Sensitive,
) -> sqlx::Result<Vec<KeptLine>> {
    let Some(json) = load_kept(db, run_id).await? else {
        return Ok(Vec::new());
    };
    let all: Vec<KeptLine> = serde_json::from_str(&json).unwrap_or_default();
    Ok(all
        .into_iter()
        .filter(|k| sensitive == crate::org::visibility::Sensitive::Shown || !k.sensitive)
        .collect())
}
