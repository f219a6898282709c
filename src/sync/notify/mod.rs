//! A run's notice: the summary of a finished run, the notice of a failed one, of a plan
//! waiting for review, of a plan discarded or superseded — built here from the run's
//! (applied or planned) history, one email per reader level, since an Owner's may name
//! the people under sensitive kinds (never a value) and anyone else's says nothing of
//! those — and handed to the outbox (`mail::outbox`) as plain mail, in the transaction
//! of what it reports.
//!
//! - [`report`]: what the notice says (subject, text and HTML bodies).

pub mod report;

use crate::mail::compose::Mail;
use crate::mail::outbox::{self, MailKind, NewMail};
use crate::org::visibility::Sensitive;
use crate::org::{conflicts, history};
use crate::sync::runs::{self, Cause, Run, WaitReason};
use crate::sync::summary::{KIND_ORDER, Tally};
use report::{NAMES_PER_KIND, SummaryReport};
use sqlx::{AnyConnection, Connection};
use std::collections::HashMap;

/// How a run ended, as its email reports it.
pub enum RunEnd<'a> {
    /// Its plan was applied (at once, or approved: then `run.decided_by_name` says by
    /// whom).
    Finished {
        warnings: &'a [String],
        /// The plans waiting for review that this run's plan superseded.
        replaced: &'a [Run],
    },
    Failed {
        reason: &'a str,
    },
    /// Its plan waits for review (the run's `waits_for` and `guards` say why).
    Waiting {
        /// The plans waiting for review that this run's plan superseded.
        replaced: &'a [Run],
    },
    /// Its plan was discarded (by `run.decided_by_name`, or after waiting too long).
    Discarded {
        reason: &'a str,
    },
    /// A newer plan (run `by`) replaced it.
    Superseded {
        by: &'a str,
    },
}

/// Queues the email reporting how `run` ended, one per recipient, inside the caller's
/// transaction (the apply, or marking the run failed), so it commits with what it
/// reports, at `now` (UTC milliseconds, from the app's clock). Its links start with
/// `link_base` (see `crate::link_base::for_mail`). Recipients are resolved now; with
/// none, nothing is queued. Returns how many were queued; wake the mailer after the
/// commit.
///
/// It never fails the caller: the mail is queued in a savepoint, and if that fails it
/// is rolled back alone and logged — a mail never undoes a sync, nor keeps a failed one
/// from being recorded.
pub async fn queue_run_email(
    conn: &mut AnyConnection,
    link_base: &str,
    run: &Run,
    end: RunEnd<'_>,
    now: i64,
) -> usize {
    let queued = async {
        let mut savepoint = conn.begin().await?;
        let queued = queue_in(&mut savepoint, link_base, run, end, now).await?;
        savepoint.commit().await?;
        Ok::<_, sqlx::Error>(queued)
    };
    match queued.await {
        Ok(queued) => queued,
        Err(e) => {
            tracing::error!(run_id = %run.id, error = %e, "could not queue the sync email");
            0
        }
    }
}

async fn queue_in(
    conn: &mut AnyConnection,
    link_base: &str,
    run: &Run,
    end: RunEnd<'_>,
    now: i64,
) -> sqlx::Result<usize> {
    let to = recipients(conn, &run.app).await?;
    if to.is_empty() {
        tracing::info!(run_id = %run.id, "no one is set to receive sync emails");
        return Ok(0);
    }
    let link = format!("{link_base}/syncs/{}", run.id);
    let started_by = started_by(run);
    // Built once per level among the recipients: an Owner's email may name the people
    // under sensitive kinds (never a value); anyone else's says nothing of those.
    let mut composed: HashMap<bool, (MailKind, Mail)> = HashMap::new();
    for (address, owner) in &to {
        if !composed.contains_key(owner) {
            let sensitive = Sensitive::for_owner(*owner);
            let made = compose_for(conn, run, &end, sensitive, &started_by, &link, now).await?;
            match made {
                Ok(made) => composed.insert(*owner, made),
                Err(e) => {
                    // A template that cannot render must not undo the sync it reports on.
                    tracing::error!(run_id = %run.id, error = %e, "could not compose the sync email");
                    return Ok(0);
                }
            };
        }
        let (kind, mail) = &composed[owner];
        let new = NewMail {
            run_id: Some(&run.id),
            kind: *kind,
            to: address,
            mail,
            claimed: None,
        };
        outbox::insert(conn, &new, now).await?;
    }
    let kind = composed.values().next().map_or("none", |(k, _)| k.as_str());
    tracing::info!(run_id = %run.id, kind, recipients = to.len(), "sync email queued");
    Ok(to.len())
}

