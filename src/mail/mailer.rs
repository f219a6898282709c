//! The mailer task: claims due mail from the outbox one at a time (a lease, so a crash
//! mid-send is retried and two instances never send one mail at once), sends it, marks
//! it sent — or records a secret-free sentence and tries again later with exponential
//! backoff, until it gives up. It wakes when a commit queues mail (`mail_wake`) and
//! polls now and then for mail queued elsewhere or come due. Also the *Send a test
//! email* button, which sends at once because a person is waiting.

use crate::background::{Step, every};
use crate::mail::MailHost;
use crate::mail::compose;
use crate::mail::outbox::{self, Claimed, MailKind, NewMail};
use crate::mail::transport::{Delivered, SendFailure};
use std::time::Duration;
use tokio::sync::watch;

/// How long an interrupted send may go on after the server is asked to stop.
const STOP_GRACE: Duration = Duration::from_secs(3);

/// Delivers mail until `stop` turns true.
pub async fn run<H: MailHost + Clone>(host: H, stop: watch::Receiver<bool>) {
    let waker = host.clone();
    every(
        host.policy().poll,
        Some(waker.wake()),
        stop.clone(),
        move || step(host.clone(), stop.clone()),
    )
    .await
}

/// Sends the most overdue mail, if any. Once the server is asked to stop, a send under
/// way gets [`STOP_GRACE`] to finish.
async fn step(host: impl MailHost, mut stopping: watch::Receiver<bool>) -> Step {
    tokio::select! {
        next = deliver_next(&host) => match next {
            Ok(true) => Step::Worked,
            Ok(false) => Step::Idle,
            Err(e) => {
                tracing::warn!(error = %e, "could not read the mail outbox");
                Step::Idle
            }
        },
        _ = async {
            let _ = stopping.changed().await;
            tokio::time::sleep(STOP_GRACE).await;
        } => Step::Idle,
    }
}

/// Claims and sends the most overdue mail; false when none is due.
pub async fn deliver_next(host: &impl MailHost) -> sqlx::Result<bool> {
    let policy = host.policy();
    let now = host.clock().now_ms();
    let lease = policy.lease.as_millis() as i64;
    let Some(mail) = outbox::claim_next(host.db(), host.sender(), now, now + lease).await? else {
        return Ok(false);
    };
    let to = mail.to();
    match send(host, &to, &mail.mail(), &mail.id).await {
        Ok(delivered) => {
            log_delivered(&mail, to.len(), &delivered);
            if !outbox::mark_sent(host.db(), &mail.id, host.sender(), host.clock().now_ms()).await?
            {
                tracing::warn!(mail_id = %mail.id, "an email was sent after its lease ran out");
            }
        }
        Err(failure) => {
            let now = host.clock().now_ms();
            let give_up = failure.permanent
                || now - mail.created_at >= policy.give_up_after.as_millis() as i64;
            let attempts = u32::try_from(mail.attempts).unwrap_or(u32::MAX);
            let delay = policy.retry_delay(attempts);
            let retry_at = (!give_up).then(|| now + delay.as_millis() as i64);
            tracing::warn!(
                mail_id = %mail.id,
                run_id = mail.run_id.as_deref().unwrap_or(""),
                attempts,
                error = %failure.sentence,
                retry_in_s = retry_at.map(|_| delay.as_secs()),
                "{}",
                if give_up { "email given up" } else { "email failed; will retry" }
            );
            outbox::mark_failed_attempt(
                host.db(),
                &mail.id,
                host.sender(),
                &failure.sentence,
                retry_at,
            )
            .await?;
        }
    }
    Ok(true)
}

/// Builds and sends one message, within half the lease (so it ends while still ours).
async fn send(
    host: &impl MailHost,
    to: &[String],
    mail: &compose::Mail,
    outbox_id: &str,
) -> Result<Delivered, SendFailure> {
    let message =
        compose::message(&host.setup().from, to, mail, outbox_id).map_err(|sentence| {
            SendFailure {
                sentence,
                permanent: true,
            }
        })?;
    let limit = host.policy().lease / 2;
    match tokio::time::timeout(limit, host.setup().transport.send(message)).await {
        Ok(outcome) => outcome,
        Err(_) => Err(SendFailure {
            sentence: format!(
                "Sending through {} took longer than {} s.",
                host.setup().transport.describe(),
                limit.as_secs()
            ),
            permanent: false,
        }),
    }
}

/// One log line per mail: where it went, how many recipients, the subject (which holds
/// counts only) — never the body.
fn log_delivered(mail: &Claimed, recipients: usize, delivered: &Delivered) {
    let run_id = mail.run_id.as_deref().unwrap_or("");
    match delivered {
        Delivered::Smtp { endpoint } => tracing::info!(
            mail_id = %mail.id,
            run_id,
            kind = %mail.kind,
            server = %endpoint,
            recipients,
            subject = %mail.subject,
            "email sent"
        ),
        Delivered::File { path } => tracing::info!(
            mail_id = %mail.id,
            run_id,
            kind = %mail.kind,
            path = %path.display(),
            recipients,
            subject = %mail.subject,
            "email written to a file (no SMTP server is configured)"
        ),
    }
}

/// *Send a test email*: to the person asking (`name`, at `email`), at once, through the configured transport. Recorded
/// in the outbox (claimed by this request, so no mailer takes it meanwhile) and marked
/// sent or failed — never retried, since the person sees the outcome.
pub async fn send_test_email(
    host: &impl MailHost,
    name: &str,
    email: &str,
) -> sqlx::Result<Result<Delivered, SendFailure>> {
    let mail = match compose::test_email(name, &host.setup().transport.describe()) {
        Ok(mail) => mail,
        Err(e) => {
            tracing::error!(error = %e, "could not compose the test email");
            return Ok(Err(SendFailure {
                sentence: "orgsync could not put the email together.".into(),
                permanent: true,
            }));
        }
    };
    let now = host.clock().now_ms();
    let until = now + host.policy().lease.as_millis() as i64;
    let mut conn = host.db().pool().acquire().await?;
    let new = NewMail {
        run_id: None,
        kind: MailKind::Test,
        to: email,
        mail: &mail,
        claimed: Some((host.sender(), until)),
    };
    let id = outbox::insert(&mut conn, &new, now).await?;
    drop(conn);
    let to = [email.to_owned()];
    let outcome = send(host, &to, &mail, &id).await;
    match &outcome {
        Ok(delivered) => {
            tracing::info!(mail_id = %id, via = ?delivered, "test email sent");
            outbox::mark_sent(host.db(), &id, host.sender(), host.clock().now_ms()).await?;
        }
        Err(failure) => {
            tracing::info!(mail_id = %id, error = %failure.sentence, "test email failed");
            outbox::mark_failed_attempt(host.db(), &id, host.sender(), &failure.sentence, None)
                .await?;
        }
    }
    Ok(outcome)
}
