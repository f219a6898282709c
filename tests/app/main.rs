//! Integration tests of the server of issue 2, over real HTTP against the real app on
//! port 0, each test with its own data directory (its own SQLite database and key).

mod access;
mod apps;
mod cli;
mod csrf;
mod errors;
mod headers;
mod helpers;
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
