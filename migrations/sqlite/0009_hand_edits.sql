-- Hand edits (docs/design.md → *Editing the org by hand*).
--
-- Pinned fields and fields set by hand, on the row that holds the field: JSON, NULL
-- when none. `pins`: {"title": null | "<Justworks' value last answered Keep ours>"};
-- `hand_fields`: ["title", …].
ALTER TABLE people ADD COLUMN pins TEXT;
ALTER TABLE people ADD COLUMN hand_fields TEXT;
ALTER TABLE jobs ADD COLUMN pins TEXT;
ALTER TABLE jobs ADD COLUMN hand_fields TEXT;

-- Who made a history row by hand (NULL: a sync made it, and run_id says which).
ALTER TABLE history ADD COLUMN by_user TEXT;
ALTER TABLE history ADD COLUMN by_name TEXT;

ALTER TABLE sync_runs ADD COLUMN conflicts_count BIGINT NOT NULL DEFAULT 0;

-- Where Justworks' value differs from a pinned one: a decision for a person, not a
-- change. One open conflict per field of a row; a newer one replaces it.
CREATE TABLE conflicts (
    id TEXT PRIMARY KEY,
    run_id TEXT REFERENCES sync_runs (id) ON DELETE SET NULL,
    entity TEXT NOT NULL CHECK (entity IN ('person', 'job')),
    entity_id TEXT NOT NULL,
    person_id TEXT,
    person_name TEXT NOT NULL,
    field TEXT NOT NULL,
    -- As shown: the pinned value and Justworks' value.
    ours TEXT,
    theirs TEXT,
    -- Justworks' value as the row's column would hold it (JSON), for Take Justworks'.
    theirs_value TEXT,
    sensitive INTEGER NOT NULL DEFAULT 0,
    found_at BIGINT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'kept', 'taken')),
    resolved_by TEXT,
    resolved_by_name TEXT,
    resolved_at BIGINT
);
CREATE UNIQUE INDEX conflicts_one_open ON conflicts (entity_id, field) WHERE status = 'open';
CREATE INDEX conflicts_run ON conflicts (run_id);
CREATE INDEX conflicts_status ON conflicts (status, found_at);

-- The org's revision: every write to the org (a sync's apply, a hand edit) bumps it as
-- the first statement of its transaction. That serialises them on PostgreSQL (the row
-- lock) as SQLite's write lock does, so a sync never writes over a hand edit it did not
-- plan with, and a plan can tell it is stale.
CREATE TABLE org_revision (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    rev BIGINT NOT NULL
);
INSERT INTO org_revision (id, rev) VALUES (1, 0);
