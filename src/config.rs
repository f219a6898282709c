//! The server's typed configuration, read in order from: defaults, an optional TOML file
//! (`--config`), then `ORGSYNC_*` environment variables. Secrets may also come from a file
//! named by `ORGSYNC_<NAME>_FILE` (Docker/Kubernetes secrets). The Justworks base URL is
//! configuration only — never a form field — so users cannot point the server anywhere (SSRF).

mod delivery;
mod load;
mod proxy;

pub use delivery::DeliveryPolicy;
pub use load::EnvLookup;
pub use proxy::TrustedProxy;

use crate::secrets::SecretString;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// Everything the server needs to start. Build it with [`Config::load`] (or by hand in tests).
#[derive(Debug, Clone)]
pub struct Config {
    pub bind: SocketAddr,
    pub data_dir: PathBuf,
    /// `sqlite://…` (default: `orgsync.db` in the data directory) or `postgres://…`.
    pub database_url: SecretString,
    /// The address people use to reach orgsync, e.g. `https://orgsync.example.com`;
    /// used for links in emails and for the `Origin` check. Default: `http://{bind}`.
    pub public_url: Option<String>,
    /// `smtp://…` or `smtps://…`; unset: emails are written as `.eml` files.
    pub smtp_url: Option<SecretString>,
    pub smtp_from: String,
    /// Unset: a Justworks sandbox with generated data runs inside the server.
    pub justworks_url: Option<String>,
    /// Where a person's browser is sent to let orgsync in through the Partner API
    /// (`ORGSYNC_JUSTWORKS_AUTHORIZE_URL`). Unset: the embedded sandbox's consent page, or
    /// Justworks' own when `justworks_url` is set.
    pub justworks_authorize_url: Option<String>,
    /// Base64 (or 64 hex digits) of the 32-byte key that encrypts stored secrets.
    /// Unset: a key file `secret.key` is created in the data directory.
    pub secret_key: Option<SecretString>,
    pub cookie_secure: bool,
    pub session_idle: Duration,
    pub session_lifetime: Duration,
    /// A sync stops, changing nothing, rather than read more members than this from
    /// Justworks (`ORGSYNC_MAX_MEMBERS`, default 200 000): what a sync holds in memory
    /// grows with its members.
    pub max_members: usize,
    /// Size of the company the embedded sandbox generates.
    pub sandbox_members: usize,
    pub sandbox_seed: u64,
    pub log_json: bool,
    /// How often a running sync records that it is alive (a quarter of
    /// `run_stale_after`, at most 2 s).
    pub run_heartbeat: Duration,
    /// A running sync silent for this long is counted as interrupted, by any instance
    /// (`ORGSYNC_RUN_STALE_SECONDS`, default 30). On PostgreSQL this is how long a sync
    /// of an instance that died stays "running" before another instance takes over.
    pub run_stale_after: Duration,
    /// Load balancers and reverse proxies whose `X-Forwarded-For` names the client
    /// (`ORGSYNC_TRUSTED_PROXIES`, comma-separated addresses or networks; default none).
    pub trusted_proxies: Vec<TrustedProxy>,
    /// When the mailer looks for mail and how it retries a failed send.
    pub mail_delivery: DeliveryPolicy,
    /// How long a run asked for by a Justworks webhook waits before it may start, so
    /// that a burst of events makes one run (30 s; a knob so tests can make it short).
    pub webhook_debounce: Duration,
}

/// Why the configuration could not be read; each names the setting at fault.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("could not read the config file {path}: {source}")]
    ReadFile {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the config file {path} is not valid TOML: {message}")]
    Toml { path: PathBuf, message: String },
    #[error("{name} is not valid: {message}")]
    Invalid { name: &'static str, message: String },
}

impl Config {
    /// The embedded defaults, with everything under `data_dir` (used by tests).
    pub fn with_data_dir(data_dir: impl Into<PathBuf>) -> Self {
        let data_dir = data_dir.into();
        let lookup = |name: &str| match name {
            "ORGSYNC_DATA_DIR" => Some(data_dir.display().to_string()),
            "ORGSYNC_BIND" => Some("127.0.0.1:0".into()),
            _ => None,
        };
        Self::load_from(None, &lookup).expect("the defaults are valid")
    }

    /// Whether the Justworks sandbox runs inside this server (no Justworks URL configured).
    pub fn embedded_sandbox(&self) -> bool {
        self.justworks_url.is_none()
    }
}

/// How often a running sync says it is alive, when `stale_after` of silence counts as
/// dead: four beats fit in it, so a slow beat or two never kills a live run.
pub fn heartbeat_for(stale_after: Duration) -> Duration {
    (stale_after / 4).min(Duration::from_secs(2))
}

#[cfg(test)]
mod tests;
