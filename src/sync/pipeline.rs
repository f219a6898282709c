//! One run, start to finish: read the roster through the app's connector (everyone, or
//! only the members changed since the last read kept, merged into it) → plan (pure, off
//! the async runtime) → apply, in ONE transaction that writes the people, jobs, history,
//! the last read kept and the run's final row together — so a failure at any point, a
//! kill included, leaves the org exactly as it was.

use crate::apps::{self, justworks};
use crate::link_base;
use crate::org::change::{Counts, Plan};
use crate::org::history;
use crate::org::roster::{Roster, RosterCompany};
use crate::org::store::{self, Groups};
use crate::org::undo::Undo;
use crate::state::AppState;
use crate::sync::connector::{Connector, JustworksConnector, Scope};
use crate::sync::guards::{self, ApplyMode};
use crate::sync::incremental;
use crate::sync::notify::{self, RunEnd};
use crate::sync::options::SyncOptions;
use crate::sync::plan::{Kept, KeptReason, PlanInput, RevertInput, plan, revert};
use crate::sync::review;
use crate::sync::runs::{self, Cause, Run, WaitReason};
use crate::sync::snapshots::{self, Snapshot};
use sqlx::Connection;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

/// A failed run's sentence (shown on the run page and in the email).
#[derive(Debug)]
pub struct RunFailure(pub String);

impl From<sqlx::Error> for RunFailure {
    fn from(e: sqlx::Error) -> Self {
        tracing::error!(error = %e, "database error during a sync");
        RunFailure(
            "orgsync could not read or save its own data (a database error); nothing was \
             changed. Try again; if it keeps happening, check the server's log."
                .into(),
        )
    }
}

/// What the run is doing now, shared with the heartbeat task.
struct Progress {
    step: std::sync::Mutex<&'static str>,
    members: AtomicI64,
}

impl Progress {
    fn set(&self, step: &'static str) {
        *self.step.lock().expect("not poisoned") = step;
    }
}

/// Runs `run` to its end; never returns an error (a failure is recorded on the run).
pub async fn execute(state: &AppState, run: Run, worker: &str) {
    let progress = Arc::new(Progress {
        step: std::sync::Mutex::new("Starting"),
        members: AtomicI64::new(0),
    });
    let beat = tokio::spawn(heartbeat_loop(
        state.clone(),
        run.id.clone(),
        worker.to_owned(),
        progress.clone(),
    ));
    let started = std::time::Instant::now();
    let outcome = run_steps(state, &run, worker, &progress).await;
    beat.abort();
    match outcome {
        Ok(counts) => tracing::info!(
            run_id = %run.id,
            ms = started.elapsed().as_millis() as u64,
            created = counts.created,
            updated = counts.updated,
            departed = counts.departed,
            warnings = counts.warnings,
            conflicts = counts.conflicts,
            "sync finished"
        ),
        Err(RunFailure(message)) => {
            tracing::warn!(run_id = %run.id, error = %message, "sync failed");
            if let Err(e) = record_failure(state, &run, &message).await {
                tracing::error!(run_id = %run.id, error = %e, "could not record a failed sync");
            }
        }
    }
}

/// The daily failures in a row after which the list hears once more that syncing still
/// fails.
const STILL_FAILING_AFTER: usize = 3;

/// Marks a run failed with `message` and queues the failure email, in one transaction:
/// the run is never failed without its notice, nor a notice sent for a run that did not
/// fail. Does nothing if the run already ended (another instance got there first).
///
/// While the Partner API connection is lost (Justworks refused its tokens), every sync
/// fails for that one reason: the notification list is told once, by the first of them,
/// not at every daily run.
pub async fn record_failure(state: &AppState, run: &Run, message: &str) -> sqlx::Result<()> {
    let mut tx = state.db.begin().await?;
    let failed_now = runs::fail_in(&mut tx, &run.id, message, state.clock.now_ms()).await?;
    let lost = justworks::connection::load(&mut tx)
        .await?
        .is_some_and(|c| c.state == justworks::connection::ConnState::ReconnectNeeded);
    let tell = failed_now
        && (!lost
            || justworks::connection::claim_reconnect_notice(&mut tx, state.clock.now_ms())
                .await?);
    // A daily sync that keeps failing tells the list on its first failure and once more
    // on the third day in a row, not every day.
    let streak = match run.cause {
        Cause::Scheduled if tell => runs::failed_daily_streak(&mut tx, &run.app).await?,
        _ => 0,
    };
    let still_failing;
    let reason = match streak {
        0 | 1 => Some(message),
        STILL_FAILING_AFTER => {
            still_failing = format!(
                "Still failing: the daily sync has failed {STILL_FAILING_AFTER} days in a row \
                 (orgsync will not email about it again until a sync succeeds). The latest \
                 failure: {message}"
            );
            Some(still_failing.as_str())
        }
        _ => None,
    };
    let queued = if let Some(reason) = reason.filter(|_| tell) {
        queue_notice(&mut tx, state, run, RunEnd::Failed { reason }).await
    } else {
        0
    };
    tx.commit().await?;
    if queued > 0 {
        state.mail_wake.notify_one();
    }
    Ok(())
}

