//! The integration tests, in one test binary (the crate graph is linked once for all of
//! them): the real app over real HTTP on port 0, each test with its own data directory
//! (its own key, and its own database: SQLite, or PostgreSQL with
//! `ORGSYNC_TEST_POSTGRES_URL` — `scripts/test` runs both); and the Justworks client and
//! sandbox against each other over real HTTP (`justworks_client`, `sandbox`).

mod access;
mod apps;
mod backends;
mod cli;
mod csrf;
mod errors;
mod hand_edits;
mod hardening;
mod headers;
mod health;
mod helpers;
mod hostile;
mod incremental;
mod instances;
mod justworks_client;
mod justworks_settings;
mod levels;
mod mail;
mod oauth;
mod org_settings;
mod people;
mod privacy;
mod review;
mod sandbox;
mod schedule;
mod secrets;
mod setup;
mod sign_in;
mod sync;
mod sync_pins;
mod sync_rules;
mod test_connection;
mod throttle;
mod users;
mod webhooks;
