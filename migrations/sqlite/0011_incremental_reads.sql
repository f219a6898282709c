-- Incremental reads (docs/design.md → *Incremental reads*): the last read kept per app,
-- so that a run may read only the members changed since and plan them as a whole roster;
-- and what each run read.

-- The roster as of the latest run that planned: serialised and encrypted with the
-- server's key (it holds pay and birthdates), bound to its app. Written with the run's
-- end, never by a failed run; goes with the app when it is uninstalled.
CREATE TABLE roster_snapshots (
    app TEXT PRIMARY KEY REFERENCES app_installs (app) ON DELETE CASCADE,
    -- When that read began (UTC ms): the next one reads changes since 5 minutes before.
    read_at BIGINT NOT NULL,
    -- The app's settings updated_at when it was read: a settings save forces a full read.
    settings_at BIGINT NOT NULL,
    ciphertext TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

-- What a run read: NULL, everyone; else the members changed since this instant (UTC ms).
ALTER TABLE sync_runs ADD COLUMN read_since BIGINT;
