//! `GET /api/v1/syncs`, `GET /api/v1/syncs/{id}` and `GET /api/v1/syncs/{id}/changes`:
//! the runs and their changes as JSON (`docs/design.md` → *JSON shapes (`/api/v1`)*),
//! Technical Owner or above — the same rule as the pages. A run's JSON holds counts,
//! warnings and the error sentence; warnings never carry sensitive values. Its changes
//! follow the run page's rules: a sensitive field's row is there for Owners only.

use crate::org::change::Counts;
use crate::org::history::{self, RunChange};
use crate::org::visibility::Sensitive;
use crate::state::AppState;
use crate::sync::runs::{self, Cause, Run, RunStatus};
use crate::sync::summary::KIND_ORDER;
use crate::web::error::{AppError, AppResult};
use crate::web::extract::RequireTechnicalOwner;
use crate::web::params::{Path, Query};
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/syncs", get(list))
        .route("/api/v1/syncs/{id}", get(one))
        .route("/api/v1/syncs/{id}/changes", get(changes))
}

#[derive(Serialize)]
pub struct RunJson {
    id: String,
    app: String,
    status: &'static str,
    cause: &'static str,
    requested_by: Option<String>,
    queued_at: String,
    started_at: Option<String>,
    finished_at: Option<String>,
    members_fetched: i64,
    /// What it read from Justworks: `{"scope": "full"}` (everyone) or `{"scope":
    /// "changes", "since": …}`; null for a revert (it reads nothing) and a queued run.
    read: Option<ReadJson>,
    /// What it applied (zero for a plan that was not applied: see `plan_summary`).
    counts: Counts,
    warnings: Vec<String>,
    error: Option<String>,
    /// The counts its plan would apply (or applied); null if it never planned.
    plan_summary: Option<Counts>,
    /// Why it waits or waited for review: `preview`, `first_sync`, `safeguard`,
    /// `always_review`, `replan`, `revert`; null if it did not.
    waits_for: Option<&'static str>,
    /// The safeguards' sentences that stopped it.
    guards: Vec<String>,
    decided_by: Option<String>,
    decided_at: Option<String>,
    /// The run this one reverts.
    reverts: Option<String>,
    superseded_by: Option<String>,
}

#[derive(Serialize)]
#[serde(tag = "scope", rename_all = "snake_case")]
enum ReadJson {
    Full,
    Changes { since: String },
}

impl ReadJson {
    fn of(r: &Run) -> Option<Self> {
        if r.cause == Cause::Revert || r.status == RunStatus::Queued {
            return None;
        }
        Some(match r.read_since {
            None => Self::Full,
            Some(ms) => Self::Changes { since: rfc3339(ms) },
        })
    }
}

fn rfc3339(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.to_string())
        .unwrap_or_default()
}

impl From<Run> for RunJson {
    fn from(r: Run) -> Self {
        let planned = r.planned_at.is_some() || r.status.is_applied();
        let plan_summary = planned.then_some(r.counts);
        let counts = if r.status.is_planned_only() {
            Counts {
                excluded: r.counts.excluded,
                warnings: r.counts.warnings,
                owner_only: r.counts.owner_only.map(|_| 0),
                ..Counts::default()
            }
        } else {
            r.counts
        };
        RunJson {
            read: ReadJson::of(&r),
            plan_summary,
            waits_for: r.waits_for.map(|w| w.as_str()),
            guards: r.guards,
            decided_by: r.decided_by_name,
            decided_at: r.decided_at.map(rfc3339),
            reverts: r.reverts,
            superseded_by: r.superseded_by,
            id: r.id,
            app: r.app,
            status: r.status.as_str(),
            cause: r.cause.as_str(),
            requested_by: r.requested_by_name,
            queued_at: rfc3339(r.queued_at),
            started_at: r.started_at.map(rfc3339),
            finished_at: r.finished_at.map(rfc3339),
            members_fetched: r.members_fetched,
            counts,
            warnings: r.warnings,
            error: r.error,
        }
    }
}

#[derive(Deserialize)]
struct ListQuery {
    limit: Option<i64>,
    /// The id of the last run of the previous page.
    cursor: Option<String>,
}

#[derive(Serialize)]
struct ListJson {
    items: Vec<RunJson>,
    next_cursor: Option<String>,
}

