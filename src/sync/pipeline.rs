//! One run, start to finish: fetch the roster (sign in, page through members) → plan
//! (pure, off the async runtime) → apply, in ONE transaction that writes the people,
//! jobs, history and the run's final row together — so a failure at any point, a kill
//! included, leaves the org exactly as it was.

use crate::apps::{self, justworks};
use crate::justworks::{ClientOptions, Credentials, JustworksClient};
use crate::link_base;
use crate::org::change::{Counts, Plan};
use crate::org::roster::RosterCompany;
use crate::org::store::{self, Groups};
use crate::state::AppState;
use crate::sync::notify::{self, RunEnd};
use crate::sync::options::SyncOptions;
use crate::sync::plan::{PlanInput, plan};
use crate::sync::review;
use crate::sync::runs::{self, Run, WaitReason};
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

/// Marks the run failed and queues the failure email, in one transaction: the run is
/// never failed without its notice, nor a notice sent for a run that did not fail.
/// Marks a run failed with `message` and queues the failure email, in one transaction.
/// Does nothing if the run already ended (another instance got there first).
pub async fn record_failure(state: &AppState, run: &Run, message: &str) -> sqlx::Result<()> {
    let mut tx = state.db.begin().await?;
    let failed_now = runs::fail_in(&mut tx, &run.id, message, state.clock.now_ms()).await?;
    let queued = if failed_now {
        queue_notice(&mut tx, state, run, RunEnd::Failed { reason: message }).await
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
    let install = apps::installed(&state.db, &run.app)
        .await?
        .ok_or_else(|| RunFailure("Justworks is not installed any more.".into()))?;
    let config = justworks::load(&state.db, &install)
        .await
        .map_err(internal)?;
    let settings = config.settings.clone().ok_or_else(not_configured)?;
    let stored = justworks::load_credentials(&state.db, &state.crypto, &settings)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "could not read the stored Justworks credentials");
            RunFailure(
                "orgsync could not read the stored Justworks password and 2FA code (they may \
                 have been saved under another encryption key). Enter them again and save."
                    .into(),
            )
        })?
        .ok_or_else(not_configured)?;
    let options = SyncOptions::from(&settings);

    let mut phases = Phases::start();
    progress.set("Signing in to Justworks");
    let client_options = ClientOptions {
        max_members: state.config.max_members,
        ..ClientOptions::default()
    };
    let client = JustworksClient::new(&state.justworks.base_url, client_options)
        .map_err(|e| RunFailure(e.to_string()))?;
    let creds = Credentials::new(stored.username, stored.password, stored.seed);
    let counter = progress.clone();
    let on_page = move |fetched: usize| {
        counter.set("Reading members from Justworks");
        counter.members.store(fetched as i64, Ordering::Relaxed);
    };
    let roster = client
        .fetch_roster(&creds, &on_page)
        .await
        .map_err(|e| RunFailure(e.to_string()))?;
    drop(creds);
    phases.mark("fetch");
    let fetched = roster.members.len() as i64;
    progress.members.store(fetched, Ordering::Relaxed);

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
    let guards: Vec<String> = Vec::new();
    let wait = review_reason(run, first_sync, &guards);
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
        // Someone who pressed Preview (or Approve, or Revert) is looking at the page; a
        // sync that stopped on its own tells the notification list.
        Outcome::Waiting(
            WaitReason::FirstSync | WaitReason::Safeguard | WaitReason::AlwaysReview,
        ) => {
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

/// How a run's work ended.
enum Outcome {
    Applied,
    Waiting(WaitReason),
}

/// Whether a planned run waits for review, and why: it was queued to (a preview, a
/// re-plan, a revert), it is the install's first sync, the settings say always, or a
/// safeguard tripped (unless the settings say never).
fn review_reason(run: &Run, first_sync: bool, guards: &[String]) -> Option<WaitReason> {
    if let Some(reason) = run.waits_for {
        return Some(reason);
    }
    if first_sync {
        return Some(WaitReason::FirstSync);
    }
    (!guards.is_empty()).then_some(WaitReason::Safeguard)
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
