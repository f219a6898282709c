//! Which database the tests run on, and the few things a test does to a database that
//! cannot be said in SQL both backends accept — kept here, in one place.
//!
//! Without `ORGSYNC_TEST_POSTGRES_URL` every data directory has its SQLite file, as in
//! the embedded default. With it (`postgres://postgres@127.0.0.1:PORT`, see
//! `scripts/test`), every data directory gets a fresh database of its own on that
//! server, `orgsync_test_<random>`, made the first time the directory is seen: a
//! restart, a second instance or the real binary on the same directory share it.

use sqlx::any::AnyPoolOptions;
use sqlx::{AnyPool, Executor};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The variable that selects PostgreSQL: a URL of the server (any database of it).
pub const POSTGRES_URL_VAR: &str = "ORGSYNC_TEST_POSTGRES_URL";

/// The PostgreSQL server the tests use, when one is given.
pub fn postgres_server() -> Option<String> {
    std::env::var(POSTGRES_URL_VAR)
        .ok()
        .map(|u| u.trim().to_owned())
        .filter(|u| !u.is_empty())
}

/// Whether this run of the tests is on PostgreSQL.
pub fn on_postgres() -> bool {
    postgres_server().is_some()
}

/// For a test that needs PostgreSQL: true on PostgreSQL; otherwise says loudly that
/// `test` did not run — on the real standard error, which the test harness does not
/// capture, so the line shows even though the test passes — and returns false.
pub fn postgres_or_say(test: &str) -> bool {
    if on_postgres() {
        return true;
    }
    use std::io::Write;
    let line = format!(
        "\n!!! {test}: NOT RUN — it needs PostgreSQL. Run scripts/test (both backends), \
         or set {POSTGRES_URL_VAR}=postgres://user@host:port !!!\n"
    );
    let _ = std::io::stderr().write_all(line.as_bytes());
    false
}

/// Databases made so far by this test process, by data directory.
static DATABASES: Mutex<Option<HashMap<PathBuf, String>>> = Mutex::new(None);

/// The `ORGSYNC_DATABASE_URL` of the data directory `dir`.
pub fn database_url(dir: &Path) -> String {
    let Some(server) = postgres_server() else {
        return format!("sqlite://{}", dir.join("orgsync.db").display());
    };
    let mut made = DATABASES.lock().unwrap_or_else(|e| e.into_inner());
    let made = made.get_or_insert_with(HashMap::new);
    if let Some(url) = made.get(dir) {
        return url.clone();
    }
    let name = format!("orgsync_test_{}", uuid::Uuid::new_v4().simple());
    let url = block_on({
        let (server, name) = (server.clone(), name.clone());
        async move { orgsync::db::postgres::create_database(&server, &name).await }
    })
    .unwrap_or_else(|e| panic!("could not create database {name} on {server}: {e:#}"));
    made.insert(dir.to_owned(), url.clone());
    url
}

/// Runs a future to its end from synchronous code that may itself be inside a tokio
/// runtime (a test's), on a thread and runtime of its own.
fn block_on<F: std::future::Future + Send + 'static>(future: F) -> F::Output
where
    F::Output: Send + 'static,
{
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime")
            .block_on(future)
    })
    .join()
    .expect("the database task")
}

/// A connection to the database of `dir`, for looking at (or tampering with) what is
/// stored. Close it (`pool.close().await`) before reading SQLite's file.
pub async fn open_db(dir: &Path) -> AnyPool {
    sqlx::any::install_default_drivers();
    let url = database_url(dir);
    AnyPoolOptions::new()
        .max_connections(1)
        .after_connect(|conn, _| {
            Box::pin(async move {
                if conn.backend_name() == "SQLite" {
                    conn.execute("PRAGMA busy_timeout = 30000").await?;
                }
                Ok(())
            })
        })
        .connect(&url)
        .await
        .unwrap_or_else(|e| panic!("the database opens: {e}"))
}

