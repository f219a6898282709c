//! Apps and Integrations: the apps orgsync offers, and which are installed.

pub mod justworks;

use crate::db::Db;
use sqlx::{AnyConnection, FromRow};

/// An app orgsync offers, as the *Apps and Integrations* table shows it.
pub struct AppInfo {
    pub key: &'static str,
    pub name: &'static str,
    pub summary: &'static str,
    pub syncs: &'static [&'static str],
    pub packages: &'static [&'static str],
}

/// Every app orgsync offers.
pub const CATALOG: &[AppInfo] = &[AppInfo {
    key: "justworks",
    name: "Justworks",
    summary: "The Justworks app syncs your organizational roster from Justworks automatically \
              on a daily basis, so your org chart always matches payroll.",
    syncs: &[
        "Job titles",
        "Start and end dates",
        "Work and personal emails, phones and home addresses",
        "Gender, ethnicity and birthdates",
        "Compensation",
        "Managers",
        "Departments and locations",
    ],
    packages: &["Basic", "Standard", "Premium"],
}];

pub fn find(key: &str) -> Option<&'static AppInfo> {
    CATALOG.iter().find(|a| a.key == key)
}

/// An installed app's row.
#[derive(Debug, Clone, FromRow)]
pub struct Install {
    pub app: String,
    pub installed_at: i64,
    pub installed_by: Option<String>,
    pub settings: Option<String>,
    pub run_daily: i64,
    pub daily_at: String,
    pub updated_at: i64,
}

pub async fn installed(db: &Db, app: &str) -> sqlx::Result<Option<Install>> {
    sqlx::query_as(
        "SELECT app, installed_at, installed_by, settings, run_daily, daily_at, updated_at \
         FROM app_installs WHERE app = $1",
    )
    .bind(app)
    .fetch_optional(db.pool())
    .await
}

pub async fn all_installed(db: &Db) -> sqlx::Result<Vec<Install>> {
    sqlx::query_as(
        "SELECT app, installed_at, installed_by, settings, run_daily, daily_at, updated_at \
         FROM app_installs ORDER BY app",
    )
    .fetch_all(db.pool())
    .await
}

/// Installs an app at `now`; false if it already was.
pub async fn install(
    conn: &mut AnyConnection,
    app: &str,
    user_id: &str,
    now: jiff::Timestamp,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "INSERT INTO app_installs (app, installed_at, installed_by, run_daily, daily_at, updated_at) \
         VALUES ($1, $2, $3, 0, '06:00', $2) ON CONFLICT (app) DO NOTHING",
    )
    .bind(app)
    .bind(now.as_millisecond())
    .bind(user_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Uninstalls an app: its settings, stored credentials and recipients go (cascade); the
/// people it synced stay.
pub async fn uninstall(conn: &mut AnyConnection, app: &str) -> sqlx::Result<bool> {
    let done = sqlx::query("DELETE FROM app_installs WHERE app = $1")
        .bind(app)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Remembers the address (`http://host:port`) people last used to work on `app`, for
/// links in the mails of its runs (see `link_base`).
pub async fn remember_link_base(
    conn: &mut AnyConnection,
    app: &str,
    base: &str,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE app_installs SET link_base = $1 WHERE app = $2")
        .bind(base)
        .bind(app)
        .execute(conn)
        .await?;
    Ok(())
}

/// The address remembered by [`remember_link_base`], if any.
pub async fn link_base(conn: &mut AnyConnection, app: &str) -> sqlx::Result<Option<String>> {
    let row: Option<(Option<String>,)> =
        sqlx::query_as("SELECT link_base FROM app_installs WHERE app = $1")
            .bind(app)
            .fetch_optional(conn)
            .await?;
    Ok(row.and_then(|(base,)| base))
}
