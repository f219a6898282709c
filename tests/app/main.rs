//! Integration tests of the server of issue 2, over real HTTP against the real app on
//! port 0, each test with its own data directory (its own key, and its own database:
//! SQLite, or PostgreSQL with `ORGSYNC_TEST_POSTGRES_URL` — `scripts/test` runs both).

mod access;
mod apps;
mod backends;
mod cli;
mod csrf;
mod errors;
mod hardening;
mod headers;
mod helpers;
mod instances;
mod justworks_settings;
mod levels;
mod mail;
mod org_settings;
mod people;
mod schedule;
mod secrets;
mod setup;
mod sign_in;
mod sync;
mod test_connection;
mod throttle;
mod users;
