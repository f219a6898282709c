//! Building and running the server: open the database, check the encryption key, start
//! the embedded Justworks sandbox when no Justworks URL is configured, issue the setup
//! token while no user exists, serve until asked to stop, and stop cleanly.

use crate::auth::password::HashingLimit;
use crate::background::{Step, Tasks, every};
use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::crypto::Crypto;
use crate::db::Db;
use crate::sandbox::{RunningSandbox, SandboxOptions};
use crate::state::{AppState, JustworksEndpoint, Shared};
use crate::{auth, web};
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::watch;

/// How often expired sessions and old sign-in failures are cleared away.
const HOUSEKEEPING_EVERY: Duration = Duration::from_secs(600);

/// A built app, ready to serve.
pub struct App {
    pub state: AppState,
    sandbox: Option<RunningSandbox>,
    setup_token: Option<String>,
}

impl App {
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        Self::build_with_clock(config, Arc::new(SystemClock)).await
    }

    /// Like [`App::build`], reading time from `clock` (tests drive Run Daily with a
    /// [`crate::clock::TestClock`]).
    pub async fn build_with_clock(config: Config, clock: Arc<dyn Clock>) -> anyhow::Result<Self> {
        crate::data_dir::prepare(&config.data_dir, config.database_url.expose())?;
        let crypto = Crypto::load(config.secret_key.as_ref(), &config.data_dir)?;
        let db = Db::connect(config.database_url.expose()).await?;
        crypto.verify_or_record(&db, clock.now()).await?;

        let (justworks, sandbox) = match &config.justworks_url {
            Some(url) => (
                JustworksEndpoint {
                    base_url: url.clone(),
                    authorize_url: config
                        .justworks_authorize_url
                        .clone()
                        .unwrap_or_else(|| crate::state::JUSTWORKS_AUTHORIZE_URL.to_owned()),
                    sandbox: false,
                },
                None,
            ),
            None => {
                let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
                let sandbox = crate::sandbox::start(
                    listener,
                    SandboxOptions {
                        members: config.sandbox_members,
                        seed: config.sandbox_seed,
                    },
                )
                .await?;
                tracing::info!(
                    url = %sandbox.base_url(),
                    members = config.sandbox_members,
                    "Justworks sandbox (generated data) started in this process; its front page shows the credentials to paste"
                );
                (
                    JustworksEndpoint {
                        base_url: sandbox.base_url(),
                        authorize_url: config
                            .justworks_authorize_url
                            .clone()
                            .unwrap_or_else(|| format!("{}/oauth/authorize", sandbox.base_url())),
                        sandbox: true,
                    },
                    Some(sandbox),
                )
            }
        };
        let setup_token = auth::setup::issue_setup_token(&db, clock.now()).await?;
        let mail = crate::mail::MailSetup::from_config(&config)?;
        let state = AppState::new(Shared {
            config,
            db,
            crypto,
            justworks,
            instance_id: format!("orgsync-{}", uuid::Uuid::new_v4().simple()),
            sync_wake: tokio::sync::Notify::new(),
            clock,
            mail,
            mail_wake: tokio::sync::Notify::new(),
            public_base: std::sync::OnceLock::new(),
            password_hashing: HashingLimit::new(HashingLimit::PERMITS, HashingLimit::WAIT),
        });
        crate::sync::worker::recover_at_start(&state).await?;
        crate::mail::outbox::release_leases_at_start(&state.db).await?;
        Ok(Self {
            state,
            sandbox,
            setup_token,
        })
    }

    /// The one-time setup token, while no user exists.
    pub fn setup_token(&self) -> Option<&str> {
        self.setup_token.as_deref()
    }

    /// The address people should open, for a server listening on `addr`: worked out
    /// once ([`crate::link_base::of_listener`]) and kept for the links in emails.
    pub fn public_base(&self, addr: SocketAddr) -> String {
        self.state
            .public_base
            .get_or_init(|| crate::link_base::of_listener(&self.state.config, addr))
            .clone()
    }

    /// Serves on `listener` until `shutdown` completes, then stops background work, the
    /// sandbox and the database pool.
    pub async fn serve(
        self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let (stop_tx, stop_rx) = watch::channel(false);
        let mut tasks = Tasks::default();
        tasks.spawn(
            "housekeeping",
            housekeeping(self.state.clone(), stop_rx.clone()),
        );
        tasks.spawn(
            "scheduler",
            crate::sync::scheduler::run(self.state.clone(), stop_rx.clone()),
        );
        if let Ok(addr) = listener.local_addr() {
            self.public_base(addr);
        }
        tasks.spawn(
            "mailer",
            crate::mail::mailer::run(self.state.clone(), stop_rx.clone()),
        );
        tasks.spawn(
            "worker",
            crate::sync::worker::run(self.state.clone(), stop_rx),
        );
        let router = web::router(self.state.clone());
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown)
        .await?;
        tracing::info!("stopping");
        let _ = stop_tx.send(true);
        tasks.join().await;
        if let Some(sandbox) = self.sandbox {
            sandbox.shutdown().await;
        }
        self.state.db.close().await;
        Ok(())
    }
}

/// Removes expired sessions and old sign-in failures every few minutes.
async fn housekeeping(state: AppState, stop: watch::Receiver<bool>) {
    let store = auth::session_store::DbSessionStore::new(state.db.clone(), state.clock.clone());
    every(HOUSEKEEPING_EVERY, None, stop, move || {
        let (state, store) = (state.clone(), store.clone());
        async move {
            if let Err(e) = store.delete_expired().await {
                tracing::warn!(error = %e, "could not delete expired sessions");
            }
            if let Err(e) = auth::throttle::forget_old(&state.db, state.clock.now()).await {
                tracing::warn!(error = %e, "could not forget old sign-in failures");
            }
            Step::Idle
        }
    })
    .await
}

/// Completes on SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
}
