//! The worker: claims queued runs one at a time and executes them. It wakes when this
//! instance queues a run and polls now and then for runs queued elsewhere — and, when a
//! debounced webhook run comes due before the next poll, at that moment; it finds runs
//! whose server died (no heartbeat) and marks them interrupted.

use crate::background::{Step, every};
use crate::state::AppState;
use crate::sync::{pipeline, runs};
use std::time::Duration;
use tokio::sync::watch;

const POLL: Duration = Duration::from_secs(1);

/// Marks the runs a previous life of the server left running. On a database of one
/// instance (SQLite) every run still "running" at start is dead; where other instances
/// may be working (PostgreSQL), only silent runs are.
pub async fn recover_at_start(state: &AppState) -> sqlx::Result<u64> {
    let stale = if state.db.backend().single_instance() {
        0
    } else {
        state.config.run_stale_after.as_millis() as i64
    };
    let n = interrupt_stale(state, stale).await?;
    if n > 0 {
        tracing::warn!(
            runs = n,
            "marked syncs left running by a stopped server as interrupted"
        );
    }
    Ok(n)
}

/// Marks silent runs interrupted (and emails their recipients why).
async fn interrupt_stale(state: &AppState, stale_ms: i64) -> sqlx::Result<u64> {
    let stale = runs::stale_runs(&state.db, stale_ms, state.clock.now_ms()).await?;
    for run in &stale {
        pipeline::record_failure(state, run, runs::INTERRUPTED).await?;
    }
    Ok(stale.len() as u64)
}

/// Runs until `stop` turns true. A run in progress at stop is abandoned (its transaction
/// rolls back) and recorded as interrupted.
pub async fn run(state: AppState, stop: watch::Receiver<bool>) {
    let host = state.clone();
    every(POLL, Some(&host.sync_wake), stop.clone(), move || {
        step(state.clone(), stop.clone())
    })
    .await
}

/// One look: marks silent runs interrupted, then claims and executes the next queued
/// run, if any.
async fn step(state: AppState, mut stop: watch::Receiver<bool>) -> Step {
    let worker = &state.instance_id;
    let stale = state.config.run_stale_after.as_millis() as i64;
    if let Err(e) = interrupt_stale(&state, stale).await {
        tracing::warn!(error = %e, "could not check for interrupted syncs");
    }
    match runs::debounced::promote_followers(&state.db).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(runs = n, "a webhook run that waited behind a sync is next"),
        Err(e) => {
            tracing::warn!(error = %e, "could not look for webhook runs waiting behind a sync")
        }
    }
    match runs::claim_next(&state.db, worker, state.clock.now_ms()).await {
        Ok(Some(run)) => {
            tracing::info!(run_id = %run.id, cause = run.cause.as_str(), "sync started");
            let claimed = run.clone();
            tokio::select! {
                _ = pipeline::execute(&state, run, worker) => {}
                _ = stop.changed() => {
                    let _ = pipeline::record_failure(
                        &state,
                        &claimed,
                        "The sync was interrupted because the server was stopped. Nothing \
                         was changed by it; press Sync To Primary to run it again.",
                    )
                    .await;
                }
            }
            Step::Worked
        }
        Ok(None) => until_next_due(&state, &mut stop).await,
        Err(e) => {
            tracing::warn!(error = %e, "could not look for queued syncs");
            Step::Idle
        }
    }
}

/// Nothing to claim now. When a debounced run comes due before the next poll, waits
/// for that moment and looks again at once, so that it starts on time.
async fn until_next_due(state: &AppState, stop: &mut watch::Receiver<bool>) -> Step {
    let due_at = match runs::debounced::next_due_at(&state.db).await {
        Ok(Some(at)) => at,
        Ok(None) => return Step::Idle,
        Err(e) => {
            tracing::warn!(error = %e, "could not look for debounced syncs");
            return Step::Idle;
        }
    };
    let wait = Duration::from_millis(u64::try_from(due_at - state.clock.now_ms()).unwrap_or(0));
    if wait.is_zero() || wait >= POLL {
        return Step::Idle;
    }
    tokio::select! {
        _ = tokio::time::sleep(wait) => Step::Worked,
        _ = stop.changed() => Step::Idle,
    }
}
