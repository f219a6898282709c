//! The harness every test uses: the real app served on port 0 with its own data
//! directory (its own key file, and its own database: a SQLite file in it, or a fresh
//! PostgreSQL database when `ORGSYNC_TEST_POSTGRES_URL` is set — see `database`), a
//! small HTTP client that keeps cookies and the CSRF token of the last page it read,
//! and a log capture shared by the whole test binary.

mod client;
mod database;
mod logs;
mod page;
mod settings;
mod smtp;

pub use client::*;
pub use database::*;
pub use logs::captured_logs;
pub use page::*;
pub use settings::*;
pub use smtp::*;

use client::http_client;
use orgsync::secrets::SecretString;
use orgsync::{App, Config};
use sqlx::AnyPool;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, RwLock};
use std::time::Duration;
use tempfile::TempDir;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// The password of every user the helpers create.
pub const PASSWORD: &str = "correct horse battery staple";

pub const OWNER_EMAIL: &str = "olivia@acme.test";
pub const OWNER_NAME: &str = "Olivia Owner";
pub const TECH_EMAIL: &str = "theo@acme.test";
pub const TECH_NAME: &str = "Theo Tech";
pub const MEMBER_EMAIL: &str = "mia@acme.test";
pub const MEMBER_NAME: &str = "Mia Member";

/// The sentence of the sign-in page when the email and password don't match.
pub const SIGN_IN_FAILED: &str = "That email and password don't match an active orgsync account.";

/// Once per test binary: the rustls provider and a global DEBUG subscriber writing into
/// memory, so tests can search every log line the app wrote ([`captured_logs`]). Only
/// the test's own browser (reqwest and its cookie store, which log the cookies it
/// receives) is left out.
pub fn init() {
    logs::init_with("debug,cookie_store=off,reqwest=off");
}

// ---------------------------------------------------------------------------------------
// The app.
// ---------------------------------------------------------------------------------------

/// The embedded defaults in `dir`, on the database of the test run (see
/// [`database_url`]), with a small sandbox company (fast to generate).
pub fn test_config(dir: &Path) -> Config {
    let mut config = Config::with_data_dir(dir);
    config.database_url = SecretString::new(database_url(dir));
    config.sandbox_members = 20;
    config
}

/// A running orgsync with its own data directory.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`
    pub base: String,
    pub addr: SocketAddr,
    pub dir: TempDir,
    /// The one-time setup token, while no user existed at start.
    pub setup_token: Option<String>,
    pub config: Config,
    /// The running app's shared state, for looking at what it counts.
    pub state: orgsync::state::AppState,
    /// Shared with every client, so clients follow the app across a restart.
    shared_base: Arc<RwLock<String>>,
    shutdown: oneshot::Sender<()>,
    task: JoinHandle<anyhow::Result<()>>,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Like [`spawn_app`], with the configuration changed first.
pub async fn spawn_app_with(tweak: impl FnOnce(&mut Config)) -> TestApp {
    init();
    let dir = tempfile::tempdir().expect("a temporary data directory");
    let mut config = test_config(dir.path());
    tweak(&mut config);
    spawn_app_in(dir, config).await
}

/// Starts the app on an existing data directory (a restart).
pub async fn spawn_app_in(dir: TempDir, config: Config) -> TestApp {
    init();
    start(dir, config, None, Arc::new(RwLock::new(String::new()))).await
}

async fn start(
    dir: TempDir,
    config: Config,
    port: Option<u16>,
    shared_base: Arc<RwLock<String>>,
) -> TestApp {
    let app = match App::build(config.clone()).await {
        Ok(app) => app,
        Err(e) => panic!("the app did not build: {e:#}"),
    };
    let setup_token = app.setup_token().map(str::to_owned);
    let state = app.state.clone();
    // After a restart, take the same port again when it is free, like a real restart.
    let listener = match port {
        Some(port) => TcpListener::bind(("127.0.0.1", port)).await.ok(),
        None => None,
    };
    let listener = match listener {
        Some(listener) => listener,
        None => TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a loopback port"),
    };
    let addr = listener.local_addr().expect("a bound address");
    let base = format!("http://{addr}");
    *shared_base.write().unwrap() = base.clone();
    let (shutdown, rx) = oneshot::channel::<()>();
    let task = tokio::spawn(app.serve(listener, async move {
        let _ = rx.await;
    }));
    TestApp {
        base,
        addr,
        dir,
        setup_token,
        config,
        state,
        shared_base,
        shutdown,
        task,
    }
}

