-- PostgreSQL twin of migrations/sqlite/0002_org_and_syncs.sql: the same tables, columns
-- and indexes, kept in step (tests/app/backends.rs compares the two schemas).
--
-- The primary org (people, jobs, departments, locations, history) and sync runs.

CREATE TABLE people (
    id TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    justworks_id TEXT,
    work_id TEXT,
    status TEXT NOT NULL CHECK (status IN ('active', 'departed')),
    name TEXT NOT NULL,
    given_name TEXT,
    family_name TEXT,
    preferred_name TEXT,
    work_email TEXT,
    personal_email TEXT,
    -- JSON: [{"number": "...", "kind": "mobile"}]
    phones TEXT,
    -- JSON: {"line1": ..., "city": ..., ...}
    home_address TEXT,
    birthdate TEXT,
    gender TEXT,
    ethnicity TEXT,
    employment_type TEXT,
    start_date TEXT,
    end_date TEXT,
    -- Lower-cased name, preferred name and work email, for search.
    search_text TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    -- When a sync last wrote this person (for "Justworks, synced …").
    synced_at BIGINT
);
CREATE UNIQUE INDEX people_justworks_id ON people (justworks_id);
CREATE INDEX people_status_name ON people (status, name);

CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    person_id TEXT REFERENCES people (id),
    status TEXT NOT NULL CHECK (status IN ('filled', 'open', 'closed')),
    title TEXT,
    department TEXT,
    location TEXT,
    manager_job_id TEXT REFERENCES jobs (id) DEFERRABLE INITIALLY DEFERRED,
    comp_amount BIGINT,
    comp_currency TEXT,
    comp_basis TEXT,
    comp_frequency TEXT,
    start_date TEXT,
    end_date TEXT,
    -- People in filled jobs anywhere below this job, kept current by every write to
    -- the tree, so the org chart never counts a subtree per request.
    headcount BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    synced_at BIGINT
);
CREATE INDEX jobs_person ON jobs (person_id);
CREATE INDEX jobs_manager ON jobs (manager_job_id);
CREATE INDEX jobs_status_department ON jobs (status, department);
CREATE INDEX jobs_status_location ON jobs (status, location);

CREATE TABLE departments (
    name TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    external_id TEXT,
    updated_at BIGINT NOT NULL
);

CREATE TABLE locations (
    name TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    external_id TEXT,
    -- JSON address of an office.
    address TEXT,
    updated_at BIGINT NOT NULL
);

CREATE TABLE sync_runs (
    id TEXT PRIMARY KEY,
    app TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'complete', 'complete_with_warnings', 'failed')),
    cause TEXT NOT NULL CHECK (cause IN ('manual', 'scheduled')),
    requested_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    requested_by_name TEXT,
    queued_at BIGINT NOT NULL,
    started_at BIGINT,
    finished_at BIGINT,
    heartbeat_at BIGINT,
    -- Which server instance runs it.
    worker TEXT,
    -- What the run is doing now ("Signing in to Justworks", …) and members fetched.
    step TEXT,
    members_fetched BIGINT NOT NULL DEFAULT 0,
    created_count BIGINT NOT NULL DEFAULT 0,
    updated_count BIGINT NOT NULL DEFAULT 0,
    departed_count BIGINT NOT NULL DEFAULT 0,
    rehired_count BIGINT NOT NULL DEFAULT 0,
    unchanged_count BIGINT NOT NULL DEFAULT 0,
    excluded_count BIGINT NOT NULL DEFAULT 0,
    warnings_count BIGINT NOT NULL DEFAULT 0,
    -- JSON array of sentences.
    warnings TEXT NOT NULL DEFAULT '[]',
    error TEXT,
    -- The app's name while queued or running, NULL after: the unique index below lets
    -- the database itself refuse a second active run of one app.
    active_app TEXT
);
CREATE UNIQUE INDEX sync_runs_one_active_per_app ON sync_runs (active_app);
CREATE INDEX sync_runs_app_queued ON sync_runs (app, queued_at);
CREATE INDEX sync_runs_status ON sync_runs (status, queued_at);

CREATE TABLE history (
    id TEXT PRIMARY KEY,
    run_id TEXT REFERENCES sync_runs (id) ON DELETE CASCADE,
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
CREATE INDEX history_run ON history (run_id, kind);
CREATE INDEX history_person ON history (person_id, at);
CREATE INDEX history_entity ON history (entity_id, at);