/// Queues the run's notice (see [`notify::queue_run_email`]), its links pointing where
/// people reach this server. Like the notice itself, never fails the caller: the link
/// base is read in a savepoint, so a failed read leaves the transaction usable.
pub(crate) async fn queue_notice(
    conn: &mut sqlx::AnyConnection,
    state: &AppState,
    run: &Run,
    end: RunEnd<'_>,
) -> usize {
    let base = async {
        let mut savepoint = conn.begin().await?;
        let base = link_base::for_mail(&mut savepoint, state, &run.app).await?;
        savepoint.commit().await?;
        Ok::<_, sqlx::Error>(base)
    };
    match base.await {
        Ok(base) => notify::queue_run_email(conn, &base, run, end, state.clock.now_ms()).await,
        Err(e) => {
            tracing::error!(run_id = %run.id, error = %e, "could not queue the sync email");
            0
        }
    }
}

async fn heartbeat_loop(state: AppState, run_id: String, worker: String, progress: Arc<Progress>) {
    let every = state.config.run_heartbeat;
    loop {
        let step = *progress.step.lock().expect("not poisoned");
        let members = progress.members.load(Ordering::Relaxed);
        let now = state.clock.now_ms();
        match runs::heartbeat(&state.db, &run_id, &worker, step, members, now).await {
            Ok(true) => {}
            Ok(false) => return,
            Err(e) => tracing::warn!(error = %e, "could not record a sync's heartbeat"),
        }
        tokio::time::sleep(every).await;
    }
}

