//! Email: the sync summaries and failure notices (DESIGN.md "How a sync runs" → Email)
//! and the *Send a test email* button.
//!
//! - [`compose`]: what a mail says (askama templates, names only — never a sensitive value);
//! - [`outbox`]: the `mail_outbox` table — a run's mail is queued in the transaction that
//!   applies the run or marks it failed, so it is never lost and never reports something
//!   that did not commit;
//! - [`mailer`]: the task that claims due mail (a lease), sends it and retries with backoff;
//! - [`transport`]: SMTP (lettre) or `.eml` files, with secret-free failure sentences.

pub mod compose;
pub mod mailer;
pub mod outbox;
pub mod transport;

use crate::config::Config;
use crate::db::now_ms;
use crate::org::model::Sensitive;
use crate::state::AppState;
use crate::sync::runs::{Cause, Run};
use crate::sync::summary::{self, KIND_ORDER, Tally};
use compose::{Mail, NAMES_PER_KIND, SummaryReport};
use lettre::message::Mailbox;
use outbox::{MailKind, NewMail, RunMail};
use sqlx::{AnyConnection, Connection};
use std::collections::HashMap;

pub use transport::{Delivered, MailTransport, SendFailure, SetupError};

/// The mail setup of this server: how mail leaves, and who it is from.
pub struct MailSetup {
    pub transport: MailTransport,
    pub from: Mailbox,
}

impl MailSetup {
    pub fn from_config(config: &Config) -> Result<Self, SetupError> {
        let from: Mailbox = config.smtp_from.parse().map_err(|_| SetupError::From)?;
        let transport = MailTransport::from_config(config, config.mail_delivery.smtp_timeout)?;
        match &transport {
            MailTransport::Smtp { endpoint, .. } => {
                tracing::info!(server = %endpoint, "emails go out over SMTP")
            }
            MailTransport::Files { dir, .. } => tracing::info!(
                dir = %dir.display(),
                "no SMTP server is configured (ORGSYNC_SMTP_URL): emails are written as .eml files"
            ),
        }
        Ok(Self { transport, from })
    }
}

/// How a run ended, as its email reports it.
pub enum RunEnd<'a> {
    Finished { warnings: &'a [String] },
    Failed { reason: &'a str },
}

/// Queues the email reporting how `run` ended, one per recipient, inside the caller's
/// transaction (the apply, or marking the run failed), so it commits with what it
/// reports. Recipients are resolved now; with none, nothing is queued. Returns how many
/// were queued; wake the mailer after the commit.
///
/// It never fails the caller: the mail is queued in a savepoint, and if that fails it
/// is rolled back alone and logged — a mail never undoes a sync, nor keeps a failed one
/// from being recorded.
pub async fn queue_run_email(
    conn: &mut AnyConnection,
    state: &AppState,
    run: &Run,
    end: RunEnd<'_>,
) -> usize {
    let queued = async {
        let mut savepoint = conn.begin().await?;
        let queued = queue_in(&mut savepoint, state, run, end).await?;
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
    state: &AppState,
    run: &Run,
    end: RunEnd<'_>,
) -> sqlx::Result<usize> {
    let to = outbox::recipients(conn, &run.app).await?;
    if to.is_empty() {
        tracing::info!(run_id = %run.id, "no one is set to receive sync emails");
        return Ok(0);
    }
    let base = crate::link_base::for_mail(conn, state, &run.app).await?;
    let link = format!("{base}/syncs/{}", run.id);
    let started_by = started_by(run);
    // Built once per level among the recipients: an Owner's email may name the people
    // under sensitive kinds (never a value); anyone else's says nothing of those.
    let mut composed: HashMap<bool, (MailKind, Mail)> = HashMap::new();
    let now = now_ms();
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
            let tally = Tally::from_rows(&summary::change_counts(conn, &run.id, sensitive).await?);
            let mut names = HashMap::new();
            for kind in KIND_ORDER {
                if tally.count(kind) > 0 {
                    let listed =
                        summary::names(conn, &run.id, kind, NAMES_PER_KIND as i64, sensitive)
                            .await?;
                    names.insert(kind, listed);
                }
            }
            let owner_only = match sensitive {
                Sensitive::Shown => 0,
                Sensitive::Hidden => summary::owner_only_people(conn, &run.id).await?,
            };
            let report = SummaryReport::new(
                tally,
                |kind| names.remove(&kind).unwrap_or_default(),
                warnings,
                started_by.to_owned(),
                link.to_owned(),
                sensitive,
            )
            .with_owner_only(owner_only);
            compose::sync_summary(&report).map(|mail| (MailKind::SyncSummary, mail))
        }
        RunEnd::Failed { reason } => {
            compose::sync_failed(reason, started_by, link).map(|mail| (MailKind::SyncFailed, mail))
        }
    })
}

