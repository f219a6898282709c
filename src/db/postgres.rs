//! PostgreSQL-only chores that have no SQLite counterpart: checking the server's version,
//! and making and dropping whole databases on a server (a fresh database per benchmark
//! size, per test). The app's own queries are portable and live with their modules; this
//! is the one place that speaks PostgreSQL to PostgreSQL alone.

use sqlx::{AnyPool, Connection, Executor, PgConnection};

/// The oldest PostgreSQL orgsync is tested on.
pub const OLDEST_TESTED: i64 = 15;

/// Warns when the server is older than [`OLDEST_TESTED`] (it may well work; it is not
/// what the tests run on).
pub async fn check_version(pool: &AnyPool) -> anyhow::Result<()> {
    let (text,): (String,) = sqlx::query_as("SELECT current_setting('server_version_num')")
        .fetch_one(pool)
        .await?;
    let major = text.trim().parse::<i64>().unwrap_or(0) / 10_000;
    if major < OLDEST_TESTED {
        tracing::warn!(
            version = major,
            "orgsync is tested on PostgreSQL {OLDEST_TESTED} and later; this server is older"
        );
    }
    Ok(())
}

/// Where a `postgres://` URL points, for messages: `user@host:port/database`, never the
/// password or the options.
pub fn describe(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(u) => format!(
            "{}@{}:{}{}",
            u.username(),
            u.host_str().unwrap_or("localhost"),
            u.port().unwrap_or(5432),
            u.path()
        ),
        Err(_) => "the configured address (ORGSYNC_DATABASE_URL is not a valid URL)".into(),
    }
}

/// The URL of database `name` on the server of `server_url` (any database of it: the
/// maintenance one, `postgres://user@host:port`, is usual).
pub fn database_url(server_url: &str, name: &str) -> anyhow::Result<String> {
    let mut url = url::Url::parse(server_url)?;
    anyhow::ensure!(
        matches!(url.scheme(), "postgres" | "postgresql"),
        "expected a postgres:// URL"
    );
    url.set_path(&format!("/{name}"));
    Ok(url.into())
}

/// A database name we make up ourselves: `[a-z0-9_]`, so it needs no quoting.
fn check_name(name: &str) -> anyhow::Result<()> {
    anyhow::ensure!(
        !name.is_empty()
            && name.len() <= 63
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
        "not a database name orgsync makes: {name:?}"
    );
    Ok(())
}

/// Creates database `name` on the server (dropping a leftover of the same name first)
/// and returns its URL.
pub async fn create_database(server_url: &str, name: &str) -> anyhow::Result<String> {
    check_name(name)?;
    let mut conn = PgConnection::connect(server_url).await?;
    conn.execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
        .await?;
    conn.execute(format!("CREATE DATABASE {name}").as_str())
        .await?;
    conn.close().await?;
    database_url(server_url, name)
}

/// Drops database `name`, closing whatever connections it still has.
pub async fn drop_database(server_url: &str, name: &str) -> anyhow::Result<()> {
    check_name(name)?;
    let mut conn = PgConnection::connect(server_url).await?;
    conn.execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
        .await?;
    conn.close().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_description_names_the_server_but_never_the_password() {
        let text = describe("postgres://orgsync:hunter2@db.internal:6543/orgsync?sslmode=require");
        assert_eq!(text, "orgsync@db.internal:6543/orgsync");
        assert_eq!(describe("postgres://me@h/x"), "me@h:5432/x");
        assert!(!describe("postgres://a:hunter2@[::1/x").contains("hunter2"));
    }

    #[test]
    fn a_database_url_keeps_the_server_and_its_options() {
        assert_eq!(
            database_url("postgres://postgres@127.0.0.1:5433", "orgsync_a1").unwrap(),
            "postgres://postgres@127.0.0.1:5433/orgsync_a1"
        );
        assert_eq!(
            database_url("postgres://u:p@db:5432/postgres?sslmode=disable", "b").unwrap(),
            "postgres://u:p@db:5432/b?sslmode=disable"
        );
        assert!(database_url("sqlite://x.db", "b").is_err());
    }

    #[test]
    fn only_plain_names_are_made_or_dropped() {
        assert!(check_name("orgsync_test_0af3").is_ok());
        for bad in ["", "Orgsync", "a-b", "a; DROP DATABASE postgres", "a b"] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
    }
}
