-- Reviewable, guarded, reversible syncs (docs/design.md → *Reviewable, guarded,
-- reversible syncs*): runs that wait for review, are discarded or superseded; previews,
-- reverts and webhook-triggered runs; the plan kept with its run.
--
-- SQLite cannot change a CHECK constraint in place, so `sync_runs` and `mail_outbox` are
-- rebuilt the documented way (orgsync runs SQLite migrations with foreign keys off, and
-- checks them after): a new table, the rows copied, the old one dropped, the new renamed.

CREATE TABLE sync_runs_new (
    id TEXT PRIMARY KEY,
    app TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'complete', 'complete_with_warnings', 'failed', 'needs_review', 'discarded', 'superseded')),
    cause TEXT NOT NULL CHECK (cause IN ('manual', 'scheduled', 'preview', 'revert', 'webhook')),
    requested_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    requested_by_name TEXT,
    queued_at BIGINT NOT NULL,
    started_at BIGINT,
    finished_at BIGINT,
    heartbeat_at BIGINT,
    worker TEXT,
    step TEXT,
    members_fetched BIGINT NOT NULL DEFAULT 0,
    created_count BIGINT NOT NULL DEFAULT 0,
    updated_count BIGINT NOT NULL DEFAULT 0,
    departed_count BIGINT NOT NULL DEFAULT 0,
    rehired_count BIGINT NOT NULL DEFAULT 0,
    unchanged_count BIGINT NOT NULL DEFAULT 0,
    excluded_count BIGINT NOT NULL DEFAULT 0,
    warnings_count BIGINT NOT NULL DEFAULT 0,
    warnings TEXT NOT NULL DEFAULT '[]',
    error TEXT,
    active_app TEXT,
    conflicts_count BIGINT NOT NULL DEFAULT 0,
    -- Why the run waits (or must wait) for review: preview, first_sync, safeguard,
    -- always_review, replan, revert. NULL: it applies when planned.
    waits_for TEXT,
    -- JSON array of the safeguards' sentences that stopped it.
    guards TEXT NOT NULL DEFAULT '[]',
    -- When its plan was stored, and the org's revision it was made against: approving
    -- applies it only if the org is still at that revision.
    planned_at BIGINT,
    plan_rev BIGINT,
    decided_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    decided_by_name TEXT,
    decided_at BIGINT,
    -- The applied run this one reverts (cause revert).
    reverts TEXT,
    -- The newer run that replaced this waiting one.
    superseded_by TEXT
);
INSERT INTO sync_runs_new (id, app, status, cause, requested_by, requested_by_name, queued_at,
    started_at, finished_at, heartbeat_at, worker, step, members_fetched, created_count,
    updated_count, departed_count, rehired_count, unchanged_count, excluded_count,
    warnings_count, warnings, error, active_app, conflicts_count)
SELECT id, app, status, cause, requested_by, requested_by_name, queued_at, started_at,
    finished_at, heartbeat_at, worker, step, members_fetched, created_count, updated_count,
    departed_count, rehired_count, unchanged_count, excluded_count, warnings_count, warnings,
    error, active_app, conflicts_count
FROM sync_runs;
DROP TABLE sync_runs;
ALTER TABLE sync_runs_new RENAME TO sync_runs;
CREATE UNIQUE INDEX sync_runs_one_active_per_app ON sync_runs (active_app);
CREATE INDEX sync_runs_app_queued ON sync_runs (app, queued_at);
CREATE INDEX sync_runs_status ON sync_runs (status, queued_at);
-- At most one plan waits per app: a newer one supersedes it in the same transaction.
CREATE UNIQUE INDEX sync_runs_one_waiting ON sync_runs (app) WHERE status = 'needs_review';

CREATE TABLE mail_outbox_new (
    id TEXT PRIMARY KEY,
    run_id TEXT REFERENCES sync_runs (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('sync_summary', 'sync_failed', 'test', 'sync_review', 'sync_discarded')),
    recipients TEXT NOT NULL,
    subject TEXT NOT NULL,
    text_body TEXT NOT NULL,
    html_body TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    last_error TEXT,
    claimed_by TEXT,
    claimed_until BIGINT,
    created_at BIGINT NOT NULL,
    sent_at BIGINT
);
INSERT INTO mail_outbox_new SELECT id, run_id, kind, recipients, subject, text_body, html_body,
    status, attempts, next_attempt_at, last_error, claimed_by, claimed_until, created_at, sent_at
FROM mail_outbox;
DROP TABLE mail_outbox;
ALTER TABLE mail_outbox_new RENAME TO mail_outbox;
CREATE INDEX mail_outbox_due ON mail_outbox (status, next_attempt_at);
CREATE INDEX mail_outbox_run ON mail_outbox (run_id);

-- A run's plan while it waits (JSON: the rows the apply would write, never the roster),
-- and once applied, what it changed (JSON: created ids, rows before and after) for Revert;
-- for a revert run, the fields it keeps because they changed since.
CREATE TABLE run_plans (
    run_id TEXT PRIMARY KEY REFERENCES sync_runs (id) ON DELETE CASCADE,
    plan TEXT,
    undo TEXT,
    kept TEXT,
    created_at BIGINT NOT NULL
);

-- The history rows a waiting plan would write, read by the run page exactly as applied
-- ones are; moved into `history` when the plan is applied.
CREATE TABLE planned_history (
    id TEXT PRIMARY KEY,
    run_id TEXT NOT NULL REFERENCES sync_runs (id) ON DELETE CASCADE,
    at BIGINT NOT NULL,
    entity TEXT NOT NULL CHECK (entity IN ('person', 'job')),
    entity_id TEXT NOT NULL,
    person_id TEXT,
    person_name TEXT NOT NULL,
    kind TEXT NOT NULL,
    field TEXT NOT NULL,
    old_value TEXT,
    new_value TEXT,
    sensitive INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX planned_history_run ON planned_history (run_id, kind);
