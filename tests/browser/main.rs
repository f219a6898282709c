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
mod journey;
mod keyboard;
mod no_js;
mod screenshots;
mod server;

use std::sync::{Mutex, Once};

static INIT: Once = Once::new();
static LOGS: Mutex<Vec<u8>> = Mutex::new(Vec::new());

struct LogWriter;

impl std::io::Write for LogWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        LOGS.lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Once per test binary: the rustls provider reqwest needs, and the server's logs kept in
/// memory so that a failing test can save them next to its screenshot.
pub fn init() {
    INIT.call_once(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new(
                "info,sqlx=warn,tower_http=warn",
            ))
            .with_ansi(false)
            .with_writer(|| LogWriter)
            .try_init();
    });
}

/// Every log line the servers of this test binary wrote so far (all tests together).
pub fn captured_logs() -> String {
    String::from_utf8_lossy(&LOGS.lock().unwrap_or_else(|e| e.into_inner())).into_owned()
}
