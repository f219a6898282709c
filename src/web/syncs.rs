//! Sync To Primary, a run's page (refreshing itself while the run is queued or running),
//! and the sync history. Technical Owner or above; sensitive values in a run's changes
//! are shown to Owners only.

use crate::apps::{self, justworks};
use crate::link_base;
use crate::mail::{self, DeliveryNote};
use crate::org::change::ChangeKind;
use crate::org::history;
use crate::org::visibility::Sensitive;
use crate::state::AppState;
use crate::sync::review::{self, Approved, RevertRefused};
use crate::sync::runs::{self, Cause, Enqueued, Run, RunStatus, WaitReason};
use crate::sync::summary::{KIND_ORDER, Tally};
use crate::web::error::{AppError, AppResult};
use crate::web::extract::{CurrentUser, RequireTechnicalOwner};
use crate::web::format_time;
use crate::web::page::{Chrome, flash, render};
use crate::web::params::{Path, Query};
use crate::web::people::ConflictView;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use jiff::Timestamp;
use serde::Deserialize;

/// At most this many changes of one kind are listed on a run's page.
const LIST_LIMIT: i64 = 200;
const PAGE_SIZE: i64 = 50;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/apps/justworks/sync", post(sync_to_primary))
        .route("/apps/justworks/preview", post(preview))
        .route("/syncs/{id}/apply", post(apply))
        .route("/syncs/{id}/discard", post(discard))
        .route("/syncs/{id}/revert", post(revert))
        .route("/syncs", get(history_page))
        .route("/syncs/{id}", get(run_page))
        .route("/syncs/{id}/live", get(run_live))
}

async fn sync_to_primary(
    State(state): State<AppState>,
    RequireTechnicalOwner(user): RequireTechnicalOwner,
    headers: HeaderMap,
) -> AppResult<Response> {
    request_run(&state, &user, &headers, Cause::Manual).await
}

/// *Preview changes*: fetch and plan, then wait for review (303 to the run).
async fn preview(
    State(state): State<AppState>,
    RequireTechnicalOwner(user): RequireTechnicalOwner,
    headers: HeaderMap,
) -> AppResult<Response> {
    request_run(&state, &user, &headers, Cause::Preview).await
}

async fn request_run(
    state: &AppState,
    user: &CurrentUser,
    headers: &HeaderMap,
    cause: Cause,
) -> AppResult<Response> {
    let Some(install) = apps::installed(&state.db, justworks::APP).await? else {
        flash(&user.session, "error", "Install Justworks first.").await?;
        return Ok(Redirect::to("/apps").into_response());
    };
    let config = justworks::load(&state.db, &install).await?;
    if !config.is_configured() {
        flash(
            &user.session,
            "error",
            "Save the Justworks settings (username, password, 2FA code and org head) before syncing.",
        )
        .await?;
        return Ok(Redirect::to("/apps/justworks").into_response());
    }
    // The run's email links to it on the address used here.
    link_base::remember_alone(state, headers, justworks::APP).await?;
    let now = state.clock.now();
    let enqueued = if cause == Cause::Preview {
        runs::request_preview(&state.db, justworks::APP, "Justworks", user, now).await?
    } else {
        runs::request_manual(&state.db, justworks::APP, "Justworks", user, now).await?
    };
    match &enqueued {
        Enqueued::New(_) => state.sync_wake.notify_one(),
        Enqueued::AlreadyActive(_) => {
            flash(
                &user.session,
                "info",
                "A Justworks sync is already under way: this is it. A new one can start when it ends.",
            )
            .await?;
        }
    }
    Ok(Redirect::to(&format!("/syncs/{}", enqueued.run_id())).into_response())
}

/// **Apply these changes** on a run waiting for review.
async fn apply(
    State(state): State<AppState>,
    RequireTechnicalOwner(user): RequireTechnicalOwner,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let run = find_run(&state, &id).await?;
    let to_run = format!("/syncs/{}", run.id);
    match review::approve(&state, &run.id, &user).await? {
        Approved::Applied => {
            flash(
                &user.session,
                "success",
                "Applied: the org now has these changes.",
            )
            .await?;
        }
        Approved::Replanned(new) => {
            flash(
                &user.session,
                "info",
                "The org changed after this plan was made (a hand edit or another sync), so \
                 nothing was applied: orgsync is planning again. Review the new plan.",
            )
            .await?;
            return Ok(Redirect::to(&format!("/syncs/{new}")).into_response());
        }
        Approved::NotWaiting(status) => {
            flash(&user.session, "info", not_waiting(status)).await?;
        }
    }
    Ok(Redirect::to(&to_run).into_response())
}

