-- Justworks webhooks (docs/justworks.md → *Webhooks*).
--
-- The ids of the events received in the last 24 hours: Justworks delivers at least
-- once, and an event seen before does nothing. Older rows are pruned as new ones come.
CREATE TABLE webhook_events (
    id TEXT PRIMARY KEY,
    received_at BIGINT NOT NULL
);
CREATE INDEX webhook_events_received ON webhook_events (received_at);

-- A run asked for by a webhook waits a little (the debounce), so that a burst of events
-- makes one run: it is not claimed before `not_before` (UTC ms; NULL: at once).
ALTER TABLE sync_runs ADD COLUMN not_before BIGINT;
-- A webhook run queued while a run of the same app is running: it follows that run.
-- `active_app` stays the running run's; this one holds `next_app` (one per app) until
-- the app's slot is free, then takes `active_app` and may be claimed.
ALTER TABLE sync_runs ADD COLUMN next_app TEXT;
CREATE UNIQUE INDEX sync_runs_one_next_per_app ON sync_runs (next_app);
