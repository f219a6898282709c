//! Process-wide setup of a test binary: the TLS provider reqwest needs, and every log
//! line the servers write kept in memory, so that a test can search them (or save them
//! next to a failing browser test's screenshot). Shared by the app and browser tests.

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

/// Once per test binary: the rustls provider, and a global subscriber with `filter`
/// writing into memory. Later calls do nothing.
pub fn init_with(filter: &str) {
    INIT.call_once(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
            .with_ansi(false)
            .with_writer(|| LogWriter)
            .try_init();
    });
}

/// Every log line captured so far in this test binary (all tests together).
pub fn captured_logs() -> String {
    String::from_utf8_lossy(&LOGS.lock().unwrap_or_else(|e| e.into_inner())).into_owned()
}