/// **Discard** on a run waiting for review.
async fn discard(
    State(state): State<AppState>,
    RequireTechnicalOwner(user): RequireTechnicalOwner,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let run = find_run(&state, &id).await?;
    if review::discard(&state, &run.id, &user).await? {
        flash(
            &user.session,
            "success",
            "Discarded: nothing of this plan was applied.",
        )
        .await?;
    } else {
        let now = runs::find(&state.db, &run.id)
            .await?
            .map_or(run.status, |r| r.status);
        flash(&user.session, "info", not_waiting(now)).await?;
    }
    Ok(Redirect::to(&format!("/syncs/{}", run.id)).into_response())
}

/// **Revert** on an applied run: a new run builds its inverse and waits for review.
async fn revert(
    State(state): State<AppState>,
    RequireTechnicalOwner(user): RequireTechnicalOwner,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let run = find_run(&state, &id).await?;
    match review::request_revert(&state, &run, &user).await? {
        Ok(Enqueued::New(new)) => Ok(Redirect::to(&format!("/syncs/{new}")).into_response()),
        Ok(Enqueued::AlreadyActive(active)) => {
            flash(
                &user.session,
                "info",
                "A Justworks sync is under way: revert when it has finished.",
            )
            .await?;
            Ok(Redirect::to(&format!("/syncs/{active}")).into_response())
        }
        Err(refused) => {
            let message = match refused {
                RevertRefused::NotApplied => "Only a sync that was applied can be reverted.",
                RevertRefused::NoRecord => {
                    "This sync ran before orgsync kept what each sync changed, so it cannot \
                     be reverted."
                }
            };
            flash(&user.session, "error", message).await?;
            Ok(Redirect::to(&format!("/syncs/{}", run.id)).into_response())
        }
    }
}

async fn find_run(state: &AppState, id: &str) -> AppResult<Run> {
    if id.len() > 64 {
        return Err(AppError::NotFound);
    }
    runs::find(&state.db, id).await?.ok_or(AppError::NotFound)
}

/// Why a decision on a run that no longer waits did nothing.
fn not_waiting(status: RunStatus) -> &'static str {
    match status {
        RunStatus::Complete | RunStatus::CompleteWithWarnings => {
            "This plan has already been applied."
        }
        RunStatus::Discarded => "This plan was discarded: nothing of it was applied.",
        RunStatus::Superseded => {
            "A newer plan replaced this one: nothing of it was applied. Review the newer one."
        }
        _ => "This run is not waiting for review.",
    }
}

/// A run as the pages show it.
pub struct RunView {
    pub run: Run,
    pub status_label: &'static str,
    pub status_class: &'static str,
    pub status_symbol: &'static str,
    pub queued: String,
    pub started: Option<String>,
    pub finished: Option<String>,
    pub duration: Option<String>,
    pub summary: String,
    /// What it read from Justworks: "everyone" or "changes since …"; `None` for a
    /// revert (it reads nothing) and a queued run.
    pub read: Option<String>,
}

impl RunView {
    /// `now` dates a run still going.
    pub fn new(run: Run, kinds: &[(ChangeKind, i64)], now: Timestamp) -> Self {
        let (status_class, status_symbol) = match run.status {
            RunStatus::Queued => ("status-pending", "◔"),
            RunStatus::Running => ("status-pending", "◑"),
            RunStatus::Complete => ("status-ok", "✓"),
            RunStatus::CompleteWithWarnings => ("status-warn", "⚠"),
            RunStatus::Failed => ("status-failed", "✗"),
            RunStatus::NeedsReview => ("status-warn", "◆"),
            RunStatus::Discarded | RunStatus::Superseded => ("status-muted", "–"),
        };
        // A run that waited for review worked until it was planned (the wait for a
        // decision is not its duration).
        let ended = run.planned_at.or(run.finished_at);
        let duration = match (run.started_at, ended) {
            (Some(s), Some(f)) => Some(human_duration(f - s)),
            (Some(s), None) => Some(human_duration(now.as_millisecond() - s)),
            _ => None,
        };
        let read = (run.cause != Cause::Revert && run.status != RunStatus::Queued).then(|| {
            run.read_since.map_or_else(
                || "everyone".to_owned(),
                |since| format!("changes since {}", format_time(since)),
            )
        });
        RunView {
            read,
            status_label: run.status.label(),
            status_class,
            status_symbol,
            queued: format_time(run.queued_at),
            started: run.started_at.map(format_time),
            finished: run.finished_at.map(format_time),
            duration,
            summary: summary(&run, kinds),
            run,
        }
    }

