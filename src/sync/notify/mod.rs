//! A run's notice: the summary of a finished run or the notice of a failed one, built
//! here from the run's history — one email per reader level, since an Owner's may name
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
use crate::sync::runs::{Cause, Run};
use crate::sync::summary::{KIND_ORDER, Tally};
use report::{NAMES_PER_KIND, SummaryReport};
use sqlx::{AnyConnection, Connection};
use std::collections::HashMap;

/// How a run ended, as its email reports it.
pub enum RunEnd<'a> {
    Finished {
        warnings: &'a [String],
    },
    Failed {
        reason: &'a str,
    },
    /// Its plan waits for review (the run's `waits_for` and `guards` say why).
    Waiting,
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
            let made = compose_for(conn, run, &end, sensitive, &started_by, &link).await?;
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
) -> sqlx::Result<Result<(MailKind, Mail), askama::Error>> {
    Ok(match end {
        RunEnd::Finished { warnings } => {
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
            let notice = SummaryReport::new(
                tally,
                |kind| names.remove(&kind).unwrap_or_default(),
                warnings,
                started_by.to_owned(),
                link.to_owned(),
                sensitive,
            )
            .with_owner_only(seen.owner_only.unwrap_or(0))
            .with_conflicts(conflicts::count_of_run(conn, &run.id, sensitive).await?);
            report::sync_summary(&notice).map(|mail| (MailKind::SyncSummary, mail))
        }
        RunEnd::Failed { reason } => {
            report::sync_failed(reason, started_by, link).map(|mail| (MailKind::SyncFailed, mail))
        }
        RunEnd::Waiting => {
            let seen = history::seen_changes(conn, &run.id, run.rows(), sensitive).await?;
            let counts = planned_counts(run, &seen);
            let mut lines = run.guards.clone();
            if lines.is_empty() {
                lines.extend(run.waits_for.map(|w| w.sentence().to_owned()));
            }
            let notice = report::Notice {
                subject: "A Justworks sync is waiting for review".into(),
                heading: "A Justworks sync is waiting for review".into(),
                started_by: Some(started_by.to_owned()),
                lines,
                counts: Some(counts),
                footer: "Nothing has been written to the org. A Technical Owner or Owner can \
                         apply these changes or discard them on the run's page; a plan not \
                         decided within 7 days is discarded."
                    .into(),
                link: link.to_owned(),
            };
            report::sync_notice(notice).map(|mail| (MailKind::SyncReview, mail))
        }
        RunEnd::Discarded { reason } => {
            let notice = report::Notice {
                subject: "A Justworks sync plan was discarded".into(),
                heading: "A Justworks sync plan was discarded".into(),
                started_by: Some(started_by.to_owned()),
                lines: vec![(*reason).to_owned()],
                counts: None,
                footer: "Nothing of it was written to the org.".into(),
                link: link.to_owned(),
            };
            report::sync_notice(notice).map(|mail| (MailKind::SyncDiscarded, mail))
        }
        RunEnd::Superseded { by } => {
            let base = link.rsplit_once("/syncs/").map_or(link, |(base, _)| base);
            let notice = report::Notice {
                subject: "A waiting Justworks sync plan was replaced".into(),
                heading: "A waiting Justworks sync plan was replaced by a newer one".into(),
                started_by: Some(started_by.to_owned()),
                lines: vec![format!(
                    "A newer sync planned afresh from what Justworks says now: {base}/syncs/{by}"
                )],
                counts: None,
                footer: "Nothing of the older plan was written to the org.".into(),
                link: link.to_owned(),
            };
            report::sync_notice(notice).map(|mail| (MailKind::SyncDiscarded, mail))
        }
    })
}

/// "The plan would create 250 people, update 3, depart 1." as the reader may learn it.
fn planned_counts(run: &Run, seen: &history::SeenChanges) -> String {
    let c = &run.counts;
    let owner_only = seen.owner_only.unwrap_or(0);
    let updated = (c.updated - owner_only).max(0);
    let mut parts = vec![
        format!("create {}", c.created),
        format!("update {updated}"),
        format!("depart {}", c.departed),
        format!("rehire {}", c.rehired),
    ];
    if owner_only > 0 {
        parts.push(format!(
            "change fields visible to Owners only for {owner_only}"
        ));
    }
    format!("If applied, it would {}.", parts.join(", "))
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
