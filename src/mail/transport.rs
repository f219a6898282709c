//! How mail leaves orgsync: over SMTP when `ORGSYNC_SMTP_URL` is set, otherwise as
//! `.eml` files under `<data_dir>/mail/` (one log line each). The SMTP URL may hold a
//! password, so it is parsed here once and never logged or shown: logs and messages
//! name the server as `host:port` only, and every failure becomes a sentence of ours
//! rather than a driver's text.

use crate::config::Config;
use crate::secrets::SecretString;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::path::PathBuf;
use std::time::Duration;

/// How the connection to the SMTP server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// `smtp://`: STARTTLS when the server offers it, plain text otherwise.
    Opportunistic,
    /// `smtp://…?tls=required`: STARTTLS or nothing.
    StartTlsRequired,
    /// `smtps://`: TLS from the first byte.
    ImplicitTls,
}

/// What `ORGSYNC_SMTP_URL` says, parsed. `Debug` never shows the password.
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub credentials: Option<(String, SecretString)>,
    /// The name given in EHLO (the URL's path), when set.
    pub hello_name: Option<String>,
}

impl std::fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("credentials", &self.credentials.as_ref().map(|_| "[set]"))
            .finish()
    }
}

impl SmtpSettings {
    /// `host:port`, the only way logs and pages name the server.
    pub fn endpoint(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }

    fn is_loopback(&self) -> bool {
        self.host == "localhost"
            || self
                .host
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback())
    }

    /// The protection actually used: credentials never travel in plain text to a server
    /// off this machine, so opportunistic STARTTLS becomes required when they are set.
    pub fn effective_security(&self) -> Security {
        match self.security {
            Security::Opportunistic if self.credentials.is_some() && !self.is_loopback() => {
                Security::StartTlsRequired
            }
            other => other,
        }
    }
}

/// Reads an SMTP URL: `smtp://[user:password@]host[:port][?tls=required|opportunistic]`
/// or `smtps://[user:password@]host[:port]`. Default ports: 25 for `smtp://`, 587 for
/// `smtp://…?tls=…`, 465 for `smtps://`. The error never repeats the URL (it may hold a
/// password).
pub fn parse_smtp_url(value: &str) -> Result<SmtpSettings, String> {
    let url = url::Url::parse(value.trim())
        .map_err(|_| "it is not a valid URL (expected smtp://host:port or smtps://host:port)")?;
    let host = match url.host() {
        Some(url::Host::Ipv6(ip)) => ip.to_string(),
        Some(host) => host.to_string(),
        None => return Err("it names no host".into()),
    };
    let mut tls = None;
    for (key, value) in url.query_pairs() {
        match (key.as_ref(), value.as_ref()) {
            ("tls", "required") => tls = Some(Security::StartTlsRequired),
            ("tls", "opportunistic") => tls = Some(Security::Opportunistic),
            ("tls", _) => return Err("tls= must be required or opportunistic".into()),
            _ => return Err("the only option it takes is tls=required|opportunistic".into()),
        }
    }
    let (security, default_port) = match (url.scheme(), tls) {
        ("smtp", None) => (Security::Opportunistic, 25),
        ("smtp", Some(security)) => (security, 587),
        ("smtps", None) => (Security::ImplicitTls, 465),
        ("smtps", Some(_)) => return Err("smtps:// always uses TLS; drop tls=".into()),
        _ => return Err("it must start with smtp:// or smtps://".into()),
    };
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(s)
            .decode_utf8()
            .map(|s| s.into_owned())
            .map_err(|_| "its user name or password is not valid UTF-8 once decoded".to_owned())
    };
    let credentials = match url.password() {
        Some(password) => Some((
            decode(url.username())?,
            SecretString::new(decode(password)?),
        )),
        None if !url.username().is_empty() => {
            return Err("it has a user name but no password (user:password@host)".into());
        }
        None => None,
    };
    let path = url.path().trim_matches('/');
    Ok(SmtpSettings {
        host,
        port: url.port().unwrap_or(default_port),
        security,
        credentials,
        hello_name: (!path.is_empty()).then(|| path.to_owned()),
    })
}

/// Where a mail went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivered {
    /// Accepted by the SMTP server at `endpoint` (`host:port`).
    Smtp { endpoint: String },
    /// Written to this `.eml` file (no SMTP server is configured).
    File { path: PathBuf },
}

/// Why a send failed: a sentence a person can act on (no secret, no driver text), and
/// whether trying again can help.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendFailure {
    pub sentence: String,
    /// The server refused the message itself (a 5xx reply other than to sign-in):
    /// retrying would only be refused again.
    pub permanent: bool,
}

/// The configured way out.
#[derive(Clone)]
pub enum MailTransport {
    Smtp {
        transport: AsyncSmtpTransport<Tokio1Executor>,
        endpoint: String,
    },
    Files {
        transport: AsyncFileTransport<Tokio1Executor>,
        dir: PathBuf,
    },
}

