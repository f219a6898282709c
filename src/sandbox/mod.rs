//! The Justworks sandbox: serves the surface of `../shared/JUSTWORKS.md` from a generated
//! company, for trying orgsync out and for its own tests. (Being built: see issue 3.)

use std::net::SocketAddr;

/// What the sandbox generates: `members` people, deterministic for `seed`.
#[derive(Debug, Clone, Copy)]
pub struct SandboxOptions {
    pub members: usize,
    pub seed: u64,
}

impl Default for SandboxOptions {
    fn default() -> Self {
        Self {
            members: 250,
            seed: 1,
        }
    }
}

/// A sandbox serving on a socket; dropping the handle does not stop it, `shutdown` does.
pub struct RunningSandbox {
    pub addr: SocketAddr,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl RunningSandbox {
    /// `http://127.0.0.1:PORT` — the base URL orgsync's client is pointed at.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops serving and waits for the server task to end.
    pub async fn shutdown(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        let _ = self.task.await;
    }
}

/// Starts the sandbox on an already bound listener (port 0 in tests).
pub async fn start(
    listener: tokio::net::TcpListener,
    options: SandboxOptions,
) -> anyhow::Result<RunningSandbox> {
    let _ = options;
    let addr = listener.local_addr()?;
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let app = axum::Router::new();
    let task = tokio::spawn(async move {
        let _ = axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async move {
            let _ = rx.await;
        })
        .await;
    });
    Ok(RunningSandbox {
        addr,
        shutdown: Some(tx),
        task,
    })
}