impl TestApp {
    /// Stops the server (gracefully) and hands back its data directory.
    pub async fn stop(self) -> TempDir {
        let _ = self.shutdown.send(());
        match tokio::time::timeout(Duration::from_secs(20), self.task).await {
            Ok(Ok(Ok(()))) => {}
            Ok(Ok(Err(e))) => panic!("the server stopped with an error: {e:#}"),
            Ok(Err(e)) => panic!("the server task failed: {e}"),
            Err(_) => panic!("the server did not stop within 20 s"),
        }
        self.dir
    }

    /// Stops and starts the app again on the same data directory and configuration.
    /// Existing clients keep working (cookies are per host, not per port).
    pub async fn restart(self) -> TestApp {
        let port = self.addr.port();
        let config = self.config.clone();
        let shared = self.shared_base.clone();
        let dir = self.stop().await;
        start(dir, config, Some(port), shared).await
    }

    /// A fresh browser: no cookies yet.
    pub fn client(&self) -> TestClient {
        TestClient::new(self.shared_base.clone(), None)
    }

    /// A fresh browser whose connections come from another loopback address (another
    /// client address for the sign-in throttle).
    pub fn client_from(&self, ip: &str) -> TestClient {
        TestClient::new(self.shared_base.clone(), Some(ip.parse().expect("an IP")))
    }

    /// A fresh browser whose requests reach the app through a proxy at loopback address
    /// `proxy`, which says they come from `client` (`X-Forwarded-For`).
    pub fn client_behind_proxy(&self, proxy: &str, client: &str) -> TestClient {
        TestClient::behind_proxy(
            self.shared_base.clone(),
            proxy.parse().expect("an IP"),
            client,
        )
    }

    /// Creates an active user with [`PASSWORD`] the way `orgsync user create` does;
    /// returns their id.
    pub async fn create_user(&self, email: &str, name: &str, level: &str) -> String {
        match orgsync::cli::create_user(
            &self.config,
            email,
            name,
            level,
            SecretString::new(PASSWORD),
        )
        .await
        {
            Ok(user) => user.id,
            Err(e) => panic!("could not create {email}: {e:#}"),
        }
    }

    /// Creates a user and returns a client signed in as them, and their id.
    pub async fn signed_in(&self, email: &str, name: &str, level: &str) -> (TestClient, String) {
        let id = self.create_user(email, name, level).await;
        let client = self.client();
        client.sign_in(email, PASSWORD).await.expect(303);
        (client, id)
    }

    /// Olivia Owner, signed in.
    pub async fn owner(&self) -> TestClient {
        self.signed_in(OWNER_EMAIL, OWNER_NAME, "owner").await.0
    }

    /// Theo Tech (Technical Owner), signed in.
    pub async fn technical_owner(&self) -> TestClient {
        self.signed_in(TECH_EMAIL, TECH_NAME, "technical-owner")
            .await
            .0
    }

    /// Mia Member, signed in.
    pub async fn member(&self) -> TestClient {
        self.signed_in(MEMBER_EMAIL, MEMBER_NAME, "member").await.0
    }

    /// A GET with exactly this session cookie, from a client that keeps none.
    pub async fn get_with_session_cookie(&self, path: &str, session: &str) -> Page {
        let http = http_client(false, None);
        let response = http
            .get(format!("{}{path}", self.base))
            .header("cookie", format!("orgsync_session={session}"))
            .send()
            .await
            .expect("the server answers");
        Page::read(response).await
    }

