//! The orgsync binary as a separate process, so that a test can kill it mid-run.

use super::*;
use std::time::{Duration, Instant};

/// The orgsync binary serving `dir` on a free loopback port, with Justworks at
/// `justworks`; its output goes to `log`.
pub(crate) struct Server {
    pub(crate) child: Option<std::process::Child>,
    pub(crate) base: String,
}

impl Server {
    /// On the database of `dir` (see [`database_url`]), with the key file in `dir`.
    pub(crate) async fn start(
        dir: &std::path::Path,
        justworks: &str,
        log: &std::path::Path,
    ) -> Server {
        Self::start_on(dir, &database_url(dir), justworks, log, &[]).await
    }

    /// On `database` (another instance's, say), with `env` set too.
    pub(crate) async fn start_on(
        dir: &std::path::Path,
        database: &str,
        justworks: &str,
        log: &std::path::Path,
        env: &[(&str, &str)],
    ) -> Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let output = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
            .unwrap();
        let child = std::process::Command::new(env!("CARGO_BIN_EXE_orgsync"))
            .env("ORGSYNC_DATA_DIR", dir)
            .env("ORGSYNC_DATABASE_URL", database)
            // Where several instances may share the database (PostgreSQL), a restarted
            // server finds a dead run by its silence: keep the wait short.
            .env("ORGSYNC_RUN_STALE_SECONDS", "3")
            .env("ORGSYNC_BIND", format!("127.0.0.1:{port}"))
            .env("ORGSYNC_JUSTWORKS_URL", justworks)
            .env_remove("ORGSYNC_SECRET_KEY")
            .env_remove("ORGSYNC_PUBLIC_URL")
            .envs(env.iter().copied())
            .stdin(std::process::Stdio::null())
            .stdout(output.try_clone().unwrap())
            .stderr(output)
            .spawn()
            .expect("the orgsync binary runs");
        let server = Server {
            child: Some(child),
            base: format!("http://127.0.0.1:{port}"),
        };
        let http = reqwest::Client::new();
        let deadline = Instant::now() + RUN_DEADLINE;
        loop {
            let up = http
                .get(format!("{}/healthz", server.base))
                .send()
                .await
                .is_ok_and(|r| r.status() == 200);
            if up {
                return server;
            }
            assert!(
                Instant::now() < deadline,
                "the server did not answer: {}",
                std::fs::read_to_string(log).unwrap_or_default()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// SIGKILL: no shutdown code runs.
    pub(crate) fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().expect("the server is killed");
            child.wait().expect("the killed server is reaped");
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}
