//! The two backends are kept in step: `migrations/sqlite` and `migrations/postgres` have
//! the same files, and once applied hold the same tables, columns (type, nullability),
//! primary keys, indexes and foreign keys. A migration added to one folder and not the
//! other — or written differently — fails here.

use crate::helpers::*;
use orgsync::db::Db;
use std::collections::{BTreeMap, BTreeSet};

const SQLITE_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/sqlite");
const POSTGRES_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/postgres");

fn file_names(dir: &str) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn each_migration_exists_for_both_backends_under_the_same_name() {
    let sqlite = file_names(SQLITE_DIR);
    let postgres = file_names(POSTGRES_DIR);
    assert!(!sqlite.is_empty());
    assert_eq!(
        sqlite, postgres,
        "migrations/sqlite and migrations/postgres differ"
    );
}

/// One table as both backends can describe it.
#[derive(Debug, Default, PartialEq, Eq)]
struct Table {
    /// name → (type, nullable)
    columns: BTreeMap<String, (String, bool)>,
    primary_key: Vec<String>,
    /// name → (unique, columns; an expression is `<expression>`)
    indexes: BTreeMap<String, (bool, Vec<String>)>,
    /// (column, referenced table, referenced column, on delete)
    foreign_keys: BTreeSet<(String, String, String, String)>,
}

type Schema = BTreeMap<String, Table>;

/// A column type as one word both backends use.
fn type_name(declared: &str) -> String {
    match declared.trim().to_lowercase().as_str() {
        "int" | "int4" => "integer".into(),
        "int8" => "bigint".into(),
        other => other.into(),
    }
}

