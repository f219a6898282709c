//! Email as a transport and an outbox: mail is queued as plain data (subject, text,
//! HTML, recipients) by whoever has something to say — a run's notice is built by
//! `sync::notify` — and delivered from here. Nothing here knows a domain type.
//!
//! - [`compose`]: a mail as stored, the message as sent, and the test email;
//! - [`outbox`]: the `mail_outbox` table — a run's mail is queued in the transaction that
//!   applies the run or marks it failed, so it is never lost and never reports something
//!   that did not commit;
//! - [`mailer`]: the task that claims due mail (a lease), sends it and retries with backoff;
//! - [`transport`]: SMTP (lettre) or `.eml` files, with secret-free failure sentences.

pub mod compose;
pub mod mailer;
pub mod outbox;
pub mod transport;

use crate::clock::Clock;
use crate::config::{Config, DeliveryPolicy};
use crate::db::Db;
use lettre::message::Mailbox;
use outbox::{MailKind, RunMail};

pub use transport::{Delivered, MailTransport, SendFailure, SetupError};

/// What the mailer needs of the server it runs in (the server's shared state provides
/// it): the database holding the outbox, the name its leases are taken under, the
/// delivery schedule, how mail leaves, the signal that a commit queued mail, and the
/// clock that dates sends and retries.
pub trait MailHost: Send + Sync {
    fn db(&self) -> &Db;
    /// This server process, as named in the leases it takes.
    fn sender(&self) -> &str;
    fn policy(&self) -> &DeliveryPolicy;
    fn setup(&self) -> &MailSetup;
    /// Notified after a commit that queued mail.
    fn wake(&self) -> &tokio::sync::Notify;
    fn clock(&self) -> &dyn Clock;
}

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
/// "Email could not be sent: …", "No one is set to receive sync emails" — of the run's
/// latest mail ("Review notice emailed to 2 people" while its plan waits).
pub fn delivery_note(mail: &RunMail) -> DeliveryNote {
    let what = match mail.kind {
        None => {
            return DeliveryNote {
                text: "No one is set to receive sync emails.".into(),
                state: "ok",
            };
        }
        Some(MailKind::SyncFailed) => "Failure notice",
        Some(MailKind::SyncReview) => "Review notice",
        Some(MailKind::SyncDiscarded) => "Notice",
        Some(MailKind::SyncSummary | MailKind::Test) => "Summary",
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
            note(&mail(MailKind::SyncReview, 2, 0, 0)),
            "Review notice emailed to 2 people."
        );
        assert_eq!(
            note(&mail(MailKind::SyncDiscarded, 0, 1, 0)),
            "Notice email queued."
        );
        assert_eq!(
            note(&RunMail::default()),
            "No one is set to receive sync emails."
        );
    }
}
