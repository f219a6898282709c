//! The server's typed configuration, read in order from: defaults, an optional TOML file
//! (`--config`), then `ORGSYNC_*` environment variables. Secrets may also come from a file
//! named by `ORGSYNC_<NAME>_FILE` (Docker/Kubernetes secrets). The Justworks base URL is
//! configuration only — never a form field — so users cannot point the server anywhere (SSRF).

mod delivery;

pub use delivery::DeliveryPolicy;

use crate::secrets::SecretString;
use ipnet::IpNet;
use serde::Deserialize;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::str::FromStr;
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

/// One entry of `ORGSYNC_TRUSTED_PROXIES`: an address or a network (`10.0.0.0/8`,
/// `fd00::/8`, `192.0.2.7`). IPv4 addresses written as IPv6 (`::ffff:10.0.0.1`, how a
/// dual-stack socket reports them) count as IPv4, here and in [`TrustedProxy::contains`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrustedProxy(IpNet);

impl TrustedProxy {
    pub fn contains(&self, ip: IpAddr) -> bool {
        self.0.contains(&ip.to_canonical())
    }
}

impl FromStr for TrustedProxy {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let (addr, prefix) = match text.split_once('/') {
            Some((addr, prefix)) => (addr, Some(prefix)),
            None => (text, None),
        };
        let addr = addr
            .parse::<IpAddr>()
            .map_err(|_| format!("{text:?} is not an IP address or network"))?
            .to_canonical();
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| format!("{text:?} has a prefix length that is not 0–{max}"))?,
        };
        IpNet::new(addr, prefix)
            .map(Self)
            .map_err(|_| format!("{text:?} has a prefix length that is not 0–{max}"))
    }
}

/// The optional TOML file: the same knobs as the environment, in lower case
/// (`bind = "0.0.0.0:8080"`, `public_url = "https://…"`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    bind: Option<String>,
    data_dir: Option<PathBuf>,
    database_url: Option<SecretString>,
    public_url: Option<String>,
    smtp_url: Option<SecretString>,
    smtp_from: Option<String>,
    justworks_url: Option<String>,
    secret_key: Option<SecretString>,
    secret_key_file: Option<PathBuf>,
    cookie_secure: Option<bool>,
    session_idle_minutes: Option<u64>,
    session_lifetime_hours: Option<u64>,
    max_members: Option<usize>,
    sandbox_members: Option<usize>,
    sandbox_seed: Option<u64>,
    log_format: Option<String>,
    run_stale_seconds: Option<u64>,
    trusted_proxies: Option<String>,
}

/// Where variables are read from; a function so that tests need not touch the process env.
pub type EnvLookup<'a> = &'a dyn Fn(&str) -> Option<String>;

impl Config {
    /// Reads the configuration from the optional file and the process environment.
    pub fn load(config_file: Option<&Path>) -> Result<Self, ConfigError> {
        Self::load_from(config_file, &|name| std::env::var(name).ok())
    }

