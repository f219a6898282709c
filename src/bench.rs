//! `orgsync bench`: the sync benchmark of BENCHMARKS.md. For each size it starts the
//! Justworks sandbox as a separate process (so its memory is not counted), syncs into a
//! fresh database over loopback HTTP — a SQLite file, or a database created for the size
//! on a PostgreSQL server (`--database-url postgres://…`) — and prints wall time and peak
//! memory of the orgsync process for a first sync, a re-sync with no changes and a
//! re-sync with 1% of members changed. `orgsync bench --pages N` times the main pages
//! with N people instead (`pages.rs`).

use crate::apps::{self, justworks};
use crate::justworks::{TotpSeed, totp};
use crate::secrets::SecretString;
use crate::state::AppState;
use crate::sync::pipeline;
use crate::sync::runs::{self, Cause};
use crate::{App, Config};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

mod org;
mod pages;

pub use pages::run as run_pages;

/// One measured sync.
pub struct Measure {
    pub scenario: &'static str,
    pub members: usize,
    pub seconds: f64,
    pub peak_mb: f64,
    pub status: String,
}

struct SandboxProcess(Child);

impl Drop for SandboxProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Peak resident memory of this process since the last reset, in MB (Linux).
fn peak_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

/// Starts counting the peak anew (Linux: writing 5 to clear_refs resets VmHWM).
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

