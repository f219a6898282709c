//! Reading the configuration: defaults, then the optional TOML file, then `ORGSYNC_*`
//! environment variables (a secret also from the file `ORGSYNC_<NAME>_FILE` names).
//! Every refusal names the setting at fault.

use super::{Config, ConfigError, DeliveryPolicy, heartbeat_for};
use crate::secrets::SecretString;
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

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
    justworks_authorize_url: Option<String>,
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
        let justworks_authorize_url = var("ORGSYNC_JUSTWORKS_AUTHORIZE_URL")
            .or(file.justworks_authorize_url)
            .map(|u| parse_base_url("ORGSYNC_JUSTWORKS_AUTHORIZE_URL", &u))
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
            justworks_authorize_url,
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
            webhook_debounce: Duration::from_secs(30),
        })
    }
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