    /// Reads the configuration from the optional file and the given variables.
    pub fn load_from(config_file: Option<&Path>, env: EnvLookup) -> Result<Self, ConfigError> {
        let file = match config_file {
            Some(path) => {
                let text =
                    std::fs::read_to_string(path).map_err(|source| ConfigError::ReadFile {
                        path: path.to_owned(),
                        source,
                    })?;
                toml::from_str::<FileConfig>(&text).map_err(|e| ConfigError::Toml {
                    path: path.to_owned(),
                    message: e.message().to_owned(),
                })?
            }
            None => FileConfig::default(),
        };
        let var = |name: &str| env(name).filter(|v| !v.trim().is_empty());

        let bind_text = var("ORGSYNC_BIND")
            .or(file.bind)
            .unwrap_or_else(|| "127.0.0.1:8080".into());
        let bind: SocketAddr = bind_text.trim().parse().map_err(|_| ConfigError::Invalid {
            name: "ORGSYNC_BIND",
            message: format!("expected an address like 127.0.0.1:8080, got {bind_text:?}"),
        })?;
        let data_dir = var("ORGSYNC_DATA_DIR")
            .map(PathBuf::from)
            .or(file.data_dir)
            .unwrap_or_else(|| PathBuf::from("./data"));
        let database_url = secret_var(env, "ORGSYNC_DATABASE_URL")?
            .or(file.database_url)
            .unwrap_or_else(|| {
                SecretString::new(format!(
                    "sqlite://{}",
                    data_dir.join("orgsync.db").display()
                ))
            });
        let public_url = var("ORGSYNC_PUBLIC_URL")
            .or(file.public_url)
            .map(|u| parse_base_url("ORGSYNC_PUBLIC_URL", &u))
            .transpose()?;
        let smtp_url = secret_var(env, "ORGSYNC_SMTP_URL")?.or(file.smtp_url);
        let smtp_from = var("ORGSYNC_SMTP_FROM")
            .or(file.smtp_from)
            .unwrap_or_else(|| "orgsync <orgsync@localhost>".into());
        let justworks_url = var("ORGSYNC_JUSTWORKS_URL")
            .or(file.justworks_url)
            .map(|u| parse_base_url("ORGSYNC_JUSTWORKS_URL", &u))
            .transpose()?;
        let secret_key = match secret_var(env, "ORGSYNC_SECRET_KEY")?.or(file.secret_key) {
            Some(key) => Some(key),
            None => file
                .secret_key_file
                .map(|p| read_secret_file("secret_key_file", &p))
                .transpose()?,
        };
        let https = public_url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://"));
        let cookie_secure = match var("ORGSYNC_COOKIE_SECURE") {
            Some(v) => parse_bool("ORGSYNC_COOKIE_SECURE", &v)?,
            None => file.cookie_secure.unwrap_or(https),
        };
        let idle_minutes = parse_num(
            "ORGSYNC_SESSION_IDLE_MINUTES",
            var("ORGSYNC_SESSION_IDLE_MINUTES"),
            file.session_idle_minutes,
            60,
        )?;
        let lifetime_hours = parse_num(
            "ORGSYNC_SESSION_LIFETIME_HOURS",
            var("ORGSYNC_SESSION_LIFETIME_HOURS"),
            file.session_lifetime_hours,
            12,
        )?;
        let max_members = parse_num(
            "ORGSYNC_MAX_MEMBERS",
            var("ORGSYNC_MAX_MEMBERS"),
            file.max_members.map(|n| n as u64),
            200_000,
        )?;
        if max_members == 0 {
            return Err(ConfigError::Invalid {
                name: "ORGSYNC_MAX_MEMBERS",
                message: "must be at least 1".into(),
            });
        }
        let max_members = usize::try_from(max_members).unwrap_or(usize::MAX);
        let sandbox_members = parse_num(
            "ORGSYNC_SANDBOX_MEMBERS",
            var("ORGSYNC_SANDBOX_MEMBERS"),
            file.sandbox_members.map(|n| n as u64),
            250,
        )? as usize;
        let sandbox_seed = parse_num(
            "ORGSYNC_SANDBOX_SEED",
            var("ORGSYNC_SANDBOX_SEED"),
            file.sandbox_seed,
            1,
        )?;
        let run_stale_seconds = parse_num(
            "ORGSYNC_RUN_STALE_SECONDS",
            var("ORGSYNC_RUN_STALE_SECONDS"),
            file.run_stale_seconds,
            30,
        )?;
        if run_stale_seconds == 0 {
            return Err(ConfigError::Invalid {
                name: "ORGSYNC_RUN_STALE_SECONDS",
                message: "must be at least 1".into(),
            });
        }
        let run_stale_after = Duration::from_secs(run_stale_seconds);
        let trusted_proxies = var("ORGSYNC_TRUSTED_PROXIES")
            .or(file.trusted_proxies)
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(|n| {
                n.parse().map_err(|message| ConfigError::Invalid {
                    name: "ORGSYNC_TRUSTED_PROXIES",
                    message,
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let log_json = match var("ORGSYNC_LOG_FORMAT")
            .or(file.log_format)
            .as_deref()
            .map(str::trim)
        {
            None | Some("text") => false,
            Some("json") => true,
            Some(other) => {
                return Err(ConfigError::Invalid {
                    name: "ORGSYNC_LOG_FORMAT",
                    message: format!("expected text or json, got {other:?}"),
                });
            }
        };
        if idle_minutes == 0 || lifetime_hours == 0 {
            return Err(ConfigError::Invalid {
                name: "ORGSYNC_SESSION_IDLE_MINUTES / ORGSYNC_SESSION_LIFETIME_HOURS",
                message: "must be at least 1".into(),
            });
        }
        Ok(Self {
            bind,
            data_dir,
            database_url,
            public_url,
            smtp_url,
            smtp_from,
            justworks_url,
            secret_key,
            cookie_secure,
            session_idle: Duration::from_secs(idle_minutes * 60),
            session_lifetime: Duration::from_secs(lifetime_hours * 3600),
            max_members,
            sandbox_members,
            sandbox_seed,
            log_json,
            run_heartbeat: heartbeat_for(run_stale_after),
            run_stale_after,
            trusted_proxies,
            mail_delivery: DeliveryPolicy::default(),
        })
    }

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

/// A secret from `NAME` or from the file named by `NAME_FILE` (trailing newline dropped).
fn secret_var(env: EnvLookup, name: &'static str) -> Result<Option<SecretString>, ConfigError> {
    if let Some(value) = env(name).filter(|v| !v.trim().is_empty()) {
        return Ok(Some(SecretString::new(value.trim().to_owned())));
    }
    let file_var = format!("{name}_FILE");
    match env(&file_var).filter(|v| !v.trim().is_empty()) {
        Some(path) => read_secret_file(name, Path::new(path.trim())).map(Some),
        None => Ok(None),
    }
}

fn read_secret_file(name: &'static str, path: &Path) -> Result<SecretString, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::ReadFile {
        path: path.to_owned(),
        source,
    })?;
    let value = text.trim();
    if value.is_empty() {
        return Err(ConfigError::Invalid {
            name,
            message: format!("the file {} is empty", path.display()),
        });
    }
    Ok(SecretString::new(value.to_owned()))
}

/// An `http(s)://host[:port][/path]` base URL, without a trailing slash.
fn parse_base_url(name: &'static str, value: &str) -> Result<String, ConfigError> {
    let value = value.trim().trim_end_matches('/');
    let rest = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"));
    match rest {
        Some(host) if !host.is_empty() && !host.contains(char::is_whitespace) => {
            Ok(value.to_owned())
        }
        _ => Err(ConfigError::Invalid {
            name,
            message: format!("expected an http:// or https:// address, got {value:?}"),
        }),
    }
}

fn parse_bool(name: &'static str, value: &str) -> Result<bool, ConfigError> {
    match value.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        other => Err(ConfigError::Invalid {
            name,
            message: format!("expected true or false, got {other:?}"),
        }),
    }
}

fn parse_num(
    name: &'static str,
    env: Option<String>,
    file: Option<u64>,
    default: u64,
) -> Result<u64, ConfigError> {
    match env {
        Some(v) => v.trim().parse().map_err(|_| ConfigError::Invalid {
            name,
            message: format!("expected a whole number, got {v:?}"),
        }),
        None => Ok(file.unwrap_or(default)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn load(vars: &[(&str, &str)], file: Option<&str>) -> Result<Config, ConfigError> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("orgsync.toml");
        if let Some(text) = file {
            std::fs::write(&path, text).unwrap();
        }
        Config::load_from(file.map(|_| path.as_path()), &|name| {
            vars.get(name).cloned()
        })
    }

    #[test]
    fn defaults_are_the_embedded_setup() {
        let c = load(&[], None).unwrap();
        assert_eq!(c.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(c.data_dir, PathBuf::from("./data"));
        assert_eq!(c.database_url.expose(), "sqlite://./data/orgsync.db");
        assert!(c.embedded_sandbox());
        assert!(!c.cookie_secure);
    }

    #[test]
    fn the_environment_overrides_the_file() {
        let c = load(
            &[("ORGSYNC_BIND", "0.0.0.0:9000")],
            Some("bind = \"127.0.0.1:7000\"\nsmtp_from = \"hr@acme.test\"\n"),
        )
        .unwrap();
        assert_eq!(c.bind.to_string(), "0.0.0.0:9000");
        assert_eq!(c.smtp_from, "hr@acme.test");
    }

    #[test]
    fn an_https_public_url_turns_secure_cookies_on_unless_told_otherwise() {
        let c = load(&[("ORGSYNC_PUBLIC_URL", "https://org.acme.test/")], None).unwrap();
        assert!(c.cookie_secure);
        assert_eq!(c.public_url.as_deref(), Some("https://org.acme.test"));
        let c = load(
            &[
                ("ORGSYNC_PUBLIC_URL", "https://org.acme.test"),
                ("ORGSYNC_COOKIE_SECURE", "false"),
            ],
            None,
        )
        .unwrap();
        assert!(!c.cookie_secure);
    }

    #[test]
    fn a_short_stale_time_makes_the_heartbeat_faster() {
        let c = load(&[], None).unwrap();
        assert_eq!(c.run_stale_after, Duration::from_secs(30));
        assert_eq!(c.run_heartbeat, Duration::from_secs(2));
        let c = load(&[("ORGSYNC_RUN_STALE_SECONDS", "4")], None).unwrap();
        assert_eq!(c.run_stale_after, Duration::from_secs(4));
        assert_eq!(c.run_heartbeat, Duration::from_secs(1));
        let err = load(&[("ORGSYNC_RUN_STALE_SECONDS", "0")], None).unwrap_err();
        assert!(
            err.to_string().contains("ORGSYNC_RUN_STALE_SECONDS"),
            "{err}"
        );
    }

    #[test]
    fn the_member_limit_is_200_000_unless_set() {
        assert_eq!(load(&[], None).unwrap().max_members, 200_000);
        let c = load(&[], Some("max_members = 500000\n")).unwrap();
        assert_eq!(c.max_members, 500_000);
        let c = load(
            &[("ORGSYNC_MAX_MEMBERS", "1000")],
            Some("max_members = 5\n"),
        )
        .unwrap();
        assert_eq!(c.max_members, 1_000);
        for bad in ["0", "many"] {
            let err = load(&[("ORGSYNC_MAX_MEMBERS", bad)], None).unwrap_err();
            assert!(err.to_string().contains("ORGSYNC_MAX_MEMBERS"), "{err}");
        }
    }

    #[test]
    fn networks_parse_and_match() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        let net: TrustedProxy = "192.168.4.0/22".parse().unwrap();
        assert!(net.contains(ip("192.168.7.255")));
        assert!(!net.contains(ip("192.168.8.0")));
        assert!(
            "0.0.0.0/0"
                .parse::<TrustedProxy>()
                .unwrap()
                .contains(ip("8.8.8.8"))
        );
        assert!(
            "::/0"
                .parse::<TrustedProxy>()
                .unwrap()
                .contains(ip("2001:db8::1"))
        );
        assert!("10.0.0.0/33".parse::<TrustedProxy>().is_err());
        assert!("proxy.local".parse::<TrustedProxy>().is_err());
    }

    #[test]
    fn an_ipv4_address_written_as_ipv6_counts_as_ipv4() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        let net: TrustedProxy = "::ffff:10.0.0.0/8".parse().unwrap();
        assert!(net.contains(ip("10.1.2.3")));
        assert!(net.contains(ip("::ffff:10.1.2.3")));
        let one: TrustedProxy = "10.0.0.2".parse().unwrap();
        assert!(one.contains(ip("::ffff:10.0.0.2")));
        assert!(!one.contains(ip("10.0.0.3")));
    }

    #[test]
    fn trusted_proxies_are_addresses_or_networks() {
        assert!(load(&[], None).unwrap().trusted_proxies.is_empty());
        let c = load(
            &[("ORGSYNC_TRUSTED_PROXIES", "10.0.0.0/8, 192.0.2.7")],
            None,
        )
        .unwrap();
        assert_eq!(c.trusted_proxies.len(), 2);
        assert!(c.trusted_proxies[1].contains("192.0.2.7".parse().unwrap()));
        let err = load(&[("ORGSYNC_TRUSTED_PROXIES", "10.0.0.0/8,lb.local")], None).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("ORGSYNC_TRUSTED_PROXIES") && text.contains("lb.local"),
            "{text}"
        );
    }

    #[test]
    fn a_secret_can_come_from_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let key_path = dir.path().join("key");
        std::fs::write(&key_path, "c2VjcmV0\n").unwrap();
        let c = load(
            &[("ORGSYNC_SECRET_KEY_FILE", key_path.to_str().unwrap())],
            None,
        )
        .unwrap();
        assert_eq!(c.secret_key.unwrap().expose(), "c2VjcmV0");
    }

    #[test]
    fn bad_values_name_the_setting() {
        let err = load(&[("ORGSYNC_BIND", "not an address")], None).unwrap_err();
        assert!(err.to_string().contains("ORGSYNC_BIND"), "{err}");
        let err = load(&[("ORGSYNC_JUSTWORKS_URL", "ftp://x")], None).unwrap_err();
        assert!(err.to_string().contains("ORGSYNC_JUSTWORKS_URL"), "{err}");
        let err = load(&[], Some("no_such_knob = 1\n")).unwrap_err();
        assert!(err.to_string().contains("not valid TOML"), "{err}");
    }

    #[test]
    fn the_debug_output_hides_secrets() {
        let c = load(
            &[
                ("ORGSYNC_SECRET_KEY", "super-secret-key-material"),
                ("ORGSYNC_SMTP_URL", "smtp://user:pw-123@mail.test"),
            ],
            None,
        )
        .unwrap();
        let debug = format!("{c:?}");
        assert!(!debug.contains("super-secret-key-material"));
        assert!(!debug.contains("pw-123"));
    }
}
