//! The real orgsync on port 0 with a data directory of its own, and a Justworks sandbox
//! serving in this process: the test changes members and injects latency over its admin
//! surface (HTTP, as the README shows), and lets it forget the TOTP codes it has seen so
//! that the app may sign in to Justworks twice within one 30-second step.

use anyhow::{Context, Result, anyhow, ensure};
use orgsync::sandbox::{RunningSandbox, SandboxOptions};
use orgsync::{App, Config};
use serde_json::Value;
use std::time::Duration;
use tempfile::TempDir;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

/// A Justworks sandbox serving in this process.
pub struct Sandbox {
    running: RunningSandbox,
    pub url: String,
    http: reqwest::Client,
}

impl Sandbox {
    pub async fn start(members: usize, seed: u64) -> Result<Sandbox> {
        crate::init();
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let running = orgsync::sandbox::start(listener, SandboxOptions { members, seed }).await?;
        Ok(Sandbox {
            url: running.base_url(),
            running,
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()?,
        })
    }

    /// As if a new TOTP step had begun: the app may sign in again at once.
    pub fn forget_used_codes(&self) {
        self.running.forget_used_codes();
    }

    /// Merges a JSON patch into one member, as `POST /sandbox/members/{id}` does.
    pub async fn patch_member(&self, id: &str, patch: Value) -> Result<()> {
        self.admin_post(&format!("/sandbox/members/{id}"), &patch)
            .await
    }

    /// Every answer of `/v1/` takes this long (0: as fast as it can).
    pub async fn set_latency(&self, ms: u64) -> Result<()> {
        self.admin_post("/sandbox/faults", &serde_json::json!({ "latency_ms": ms }))
            .await
    }

    async fn admin_post(&self, path: &str, body: &Value) -> Result<()> {
        let response = self
            .http
            .post(format!("{}{path}", self.url))
            .json(body)
            .send()
            .await
            .with_context(|| format!("POST {path} to the sandbox"))?;
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        ensure!(status.is_success(), "POST {path}: {status} {text}");
        Ok(())
    }
}

/// A running orgsync; stopped when dropped.
pub struct Server {
    /// `http://127.0.0.1:PORT`
    pub base: String,
    /// The one-time setup token (no user exists at start).
    pub setup_token: Option<String>,
    _dir: TempDir,
    shutdown: Option<oneshot::Sender<()>>,
}

impl Server {
    /// orgsync whose Justworks is `sandbox`, in a fresh data directory.
    pub async fn on(sandbox: &Sandbox) -> Result<Server> {
        let url = sandbox.url.clone();
        Self::start(move |config| config.justworks_url = Some(url)).await
    }

    /// orgsync on its embedded defaults (its own sandbox of `members`), as `cargo run`
    /// starts it.
    pub async fn embedded(members: usize) -> Result<Server> {
        Self::start(move |config| config.sandbox_members = members).await
    }

    async fn start(tweak: impl FnOnce(&mut Config)) -> Result<Server> {
        crate::init();
        let dir = tempfile::tempdir()?;
        let mut config = Config::with_data_dir(dir.path());
        // SQLite, or a fresh database on the PostgreSQL of `scripts/test`'s second run.
        config.database_url =
            orgsync::secrets::SecretString::new(crate::database::database_url(dir.path()));
        tweak(&mut config);
        let app = App::build(config)
            .await
            .map_err(|e| anyhow!("the app did not build: {e:#}"))?;
        let setup_token = app.setup_token().map(str::to_owned);
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let base = format!("http://{}", listener.local_addr()?);
        let (shutdown, rx) = oneshot::channel::<()>();
        tokio::spawn(app.serve(listener, async move {
            let _ = rx.await;
        }));
        Ok(Server {
            base,
            setup_token,
            _dir: dir,
            shutdown: Some(shutdown),
        })
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The link the server prints at first start.
    pub fn setup_link(&self) -> Result<String> {
        let token = self
            .setup_token
            .as_deref()
            .context("the server issued no setup token")?;
        Ok(self.url(&format!("/setup?token={token}")))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}
