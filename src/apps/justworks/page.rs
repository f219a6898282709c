//! The installed Justworks app as its settings page shows it: the settings, whether each
//! secret (the webhook signing secret too) is set — never its value —, Run Daily and
//! the recipients; and what a sync reads of them (`sync_options`, `review_options`).

use super::APP;
use super::connection::{self, Connection};
use super::credentials;
use super::settings::{ConnectionMethod, Settings};
use crate::apps::Install;
use crate::db::Db;
use crate::sync::daily_at::DailyAt;

#[derive(Debug, Clone)]
pub struct Config {
    /// `None` until the first Save Settings.
    pub settings: Option<Settings>,
    pub password_set: bool,
    pub seed_set: bool,
    pub client_secret_set: bool,
    /// The Partner API connection, once connected (and until disconnected).
    pub connection: Option<Connection>,
    /// A webhook signing secret is stored (webhooks are received only then).
    pub webhook_secret_set: bool,
    pub run_daily: bool,
    pub daily_at: DailyAt,
    pub notify_user_ids: Vec<String>,
    pub installed_at: i64,
    pub updated_at: i64,
}

impl Config {
    /// Whether a sync can start: the settings saved and, for the chosen method, its
    /// secrets stored (and, for the Partner API, connected).
    pub fn is_configured(&self) -> bool {
        match self.method() {
            None => false,
            Some(ConnectionMethod::ServiceUser) => self.password_set && self.seed_set,
            Some(ConnectionMethod::PartnerApi) => self.can_connect() && self.connection.is_some(),
        }
    }

    /// The saved connection method (`None` before the first save).
    pub fn method(&self) -> Option<ConnectionMethod> {
        self.settings.as_ref().map(|s| s.connection)
    }

    /// Whether the saved settings chose the Partner API.
    pub fn is_partner_api(&self) -> bool {
        self.method() == Some(ConnectionMethod::PartnerApi)
    }

    /// Whether *Connect with Justworks* can be pressed: the Partner API chosen and saved
    /// with its client id and secret.
    pub fn can_connect(&self) -> bool {
        self.is_partner_api() && self.client_secret_set
    }
}

pub async fn load(db: &Db, install: &Install) -> anyhow::Result<Config> {
    let settings = install
        .settings
        .as_deref()
        .map(serde_json::from_str::<Settings>)
        .transpose()?;
    let daily_at = install
        .daily_at
        .parse()
        .map_err(|e| anyhow::anyhow!("the stored daily time {:?} is {e}", install.daily_at))?;
    let secrets = credentials::which_are_set(db).await?;
    let connection = connection::find(db).await?;
    let webhook_secret_set = credentials::webhook_secret_set(db).await?;
    let notify: Vec<(String,)> = sqlx::query_as(
        "SELECT n.user_id FROM app_notify_users n JOIN users u ON u.id = n.user_id \
         WHERE n.app = $1 ORDER BY u.name",
    )
    .bind(APP)
    .fetch_all(db.pool())
    .await?;
    Ok(Config {
        settings,
        password_set: secrets.password,
        seed_set: secrets.seed,
        client_secret_set: secrets.client_secret,
        connection,
        webhook_secret_set,
        run_daily: install.run_daily != 0,
        daily_at,
        notify_user_ids: notify.into_iter().map(|(id,)| id).collect(),
        installed_at: install.installed_at,
        updated_at: install.updated_at,
    })
}

/// The sync's options as the saved settings give them, if Justworks is installed and
/// saved: what the person page needs to say whether the next sync will write a field.
pub async fn sync_options(db: &Db) -> anyhow::Result<Option<crate::sync::options::SyncOptions>> {
    let Some(install) = crate::apps::installed(db, APP).await? else {
        return Ok(None);
    };
    let config = load(db, &install).await?;
    Ok(config
        .settings
        .as_ref()
        .map(crate::sync::options::SyncOptions::from))
}

/// What a run does with its plan (apply mode and safeguards) as the saved settings give
/// them; the defaults when Justworks is not installed or not saved yet, or was saved
/// before these settings existed.
pub async fn review_options(db: &Db) -> anyhow::Result<crate::sync::guards::ReviewOptions> {
    let Some(install) = crate::apps::installed(db, APP).await? else {
        return Ok(Default::default());
    };
    let config = load(db, &install).await?;
    Ok(config
        .settings
        .as_ref()
        .map(crate::sync::guards::ReviewOptions::from)
        .unwrap_or_default())
}
