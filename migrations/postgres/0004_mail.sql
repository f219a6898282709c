-- PostgreSQL twin of migrations/sqlite/0004_mail.sql: the same tables, columns
-- and indexes, kept in step (tests/app/backends.rs compares the two schemas).
--
-- The mail outbox: every email orgsync sends is first a row here, written in the same
-- transaction as what it reports (a sync's apply, a run marked failed), so a crash can
-- neither lose one nor report something that did not commit. The mailer task claims
-- due rows with one atomic UPDATE (a lease: `claimed_until`), sends, and marks them
-- sent; a failure is retried with backoff until it is given up as failed.

CREATE TABLE mail_outbox (
    id TEXT PRIMARY KEY,
    -- The sync run the mail reports on; NULL for a test email.
    run_id TEXT REFERENCES sync_runs (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('sync_summary', 'sync_failed', 'test')),
    -- JSON array of email addresses, resolved when the mail was queued.
    recipients TEXT NOT NULL,
    subject TEXT NOT NULL,
    text_body TEXT NOT NULL,
    html_body TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    -- Sends tried so far (counted when claimed, so a crash mid-send counts too).
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    -- Why the last attempt failed: one sentence, never a secret.
    last_error TEXT,
    -- Which server instance is sending it, until when: a lease that a crash lets lapse.
    claimed_by TEXT,
    claimed_until BIGINT,
    created_at BIGINT NOT NULL,
    sent_at BIGINT
);
CREATE INDEX mail_outbox_due ON mail_outbox (status, next_attempt_at);
CREATE INDEX mail_outbox_run ON mail_outbox (run_id);
