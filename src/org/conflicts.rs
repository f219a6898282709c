//! The `conflicts` table, its one owner: what a sync found where Justworks' value differs
//! from a pinned one — written in the transaction that applies the run's plan, one open
//! conflict per field (a newer one replaces it) — and read for the run page, the
//! *Conflicts* view, the JSON API and the summary email. Every read takes a
//! [`Sensitive`]: a reader who may not see a field does not learn of its conflicts.

use crate::db::{Db, new_id};
use crate::org::change::{Conflict, Entity};
use crate::org::model::{UnknownValue, is_sensitive};
use crate::org::visibility::Sensitive;
use sqlx::{AnyConnection, FromRow};

/// Writes a run's conflicts, each replacing the open one of its field.
pub async fn record(
    conn: &mut AnyConnection,
    conflicts: &[Conflict],
    run_id: &str,
    now: i64,
) -> sqlx::Result<()> {
    for c in conflicts {
        sqlx::query(
            "DELETE FROM conflicts WHERE entity_id = $1 AND field = $2 AND status = 'open'",
        )
        .bind(&c.entity_id)
        .bind(c.field)
        .execute(&mut *conn)
        .await?;
        sqlx::query(
            "INSERT INTO conflicts (id, run_id, entity, entity_id, person_id, person_name, \
             field, ours, theirs, theirs_value, sensitive, found_at, status) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'open')",
        )
        .bind(new_id())
        .bind(run_id)
        .bind(c.entity.as_str())
        .bind(&c.entity_id)
        .bind(&c.person_id)
        .bind(&c.person_name)
        .bind(c.field)
        .bind(&c.ours)
        .bind(&c.theirs)
        .bind(&c.theirs_value)
        .bind(c.sensitive as i64)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Where a conflict stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Open,
    /// *Keep ours*: the pin stays; not raised again until Justworks' value changes.
    Kept,
    /// *Take Justworks'*: unpinned, and Justworks' value written.
    Taken,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Kept => "kept",
            Self::Taken => "taken",
        }
    }

    pub fn parse(s: &str) -> Result<Self, UnknownValue> {
        match s {
            "open" => Ok(Self::Open),
            "kept" => Ok(Self::Kept),
            "taken" => Ok(Self::Taken),
            _ => Err(UnknownValue::new("conflict status", s)),
        }
    }
}

impl TryFrom<String> for Status {
    type Error = UnknownValue;
    fn try_from(s: String) -> Result<Self, UnknownValue> {
        Self::parse(&s)
    }
}

/// One conflict, as stored.
#[derive(Debug, Clone, FromRow, serde::Serialize)]
pub struct ConflictRow {
    pub id: String,
    pub run_id: Option<String>,
    #[sqlx(try_from = "String")]
    #[serde(serialize_with = "entity_text")]
    pub entity: Entity,
    pub entity_id: String,
    pub person_id: Option<String>,
    pub person_name: String,
    pub field: String,
    pub ours: Option<String>,
    pub theirs: Option<String>,
    #[serde(skip)]
    pub theirs_value: Option<String>,
    #[serde(skip)]
    pub sensitive: i64,
    pub found_at: i64,
    #[sqlx(try_from = "String")]
    #[serde(serialize_with = "status_text")]
    pub status: Status,
    pub resolved_by_name: Option<String>,
    pub resolved_at: Option<i64>,
}

fn entity_text<S: serde::Serializer>(e: &Entity, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(e.as_str())
}

fn status_text<S: serde::Serializer>(st: &Status, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(st.as_str())
}

impl ConflictRow {
    /// Flagged sensitive when found, or a sensitive field by name (belt and braces).
    pub fn is_sensitive(&self) -> bool {
        self.sensitive != 0 || is_sensitive(&self.field)
    }
}

const COLUMNS: &str = "id, run_id, entity, entity_id, person_id, person_name, field, ours, \
    theirs, theirs_value, sensitive, found_at, status, resolved_by_name, resolved_at";

/// The condition that leaves out what a reader may not learn of.
fn visible(sensitive: Sensitive) -> &'static str {
    match sensitive {
        Sensitive::Shown => "",
        Sensitive::Hidden => " AND sensitive = 0",
    }
}

/// The open conflicts, oldest first (up to `limit`).
pub async fn open(db: &Db, sensitive: Sensitive, limit: i64) -> sqlx::Result<Vec<ConflictRow>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM conflicts WHERE status = 'open'{} \
         ORDER BY found_at, person_name, id LIMIT $1",
        visible(sensitive)
    );
    sqlx::query_as(&sql).bind(limit).fetch_all(db.pool()).await
}

/// How many conflicts are open that the reader may learn of.
pub async fn open_count(conn: &mut AnyConnection, sensitive: Sensitive) -> sqlx::Result<i64> {
    let sql = format!(
        "SELECT COUNT(*) FROM conflicts WHERE status = 'open'{}",
        visible(sensitive)
    );
    let (n,): (i64,) = sqlx::query_as(&sql).fetch_one(conn).await?;
    Ok(n)
}

/// A run's conflicts (whatever became of them since), by person.
pub async fn of_run(db: &Db, run_id: &str, sensitive: Sensitive) -> sqlx::Result<Vec<ConflictRow>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM conflicts WHERE run_id = $1{} ORDER BY person_name, field, id",
        visible(sensitive)
    );
    sqlx::query_as(&sql).bind(run_id).fetch_all(db.pool()).await
}

/// How many conflicts a run found that the reader may learn of (on the caller's
/// connection: the run's email is composed in the transaction that records them).
pub async fn count_of_run(
    conn: &mut AnyConnection,
    run_id: &str,
    sensitive: Sensitive,
) -> sqlx::Result<i64> {
    let sql = format!(
        "SELECT COUNT(*) FROM conflicts WHERE run_id = $1{}",
        visible(sensitive)
    );
    let (n,): (i64,) = sqlx::query_as(&sql).bind(run_id).fetch_one(conn).await?;
    Ok(n)
}

/// One conflict by id.
pub async fn find(conn: &mut AnyConnection, id: &str) -> sqlx::Result<Option<ConflictRow>> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM conflicts WHERE id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await
}

/// Marks an open conflict answered. False if it was answered meanwhile.
pub async fn resolve(
    conn: &mut AnyConnection,
    id: &str,
    status: Status,
    by: (&str, &str),
    now: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE conflicts SET status = $2, resolved_by = $3, resolved_by_name = $4, \
         resolved_at = $5 WHERE id = $1 AND status = 'open'",
    )
    .bind(id)
    .bind(status.as_str())
    .bind(by.0)
    .bind(by.1)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
