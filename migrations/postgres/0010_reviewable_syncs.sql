-- Reviewable, guarded, reversible syncs (docs/design.md → *Reviewable, guarded,
-- reversible syncs*): runs that wait for review, are discarded or superseded; previews,
-- reverts and webhook-triggered runs; the plan kept with its run.

ALTER TABLE sync_runs DROP CONSTRAINT sync_runs_status_check;
ALTER TABLE sync_runs ADD CONSTRAINT sync_runs_status_check CHECK (status IN ('queued', 'running', 'complete', 'complete_with_warnings', 'failed', 'needs_review', 'discarded', 'superseded'));
ALTER TABLE sync_runs DROP CONSTRAINT sync_runs_cause_check;
ALTER TABLE sync_runs ADD CONSTRAINT sync_runs_cause_check CHECK (cause IN ('manual', 'scheduled', 'preview', 'revert', 'webhook'));
-- Why the run waits (or must wait) for review: preview, first_sync, safeguard,
-- always_review, replan, revert. NULL: it applies when planned.
ALTER TABLE sync_runs ADD COLUMN waits_for TEXT;
-- JSON array of the safeguards' sentences that stopped it.
ALTER TABLE sync_runs ADD COLUMN guards TEXT NOT NULL DEFAULT '[]';
-- When its plan was stored, and the org's revision it was made against: approving
-- applies it only if the org is still at that revision.
ALTER TABLE sync_runs ADD COLUMN planned_at BIGINT;
ALTER TABLE sync_runs ADD COLUMN plan_rev BIGINT;
ALTER TABLE sync_runs ADD COLUMN decided_by TEXT REFERENCES users (id) ON DELETE SET NULL;
ALTER TABLE sync_runs ADD COLUMN decided_by_name TEXT;
ALTER TABLE sync_runs ADD COLUMN decided_at BIGINT;
-- The applied run this one reverts (cause revert).
ALTER TABLE sync_runs ADD COLUMN reverts TEXT;
-- The newer run that replaced this waiting one.
ALTER TABLE sync_runs ADD COLUMN superseded_by TEXT;
-- At most one plan waits per app: a newer one supersedes it in the same transaction.
CREATE UNIQUE INDEX sync_runs_one_waiting ON sync_runs (app) WHERE status = 'needs_review';

ALTER TABLE mail_outbox DROP CONSTRAINT mail_outbox_kind_check;
ALTER TABLE mail_outbox ADD CONSTRAINT mail_outbox_kind_check CHECK (kind IN ('sync_summary', 'sync_failed', 'test', 'sync_review', 'sync_discarded'));

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