async fn list(
    State(state): State<AppState>,
    RequireTechnicalOwner(user): RequireTechnicalOwner,
    Query(q): Query<ListQuery>,
) -> AppResult<Json<ListJson>> {
    let limit = q.limit.unwrap_or(50);
    if !(1..=500).contains(&limit) {
        return Err(AppError::BadRequest(
            "limit must be between 1 and 500.".into(),
        ));
    }
    let cursor = q.cursor.filter(|c| !c.is_empty());
    if cursor.as_ref().is_some_and(|c| c.len() > 64) {
        return Err(AppError::BadRequest("That cursor is not valid.".into()));
    }
    let mut found = runs::list(&state.db, None, cursor.as_deref(), limit + 1).await?;
    let next_cursor = if found.len() as i64 > limit {
        found.truncate(limit as usize);
        found.last().map(|r| r.id.clone())
    } else {
        None
    };
    let sensitive = Sensitive::for_owner(user.is_owner());
    let mut items = Vec::with_capacity(found.len());
    for run in found {
        let (run, _) = runs::as_seen(&state.db, run, sensitive).await?;
        items.push(RunJson::from(run));
    }
    Ok(Json(ListJson { items, next_cursor }))
}

async fn one(
    State(state): State<AppState>,
    RequireTechnicalOwner(user): RequireTechnicalOwner,
    Path(id): Path<String>,
) -> AppResult<Json<RunJson>> {
    if id.len() > 64 {
        return Err(AppError::NotFound);
    }
    let run = runs::find(&state.db, &id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (run, _) = runs::as_seen(&state.db, run, Sensitive::for_owner(user.is_owner())).await?;
    Ok(Json(run.into()))
}

#[derive(Deserialize)]
struct ChangesQuery {
    limit: Option<i64>,
    /// Where the previous page ended (its `next_cursor`).
    cursor: Option<String>,
}

#[derive(Serialize)]
struct ChangeJson {
    person_id: Option<String>,
    person_name: String,
    /// `person` or `job`.
    entity: String,
    kind: &'static str,
    field: String,
    old: Option<String>,
    new: Option<String>,
}

impl From<RunChange> for ChangeJson {
    fn from(c: RunChange) -> Self {
        ChangeJson {
            person_id: c.person_id,
            person_name: c.person_name,
            entity: c.entity,
            kind: c.kind.as_str(),
            field: c.field,
            old: c.old_value,
            new: c.new_value,
        }
    }
}

#[derive(Serialize)]
struct ChangesJson {
    run_id: String,
    /// The changes are a plan that was not applied (waiting for review, discarded or
    /// superseded), not changes made to the org.
    planned: bool,
    items: Vec<ChangeJson>,
    next_cursor: Option<String>,
}

/// A run's changed fields, planned or applied, in the run page's order; a reader who
/// may not see sensitive fields gets no row of them (not even a count).
async fn changes(
    State(state): State<AppState>,
    RequireTechnicalOwner(user): RequireTechnicalOwner,
    Path(id): Path<String>,
    Query(q): Query<ChangesQuery>,
) -> AppResult<Json<ChangesJson>> {
    let limit = q.limit.unwrap_or(100);
    if !(1..=500).contains(&limit) {
        return Err(AppError::BadRequest(
            "limit must be between 1 and 500.".into(),
        ));
    }
    if id.len() > 64 {
        return Err(AppError::NotFound);
    }
    let cursor = q.cursor.filter(|c| !c.is_empty());
    if cursor.as_ref().is_some_and(|c| c.len() > 64) {
        return Err(AppError::BadRequest("That cursor is not valid.".into()));
    }
    let run = runs::find(&state.db, &id)
        .await?
        .ok_or(AppError::NotFound)?;
    let sensitive = Sensitive::for_owner(user.is_owner());
    let found = history::run_changes(
        &state.db,
        &run.id,
        run.rows(),
        &KIND_ORDER,
        cursor.as_deref(),
        limit + 1,
        sensitive,
    )
    .await?;
    let Some(mut found) = found else {
        return Err(AppError::BadRequest("That cursor is not valid.".into()));
    };
    let next_cursor = if found.len() as i64 > limit {
        found.truncate(limit as usize);
        found.last().map(|c| c.id.clone())
    } else {
        None
    };
    Ok(Json(ChangesJson {
        run_id: run.id.clone(),
        planned: run.status.is_planned_only(),
        items: found.into_iter().map(ChangeJson::from).collect(),
        next_cursor,
    }))
}