    /// A connection to the app's database, for looking at what is stored. Close it
    /// (`pool.close().await`) before reading SQLite's file.
    pub async fn db(&self) -> AnyPool {
        open_db(self.dir.path()).await
    }

    /// The single integer a query answers (`SELECT COUNT(*) …`).
    pub async fn count(&self, sql: &str) -> i64 {
        let pool = self.db().await;
        let (n,): (i64,) = sqlx::query_as(sql)
            .fetch_one(&pool)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
        pool.close().await;
        n
    }

    /// The id of the user with this email.
    /// Seeds the link an Owner makes on the Users page (*Linked person*): the user with
    /// `email` is the person `person_id`. (tests/app/privacy.rs tests the page itself.)
    pub async fn link_user_to_person(&self, email: &str, person_id: &str) {
        let pool = self.db().await;
        let done = sqlx::query("UPDATE users SET person_id = $1 WHERE email = $2")
            .bind(person_id)
            .bind(email)
            .execute(&pool)
            .await
            .expect("the link is stored");
        assert_eq!(done.rows_affected(), 1, "no user {email}");
        pool.close().await;
    }

    pub async fn user_id(&self, email: &str) -> String {
        let pool = self.db().await;
        let (id,): (String,) = sqlx::query_as("SELECT id FROM users WHERE email = $1")
            .bind(email)
            .fetch_one(&pool)
            .await
            .expect("the user exists");
        pool.close().await;
        id
    }

    /// `(level, active)` of the user with this email.
    pub async fn user_level(&self, email: &str) -> (String, bool) {
        let pool = self.db().await;
        let (level, active): (String, i64) =
            sqlx::query_as("SELECT level, active FROM users WHERE email = $1")
                .bind(email)
                .fetch_one(&pool)
                .await
                .expect("the user exists");
        pool.close().await;
        (level, active != 0)
    }

    /// Everything stored about the Justworks app (install row, encrypted secrets,
    /// recipients), as one comparable text.
    pub async fn justworks_rows(&self) -> String {
        let pool = self.db().await;
        let installs: Vec<(String, Option<String>, i64, String, i64)> = sqlx::query_as(
            "SELECT app, settings, run_daily, daily_at, updated_at FROM app_installs ORDER BY app",
        )
        .fetch_all(&pool)
        .await
        .expect("app_installs");
        let secrets: Vec<(String, String, String, i64)> = sqlx::query_as(
            "SELECT app, name, ciphertext, updated_at FROM app_secrets ORDER BY app, name",
        )
        .fetch_all(&pool)
        .await
        .expect("app_secrets");
        let notify: Vec<(String, String)> =
            sqlx::query_as("SELECT app, user_id FROM app_notify_users ORDER BY app, user_id")
                .fetch_all(&pool)
                .await
                .expect("app_notify_users");
        pool.close().await;
        format!("installs: {installs:?}\nsecrets: {secrets:?}\nnotify: {notify:?}")
    }
}

/// Whether `needle` occurs in `haystack`.
pub fn contains_bytes(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// A fresh browser for a server the test runs some other way (the real binary). `base`
/// (`http://127.0.0.1:PORT`) is shared, so the test can point the browser at the server
/// again after restarting it elsewhere; cookies are per host, so the session carries over.
pub fn client_at(base: Arc<RwLock<String>>) -> TestClient {
    init();
    TestClient::new(base, None)
}

/// Money as people write it: "185000.00", "185,000.00", "185,000", "18500000".
pub fn amount_forms(minor: i64) -> Vec<String> {
    let (major, cents) = (minor / 100, minor % 100);
    let digits = major.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let mut forms = vec![
        format!("{major}.{cents:02}"),
        format!("{grouped}.{cents:02}"),
    ];
    if major >= 1000 {
        forms.push(grouped);
    }
    if minor >= 100_000 {
        forms.push(minor.to_string());
    }
    forms
}