fn started_by(run: &Run) -> String {
    match (run.cause, &run.requested_by_name) {
        (Cause::Scheduled, _) => "Run Daily".into(),
        (Cause::Manual, Some(name)) => format!("{name} (Sync To Primary)"),
        (Cause::Manual, None) => "Sync To Primary".into(),
    }
}

/// A run's email as its page says it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryNote {
    pub text: String,
    /// `ok`, `pending` or `failed`.
    pub state: &'static str,
}

impl DeliveryNote {
    /// Whether the page should keep looking (the mail is still on its way).
    pub fn pending(&self) -> bool {
        self.state == "pending"
    }
}

fn people(n: i64) -> String {
    if n == 1 {
        "1 person".into()
    } else {
        format!("{n} people")
    }
}

/// "Summary emailed to 3 people", "Summary email queued", "Email failed, retrying: …",
/// "Email could not be sent: …", "No one is set to receive sync emails".
pub fn delivery_note(mail: &RunMail) -> DeliveryNote {
    let what = match mail.kind {
        None => {
            return DeliveryNote {
                text: "No one is set to receive sync emails.".into(),
                state: "ok",
            };
        }
        Some(MailKind::SyncFailed) => "Failure notice",
        Some(_) => "Summary",
    };
    let so_far = if mail.sent > 0 {
        format!(" (sent to {} of {} so far)", mail.sent, mail.total())
    } else {
        String::new()
    };
    if mail.pending > 0 {
        return match &mail.retry_error {
            Some(error) => DeliveryNote {
                text: format!("Email failed, retrying: {error}{so_far}"),
                state: "pending",
            },
            None => DeliveryNote {
                text: format!("{what} email queued{so_far}."),
                state: "pending",
            },
        };
    }
    if mail.failed > 0 {
        let error = mail
            .failed_error
            .as_deref()
            .unwrap_or("no reason was recorded.");
        let text = if mail.sent > 0 {
            format!(
                "{what} emailed to {} of {}; it could not be sent to {}: {error}",
                mail.sent,
                people(mail.total()),
                people(mail.failed)
            )
        } else {
            format!("Email could not be sent: {error}")
        };
        return DeliveryNote {
            text,
            state: "failed",
        };
    }
    DeliveryNote {
        text: format!("{what} emailed to {}.", people(mail.sent)),
        state: "ok",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mail(kind: MailKind, sent: i64, pending: i64, failed: i64) -> RunMail {
        RunMail {
            kind: Some(kind),
            sent,
            pending,
            failed,
            retry_error: None,
            failed_error: None,
        }
    }

    #[test]
    fn the_run_page_says_where_the_email_is() {
        let note = |m: &RunMail| delivery_note(m).text;
        assert_eq!(
            note(&mail(MailKind::SyncSummary, 3, 0, 0)),
            "Summary emailed to 3 people."
        );
        assert_eq!(
            note(&mail(MailKind::SyncFailed, 1, 0, 0)),
            "Failure notice emailed to 1 person."
        );
        assert_eq!(
            note(&mail(MailKind::SyncSummary, 0, 2, 0)),
            "Summary email queued."
        );
        let mut retrying = mail(MailKind::SyncSummary, 1, 1, 0);
        retrying.retry_error = Some("The mail server at h:25 refused the connection.".into());
        assert_eq!(
            note(&retrying),
            "Email failed, retrying: The mail server at h:25 refused the connection. (sent to 1 of 2 so far)"
        );
        assert!(delivery_note(&retrying).pending());
        let mut failed = mail(MailKind::SyncSummary, 0, 0, 2);
        failed.failed_error = Some("Refused (SMTP 550).".into());
        assert_eq!(
            note(&failed),
            "Email could not be sent: Refused (SMTP 550)."
        );
        assert_eq!(
            note(&RunMail::default()),
            "No one is set to receive sync emails."
        );
    }
}
