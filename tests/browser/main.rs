//! orgsync in a real browser (issue 6): headless Chromium driven over WebDriver against
//! the real server on port 0, each test with its own data directory and a Justworks
//! sandbox.
//!
//! - `driver`: chromedriver and Chromium, and the runner that saves a screenshot, the
//!   page and the server's log under `test-artifacts/browser/<test>/` when a test fails;
//! - `browser`: one window as a test drives it (waiting for elements and texts, keys);
//! - `server`: the app and an in-process sandbox the test can change and whose used
//!   TOTP codes it can forget;
//! - `flows`: what a person does, step by step (first start, install, copy the sandbox's
//!   credentials, sync, sign in and out);
//! - `journey`: the whole journey from first start to a Member's sign-out;
//! - `a11y`: axe-core on every main page, errors tied to their fields, statuses that are
//!   more than a colour;
//! - `keyboard`: the Justworks form and Sync To Primary from the keyboard alone, with a
//!   visible focus;
//! - `no_js`: the same forms with JavaScript turned off;
//! - `review`: a first sync and a preview reviewed and applied from the keyboard;
//! - `oauth`: Connect with Justworks through the sandbox's consent page;
//! - `screenshots`: the README's pictures (`cargo test --test browser readme_screenshots
//!   -- --ignored`).
//!
//! They need `chromium` and `chromedriver` (`apt-get install -y chromium chromium-driver`);
//! `CHROMEDRIVER` and `CHROMIUM` name other binaries than `chromedriver` on the `PATH` and
//! `/usr/bin/chromium`.

mod a11y;
mod browser;
/// The app tests' choice of database (SQLite, or PostgreSQL when
/// `ORGSYNC_TEST_POSTGRES_URL` is set), shared rather than copied.
#[allow(dead_code)]
#[path = "../app/helpers/database.rs"]
mod database;
mod driver;
mod flows;
mod hand_edits;
mod journey;
mod keyboard;
mod no_js;
mod oauth;
mod review;
mod screenshots;
mod server;

/// The app tests' log capture, shared rather than copied.
#[path = "../app/helpers/logs.rs"]
mod logs;

pub use logs::captured_logs;

/// Once per test binary: the rustls provider reqwest needs, and the server's logs kept in
/// memory so that a failing test can save them next to its screenshot.
pub fn init() {
    logs::init_with("info,sqlx=warn,tower_http=warn");
}