async fn run_steps(
    state: &AppState,
    run: &Run,
    worker: &str,
    progress: &Arc<Progress>,
) -> Result<Counts, RunFailure> {
    if run.cause == Cause::Revert {
        return revert_steps(state, run, worker, progress).await;
    }
    let install = apps::installed(&state.db, &run.app)
        .await?
        .ok_or_else(|| RunFailure("Justworks is not installed any more.".into()))?;
    let config = justworks::load(&state.db, &install)
        .await
        .map_err(internal)?;
    let settings = config.settings.clone().ok_or_else(not_configured)?;
    let mut connector = connector_for(state, &settings).await?;
    let options = SyncOptions::from(&settings);
    let review = crate::sync::guards::ReviewOptions::from(&settings);

    let mut phases = Phases::start();
    // Everyone, or only who changed since the last read kept (then merged into it).
    let (scope, last) = choose_scope(state, run, install.updated_at).await?;
    let read_since = match scope {
        Scope::All => None,
        Scope::ChangedSince(at) => Some(at.as_millisecond()),
    };
    if !runs::set_read_since(&state.db, &run.id, worker, read_since).await? {
        return Err(RunFailure(runs::INTERRUPTED.into()));
    }
    progress.set("Signing in to Justworks");
    let counter = progress.clone();
    let on_page = move |fetched: usize| {
        counter.set("Reading members from Justworks");
        counter.members.store(fetched as i64, Ordering::Relaxed);
    };
    let read = connector
        .read(scope, &on_page)
        .await
        .map_err(|e| RunFailure(e.0))?;
    drop(connector);
    phases.mark("fetch");
    // The members read (for an incremental read, the changed ones only).
    let fetched = read.roster.members.len() as i64;
    progress.members.store(fetched, Ordering::Relaxed);
    let read_at = read.read_at;
    let roster = match last {
        Some(last) => incremental::merge(last, read.roster),
        None => read.roster,
    };
    // The whole roster is kept (sealed) for the next run to merge into; it is written
    // with this run's end, and only then.
    let (crypto, app) = (state.crypto.clone(), run.app.clone());
    let settings_at = install.updated_at;
    let (snapshot, roster) = tokio::task::spawn_blocking(move || {
        let snapshot = Snapshot::seal(&crypto, &app, &roster, read_at, settings_at);
        (snapshot, roster)
    })
    .await
    .map_err(|e| internal(anyhow::anyhow!("the snapshot task failed: {e}")))?;
    phases.mark("seal");

    progress.set("Saving changes");
    // Said outside the transaction, so the run page can read it while the apply runs.
    let saving = "Saving changes";
    runs::heartbeat(
        &state.db,
        &run.id,
        worker,
        saving,
        fetched,
        state.clock.now_ms(),
    )
    .await?;
    let mut tx = state.db.begin().await?;
    // Take the write lock before reading the org: the plan is made from what this
    // transaction reads, and SQLite could not upgrade a read that another write (a
    // heartbeat, a session) has made stale.
    runs::lock_for_apply(&mut tx, &run.id).await?;
    // A hand edit committing now would be planned over: the org's revision row makes
    // hand edits wait for this transaction (PostgreSQL; SQLite's write lock already does).
    // A plan that waits for review remembers the revision it was made against.
    let rev = crate::org::edit::bump_revision(&mut tx).await?;
    let org = store::load_org(&mut tx).await?;
    phases.mark("load");
    // "Today" is the org's date in its own time zone, not the server's or UTC's.
    let today = crate::org_settings::today(&mut tx, state.clock.now()).await?;
    let first_sync = !runs::applied_since(&mut tx, &run.app, install.installed_at).await?;
    // The plan takes the roster (and frees it); the company's groups are kept for the
    // directory.
    let groups = groups_of(&roster.company);
    let (plan, org) = tokio::task::spawn_blocking(move || {
        let mut next_id = crate::db::new_id;
        let input = PlanInput {
            org: &org,
            roster,
            options: &options,
            today,
        };
        (plan(input, &mut next_id), org)
    })
    .await
    .map_err(|e| internal(anyhow::anyhow!("the plan task failed: {e}")))?;
    let plan: Plan = plan.map_err(|e| RunFailure(e.to_string()))?;
    phases.mark("plan");
    // Safeguards are weighed on every plan (unless switched off), whatever stops it.
    let guards = match review.mode {
        ApplyMode::NeverGuard => Vec::new(),
        _ => guards::check(&plan.facts, &review.safeguards),
    };
    let wait = review_reason(run, first_sync, review.mode, &guards);
    // Keep only what the writes need: the tree's shape.
    let tree = store::TreeShape::of(&org);
    drop(org);
    let now = state.clock.now_ms();
    // A newer plan makes any plan still waiting stale: it is superseded, and told so.
    let superseded = runs::supersede_waiting(&mut tx, &run.app, &run.id, now).await?;
    let fetched_now = fetched;
    let end = if let Some(reason) = wait {
        review::store_plan(&mut tx, &run.id, &plan, &groups, now).await?;
        phases.mark("store");
        let (counts, warnings) = (&plan.counts, &plan.warnings);
        if !runs::wait_for_review(
            &mut tx,
            &run.id,
            worker,
            counts,
            warnings,
            fetched_now,
            reason,
            &guards,
            rev,
            now,
        )
        .await?
        {
            return Err(RunFailure(runs::INTERRUPTED.into()));
        }
        Outcome::Waiting(reason)
    } else {
        write_plan(&mut tx, &plan, tree, &groups, &run.id, now).await?;
        phases.mark("write");
        let finished = state.clock.now_ms();
        let (counts, warnings) = (&plan.counts, &plan.warnings);
        if !runs::finish(
            &mut tx,
            &run.id,
            worker,
            counts,
            warnings,
            fetched_now,
            finished,
        )
        .await?
        {
            // The run was marked interrupted meanwhile (another instance thought us dead):
            // its verdict stands, and nothing of ours commits.
            return Err(RunFailure(runs::INTERRUPTED.into()));
        }
        Outcome::Applied
    };
    snapshots::store(&mut tx, &run.app, &snapshot, now).await?;
    drop(snapshot);
    // The notices commit with what they report, or not at all.
    let mut queued = 0;
    for old in &superseded {
        queued += queue_notice(&mut tx, state, old, RunEnd::Superseded { by: &run.id }).await;
    }
    let Some(this) = runs::find_in(&mut tx, &run.id).await? else {
        return Err(RunFailure(runs::INTERRUPTED.into()));
    };
    queued += match end {
        Outcome::Applied => {
            let warnings = &plan.warnings;
            queue_notice(
                &mut tx,
                state,
                &this,
                RunEnd::Finished {
                    warnings,
                    replaced: &superseded,
                },
            )
            .await
        }
        // A sync that stopped on its own (the first one, a safeguard, the apply mode) tells
        // the notification list; whoever pressed Preview, Approve or Revert is on its page.
        Outcome::Waiting(reason) if notify_waiting(reason) => {
            queue_notice(
                &mut tx,
                state,
                &this,
                RunEnd::Waiting {
                    replaced: &superseded,
                },
            )
            .await
        }
        Outcome::Waiting(_) => 0,
    };
    phases.mark("mail");
    tx.commit().await?;
    phases.mark("commit");
    if queued > 0 {
        state.mail_wake.notify_one();
    }
    tracing::info!(run_id = %run.id, phases = %phases, "sync timing");
    Ok(plan.counts)
}

