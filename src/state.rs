//! What every request handler and background task shares: configuration, the database,
//! the encryption key, where Justworks is and the clock.

use crate::clock::Clock;
use crate::config::Config;
use crate::crypto::Crypto;
use crate::db::Db;
use std::ops::Deref;
use std::sync::Arc;

/// Where orgsync's Justworks client connects.
#[derive(Debug, Clone)]
pub struct JustworksEndpoint {
    /// The API: `/v1/…` data calls and the Partner API's `/oauth/token`.
    pub base_url: String,
    /// The Partner API's consent page, where a person's browser is sent.
    pub authorize_url: String,
    /// True when this is the sandbox started inside the server (generated data): every
    /// page then says so.
    pub sandbox: bool,
}

/// Justworks' own consent page, used when the API is configured but this is not.
pub const JUSTWORKS_AUTHORIZE_URL: &str = "https://payroll.justworks.com/oauth/authorize";

#[derive(Clone)]
pub struct AppState(Arc<Shared>);

pub struct Shared {
    pub config: Config,
    pub db: Db,
    pub crypto: Crypto,
    pub justworks: JustworksEndpoint,
    /// This server process, as named in the runs it works on.
    pub instance_id: String,
    /// Wakes this instance's sync worker when a run is queued here.
    pub sync_wake: tokio::sync::Notify,
    /// What time it is (the system clock; a test clock in tests).
    pub clock: Arc<dyn Clock>,
    /// How emails leave this server, and who they are from.
    pub mail: crate::mail::MailSetup,
    /// Wakes the mailer when a commit has queued mail.
    pub mail_wake: tokio::sync::Notify,
    /// The address this server is reached at, worked out once when it starts listening
    /// (`link_base::of_listener`), for links in emails.
    pub public_base: std::sync::OnceLock<String>,
    /// Password hashing and checking, a few at a time.
    pub password_hashing: crate::auth::password::HashingLimit,
}

impl AppState {
    pub fn new(shared: Shared) -> Self {
        Self(Arc::new(shared))
    }
}

impl Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl crate::mail::MailHost for AppState {
    fn db(&self) -> &Db {
        &self.db
    }
    fn sender(&self) -> &str {
        &self.instance_id
    }
    fn policy(&self) -> &crate::config::DeliveryPolicy {
        &self.config.mail_delivery
    }
    fn setup(&self) -> &crate::mail::MailSetup {
        &self.mail
    }
    fn wake(&self) -> &tokio::sync::Notify {
        &self.mail_wake
    }
    fn clock(&self) -> &dyn Clock {
        self.clock.as_ref()
    }
}
