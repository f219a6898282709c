//! The Justworks sandbox: serves the surface of `docs/justworks.md` from a generated
//! company, for trying orgsync out (`orgsync sandbox`, or embedded in `orgsync serve`)
//! and for orgsync's own tests.
//!
//! - `auth` + `totp`: password → MFA challenge → TOTP → bearer token;
//! - `oauth` (rules), `consent` (`/oauth/authorize`) and `token` (`/oauth/token`): the
//!   Partner API's OAuth 2.0 with PKCE, refresh-token rotation and revoking;
//! - `bearer`: which of the two kinds of token a data call carries;
//! - `members`: `/v1/company` and the paged `/v1/members`;
//! - `admin` + `faults`: the loopback-only `/sandbox/…` surface; `changes`: what a
//!   replaced roster changed (its `updated_at` and events);
//! - `webhook`: signed events POSTed in the background when the admin surface changes
//!   a member;
//! - `page` + `page_forms`: the front page with the credentials to paste into orgsync,
//!   and its forms (redirect URI, webhook, a member's job title);
//! - `generate` (with `tree`, `company`, `people`, `names`, `catalog`, `wire`, `rng`):
//!   the company, the same for the same seed and size;
//! - `roster`: the members as served, replaceable and patchable.

mod admin;
mod auth;
mod bearer;
mod catalog;
mod changes;
mod company;
mod consent;
mod error;
mod faults;
mod generate;
mod members;
mod names;
mod oauth;
mod page;
mod page_forms;
mod people;
mod rng;
mod roster;
mod token;
mod totp;
mod tree;
mod webhook;
mod wire;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, RwLock, RwLockReadGuard, RwLockWriteGuard};

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware;
use axum::routing::{get, post, put};
use data_encoding::BASE32_NOPAD;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use rand::Rng as _;

use crate::clock::SystemClock;

use auth::Authenticator;
use faults::Faults;
use members::CursorCodec;
use oauth::PartnerAuth;
use roster::Roster;
use webhook::Webhook;

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

/// The service user's credentials, as orgsync's Justworks settings take them.
#[derive(Clone, PartialEq, Eq)]
pub struct SandboxCredentials {
    pub username: String,
    pub password: String,
    /// The 160-bit TOTP seed in base32, in groups of four as Justworks displays it
    /// ("ABCD EFGH …"); remove the spaces for the canonical form.
    pub totp_secret: String,
}

impl std::fmt::Debug for SandboxCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SandboxCredentials")
            .field("username", &self.username)
            .field("password", &"[redacted]")
            .field("totp_secret", &"[redacted]")
            .finish()
    }
}

/// The Partner API's OAuth client, as Justworks would issue it to orgsync by hand.
#[derive(Clone, PartialEq, Eq)]
pub struct SandboxOAuthClient {
    pub client_id: String,
    pub client_secret: String,
    /// Where the consent page may send the browser back to (exact match).
    pub redirect_uris: Vec<String>,
}

impl std::fmt::Debug for SandboxOAuthClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SandboxOAuthClient")
            .field("client_id", &self.client_id)
            .field("client_secret", &"[redacted]")
            .field("redirect_uris", &self.redirect_uris)
            .finish()
    }
}

/// A sandbox serving on a socket; dropping the handle does not stop it, `shutdown` does.
pub struct RunningSandbox {
    pub addr: SocketAddr,
    state: AppState,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl RunningSandbox {
    /// `http://127.0.0.1:PORT` — the base URL orgsync's client is pointed at.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The service user's credentials (the same as `GET /sandbox/credentials`).
    pub fn credentials(&self) -> SandboxCredentials {
        self.state.credentials().clone()
    }

    /// The Partner API's client id, secret and registered redirect URIs (the same as
    /// `GET /sandbox/oauth-client`).
    pub fn oauth_client(&self) -> SandboxOAuthClient {
        self.state.partner().client().clone()
    }

    /// The full name of the org head (the one active member without a manager) in the
    /// roster currently served, for orgsync's *Name Org Head*.
    pub fn org_head(&self) -> Option<String> {
        self.state.roster().org_head()
    }

    /// The company's name as `/v1/company` serves it.
    pub fn company_name(&self) -> Option<String> {
        self.state.roster().company()["name"]
            .as_str()
            .map(str::to_string)
    }

    /// Makes every TOTP code usable again, as if a new 30-second step had begun, so an
    /// in-process test can sign in twice without waiting. Not reachable over HTTP.
    pub fn forget_used_codes(&self) {
        self.state.auth().forget_used_codes();
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
    start_with_clock(listener, options, Arc::new(SystemClock)).await
}

/// [`start`] with a clock of the caller's (tests move it to expire codes and tokens).
pub(crate) async fn start_with_clock(
    listener: tokio::net::TcpListener,
    options: SandboxOptions,
    clock: Clock,
) -> anyhow::Result<RunningSandbox> {
    let addr = listener.local_addr()?;
    // 100 000 members take a moment to generate: keep it off the async workers.
    let state = tokio::task::spawn_blocking(move || AppState::generate(options, clock)).await?;
    let app = router(state.clone());
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let served = axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async move {
            let _ = rx.await;
        })
        .await;
        if let Err(error) = served {
            tracing::error!(%error, "the Justworks sandbox stopped serving");
        }
    });
    tracing::info!(%addr, members = options.members, seed = options.seed, "Justworks sandbox started");
    Ok(RunningSandbox {
        addr,
        state,
        shutdown: Some(tx),
        task,
    })
}