/// The email reporting how `run` ended, for readers who may (or may not) learn of
/// sensitive changes.
async fn compose_for(
    conn: &mut AnyConnection,
    run: &Run,
    end: &RunEnd<'_>,
    sensitive: Sensitive,
    started_by: &str,
    link: &str,
    now: i64,
) -> sqlx::Result<Result<(MailKind, Mail), askama::Error>> {
    Ok(match end {
        RunEnd::Finished { warnings, replaced } => {
            let notice = changes_as_seen(conn, run, warnings, sensitive, started_by, link)
                .await?
                .with_conflicts(conflicts::count_of_run(conn, &run.id, sensitive).await?)
                .with_approver(run.decided_by_name.as_deref())
                .with_replaced(waiting_since(replaced));
            report::sync_summary(&notice).map(|mail| (MailKind::SyncSummary, mail))
        }
        RunEnd::Failed { reason } => {
            report::sync_failed(reason, started_by, link).map(|mail| (MailKind::SyncFailed, mail))
        }
        RunEnd::Waiting { replaced } => {
            let changes = changes_as_seen(conn, run, &run.warnings, sensitive, started_by, link)
                .await?
                .with_replaced(waiting_since(replaced));
            let mut reasons = run.guards.clone();
            if reasons.is_empty() {
                reasons.extend(run.waits_for.map(|w| w.sentence().to_owned()));
            }
            let mut notice =
                report::ReviewReport::new(changes, &reasons, run.planned_at.unwrap_or(now));
            if run.waits_for == Some(WaitReason::FirstSync) {
                let former = history::first_seen_departed_in(conn, &run.id, run.rows()).await?;
                notice = notice.with_initial_import(run.counts.created, former);
            }
            report::sync_review(&notice).map(|mail| (MailKind::SyncReview, mail))
        }
        RunEnd::Discarded { reason } => {
            let notice = report::discarded_notice(reason, started_by, run.planned_at, link);
            report::sync_notice(notice).map(|mail| (MailKind::SyncDiscarded, mail))
        }
        RunEnd::Superseded { by } => {
            let base = link.rsplit_once("/syncs/").map_or(link, |(base, _)| base);
            let newer_link = format!("{base}/syncs/{by}");
            let newer = runs::find_in(conn, by).await?;
            let newer_started_by = newer
                .as_ref()
                .map_or_else(|| "a newer sync".into(), self::started_by);
            let notice = report::superseded_notice(
                started_by,
                run.planned_at,
                &newer_started_by,
                &newer_link,
                link,
            );
            report::sync_notice(notice).map(|mail| (MailKind::SyncDiscarded, mail))
        }
    })
}

/// A run's changes (applied, or planned) as one reader may learn them: counts and the
/// first names per kind, with its warnings; see [`SummaryReport::new`].
async fn changes_as_seen(
    conn: &mut AnyConnection,
    run: &Run,
    warnings: &[String],
    sensitive: Sensitive,
    started_by: &str,
    link: &str,
) -> sqlx::Result<SummaryReport> {
    let seen = history::seen_changes(conn, &run.id, run.rows(), sensitive).await?;
    let tally = Tally::from_rows(&seen.kinds);
    let mut names = HashMap::new();
    for kind in KIND_ORDER {
        if tally.count(kind) > 0 {
            let listed = history::names(
                conn,
                &run.id,
                run.rows(),
                kind,
                NAMES_PER_KIND as i64,
                sensitive,
            )
            .await?;
            names.insert(kind, listed);
        }
    }
    Ok(SummaryReport::new(
        tally,
        |kind| names.remove(&kind).unwrap_or_default(),
        warnings,
        started_by.to_owned(),
        link.to_owned(),
        sensitive,
    )
    .with_owner_only(seen.owner_only.unwrap_or(0)))
}

/// Since when the oldest of the superseded plans had waited (there is at most one: one
/// plan waits per app), if any.
fn waiting_since(replaced: &[Run]) -> Option<i64> {
    replaced
        .iter()
        .map(|old| old.planned_at.unwrap_or(old.queued_at))
        .min()
}

fn started_by(run: &Run) -> String {
    match (run.cause, &run.requested_by_name) {
        (Cause::Scheduled, _) => "Run Daily".into(),
        (Cause::Webhook, _) => "a Justworks webhook".into(),
        (cause, Some(name)) => format!("{name} ({})", cause.label()),
        (cause, None) => cause.label().into(),
    }
}

/// The active users chosen to receive `app`'s sync emails: each address, and whether
/// it is an Owner's (each email is built for the level of whoever reads it). A
/// deactivated user is skipped, even while still on the list.
pub async fn recipients(conn: &mut AnyConnection, app: &str) -> sqlx::Result<Vec<(String, bool)>> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT u.email, u.level FROM app_notify_users n JOIN users u ON u.id = n.user_id \
         WHERE n.app = $1 AND u.active = 1 ORDER BY u.email",
    )
    .bind(app)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(email, level)| (email, level == "owner"))
        .collect())
}