/// The connector the saved settings name, with what it signs in with — the one place a
/// run names Justworks' own types.
async fn connector_for(
    state: &AppState,
    settings: &justworks::Settings,
) -> Result<Box<dyn Connector>, RunFailure> {
    let auth: Box<dyn crate::justworks::Authenticator> = match settings.connection {
        justworks::ConnectionMethod::ServiceUser => Box::new(
            justworks::load_credentials(&state.db, &state.crypto, settings)
                .await
                .map_err(|e| unreadable_secrets(e, "password and 2FA code"))?
                .ok_or_else(not_configured)?,
        ),
        justworks::ConnectionMethod::PartnerApi => {
            let client = justworks::credentials::load_oauth_client(
                &state.db,
                &state.crypto,
                &settings.client_id,
            )
            .await
            .map_err(|e| unreadable_secrets(e, "client secret"))?
            .ok_or_else(not_configured)?;
            let tokens = justworks::connection::StoredTokens::load(
                &state.db,
                &state.crypto,
                client,
                state.clock.clone(),
            )
            .await
            .map_err(|e| unreadable_secrets(e, "connection tokens"))?
            .map_err(|e| RunFailure(e.to_string()))?;
            Box::new(tokens)
        }
    };
    let client_options = crate::justworks::ClientOptions {
        max_members: state.config.max_members,
        ..Default::default()
    };
    let client = crate::justworks::JustworksClient::new(&state.justworks.base_url, client_options)
        .map_err(|e| RunFailure(e.to_string()))?;
    Ok(Box::new(JustworksConnector::new(
        client,
        auth,
        state.clock.clone(),
    )))
}

/// Stored secrets that would not decrypt (saved under another key, most likely).
fn unreadable_secrets(e: anyhow::Error, what: &str) -> RunFailure {
    tracing::error!(error = %e, "could not read the stored Justworks {what}");
    RunFailure(format!(
        "orgsync could not read the stored Justworks {what} (they may have been saved under \
         another encryption key). Enter them again and save."
    ))
}

/// What `run` reads (see [`incremental::scope_for`]) and, when it reads only what
/// changed, the last read's roster to merge it into. A last read that cannot be read, or
/// with a member who has no `updated_at`, means reading everyone.
async fn choose_scope(
    state: &AppState,
    run: &Run,
    settings_at: i64,
) -> Result<(Scope, Option<Roster>), RunFailure> {
    let last = snapshots::last_read(&state.db, &run.app).await?;
    let (scope, why) = incremental::scope_for(last, settings_at, run.cause, state.clock.now());
    let (scope, why, roster) = match scope {
        Scope::All => (scope, why, None),
        Scope::ChangedSince(_) => {
            match snapshots::last_roster(&state.db, &state.crypto, &run.app).await? {
                Some(roster) if incremental::can_merge_into(&roster) => (scope, why, Some(roster)),
                Some(_) => (Scope::All, incremental::Why::Undated, None),
                None => (Scope::All, incremental::Why::LastReadUnreadable, None),
            }
        }
    };
    match scope {
        Scope::All => tracing::info!(run_id = %run.id, reason = %why, "reading every member"),
        Scope::ChangedSince(since) => tracing::info!(
            run_id = %run.id,
            %since,
            "reading only the members changed since the last read"
        ),
    }
    Ok((scope, roster))
}

