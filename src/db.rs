//! The database: one connection pool over SQLite (the embedded default) or PostgreSQL,
//! with the migrations of the chosen backend applied at start (`migrations/sqlite`,
//! `migrations/postgres`: the same schema, kept in step).
//!
//! Queries are written once, in SQL both backends accept (`$1` placeholders, ids made by
//! the app, times as UTC milliseconds in `BIGINT`, dates as `YYYY-MM-DD` text, flags as
//! integers), and run through sqlx's `Any` driver. Where the two backends really differ,
//! [`Backend`] says so here, in one place — callers ask it a question ("may another
//! instance be working on this database?"), they never test which engine it is.

pub mod postgres;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, ConnectOptions, Connection, Executor};
use std::str::FromStr;
use std::time::Duration;

/// Which database engine is behind the pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// Whether this database serves one orgsync instance only. A SQLite file belongs to
    /// one server, so whatever a previous life of it left claimed (a running sync, a
    /// mail lease) is dead at start. On PostgreSQL other instances may be working: only
    /// a silent claim (a stale heartbeat, a lapsed lease) is dead.
    pub fn single_instance(self) -> bool {
        match self {
            Self::Sqlite => true,
            Self::Postgres => false,
        }
    }

    /// `column` as a case-insensitive `LIKE` must compare it to a lower-cased pattern.
    /// SQLite's `LIKE` already ignores (ASCII) case — and its `lower()` is ASCII-only
    /// anyway — so the column is left bare there, which halves a scan of it;
    /// PostgreSQL's `LIKE` is case-sensitive.
    pub fn lower_for_like(self, column: &str) -> String {
        match self {
            Self::Sqlite => column.to_owned(),
            Self::Postgres => format!("lower({column})"),
        }
    }
}

/// A pool of connections plus the backend it talks to. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
}

/// A transaction on either backend.
pub type Tx = sqlx::Transaction<'static, sqlx::Any>;