/// The columns of `table`, in their order.
pub async fn table_columns(pool: &AnyPool, table: &str) -> Vec<String> {
    let sql = if on_postgres() {
        format!(
            "SELECT CAST(column_name AS TEXT) FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = '{table}' \
             ORDER BY ordinal_position"
        )
    } else {
        format!("SELECT name FROM pragma_table_info('{table}') ORDER BY cid")
    };
    let columns: Vec<(String,)> = sqlx::query_as(&sql)
        .fetch_all(pool)
        .await
        .unwrap_or_else(|e| panic!("the columns of {table}: {e}"));
    columns.into_iter().map(|(c,)| c).collect()
}

/// Every row of `table`, every column quoted by the database itself (so NULL, '' and 0
/// stay apart): equal dumps mean the table holds what it held. SQLite's rows carry
/// their rowid too (a row deleted and written again is not the same row).
pub async fn table_rows(pool: &AnyPool, table: &str) -> Vec<String> {
    let columns = table_columns(pool, table).await;
    assert!(!columns.is_empty(), "no table {table}");
    let sql = if on_postgres() {
        let row = columns
            .iter()
            .map(|c| format!("quote_nullable(\"{c}\")"))
            .collect::<Vec<_>>()
            .join(", ");
        format!("SELECT concat_ws('|', {row}) FROM {table} ORDER BY 1")
    } else {
        let row = columns
            .iter()
            .map(|c| format!("quote(\"{c}\")"))
            .collect::<Vec<_>>()
            .join(" || '|' || ");
        format!("SELECT rowid || ':' || {row} FROM {table} ORDER BY rowid")
    };
    let rows: Vec<(String,)> = sqlx::query_as(&sql)
        .fetch_all(pool)
        .await
        .unwrap_or_else(|e| panic!("the rows of {table}: {e}"));
    rows.into_iter().map(|(r,)| r).collect()
}

/// Everything the database of `dir` holds, as bytes to search for what must not be
/// stored: SQLite's files (database, WAL, shared memory) as they are on disk; on
/// PostgreSQL, whose files are the server's, every row of every table as text.
pub async fn database_contents(dir: &Path) -> Vec<(String, Vec<u8>)> {
    if !on_postgres() {
        return ["orgsync.db", "orgsync.db-wal", "orgsync.db-shm"]
            .into_iter()
            .filter_map(|name| {
                std::fs::read(dir.join(name))
                    .ok()
                    .map(|bytes| (name.to_owned(), bytes))
            })
            .collect();
    }
    let pool = open_db(dir).await;
    let tables: Vec<(String,)> = sqlx::query_as(
        "SELECT CAST(table_name AS TEXT) FROM information_schema.tables \
         WHERE table_schema = current_schema() ORDER BY 1",
    )
    .fetch_all(&pool)
    .await
    .expect("the tables");
    let mut contents = Vec::new();
    for (table,) in tables {
        let rows: Vec<(String,)> =
            sqlx::query_as(&format!("SELECT CAST(t AS TEXT) FROM {table} t"))
                .fetch_all(&pool)
                .await
                .unwrap_or_else(|e| panic!("the rows of {table}: {e}"));
        let text = rows
            .into_iter()
            .map(|(r,)| r)
            .collect::<Vec<_>>()
            .join("\n");
        contents.push((table, text.into_bytes()));
    }
    pool.close().await;
    contents
}

/// From now on every insert into `table` fails with the database's own error.
pub async fn fail_inserts_into(pool: &AnyPool, table: &str) {
    let statements = if on_postgres() {
        vec![
            "CREATE FUNCTION injected_failure() RETURNS trigger LANGUAGE plpgsql AS \
             $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$"
                .to_owned(),
            format!(
                "CREATE TRIGGER injected_failure BEFORE INSERT ON {table} \
                 FOR EACH ROW EXECUTE FUNCTION injected_failure()"
            ),
        ]
    } else {
        vec![format!(
            "CREATE TRIGGER injected_failure BEFORE INSERT ON {table} \
             BEGIN SELECT RAISE(ABORT, 'injected failure'); END"
        )]
    };
    execute_all(pool, &statements).await;
}

/// Undoes [`fail_inserts_into`].
pub async fn stop_failing_inserts_into(pool: &AnyPool, table: &str) {
    let statements = if on_postgres() {
        vec![
            format!("DROP TRIGGER injected_failure ON {table}"),
            "DROP FUNCTION injected_failure()".to_owned(),
        ]
    } else {
        vec!["DROP TRIGGER injected_failure".to_owned()]
    };
    execute_all(pool, &statements).await;
}

