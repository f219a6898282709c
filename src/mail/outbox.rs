//! The `mail_outbox` table: mails are queued inside the transaction of what they report,
//! claimed by a mailer with one atomic UPDATE (a lease that a crash lets lapse, so two
//! instances never send the same mail at once and a dead one's mail is sent by the next),
//! then marked sent, rescheduled or failed. One row per recipient: one refused address
//! or one retry never holds up or repeats the others.

use crate::db::{Db, UnknownValue, new_id};
use crate::mail::compose::Mail;
use sqlx::{AnyConnection, FromRow};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailKind {
    SyncSummary,
    SyncFailed,
    Test,
    /// A plan waits for review.
    SyncReview,
    /// A waiting plan was discarded or superseded.
    SyncDiscarded,
}

impl MailKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SyncSummary => "sync_summary",
            Self::SyncFailed => "sync_failed",
            Self::Test => "test",
            Self::SyncReview => "sync_review",
            Self::SyncDiscarded => "sync_discarded",
        }
    }
    /// A stored kind; an unknown one is an error, never a guess.
    pub fn parse(s: &str) -> Result<Self, UnknownValue> {
        match s {
            "sync_summary" => Ok(Self::SyncSummary),
            "sync_failed" => Ok(Self::SyncFailed),
            "test" => Ok(Self::Test),
            "sync_review" => Ok(Self::SyncReview),
            "sync_discarded" => Ok(Self::SyncDiscarded),
            _ => Err(UnknownValue::new("mail kind", s)),
        }
    }
}

/// A mail to queue for one recipient.
pub struct NewMail<'a> {
    pub run_id: Option<&'a str>,
    pub kind: MailKind,
    pub to: &'a str,
    pub mail: &'a Mail,
    /// Already claimed by this sender until then (a mail sent at once, while a person
    /// waits), so no mailer takes it meanwhile.
    pub claimed: Option<(&'a str, i64)>,
}

/// Queues one mail, due at once; its id.
pub async fn insert(conn: &mut AnyConnection, new: &NewMail<'_>, now: i64) -> sqlx::Result<String> {
    let id = new_id();
    let recipients = serde_json::to_string(&[new.to]).expect("json");
    sqlx::query(
        "INSERT INTO mail_outbox (id, run_id, kind, recipients, subject, text_body, html_body, \
         status, attempts, next_attempt_at, claimed_by, claimed_until, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8, $9, $10, $11, $9)",
    )
    .bind(&id)
    .bind(new.run_id)
    .bind(new.kind.as_str())
    .bind(recipients)
    .bind(&new.mail.subject)
    .bind(&new.mail.text)
    .bind(&new.mail.html)
    .bind(i64::from(new.claimed.is_some()))
    .bind(now)
    .bind(new.claimed.map(|(by, _)| by))
    .bind(new.claimed.map(|(_, until)| until))
    .execute(conn)
    .await?;
    Ok(id)
}

/// A mail this sender holds the lease on.
#[derive(Debug, Clone, FromRow)]
pub struct Claimed {
    pub id: String,
    pub run_id: Option<String>,
    pub kind: String,
    pub recipients: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    /// Including this one.
    pub attempts: i64,
    pub created_at: i64,
}

impl Claimed {
    pub fn to(&self) -> Vec<String> {
        serde_json::from_str(&self.recipients).unwrap_or_default()
    }
    pub fn mail(&self) -> Mail {
        Mail {
            subject: self.subject.clone(),
            text: self.text_body.clone(),
            html: self.html_body.clone(),
        }
    }
}

/// Claims the most overdue pending mail for `sender` until `until`, atomically: the
/// second of two concurrent claims finds the row leased and takes nothing.
pub async fn claim_next(
    db: &Db,
    sender: &str,
    now: i64,
    until: i64,
) -> sqlx::Result<Option<Claimed>> {
    let claimed: Option<(String,)> = sqlx::query_as(
        "UPDATE mail_outbox SET claimed_by = $1, claimed_until = $2, attempts = attempts + 1 \
         WHERE id = (SELECT id FROM mail_outbox WHERE status = 'pending' AND next_attempt_at <= $3 \
           AND (claimed_until IS NULL OR claimed_until < $3) ORDER BY next_attempt_at, id LIMIT 1) \
         AND status = 'pending' AND (claimed_until IS NULL OR claimed_until < $3) RETURNING id",
    )
    .bind(sender)
    .bind(until)
    .bind(now)
    .fetch_optional(db.pool())
    .await?;
    let Some((id,)) = claimed else {
        return Ok(None);
    };
    sqlx::query_as(
        "SELECT id, run_id, kind, recipients, subject, text_body, html_body, attempts, created_at \
         FROM mail_outbox WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(db.pool())
    .await
}

/// Marks a claimed mail sent; false if the lease was lost meanwhile.
pub async fn mark_sent(db: &Db, id: &str, sender: &str, now: i64) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE mail_outbox SET status = 'sent', sent_at = $1, last_error = NULL, \
         claimed_by = NULL, claimed_until = NULL WHERE id = $2 AND claimed_by = $3 \
         AND status = 'pending'",
    )
    .bind(now)
    .bind(id)
    .bind(sender)
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Records a failed attempt: due again at `retry_at`, or given up (`None`).
pub async fn mark_failed_attempt(
    db: &Db,
    id: &str,
    sender: &str,
    error: &str,
    retry_at: Option<i64>,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE mail_outbox SET status = $1, next_attempt_at = COALESCE($2, next_attempt_at), \
         last_error = $3, claimed_by = NULL, claimed_until = NULL \
         WHERE id = $4 AND claimed_by = $5 AND status = 'pending'",
    )
    .bind(if retry_at.is_some() {
        "pending"
    } else {
        "failed"
    })
    .bind(retry_at)
    .bind(error)
    .bind(id)
    .bind(sender)
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// At start on a database of one instance (SQLite), every lease belongs to a previous
/// life of this server: release them, so its unfinished mail goes out now rather than
/// when the lease lapses. Where other instances may hold leases (PostgreSQL), they lapse.
pub async fn release_leases_at_start(db: &Db) -> sqlx::Result<u64> {
    if !db.backend().single_instance() {
        return Ok(0);
    }
    let done = sqlx::query(
        "UPDATE mail_outbox SET claimed_by = NULL, claimed_until = NULL \
         WHERE status = 'pending' AND claimed_by IS NOT NULL",
    )
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected())
}