/// The whole surface: `/v1/` (with faults), OAuth, the admin surface and the front page.
fn router(state: AppState) -> Router {
    let v1 = Router::new()
        .route("/v1/auth/login", post(auth::login))
        .route("/v1/auth/mfa", post(auth::mfa))
        .route("/v1/company", get(members::company))
        .route("/v1/members", get(members::members))
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            faults::inject,
        ));
    let admin = Router::new()
        .route("/sandbox/credentials", get(admin::credentials))
        .route(
            "/sandbox/members",
            axum::routing::put(admin::replace_roster),
        )
        .route(
            "/sandbox/members/{id}",
            post(admin::patch_member).put(admin::put_member),
        )
        .route("/sandbox/faults", post(admin::set_faults))
        .route(
            "/sandbox/oauth-client",
            get(admin::oauth_client).put(admin::set_redirect_uris),
        )
        .route("/sandbox/oauth/revoke", post(admin::revoke))
        .route("/sandbox/webhook", put(admin::set_webhook))
        // A whole roster of 100 000 members is far more than axum's default 2 MB.
        .layer(DefaultBodyLimit::max(512 * 1024 * 1024));
    let oauth = Router::new()
        .route(
            "/oauth/authorize",
            get(consent::consent_page).post(consent::decide),
        )
        .route("/oauth/token", post(token::token));
    let page = Router::new()
        .route("/", get(page::front_page))
        .route(
            "/sandbox/page/redirect-uri",
            post(page_forms::register_redirect_uri),
        )
        .route("/sandbox/page/webhook", post(page_forms::set_webhook))
        .route("/sandbox/page/job-title", post(page_forms::set_job_title));
    Router::new()
        .merge(page)
        .merge(oauth)
        .merge(v1)
        .merge(admin)
        .fallback(admin::not_found)
        .with_state(state)
}

/// The sandbox's clock (injectable so that tests can fix the time).
type Clock = Arc<dyn crate::clock::Clock>;

#[derive(Clone)]
struct AppState(Arc<Inner>);

struct Inner {
    roster: RwLock<Roster>,
    auth: Mutex<Authenticator>,
    faults: Mutex<Faults>,
    cursors: CursorCodec,
    credentials: SandboxCredentials,
    partner: Mutex<PartnerAuth>,
    webhook: Mutex<Option<Webhook>>,
    /// Built at the first delivery (`None` if it could not be built).
    webhook_client: OnceLock<Option<reqwest::Client>>,
    /// Proves a front-page form was posted from the front page (CSRF).
    form_token: String,
    clock: Clock,
}

impl AppState {
    fn generate(options: SandboxOptions, clock: Clock) -> Self {
        let today = TimeZone::UTC.to_datetime(clock.now()).date();
        let generated = generate::generate(options.seed, options.members, today);
        let credentials = SandboxCredentials {
            username: generated.credentials.username.clone(),
            password: generated.credentials.password.clone(),
            totp_secret: grouped_by_four(&BASE32_NOPAD.encode(&generated.credentials.totp_key)),
        };
        let auth = Authenticator::new(
            &credentials.username,
            &credentials.password,
            &generated.credentials.totp_key,
        );
        let roster = Roster::new(generated.company.to_json(), generated.members);
        Self(Arc::new(Inner {
            roster: RwLock::new(roster),
            auth: Mutex::new(auth),
            faults: Mutex::new(Faults::default()),
            cursors: CursorCodec::new(rand::rng().random()),
            credentials,
            partner: Mutex::new(PartnerAuth::new()),
            webhook: Mutex::new(None),
            webhook_client: OnceLock::new(),
            form_token: data_encoding::BASE64URL_NOPAD.encode(&rand::rng().random::<[u8; 32]>()),
            clock,
        }))
    }

    // A poisoned lock only means a handler panicked mid-request; the data is still the
    // sandbox's best knowledge, so carry on rather than fail every later request.
    fn roster(&self) -> RwLockReadGuard<'_, Roster> {
        self.0.roster.read().unwrap_or_else(|e| e.into_inner())
    }

    fn roster_mut(&self) -> RwLockWriteGuard<'_, Roster> {
        self.0.roster.write().unwrap_or_else(|e| e.into_inner())
    }

    fn auth(&self) -> MutexGuard<'_, Authenticator> {
        self.0.auth.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn faults(&self) -> MutexGuard<'_, Faults> {
        self.0.faults.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn partner(&self) -> MutexGuard<'_, PartnerAuth> {
        self.0.partner.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn webhook(&self) -> MutexGuard<'_, Option<Webhook>> {
        self.0.webhook.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn webhook_client(&self) -> Option<reqwest::Client> {
        self.0.webhook_client.get_or_init(webhook::client).clone()
    }

    fn form_token(&self) -> &str {
        &self.0.form_token
    }

    fn cursors(&self) -> &CursorCodec {
        &self.0.cursors
    }

    fn credentials(&self) -> &SandboxCredentials {
        &self.0.credentials
    }

    fn now(&self) -> Timestamp {
        self.0.clock.now()
    }

    fn unix_now(&self) -> u64 {
        u64::try_from(self.0.clock.now().as_second()).unwrap_or(0)
    }
}

/// "ABCDEFGH…" → "ABCD EFGH …", as Justworks shows a seed.
fn grouped_by_four(base32: &str) -> String {
    base32
        .as_bytes()
        .chunks(4)
        .map(|chunk| std::str::from_utf8(chunk).expect("base32 is ASCII"))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests;
