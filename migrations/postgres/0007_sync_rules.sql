-- PostgreSQL twin of migrations/sqlite/0007_sync_rules.sql: the same column, kept in
-- step (tests/app/backends.rs compares the two schemas).
--
-- People who stop being synced from Justworks (their member newly excluded, or a
-- contractor once contractors are switched off) are kept, frozen. Why, while it lasts:
-- 'excluded' or 'contractor'; NULL while synced. It is how a sync warns once (in the run
-- where someone stops being synced, never again) and how their page says so.
ALTER TABLE people ADD COLUMN sync_stopped TEXT
    CHECK (sync_stopped IS NULL OR sync_stopped IN ('excluded', 'contractor'));