async fn wait_for(url: &str) -> anyhow::Result<()> {
    let client = reqwest::Client::new();
    for _ in 0..600 {
        if client.get(url).send().await.is_ok() {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    anyhow::bail!("the sandbox at {url} did not start")
}

/// Where the benchmark's databases go.
#[derive(Debug, Clone)]
pub enum Target {
    /// A fresh SQLite file per size, in a temporary directory.
    Sqlite,
    /// A fresh database per size on this PostgreSQL server (`postgres://user@host:port`),
    /// dropped after.
    Postgres { server_url: String },
}

impl Target {
    /// `None` or `sqlite…`: SQLite; `postgres://…`: that server.
    pub fn parse(url: Option<&str>) -> anyhow::Result<Self> {
        match url.map(str::trim).filter(|u| !u.is_empty()) {
            None => Ok(Self::Sqlite),
            Some(u) if u.starts_with("sqlite:") => Ok(Self::Sqlite),
            Some(u) if u.starts_with("postgres://") || u.starts_with("postgresql://") => {
                Ok(Self::Postgres {
                    server_url: u.to_owned(),
                })
            }
            Some(_) => anyhow::bail!("--database-url must start with sqlite: or postgres://"),
        }
    }

    fn label(&self) -> &'static str {
        match self {
            Self::Sqlite => "SQLite",
            Self::Postgres { .. } => "PostgreSQL",
        }
    }
}

/// Runs the benchmark for one size and returns its three measures.
pub async fn run_size(members: usize, exe: &Path, target: &Target) -> anyhow::Result<Vec<Measure>> {
    let port = free_port()?;
    let sandbox = SandboxProcess(
        Command::new(exe)
            .args(["sandbox", "--port", &port.to_string()])
            .args(["--members", &members.to_string(), "--seed", "42"])
            .env("ORGSYNC_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()?,
    );
    let base = format!("http://127.0.0.1:{port}");
    wait_for(&format!("{base}/sandbox/credentials")).await?;
    let http = reqwest::Client::new();
    let creds: serde_json::Value = http
        .get(format!("{base}/sandbox/credentials"))
        .send()
        .await?
        .json()
        .await?;

    let dir = tempfile_dir()?;
    let mut config = Config::with_data_dir(&dir);
    config.justworks_url = Some(base.clone());
    let pg_database = fresh_database(target, &mut config).await?;
    let measured = measure_all(config, &creds, &http, &base, members).await;
    drop(sandbox);
    let _ = std::fs::remove_dir_all(&dir);
    // The database goes whatever happened (a failed size leaves nothing behind).
    if let Some((server_url, name)) = pg_database {
        crate::db::postgres::drop_database(&server_url, &name).await?;
    }
    measured
}

/// Points `config` at a fresh database on `target`: SQLite, the default file in its data
/// directory; PostgreSQL, a new database on the server, whose `(server, name)` is
/// returned for dropping after.
async fn fresh_database(
    target: &Target,
    config: &mut Config,
) -> anyhow::Result<Option<(String, String)>> {
    match target {
        Target::Sqlite => Ok(None),
        Target::Postgres { server_url } => {
            let name = format!("orgsync_bench_{}", uuid::Uuid::new_v4().simple());
            let url = crate::db::postgres::create_database(server_url, &name).await?;
            config.database_url = SecretString::new(url);
            Ok(Some((server_url.clone(), name)))
        }
    }
}

/// The three syncs of one size on the app built from `config`.
async fn measure_all(
    config: Config,
    creds: &serde_json::Value,
    http: &reqwest::Client,
    base: &str,
    members: usize,
) -> anyhow::Result<Vec<Measure>> {
    let app = App::build(config).await?;
    let state = app.state.clone();
    let measured = async {
        configure(&state, creds).await?;
        let mut out = Vec::new();
        out.push(measure(&state, "first sync", members).await?);
        out.push(measure(&state, "re-sync, no changes", members).await?);
        change_one_percent(http, base, &state).await?;
        out.push(measure(&state, "re-sync, 1% changed", members).await?);
        Ok(out)
    }
    .await;
    state.db.close().await;
    measured
}

fn tempfile_dir() -> anyhow::Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("orgsync-bench-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

async fn configure(state: &AppState, creds: &serde_json::Value) -> anyhow::Result<()> {
    let field = |k: &str| creds[k].as_str().unwrap_or_default().to_owned();
    let mut tx = state.db.begin().await?;
    sqlx::query(
        "INSERT INTO app_installs (app, installed_at, run_daily, daily_at, updated_at) \
         VALUES ($1, $2, 0, '06:00', $2)",
    )
    .bind(justworks::APP)
    .bind(state.clock.now_ms())
    .execute(&mut *tx)
    .await?;
    let valid = justworks::Valid {
        settings: justworks::Settings {
            username: field("username"),
            org_head: field("org_head"),
            ..Default::default()
        },
        new_password: Some(SecretString::new(field("password"))),
        new_seed: Some(TotpSeed::parse(&field("totp_secret"))?),
        new_client_secret: None,
        run_daily: false,
        daily_at: Default::default(),
        notify_user_ids: vec![],
        webhook_secret: Default::default(),
    };
    justworks::save(&mut tx, &state.crypto, &valid, state.clock.now()).await?;
    tx.commit().await?;
    anyhow::ensure!(apps::installed(&state.db, justworks::APP).await?.is_some());
    Ok(())
}

async fn measure(
    state: &AppState,
    scenario: &'static str,
    members: usize,
) -> anyhow::Result<Measure> {
    let mut conn = state.db.pool().acquire().await?;
    let now = state.clock.now_ms();
    runs::enqueue(&mut conn, justworks::APP, Cause::Manual, None, now).await?;
    drop(conn);
    let run = runs::claim_next(&state.db, "bench", now)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no queued run"))?;
    let id = run.id.clone();
    reset_peak();
    let started = Instant::now();
    pipeline::execute(state, run, "bench").await;
    // The first sync of an install waits for review: approved at once, as an admin
    // would, and timed with it (planning, storing the plan, applying it).
    let waiting = runs::find(&state.db, &id).await?.expect("the run exists");
    if waiting.status == runs::RunStatus::NeedsReview {
        let approver = bench_owner(state).await?;
        crate::sync::review::approve(state, &id, &approver).await?;
    }
    let seconds = started.elapsed().as_secs_f64();
    let peak = peak_mb();
    let run = runs::find(&state.db, &id).await?.expect("the run exists");
    if let Some(error) = &run.error {
        anyhow::bail!("{scenario} failed: {error}");
    }
    // A new TOTP step for the next sign-in: the sandbox refuses a code used twice.
    let step_left = totp::STEP_SECONDS - totp::now_unix() % totp::STEP_SECONDS;
    tokio::time::sleep(Duration::from_secs(step_left + 1)).await;
    Ok(Measure {
        scenario,
        members,
        seconds,
        peak_mb: peak,
        status: run.status.label().to_owned(),
    })
}

/// The Owner who approves the benchmark's first sync (made once).
async fn bench_owner(state: &AppState) -> anyhow::Result<crate::auth::users::User> {
    use crate::auth::users::{self, NewUser};
    let mut conn = state.db.pool().acquire().await?;
    let new = NewUser {
        email: "bench@orgsync.invalid",
        name: "Benchmark",
        level: crate::auth::AccessLevel::Owner,
        password_hash: None,
    };
    users::insert(&mut conn, new, state.clock.now())
        .await
        .map_err(|e| anyhow::anyhow!("could not make the benchmark's Owner: {e:?}"))
}

/// Changes the title of 1% of the active members through the sandbox's admin surface.
async fn change_one_percent(
    http: &reqwest::Client,
    base: &str,
    state: &AppState,
) -> anyhow::Result<()> {
    let ids: Vec<(String,)> = sqlx::query_as(
        "SELECT justworks_id FROM people WHERE status = 'active' AND justworks_id IS NOT NULL \
         ORDER BY justworks_id",
    )
    .fetch_all(state.db.pool())
    .await?;
    let every = 100;
    for (i, (id,)) in ids.iter().enumerate().filter(|(i, _)| i % every == 0) {
        http.post(format!("{base}/sandbox/members/{id}"))
            .json(&serde_json::json!({ "job_title": format!("Benchmark Title {i}") }))
            .send()
            .await?
            .error_for_status()?;
    }
    Ok(())
}

/// The whole benchmark: every size, printed as a table.
pub async fn run(sizes: &[usize], target: &Target) -> anyhow::Result<()> {
    let exe = std::env::current_exe()?;
    println!(
        "orgsync sync benchmark — {}, {} CPUs",
        target.label(),
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(0)
    );
    println!(
        "{:>8}  {:<22} {:>9} {:>10}  status",
        "members", "scenario", "seconds", "peak MB"
    );
    for &n in sizes {
        for m in run_size(n, &exe, target).await? {
            println!(
                "{:>8}  {:<22} {:>9.2} {:>10.1}  {}",
                m.members, m.scenario, m.seconds, m.peak_mb, m.status
            );
        }
    }
    Ok(())
}