    pub fn live(&self) -> bool {
        !self.run.status.is_finished()
    }

    pub fn who(&self) -> String {
        match (&self.run.cause, &self.run.requested_by_name) {
            (Cause::Scheduled, _) => "Run Daily".into(),
            (Cause::Webhook, _) => "Justworks".into(),
            (_, Some(name)) => name.clone(),
            _ => "—".into(),
        }
    }
}

/// "1.2 s", "3 min 5 s".
fn human_duration(ms: i64) -> String {
    let ms = ms.max(0);
    if ms < 1_000 {
        format!("{ms} ms")
    } else if ms < 60_000 {
        format!("{:.1} s", ms as f64 / 1000.0)
    } else {
        format!("{} min {} s", ms / 60_000, (ms % 60_000) / 1000)
    }
}

/// "3 new hires, 1 departure, 5 other changes" (or why it failed).
pub fn summary(run: &Run, kinds: &[(ChangeKind, i64)]) -> String {
    match run.status {
        RunStatus::Queued => return "Waiting to start".into(),
        RunStatus::Running => return "In progress".into(),
        RunStatus::Failed => {
            return run.error.clone().unwrap_or_else(|| "Failed".into());
        }
        _ => {}
    }
    let conflicts = match run.counts.conflicts {
        0 => None,
        1 => Some("1 conflict needs a decision".to_owned()),
        n => Some(format!("{n} conflicts need a decision")),
    };
    let changes = match (Tally::from_rows(kinds).phrase(), run.counts.owner_only) {
        (Some(phrase), _) => Some(phrase),
        // Read by someone who may not see them: say only that there were some.
        (None, Some(n)) if n > 0 => Some("Changes visible to Owners only".into()),
        (None, _) => None,
    };
    match (changes, conflicts) {
        (Some(changes), Some(conflicts)) => format!("{changes}; {conflicts}"),
        (Some(one), None) | (None, Some(one)) => one,
        (None, None) => "No changes".into(),
    }
}

/// One person's changes of one kind.
pub struct PersonChanges {
    pub person_id: Option<String>,
    pub name: String,
    pub fields: Vec<FieldLine>,
}