/// Why the mail setup in the configuration cannot be used (names the setting, never
/// its value).
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error("ORGSYNC_SMTP_URL is not usable: {0}")]
    SmtpUrl(String),
    #[error("ORGSYNC_SMTP_FROM is not an email address (like orgsync <orgsync@example.com>)")]
    From,
    #[error("could not create the mail folder {path}: {source}")]
    MailDir {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl MailTransport {
    /// The transport the configuration asks for; `timeout` bounds connecting and each
    /// SMTP command.
    pub fn from_config(config: &Config, timeout: Duration) -> Result<Self, SetupError> {
        match &config.smtp_url {
            Some(url) => {
                let settings = parse_smtp_url(url.expose()).map_err(SetupError::SmtpUrl)?;
                Ok(Self::smtp(&settings, timeout).map_err(SetupError::SmtpUrl)?)
            }
            None => {
                let dir = crate::data_dir::mail_dir(&config.data_dir);
                crate::data_dir::create_private_dir(&dir).map_err(|source| {
                    SetupError::MailDir {
                        path: dir.clone(),
                        source,
                    }
                })?;
                Ok(Self::Files {
                    transport: AsyncFileTransport::new(&dir),
                    dir,
                })
            }
        }
    }

    pub fn smtp(settings: &SmtpSettings, timeout: Duration) -> Result<Self, String> {
        let tls = |host: &str| {
            TlsParameters::new(host.to_owned())
                .map_err(|_| "orgsync could not set up TLS for this server".to_owned())
        };
        let tls = match settings.effective_security() {
            Security::Opportunistic => Tls::Opportunistic(tls(&settings.host)?),
            Security::StartTlsRequired => Tls::Required(tls(&settings.host)?),
            Security::ImplicitTls => Tls::Wrapper(tls(&settings.host)?),
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&settings.host)
            .port(settings.port)
            .tls(tls)
            .timeout(Some(timeout));
        if let Some(name) = &settings.hello_name {
            builder = builder.hello_name(lettre::transport::smtp::extension::ClientId::Domain(
                name.clone(),
            ));
        }
        if let Some((user, password)) = &settings.credentials {
            builder =
                builder.credentials(Credentials::new(user.clone(), password.expose().to_owned()));
        }
        Ok(Self::Smtp {
            transport: builder.build(),
            endpoint: settings.endpoint(),
        })
    }

    /// How the pages say where mail goes: "smtp mail.example.com:587" or "files under …".
    pub fn describe(&self) -> String {
        match self {
            Self::Smtp { endpoint, .. } => format!("smtp {endpoint}"),
            Self::Files { dir, .. } => format!("files under {}", dir.display()),
        }
    }

    /// Hands `message` to the server (or writes it), for the envelope's recipients.
    pub async fn send(&self, message: Message) -> Result<Delivered, SendFailure> {
        match self {
            Self::Smtp {
                transport,
                endpoint,
            } => match transport.send(message).await {
                Ok(_) => Ok(Delivered::Smtp {
                    endpoint: endpoint.clone(),
                }),
                Err(e) => {
                    // The driver's own words stay in the log (they hold server replies,
                    // never our credentials); people get ours.
                    tracing::debug!(server = %endpoint, error = %e, "SMTP send failed");
                    Err(smtp_failure(&e, endpoint))
                }
            },
            Self::Files { transport, dir } => match transport.send(message).await {
                Ok(id) => {
                    let path = dir.join(format!("{id}.eml"));
                    // Private like the rest of the data directory (the folder is 0700
                    // already, so no one else could reach it meanwhile).
                    if let Err(e) = crate::data_dir::make_private(&path) {
                        tracing::warn!(path = %path.display(), error = %e, "could not make an email file private");
                    }
                    Ok(Delivered::File { path })
                }
                Err(e) => {
                    let kind = std::error::Error::source(&e)
                        .and_then(|s| s.downcast_ref::<std::io::Error>())
                        .map(|io| io.kind().to_string())
                        .unwrap_or_else(|| "an error".into());
                    Err(SendFailure {
                        sentence: format!(
                            "orgsync could not write the email to {} ({kind}).",
                            dir.display()
                        ),
                        permanent: false,
                    })
                }
            },
        }
    }
}

/// Our sentence for an SMTP failure, from its kind and reply code only.
fn smtp_failure(e: &lettre::transport::smtp::Error, endpoint: &str) -> SendFailure {
    let code = e.status().map(|c| c.to_string());
    let io_kind = io_error_kind(e);
    let (sentence, permanent) = if e.is_timeout() || io_kind == Some(std::io::ErrorKind::TimedOut) {
        (
            format!("The mail server at {endpoint} did not answer in time."),
            false,
        )
    } else if io_kind == Some(std::io::ErrorKind::ConnectionRefused) {
        (
            format!("The mail server at {endpoint} refused the connection (is it running?)."),
            false,
        )
    } else if e.is_tls() {
        (
            format!(
                "A secure (TLS) connection to the mail server at {endpoint} could not be made."
            ),
            false,
        )
    } else if let Some(code) = code {
        match code.as_bytes() {
            [b'5', b'3', ..] => (
                format!(
                    "The mail server at {endpoint} did not accept orgsync's user name and \
                     password (SMTP {code})."
                ),
                false,
            ),
            [b'5', ..] => (
                format!("The mail server at {endpoint} refused the message (SMTP {code})."),
                true,
            ),
            _ => (
                format!(
                    "The mail server at {endpoint} could not take the message now (SMTP {code})."
                ),
                false,
            ),
        }
    } else if e.to_string().contains("authentication mechanism") {
        (
            format!(
                "The mail server at {endpoint} offers no way to sign in that orgsync supports \
                 (it needs AUTH PLAIN or LOGIN)."
            ),
            false,
        )
    } else if e.is_client() && e.to_string().contains("STARTTLS") {
        (
            format!("The mail server at {endpoint} does not offer STARTTLS, which is required."),
            false,
        )
    } else if io_kind.is_some() || e.is_transport_shutdown() {
        (
            format!("orgsync lost the connection to the mail server at {endpoint}."),
            false,
        )
    } else {
        (
            format!("orgsync could not talk to the mail server at {endpoint}."),
            false,
        )
    };
    SendFailure {
        sentence,
        permanent,
    }
}

fn io_error_kind(e: &lettre::transport::smtp::Error) -> Option<std::io::ErrorKind> {
    let mut source = std::error::Error::source(e);
    while let Some(err) = source {
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            return Some(io.kind());
        }
        source = err.source();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smtp_is_opportunistic_starttls_on_port_25_by_default() {
        let s = parse_smtp_url("smtp://mail.acme.test").unwrap();
        assert_eq!(
            (s.host.as_str(), s.port, s.security),
            ("mail.acme.test", 25, Security::Opportunistic)
        );
        assert!(s.credentials.is_none());
        assert_eq!(s.endpoint(), "mail.acme.test:25");
    }

    #[test]
    fn tls_can_be_required_and_smtps_is_implicit_tls() {
        let s = parse_smtp_url("smtp://mail.acme.test?tls=required").unwrap();
        assert_eq!((s.port, s.security), (587, Security::StartTlsRequired));
        let s = parse_smtp_url("smtps://mail.acme.test").unwrap();
        assert_eq!((s.port, s.security), (465, Security::ImplicitTls));
        let s = parse_smtp_url("smtps://mail.acme.test:2465").unwrap();
        assert_eq!(s.port, 2465);
    }

    #[test]
    fn credentials_are_percent_decoded_and_kept_out_of_debug() {
        let s = parse_smtp_url("smtp://hr%40acme.test:p%40ss%2Fw0rd@mail.acme.test:2525").unwrap();
        let (user, password) = s.credentials.clone().unwrap();
        assert_eq!(user, "hr@acme.test");
        assert_eq!(password.expose(), "p@ss/w0rd");
        assert!(!format!("{s:?}").contains("p@ss"));
        assert!(!format!("{s:?}").contains("w0rd"));
    }

    #[test]
    fn credentials_force_starttls_except_on_loopback() {
        let remote = parse_smtp_url("smtp://u:p@mail.acme.test").unwrap();
        assert_eq!(remote.effective_security(), Security::StartTlsRequired);
        let local = parse_smtp_url("smtp://u:p@127.0.0.1:2525").unwrap();
        assert_eq!(local.effective_security(), Security::Opportunistic);
        let anonymous = parse_smtp_url("smtp://mail.acme.test").unwrap();
        assert_eq!(anonymous.effective_security(), Security::Opportunistic);
    }

    #[test]
    fn bad_urls_are_refused_without_repeating_them() {
        for bad in [
            "http://u:hunter2@mail.acme.test",
            "smtp://u:hunter2@mail.acme.test?tls=maybe",
            "smtps://u:hunter2@mail.acme.test?tls=required",
            "not a url hunter2",
            "smtp://onlyuser@mail.acme.test",
        ] {
            let err = parse_smtp_url(bad).unwrap_err();
            assert!(!err.contains("hunter2"), "{err}");
            assert!(!err.contains("mail.acme.test"), "{err}");
        }
    }

    #[test]
    fn an_ipv6_host_is_named_with_brackets() {
        let s = parse_smtp_url("smtp://[::1]:2525").unwrap();
        assert_eq!(s.endpoint(), "[::1]:2525");
        assert!(s.is_loopback());
    }
}