/// What became of a run's latest email (one mail per recipient), for its page. A run
/// may have several: the notice that its plan waits for review, then its summary (or
/// the notice that the plan was discarded or superseded); the page speaks of the latest.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunMail {
    /// The kind of the run's latest mail (`None` when none was queued).
    pub kind: Option<MailKind>,
    pub sent: i64,
    /// Not yet sent and not given up.
    pub pending: i64,
    pub failed: i64,
    /// Why the latest failed attempt of a pending mail failed.
    pub retry_error: Option<String>,
    /// Why a given-up mail failed.
    pub failed_error: Option<String>,
}

impl RunMail {
    pub fn total(&self) -> i64 {
        self.sent + self.pending + self.failed
    }
}

#[derive(FromRow)]
struct StatusRow {
    kind: String,
    status: String,
    last_error: Option<String>,
    created_at: i64,
}

impl MailKind {
    /// Where a kind of a run's mail comes in its life: the notice that it waits for review
    /// always before the mail that tells how it ended (whatever the clock said).
    fn stage(self) -> u8 {
        match self {
            Self::SyncReview => 0,
            _ => 1,
        }
    }
}

pub async fn run_mail(db: &Db, run_id: &str) -> sqlx::Result<RunMail> {
    let rows: Vec<StatusRow> = sqlx::query_as(
        "SELECT kind, status, last_error, created_at FROM mail_outbox WHERE run_id = $1 \
         ORDER BY next_attempt_at, id",
    )
    .bind(run_id)
    .fetch_all(db.pool())
    .await?;
    let mut mails = Vec::with_capacity(rows.len());
    for row in rows {
        mails.push((MailKind::parse(&row.kind)?, row));
    }
    Ok(latest_mail(mails))
}

/// What became of the latest of a run's mails (rows in the order they were tried): the
/// one that tells how the run ended if there is one, else the notice that it waits for
/// review; the latest queued among those.
fn latest_mail(rows: Vec<(MailKind, StatusRow)>) -> RunMail {
    let mut mail = RunMail::default();
    let Some(latest) = rows
        .iter()
        .max_by_key(|(kind, row)| (kind.stage(), row.created_at))
        .map(|(kind, _)| *kind)
    else {
        return mail;
    };
    mail.kind = Some(latest);
    for (kind, row) in rows {
        if kind != latest {
            continue;
        }
        match row.status.as_str() {
            "sent" => mail.sent += 1,
            "failed" => {
                mail.failed += 1;
                mail.failed_error = row.last_error.or(mail.failed_error);
            }
            _ => {
                mail.pending += 1;
                mail.retry_error = row.last_error.or(mail.retry_error);
            }
        }
    }
    mail
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_mail_kind_reads_back_and_an_unknown_one_is_an_error() {
        for kind in [
            MailKind::SyncSummary,
            MailKind::SyncFailed,
            MailKind::Test,
            MailKind::SyncReview,
            MailKind::SyncDiscarded,
        ] {
            assert_eq!(MailKind::parse(kind.as_str()), Ok(kind));
        }
        assert!(MailKind::parse("newsletter").is_err());
    }

    fn row(status: &str, created_at: i64, last_error: Option<&str>) -> StatusRow {
        StatusRow {
            kind: String::new(),
            status: status.into(),
            last_error: last_error.map(str::to_owned),
            created_at,
        }
    }

    #[test]
    fn a_run_with_a_review_notice_then_a_summary_is_described_by_its_summary_alone() {
        // Two recipients: the waiting notice went to both, one summary is still pending.
        let rows = vec![
            (MailKind::SyncReview, row("sent", 10, None)),
            (MailKind::SyncReview, row("failed", 10, Some("Refused."))),
            (MailKind::SyncSummary, row("sent", 20, None)),
            (
                MailKind::SyncSummary,
                row("pending", 20, Some("Timed out.")),
            ),
        ];
        let mail = latest_mail(rows);
        assert_eq!(mail.kind, Some(MailKind::SyncSummary));
        assert_eq!((mail.sent, mail.pending, mail.failed), (1, 1, 0));
        assert_eq!(mail.retry_error.as_deref(), Some("Timed out."));
        assert_eq!(mail.failed_error, None);

        // Queued in the same millisecond (a frozen clock): the summary is still the latest.
        let same = vec![
            (MailKind::SyncSummary, row("sent", 5, None)),
            (MailKind::SyncReview, row("sent", 5, None)),
        ];
        assert_eq!(latest_mail(same).kind, Some(MailKind::SyncSummary));

        // Only the waiting notice so far.
        let waiting = vec![
            (MailKind::SyncReview, row("sent", 10, None)),
            (MailKind::SyncReview, row("sent", 10, None)),
        ];
        let mail = latest_mail(waiting);
        assert_eq!(mail.kind, Some(MailKind::SyncReview));
        assert_eq!(mail.total(), 2);
        assert_eq!(latest_mail(Vec::new()), RunMail::default());
    }
}