/// A revert: the inverse of an applied run, planned from what it changed against the org
/// as it is now, stored and shown for review (never applied at once).
async fn revert_steps(
    state: &AppState,
    run: &Run,
    worker: &str,
    progress: &Arc<Progress>,
) -> Result<Counts, RunFailure> {
    let of = run.reverts.clone().ok_or_else(|| {
        RunFailure("This revert does not say which sync it undoes; nothing was changed.".into())
    })?;
    progress.set("Planning the revert");
    let mut tx = state.db.begin().await?;
    runs::lock_for_apply(&mut tx, &run.id).await?;
    let rev = crate::org::edit::bump_revision(&mut tx).await?;
    let reverted = runs::find_in(&mut tx, &of).await?.ok_or_else(|| {
        RunFailure("The sync to revert no longer exists; nothing was changed.".into())
    })?;
    let undo = review::load_undo(&mut tx, &of).await?.ok_or_else(|| {
        RunFailure(
            "orgsync has no record of what that sync changed (it ran before orgsync kept \
             one), so it cannot be reverted; nothing was changed."
                .into(),
        )
    })?;
    let undo: Undo = serde_json::from_str(&undo)
        .map_err(|e| internal(anyhow::anyhow!("run {of}'s undo record is unreadable: {e}")))?;
    // Touched since (a later sync, a hand edit) or someone's own person: not departed.
    let since = reverted.finished_at.unwrap_or(reverted.queued_at);
    let mut held = history::touched_since(&mut tx, since).await?;
    held.extend(crate::auth::users::linked_people(&mut tx).await?);
    let org = store::load_org(&mut tx).await?;
    let today = crate::org_settings::today(&mut tx, state.clock.now()).await?;
    let (plan, kept) = tokio::task::spawn_blocking(move || {
        let input = RevertInput {
            org: &org,
            undo: &undo,
            today,
            held: &held,
        };
        revert(input, &mut crate::db::new_id)
    })
    .await
    .map_err(|e| internal(anyhow::anyhow!("the revert task failed: {e}")))?;
    let now = state.clock.now_ms();
    let superseded = runs::supersede_waiting(&mut tx, &run.app, &run.id, now).await?;
    review::store_plan(&mut tx, &run.id, &plan, &Groups::default(), now).await?;
    let kept: Vec<review::KeptLine> = kept.iter().map(kept_line).collect();
    let kept = serde_json::to_string(&kept).expect("kept lines serialise");
    review::store_kept(&mut tx, &run.id, &kept, now).await?;
    let (counts, warnings) = (&plan.counts, &plan.warnings);
    if !runs::wait_for_review(
        &mut tx,
        &run.id,
        worker,
        counts,
        warnings,
        0,
        WaitReason::Revert,
        &[],
        rev,
        now,
    )
    .await?
    {
        return Err(RunFailure(runs::INTERRUPTED.into()));
    }
    let mut queued = 0;
    for old in &superseded {
        queued += queue_notice(&mut tx, state, old, RunEnd::Superseded { by: &run.id }).await;
    }
    tx.commit().await?;
    if queued > 0 {
        state.mail_wake.notify_one();
    }
    Ok(plan.counts)
}

/// A field a revert leaves alone, as its page lists it.
fn kept_line(k: &Kept) -> review::KeptLine {
    let field = crate::org::fields::find(k.field).map_or_else(
        || match k.field {
            "status" => "Still here".to_owned(),
            other => other.replace('_', " "),
        },
        |f| f.label.to_owned(),
    );
    let why = match k.reason {
        KeptReason::ChangedSince => "changed since, so left as it is",
        KeptReason::StillReferred => {
            "still needed (changed since, someone reports to them, or a user is linked to \
             them), so kept"
        }
        KeptReason::Gone => "no longer exists",
    };
    review::KeptLine {
        person_id: k.person_id.clone(),
        person_name: k.person_name.clone(),
        field,
        sensitive: k.sensitive,
        why: why.into(),
    }
}