pub struct FieldLine {
    pub label: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// The changes of one kind, as a section of the run page.
pub struct ChangeGroup {
    pub heading: &'static str,
    pub key: &'static str,
    pub people: Vec<PersonChanges>,
    /// People with changes of this kind in all (more than listed when cut off).
    pub total: i64,
}

impl ChangeGroup {
    pub fn more(&self) -> i64 {
        self.total - self.people.len() as i64
    }
    /// Whether the fields are worth listing (a new hire is just a name).
    pub fn show_fields(&self) -> bool {
        !matches!(self.key, "new_hire")
    }
}

/// How a history field is named on the page.
pub fn field_label(field: &str) -> String {
    match field {
        "title" => "Title".into(),
        "manager" => "Manager".into(),
        "department" => "Department".into(),
        "location" => "Location".into(),
        "compensation" => "Compensation".into(),
        "status" => "Status".into(),
        "work_email" => "Work email".into(),
        "personal_email" => "Personal email".into(),
        "phones" => "Phones".into(),
        "home_address" => "Home address".into(),
        "birthdate" => "Birthdate".into(),
        "gender" => "Gender".into(),
        "ethnicity" => "Ethnicity".into(),
        "start_date" => "Start date".into(),
        "end_date" => "End date".into(),
        "employment_type" => "Employment type".into(),
        "justworks_id" => "Justworks link".into(),
        other => {
            let mut s = other.replace('_', " ");
            if let Some(first) = s.get_mut(0..1) {
                first.make_ascii_uppercase();
            }
            s
        }
    }
}

async fn change_groups(
    state: &AppState,
    run_id: &str,
    rows: history::Rows,
    kinds: &[(ChangeKind, i64)],
    sensitive: Sensitive,
) -> AppResult<Vec<ChangeGroup>> {
    let mut groups = Vec::new();
    for kind in KIND_ORDER {
        let Some(total) = kinds.iter().find(|(k, _)| *k == kind).map(|(_, n)| *n) else {
            continue;
        };
        // Enough rows for LIST_LIMIT people with a handful of fields each.
        let found =
            history::changes_of_kind(&state.db, run_id, rows, kind, LIST_LIMIT * 8, sensitive)
                .await?;
        let mut people: Vec<PersonChanges> = Vec::new();
        for row in found {
            let same = people
                .last()
                .is_some_and(|p| p.person_id == row.person_id && p.name == row.person_name);
            if !same {
                if people.len() as i64 >= LIST_LIMIT {
                    break;
                }
                people.push(PersonChanges {
                    person_id: row.person_id.clone(),
                    name: row.person_name.clone(),
                    fields: Vec::new(),
                });
            }
            let label = match (row.entity.as_str(), row.field.as_str()) {
                // A departure changes the person and their seat: say which is which.
                ("job", "status" | "start_date" | "end_date") => {
                    format!("Job {}", field_label(&row.field).to_lowercase())
                }
                _ => field_label(&row.field),
            };
            let line = FieldLine {
                label,
                old: row.old_value,
                new: row.new_value,
            };
            people.last_mut().expect("pushed").fields.push(line);
        }
        groups.push(ChangeGroup {
            heading: kind.heading(),
            key: kind.as_str(),
            people,
            total,
        });
    }
    Ok(groups)
}

#[derive(Template)]
#[template(path = "run.html")]
struct RunPage {
    chrome: Chrome,
    view: RunView,
    groups: Vec<ChangeGroup>,
    delivery: Option<DeliveryNote>,
    conflicts: Vec<ConflictView>,
    review: ReviewView,
    csrf_token: String,
}

#[derive(Template)]
#[template(path = "run_live_partial.html")]
struct RunLive {
    view: RunView,
    groups: Vec<ChangeGroup>,
    delivery: Option<DeliveryNote>,
    /// Pinned fields Justworks disagreed with in this run (what the reader may learn of).
    conflicts: Vec<ConflictView>,
    review: ReviewView,
    csrf_token: String,
}

/// The review side of a run's page: why it waits, who decided, what reverts it.
#[derive(Default)]
pub struct ReviewView {
    /// While it waits: why, in a sentence.
    pub waiting: Option<&'static str>,
    /// "Applied after review by Ada Admin on …", "Discarded by …".
    pub decided: Option<String>,
    /// An applied run orgsync can revert.
    pub can_revert: bool,
    /// The applied run that reverted this one.
    pub reverted_by: Option<String>,
    /// Fields a revert leaves alone, as the reader may learn of them.
    pub kept: Vec<review::KeptLine>,
}

async fn review_view(state: &AppState, run: &Run, sensitive: Sensitive) -> AppResult<ReviewView> {
    let mut view = ReviewView::default();
    if run.status == RunStatus::NeedsReview {
        view.waiting = Some(run.waits_for.map_or("", WaitReason::sentence));
    }
    if let (Some(name), Some(at)) = (&run.decided_by_name, run.decided_at) {
        let what = match run.status {
            RunStatus::Discarded => "Discarded",
            _ => "Applied after review",
        };
        view.decided = Some(format!("{what} by {name}, {}", format_time(at)));
    }
    if run.status.is_applied() {
        view.can_revert = review::has_undo(&state.db, &run.id).await?;
        view.reverted_by = runs::reverted_by(&state.db, &run.id).await?;
    }
    if run.cause == Cause::Revert {
        view.kept = review::kept_lines(&state.db, &run.id, sensitive).await?;
    }
    Ok(view)
}

/// Where a finished run's email is (sent, queued, retrying, failed, nobody to send to).
async fn delivery(state: &AppState, view: &RunView) -> AppResult<Option<DeliveryNote>> {
    if !view.run.status.is_finished() {
        return Ok(None);
    }
    let run_mail = mail::outbox::run_mail(&state.db, &view.run.id).await?;
    // A plan that stopped for review emails only when nobody was watching it stop.
    if view.run.status.is_planned_only() && run_mail.kind.is_none() {
        return Ok(None);
    }
    Ok(Some(mail::delivery_note(&run_mail)))
}

async fn load_run(
    state: &AppState,
    id: &str,
    sensitive: Sensitive,
) -> AppResult<(RunView, Vec<(ChangeKind, i64)>)> {
    if id.len() > 64 {
        return Err(AppError::NotFound);
    }
    let run = runs::find(&state.db, id).await?.ok_or(AppError::NotFound)?;
    let (run, kinds) = runs::as_seen(&state.db, run, sensitive).await?;
    let mut view = RunView::new(run, &kinds, state.clock.now());
    // Before anything is written, the first sync reads as the import it is.
    if view.run.waits_for == Some(WaitReason::FirstSync)
        && view.run.status.is_planned_only()
        && view.run.error.is_none()
    {
        let former = history::first_seen_departed(&state.db, &view.run.id, view.run.rows()).await?;
        view.summary = crate::sync::notify::report::initial_import(view.run.counts.created, former);
    }
    Ok((view, kinds))
}

/// What the run page and its polled part both show, as the viewer may see it.
async fn load_run_live(
    state: &AppState,
    id: &str,
    owner: bool,
    csrf_token: String,
) -> AppResult<RunLive> {
    let sensitive = Sensitive::for_owner(owner);
    let (view, kinds) = load_run(state, id, sensitive).await?;
    let groups = change_groups(state, &view.run.id, view.run.rows(), &kinds, sensitive).await?;
    let delivery = delivery(state, &view).await?;
    let conflicts = crate::org::conflicts::of_run(&state.db, &view.run.id, sensitive)
        .await?
        .into_iter()
        .map(ConflictView::from)
        .collect();
    let review = review_view(state, &view.run, sensitive).await?;
    Ok(RunLive {
        view,
        groups,
        delivery,
        conflicts,
        review,
        csrf_token,
    })
}

async fn run_page(
    State(state): State<AppState>,
    RequireTechnicalOwner(user): RequireTechnicalOwner,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let chrome = Chrome::for_user(&state, &user, "syncs", "Justworks sync").await?;
    let RunLive {
        view,
        groups,
        delivery,
        conflicts,
        review,
        csrf_token,
    } = load_run_live(&state, &id, user.is_owner(), chrome.csrf_token.clone()).await?;
    render(&RunPage {
        chrome,
        view,
        groups,
        delivery,
        conflicts,
        review,
        csrf_token,
    })
}

/// The live part of a run's page, polled by htmx every second while the run is queued
/// or running; once finished it comes back without the polling attribute, so it stops.
async fn run_live(
    State(state): State<AppState>,
    RequireTechnicalOwner(user): RequireTechnicalOwner,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let csrf_token = crate::auth::csrf::token(&user.session).await?;
    render(&load_run_live(&state, &id, user.is_owner(), csrf_token).await?)
}

#[derive(Template)]
#[template(path = "syncs.html")]
struct HistoryPage {
    chrome: Chrome,
    runs: Vec<RunView>,
    next: Option<String>,
}

#[derive(Deserialize)]
struct PageQuery {
    before: Option<String>,
}

async fn history_page(
    State(state): State<AppState>,
    RequireTechnicalOwner(user): RequireTechnicalOwner,
    Query(q): Query<PageQuery>,
) -> AppResult<Response> {
    let before = q.before.filter(|b| b.len() <= 64);
    let list = runs::list(&state.db, None, before.as_deref(), PAGE_SIZE + 1).await?;
    let next = (list.len() as i64 > PAGE_SIZE).then(|| list[PAGE_SIZE as usize - 1].id.clone());
    let mut views = Vec::new();
    let sensitive = Sensitive::for_owner(user.is_owner());
    for run in list.into_iter().take(PAGE_SIZE as usize) {
        let (run, kinds) = runs::as_seen(&state.db, run, sensitive).await?;
        views.push(RunView::new(run, &kinds, state.clock.now()));
    }
    render(&HistoryPage {
        chrome: Chrome::for_user(&state, &user, "syncs", "Sync history").await?,
        runs: views,
        next,
    })
}