/// Makes each history row slow to write, so that a sync stays inside its apply
/// transaction for a while (people and jobs already written): `burn` = 400 takes about
/// a second a row. SQLite's triggers can neither sleep nor use WITH, so there a trigger
/// counts the rows of a three-way cross join of a `burn`-row table; PostgreSQL sleeps.
pub async fn slow_down_history_writes(dir: &Path, burn: i64) {
    let pool = open_db(dir).await;
    if on_postgres() {
        let seconds = burn as f64 / 400.0;
        execute_all(
            &pool,
            &[
                format!(
                    "CREATE FUNCTION slow_history() RETURNS trigger LANGUAGE plpgsql AS \
                     $$ BEGIN PERFORM pg_sleep({seconds}); RETURN NULL; END $$"
                ),
                "CREATE TRIGGER slow_history AFTER INSERT ON history \
                 FOR EACH ROW EXECUTE FUNCTION slow_history()"
                    .to_owned(),
            ],
        )
        .await;
    } else {
        execute_all(&pool, &["CREATE TABLE burn (x INTEGER)".to_owned()]).await;
        sqlx::query(
            "INSERT INTO burn (x) SELECT a.rowid FROM people a, people b, people c LIMIT $1",
        )
        .bind(burn)
        .execute(&pool)
        .await
        .unwrap();
        let (rows,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM burn")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(rows, burn, "enough rows to burn");
        execute_all(
            &pool,
            &["CREATE TRIGGER slow_history AFTER INSERT ON history BEGIN \
               SELECT count(*) FROM burn a, burn b, burn c WHERE a.x + b.x + c.x >= 0; END"
                .to_owned()],
        )
        .await;
    }
    pool.close().await;
}

/// Undoes [`slow_down_history_writes`] (on PostgreSQL this waits for a transaction
/// still writing history to end).
pub async fn stop_slowing_history_writes(pool: &AnyPool) {
    let statements: &[&str] = if on_postgres() {
        &[
            "DROP TRIGGER slow_history ON history",
            "DROP FUNCTION slow_history()",
        ]
    } else {
        &["DROP TRIGGER slow_history", "DROP TABLE burn"]
    };
    for sql in statements {
        sqlx::query(sql).execute(pool).await.unwrap();
    }
}

/// Waits until some connection has been writing to the database of `dir` for half a
/// second (a sync's apply: page loads and heartbeats write for milliseconds). SQLite:
/// its write lock is taken; PostgreSQL: another session holds a write lock on
/// `history`, which only a sync's apply writes.
pub async fn wait_until_a_write_holds_the_database(dir: &Path, deadline: Duration) {
    let deadline = Instant::now() + deadline;
    let mut held = 0;
    if on_postgres() {
        let pool = open_db(dir).await;
        while held < 5 {
            let (writers,): (i64,) = sqlx::query_as(
                "SELECT COUNT(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation \
                 WHERE c.relname = 'history' AND l.mode = 'RowExclusiveLock' \
                 AND l.granted AND l.pid <> pg_backend_pid()",
            )
            .fetch_one(&pool)
            .await
            .unwrap();
            held = if writers > 0 { held + 1 } else { 0 };
            assert!(Instant::now() < deadline, "no sync took the write lock");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        pool.close().await;
        return;
    }
    use sqlx::{ConnectOptions, Connection};
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(dir.join("orgsync.db"))
        .busy_timeout(Duration::ZERO);
    let mut conn = options.connect().await.expect("the database opens");
    while held < 5 {
        match sqlx::query("BEGIN IMMEDIATE").execute(&mut conn).await {
            Ok(_) => {
                held = 0;
                sqlx::query("ROLLBACK").execute(&mut conn).await.unwrap();
            }
            Err(_) => held += 1,
        }
        assert!(Instant::now() < deadline, "no sync took the write lock");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    conn.close().await.unwrap();
}

async fn execute_all(pool: &AnyPool, statements: &[String]) {
    for sql in statements {
        sqlx::query(sql)
            .execute(pool)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
}