async fn sqlite_schema(db: &Db) -> Schema {
    let pool = db.pool();
    let tables: Vec<(String,)> = sqlx::query_as(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
         AND name <> '_sqlx_migrations' ORDER BY name",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    let mut schema = Schema::new();
    for (name,) in tables {
        let mut table = Table::default();
        let columns: Vec<(String, String, i64, i64)> = sqlx::query_as(&format!(
            "SELECT name, type, \"notnull\", pk FROM pragma_table_info('{name}') ORDER BY cid"
        ))
        .fetch_all(pool)
        .await
        .unwrap();
        let mut pk: Vec<(i64, String)> = Vec::new();
        for (column, declared, not_null, in_pk) in columns {
            // A primary key column is never NULL (PostgreSQL says so; SQLite means it).
            let nullable = not_null == 0 && in_pk == 0;
            table
                .columns
                .insert(column.clone(), (type_name(&declared), nullable));
            if in_pk > 0 {
                pk.push((in_pk, column));
            }
        }
        pk.sort();
        table.primary_key = pk.into_iter().map(|(_, c)| c).collect();
        let indexes: Vec<(String, i64)> = sqlx::query_as(&format!(
            "SELECT name, \"unique\" FROM pragma_index_list('{name}') WHERE origin = 'c'"
        ))
        .fetch_all(pool)
        .await
        .unwrap();
        for (index, unique) in indexes {
            let columns: Vec<(Option<String>,)> = sqlx::query_as(&format!(
                "SELECT name FROM pragma_index_info('{index}') ORDER BY seqno"
            ))
            .fetch_all(pool)
            .await
            .unwrap();
            let columns = columns
                .into_iter()
                .map(|(c,)| c.unwrap_or_else(|| "<expression>".into()))
                .collect();
            table.indexes.insert(index, (unique != 0, columns));
        }
        let keys: Vec<(String, String, String, String)> = sqlx::query_as(&format!(
            "SELECT \"from\", \"table\", \"to\", on_delete FROM pragma_foreign_key_list('{name}')"
        ))
        .fetch_all(pool)
        .await
        .unwrap();
        table.foreign_keys = keys
            .into_iter()
            .map(|(from, to_table, to, on_delete)| (from, to_table, to, on_delete.to_lowercase()))
            .collect();
        schema.insert(name, table);
    }
    schema
}

async fn postgres_schema(db: &Db) -> Schema {
    let pool = db.pool();
    let columns: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT CAST(table_name AS TEXT), CAST(column_name AS TEXT), CAST(data_type AS TEXT), \
         CAST(is_nullable AS TEXT) FROM information_schema.columns \
         WHERE table_schema = current_schema() AND table_name <> '_sqlx_migrations' \
         ORDER BY table_name, ordinal_position",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    let mut schema = Schema::new();
    for (table, column, declared, nullable) in columns {
        schema
            .entry(table)
            .or_default()
            .columns
            .insert(column, (type_name(&declared), nullable == "YES"));
    }
    // Every index of our tables: its columns, or `<expression>` where it indexes one.
    let indexes: Vec<(String, String, i64, i64, String)> = sqlx::query_as(
        "SELECT CAST(t.relname AS TEXT), CAST(i.relname AS TEXT), \
         CAST(ix.indisprimary AS INTEGER), CAST(ix.indisunique AS INTEGER), \
         array_to_string(ARRAY(SELECT CASE WHEN ix.indkey[k - 1] = 0 THEN '<expression>' \
           ELSE pg_get_indexdef(ix.indexrelid, k, true) END \
           FROM generate_series(1, ix.indnatts) k ORDER BY k), ',') \
         FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid \
         JOIN pg_class t ON t.oid = ix.indrelid \
         JOIN pg_namespace n ON n.oid = t.relnamespace \
         WHERE n.nspname = current_schema() AND t.relname <> '_sqlx_migrations'",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    for (table, index, primary, unique, columns) in indexes {
        let columns: Vec<String> = columns.split(',').map(str::to_owned).collect();
        let table = schema.entry(table).or_default();
        if primary == 1 {
            table.primary_key = columns;
        } else {
            table.indexes.insert(index, (unique == 1, columns));
        }
    }
    let keys: Vec<(String, String, String, String, String)> = sqlx::query_as(
        "SELECT CAST(t.relname AS TEXT), CAST(a.attname AS TEXT), CAST(rt.relname AS TEXT), \
         CAST(ra.attname AS TEXT), CAST(c.confdeltype AS TEXT) \
         FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid \
         JOIN pg_namespace n ON n.oid = t.relnamespace \
         JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] \
         JOIN pg_class rt ON rt.oid = c.confrelid \
         JOIN pg_attribute ra ON ra.attrelid = c.confrelid AND ra.attnum = c.confkey[1] \
         WHERE c.contype = 'f' AND n.nspname = current_schema()",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    for (table, from, to_table, to, on_delete) in keys {
        let on_delete = match on_delete.as_str() {
            "c" => "cascade",
            "n" => "set null",
            "d" => "set default",
            "r" => "restrict",
            _ => "no action",
        };
        schema.entry(table).or_default().foreign_keys.insert((
            from,
            to_table,
            to,
            on_delete.to_owned(),
        ));
    }
    schema
}

#[tokio::test]
async fn both_migration_sets_make_the_same_tables_columns_and_indexes() {
    if !postgres_or_say("backends::both_migration_sets_make_the_same_tables_columns_and_indexes") {
        return;
    }
    init();
    let dir = tempfile::tempdir().unwrap();
    let sqlite_url = format!("sqlite://{}", dir.path().join("schema.db").display());
    let sqlite = Db::connect(&sqlite_url).await.expect("SQLite migrates");
    let postgres = Db::connect(&database_url(dir.path()))
        .await
        .expect("PostgreSQL migrates");
    let (sqlite_schema, postgres_schema) = (
        sqlite_schema(&sqlite).await,
        postgres_schema(&postgres).await,
    );
    sqlite.close().await;
    postgres.close().await;

    assert!(sqlite_schema.contains_key("people") && sqlite_schema.contains_key("daily_runs"));
    assert_eq!(
        sqlite_schema.keys().collect::<Vec<_>>(),
        postgres_schema.keys().collect::<Vec<_>>(),
        "the backends have different tables"
    );
    for (name, table) in &sqlite_schema {
        assert_eq!(
            table, &postgres_schema[name],
            "table {name}: SQLite (left) and PostgreSQL (right) differ"
        );
    }
}