/// Whether a plan that stopped for review emails the notification list: when it stopped
/// on its own, whoever asked for the sync (others on the list may be the ones to decide).
fn notify_waiting(reason: WaitReason) -> bool {
    match reason {
        WaitReason::FirstSync | WaitReason::Safeguard | WaitReason::AlwaysReview => true,
        WaitReason::Preview | WaitReason::Replan | WaitReason::Revert => false,
    }
}

/// How a run's work ended.
enum Outcome {
    Applied,
    Waiting(WaitReason),
}

/// Whether a planned run waits for review, and why: it was queued to (a preview, a
/// re-plan, a revert), it is the install's first sync, the settings say always, or a
/// safeguard tripped (`guards` is empty when the settings say never).
fn review_reason(
    run: &Run,
    first_sync: bool,
    mode: ApplyMode,
    guards: &[String],
) -> Option<WaitReason> {
    if let Some(reason) = run.waits_for {
        return Some(reason);
    }
    if first_sync {
        return Some(WaitReason::FirstSync);
    }
    if !guards.is_empty() {
        return Some(WaitReason::Safeguard);
    }
    (mode == ApplyMode::AlwaysReview).then_some(WaitReason::AlwaysReview)
}

/// Writes a plan to the org on the caller's transaction: people, jobs, their history
/// (those the plan carries) and conflicts, the tree's headcounts, the departments and
/// offices the pull named. Shared by a run that applies at once and an approval.
pub(crate) async fn write_plan(
    tx: &mut sqlx::AnyConnection,
    plan: &Plan,
    mut tree: store::TreeShape,
    groups: &Groups,
    run_id: &str,
    now: i64,
) -> sqlx::Result<()> {
    store::apply_plan(tx, plan, run_id, now).await?;
    // What it changed, so that it can be reverted (ids of what it created, rows before
    // and after for what it updated).
    let undo = serde_json::to_string(&Undo::of(plan)).expect("an undo record serialises");
    review::store_undo(tx, run_id, &undo, now).await?;
    tree.apply(plan);
    store::write_headcounts(tx, &tree).await?;
    drop(tree);
    store::upsert_groups(tx, groups, now).await
}

/// Wall time per phase of a run, for the log and the benchmark.
struct Phases {
    last: std::time::Instant,
    done: Vec<(&'static str, u128, Option<u64>)>,
}

/// This process's resident memory in MB, where the system tells it (Linux).
fn resident_mb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: u64 = status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    Some(kb / 1024)
}

impl Phases {
    fn start() -> Self {
        Self {
            last: std::time::Instant::now(),
            done: Vec::new(),
        }
    }
    fn mark(&mut self, phase: &'static str) {
        let now = std::time::Instant::now();
        self.done
            .push((phase, (now - self.last).as_millis(), resident_mb()));
        self.last = now;
    }
}

impl std::fmt::Display for Phases {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, (phase, ms, mb)) in self.done.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            write!(f, "{phase}={ms}ms")?;
            if let Some(mb) = mb {
                write!(f, "({mb}MB)")?;
            }
        }
        Ok(())
    }
}

/// The departments and offices this pull named, for the directory's filters.
fn groups_of(company: &RosterCompany) -> Groups {
    let departments = company
        .departments
        .iter()
        .filter_map(|d| d.name.clone().map(|n| (n, Some(d.id.clone()))))
        .collect();
    let locations = company
        .offices
        .iter()
        .filter_map(|o| {
            let address = o.address.as_ref().map(|a| {
                serde_json::json!({
                    "line1": a.line1, "line2": a.line2, "city": a.city, "state": a.state,
                    "postal_code": a.postal_code, "country": a.country,
                })
                .to_string()
            });
            o.name.clone().map(|n| (n, Some(o.id.clone()), address))
        })
        .collect();
    Groups {
        departments,
        locations,
    }
}

fn not_configured() -> RunFailure {
    RunFailure(
        "Justworks settings are not complete: save the username, password, 2FA code and org \
         head on the Justworks page first."
            .into(),
    )
}

fn internal(e: anyhow::Error) -> RunFailure {
    tracing::error!(error = %format!("{e:#}"), "sync failed inside orgsync");
    RunFailure(
        "orgsync hit an unexpected error during the sync; nothing was changed. Try again; if \
         it keeps happening, check the server's log."
            .into(),
    )
}
