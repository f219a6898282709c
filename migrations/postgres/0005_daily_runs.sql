-- PostgreSQL twin of migrations/sqlite/0005_daily_runs.sql: the same tables, columns
-- and indexes, kept in step (tests/app/backends.rs compares the two schemas).
--
-- Run Daily: when it was switched on, and the scheduler's decision for each app and day.
-- Portable conventions as in 0001 (UTC ms in BIGINT, text ids, dates as YYYY-MM-DD).

-- When Run Daily was last switched on (NULL while off): a daily time that had already
-- passed that day does not fire at once. Installs that already run daily count from their
-- last save.
ALTER TABLE app_installs ADD COLUMN run_daily_since BIGINT;
UPDATE app_installs SET run_daily_since = updated_at WHERE run_daily = 1;

-- One row per app and local day (the org's time zone) that the scheduler has decided:
-- the primary key is what makes a daily run happen once, whatever restarts, clocks or
-- other instances do.
CREATE TABLE daily_runs (
    app TEXT NOT NULL REFERENCES app_installs (app) ON DELETE CASCADE,
    day TEXT NOT NULL,
    -- The instant `daily_at` fell on that day.
    due_at BIGINT NOT NULL,
    decided_at BIGINT NOT NULL,
    -- scheduled: run_id is the run it queued; skipped: run_id is the run already under way.
    outcome TEXT NOT NULL CHECK (outcome IN ('scheduled', 'skipped')),
    run_id TEXT,
    note TEXT,
    -- The server instance that decided.
    instance TEXT NOT NULL,
    PRIMARY KEY (app, day)
);