impl Db {
    /// Connects (creating the SQLite file if needed) and applies pending migrations.
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            anyhow::bail!("ORGSYNC_DATABASE_URL must start with sqlite:// or postgres://");
        };
        let url = match backend {
            Backend::Sqlite if !url.contains('?') => format!("{url}?mode=rwc"),
            _ => url.to_owned(),
        };
        // sqlx would log every slow statement with its whole SQL text: noisy at batch
        // sizes, and our own logs say what a slow operation was.
        let options = AnyConnectOptions::from_str(&url)?.disable_statement_logging();
        let pool = match backend {
            Backend::Sqlite => {
                AnyPoolOptions::new()
                    .max_connections(8)
                    .acquire_timeout(Duration::from_secs(30))
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            // WAL lets pages read while a sync writes; foreign keys are off
                            // by default in SQLite; a writer waits rather than failing.
                            conn.execute("PRAGMA journal_mode = WAL").await?;
                            conn.execute("PRAGMA synchronous = NORMAL").await?;
                            conn.execute("PRAGMA foreign_keys = ON").await?;
                            conn.execute("PRAGMA busy_timeout = 30000").await?;
                            // 32 MiB of page cache (default 2 MiB): a sync's batch writes
                            // touch indexes far larger than the default holds.
                            conn.execute("PRAGMA cache_size = -32768").await?;
                            Ok(())
                        })
                    })
                    .connect_with(options)
                    .await?
            }
            Backend::Postgres => {
                // One connection first, so that a wrong address, name or password is
                // reported at once with its cause (the pool would retry it silently until
                // its timeout and then say only that it timed out).
                let probe = sqlx::AnyConnection::connect_with(&options)
                    .await
                    .map_err(|e| {
                        anyhow::anyhow!(
                            "could not connect to PostgreSQL at {}: {e}",
                            postgres::describe(&url)
                        )
                    })?;
                let _ = probe.close().await;
                AnyPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(30))
                    .connect_with(options)
                    .await?
            }
        };
        let db = Self { pool, backend };
        if backend == Backend::Postgres {
            postgres::check_version(&db.pool).await?;
        }
        db.migrate().await?;
        Ok(db)
    }

    /// Applies the pending migrations. Safe when several instances start together on
    /// one PostgreSQL database: sqlx holds a session advisory lock (`pg_advisory_lock`,
    /// keyed by the database's name) from before it reads `_sqlx_migrations` until the
    /// last migration is applied, each in its own transaction — the second instance
    /// waits, then finds nothing left to do.
    ///
    /// On SQLite they run on one connection with foreign keys off, as SQLite asks for
    /// schema changes that rebuild a table (its CHECK constraints cannot be altered in
    /// place, and dropping the old table must not cascade to the rows that point at
    /// it); a foreign-key check after them refuses to start on a broken database.
    async fn migrate(&self) -> anyhow::Result<()> {
        match self.backend {
            Backend::Sqlite => {
                let mut conn = self.pool.acquire().await?;
                conn.execute("PRAGMA foreign_keys = OFF").await?;
                let run = sqlx::migrate!("migrations/sqlite").run(&mut *conn).await;
                let broken: Vec<(String,)> = match &run {
                    Ok(()) => {
                        sqlx::query_as("SELECT \"table\" FROM pragma_foreign_key_check")
                            .fetch_all(&mut *conn)
                            .await?
                    }
                    Err(_) => Vec::new(),
                };
                conn.execute("PRAGMA foreign_keys = ON").await?;
                run?;
                anyhow::ensure!(
                    broken.is_empty(),
                    "the database has rows pointing at rows that do not exist (in {}); \
                     restore a backup",
                    broken
                        .into_iter()
                        .map(|(t,)| t)
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            }
            Backend::Postgres => {
                sqlx::migrate!("migrations/postgres")
                    .run(&self.pool)
                    .await?
            }
        }
        Ok(())
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Whether the database answers a trivial query (for a health check).
    pub async fn ping(&self) -> sqlx::Result<()> {
        sqlx::query_scalar::<_, i32>("SELECT 1")
            .fetch_one(&self.pool)
            .await
            .map(drop)
    }

    pub async fn begin(&self) -> sqlx::Result<Tx> {
        self.pool.begin().await
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// A stored word that names no value of its type (a status, a source, a kind): the row
/// was written by another version of orgsync or by hand. Reading it is an error, never
/// a guess — a guess (say "failed", "manual", "active") would quietly change what the
/// app does with the row.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} {value:?} in the database")]
pub struct UnknownValue {
    /// What the word should have named: "run status", "job status", …
    pub what: &'static str,
    pub value: String,
}

impl UnknownValue {
    pub fn new(what: &'static str, value: &str) -> Self {
        Self {
            what,
            value: value.to_owned(),
        }
    }
}

/// A row read with an unknown word fails as a decode error, like any other value that
/// does not fit its column.
impl From<UnknownValue> for sqlx::Error {
    fn from(e: UnknownValue) -> Self {
        sqlx::Error::Decode(Box::new(e))
    }
}

/// A new id: a UUIDv7 (time-ordered, so indexes stay compact), as text.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// Whether a database error is a unique-constraint violation (on either backend).
pub fn is_unique_violation(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::Database(e) => e.is_unique_violation(),
        _ => false,
    }
}

/// Bound values per batch statement. SQLite finds each `$N` by a linear search when it
/// prepares a statement, so a statement with n values costs O(n²): around a thousand is
/// the sweet spot (a 30 000-value statement was 80 times slower per row).
pub const MAX_BINDS: usize = 1_000;

/// `($1, $2, …), ($k, …)` for `rows` rows of `cols` values.
pub fn values_clause(rows: usize, cols: usize) -> String {
    let mut sql = String::with_capacity(rows * cols * 5);
    for r in 0..rows {
        if r > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for c in 0..cols {
            if c > 0 {
                sql.push_str(", ");
            }
            sql.push('$');
            sql.push_str(&(r * cols + c + 1).to_string());
        }
        sql.push(')');
    }
    sql
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_row_by_row() {
        assert_eq!(values_clause(2, 3), "($1, $2, $3), ($4, $5, $6)");
    }
}
