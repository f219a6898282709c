//! The `history` table, its one owner: a row per changed field of a person or a job,
//! written by a run in the transaction that applies its plan, and read for the person
//! page (by person) and for run pages, the sync history and summary emails (by run).
//! Every read for a reader takes a [`Sensitive`] and adds its
//! [`Sensitive::history_condition`]: a reader who may not see a value may not learn that
//! it changed, nor when.

use crate::db::{Db, MAX_BINDS, new_id, values_clause};
use crate::org::change::{ChangeKind, FieldChange};
use crate::org::model::is_sensitive;
use crate::org::visibility::Sensitive;
use sqlx::{AnyConnection, FromRow};

/// Which rows of a run are read: those it applied (`history`), or those its plan would
/// write while it waits for review, or was discarded or superseded (`planned_history`).
/// The run page, the JSON and the emails read both the same way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rows {
    Applied,
    Planned,
}

impl Rows {
    fn table(self) -> &'static str {
        match self {
            Self::Applied => "history",
            Self::Planned => "planned_history",
        }
    }
}

/// Writes the history rows a waiting plan would write, for its page.
pub async fn record_planned(
    conn: &mut AnyConnection,
    history: &[FieldChange],
    run_id: &str,
    now: i64,
) -> sqlx::Result<()> {
    insert(conn, history, Author::Plan(run_id), now).await
}

/// Makes a waiting plan's rows the run's history, dated `now` (the plan is being applied
/// in this transaction).
pub async fn apply_planned(conn: &mut AnyConnection, run_id: &str, now: i64) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO history (id, run_id, at, entity, entity_id, person_id, person_name, kind, \
         field, old_value, new_value, sensitive) SELECT id, run_id, $1, entity, entity_id, \
         person_id, person_name, kind, field, old_value, new_value, sensitive \
         FROM planned_history WHERE run_id = $2",
    )
    .bind(now)
    .bind(run_id)
    .execute(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM planned_history WHERE run_id = $1")
        .bind(run_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Writes a run's history rows, in the transaction that applies its plan.
pub async fn record(
    conn: &mut AnyConnection,
    history: &[FieldChange],
    run_id: &str,
    now: i64,
) -> sqlx::Result<()> {
    insert(conn, history, Author::Run(run_id), now).await
}

/// Writes the history rows of a hand edit by `by` (user id, name), in its transaction.
pub async fn record_by_hand(
    conn: &mut AnyConnection,
    history: &[FieldChange],
    by: (&str, &str),
    now: i64,
) -> sqlx::Result<()> {
    insert(conn, history, Author::User(by.0, by.1), now).await
}

/// Who made a history row: a sync's run, or someone by hand — or a run's plan still
/// waiting for review (its rows go to `planned_history`, which has no "by").
#[derive(Clone, Copy)]
enum Author<'a> {
    Run(&'a str),
    User(&'a str, &'a str),
    Plan(&'a str),
}

async fn insert(
    conn: &mut AnyConnection,
    history: &[FieldChange],
    author: Author<'_>,
    now: i64,
) -> sqlx::Result<()> {
    const COLUMNS: &str = "id, run_id, at, entity, entity_id, person_id, person_name, kind, \
        field, old_value, new_value, sensitive";
    let (table, run_id, by) = match author {
        Author::Run(run) => (Rows::Applied, Some(run), Some((None, None))),
        Author::User(id, name) => (Rows::Applied, None, Some((Some(id), Some(name)))),
        Author::Plan(run) => (Rows::Planned, Some(run), None),
    };
    let (extra, cols) = match by {
        Some(_) => (", by_user, by_name", 14),
        None => ("", 12),
    };
    for chunk in history.chunks(MAX_BINDS / cols) {
        let sql = format!(
            "INSERT INTO {} ({COLUMNS}{extra}) VALUES {}",
            table.table(),
            values_clause(chunk.len(), cols)
        );
        let mut q = sqlx::query(&sql);
        for h in chunk {
            q = q
                .bind(new_id())
                .bind(run_id)
                .bind(now)
                .bind(h.entity.as_str())
                .bind(h.entity_id.clone())
                .bind(h.person_id.clone())
                .bind(h.person_name.clone())
                .bind(h.kind.as_str())
                .bind(h.field)
                .bind(h.old.clone())
                .bind(h.new.clone())
                .bind(h.sensitive as i64);
            if let Some((by_user, by_name)) = by {
                q = q.bind(by_user).bind(by_name);
            }
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// One history row, as stored.
#[derive(Debug, Clone, FromRow)]
pub struct HistoryRow {
    pub run_id: Option<String>,
    /// Who made it by hand (`None`: the run did).
    pub by_name: Option<String>,
    pub at: i64,
    pub entity: String,
    #[sqlx(try_from = "String")]
    pub kind: ChangeKind,
    pub field: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub sensitive: i64,
}

impl HistoryRow {
    /// Flagged sensitive when written, or a sensitive field by name (belt and braces).
    pub fn is_sensitive(&self) -> bool {
        self.sensitive != 0 || is_sensitive(&self.field)
    }
}

/// The person's history, newest first: up to `limit` rows and whether there are more.
/// With [`Sensitive::Hidden`] rows of sensitive fields are left out entirely: a reader
/// who may not see a value may not learn that it changed, nor when.
pub async fn for_person(
    db: &Db,
    person_id: &str,
    limit: i64,
    sensitive: Sensitive,
) -> sqlx::Result<(Vec<HistoryRow>, bool)> {
    let sql = format!(
        "SELECT run_id, by_name, at, entity, kind, field, old_value, new_value, sensitive \
         FROM history WHERE person_id = $1{} ORDER BY at DESC, id DESC LIMIT $2",
        sensitive.history_condition()
    );
    let mut rows: Vec<HistoryRow> = sqlx::query_as(&sql)
        .bind(person_id)
        .bind(limit + 1)
        .fetch_all(db.pool())
        .await?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    Ok((rows, more))
}

/// What a reader may learn of a run's changes, from its history rows: the run page,
/// the sync history, the JSON API and the summary email all count through here.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SeenChanges {
    /// People changed per kind (a person with two kinds counts in both), counting only
    /// the rows the reader may learn of: with [`Sensitive::Hidden`] every row of a
    /// sensitive field is left out, so a kind made only of those is not there at all.
    pub kinds: Vec<(ChangeKind, i64)>,
    /// With [`Sensitive::Hidden`], the people whose only changes were to sensitive
    /// fields (to that reader, "N people: changes to fields visible to Owners only" is
    /// all there is to say); `None` for a reader who sees everything.
    pub owner_only: Option<i64>,
}

/// A run's changes as a reader with `sensitive` may learn them.
pub async fn seen_changes(
    conn: &mut AnyConnection,
    run_id: &str,
    rows: Rows,
    sensitive: Sensitive,
) -> sqlx::Result<SeenChanges> {
    let sql = format!(
        "SELECT kind, COUNT(DISTINCT COALESCE(person_id, entity_id)) FROM {} \
         WHERE run_id = $1{} GROUP BY kind ORDER BY kind",
        rows.table(),
        sensitive.history_condition()
    );
    let found: Vec<(String, i64)> = sqlx::query_as(&sql)
        .bind(run_id)
        .fetch_all(&mut *conn)
        .await?;
    let mut kinds = Vec::with_capacity(found.len());
    for (kind, people) in found {
        kinds.push((ChangeKind::parse(&kind)?, people));
    }
    let owner_only = match sensitive {
        Sensitive::Shown => None,
        Sensitive::Hidden => Some(owner_only_people(conn, run_id, rows).await?),
    };
    Ok(SeenChanges { kinds, owner_only })
}

/// People whose only changes in a run are to sensitive fields.
async fn owner_only_people(
    conn: &mut AnyConnection,
    run_id: &str,
    rows: Rows,
) -> sqlx::Result<i64> {
    let mut people = [0i64; 2];
    for (i, sensitive) in [Sensitive::Shown, Sensitive::Hidden]
        .into_iter()
        .enumerate()
    {
        let sql = format!(
            "SELECT COUNT(DISTINCT COALESCE(person_id, entity_id)) FROM {} \
             WHERE run_id = $1{}",
            rows.table(),
            sensitive.history_condition()
        );
        (people[i],) = sqlx::query_as(&sql)
            .bind(run_id)
            .fetch_one(&mut *conn)
            .await?;
    }
    Ok(people[0] - people[1])
}

/// The names of the first `limit` people (by name) with changes of `kind` in a run that
/// the reader may learn of.
pub async fn names(
    conn: &mut AnyConnection,
    run_id: &str,
    rows: Rows,
    kind: ChangeKind,
    limit: i64,
    sensitive: Sensitive,
) -> sqlx::Result<Vec<String>> {
    let sql = format!(
        "SELECT MIN(person_name) AS name FROM {} WHERE run_id = $1 AND kind = $2{} \
         GROUP BY COALESCE(person_id, entity_id) ORDER BY name LIMIT $3",
        rows.table(),
        sensitive.history_condition()
    );
    let rows: Vec<(String,)> = sqlx::query_as(&sql)
        .bind(run_id)
        .bind(kind.as_str())
        .bind(limit)
        .fetch_all(conn)
        .await?;
    Ok(rows.into_iter().map(|(name,)| name).collect())
}

/// People a run created already departed (members seen for the first time after they
/// left): the "former" of an initial import.
pub async fn first_seen_departed(db: &Db, run_id: &str, rows: Rows) -> sqlx::Result<i64> {
    let mut conn = db.pool().acquire().await?;
    first_seen_departed_in(&mut conn, run_id, rows).await
}

/// [`first_seen_departed`] on the caller's connection or transaction (the waiting
/// notice is built in the transaction that stores the plan).
pub async fn first_seen_departed_in(
    conn: &mut AnyConnection,
    run_id: &str,
    rows: Rows,
) -> sqlx::Result<i64> {
    let sql = format!(
        "SELECT COUNT(*) FROM {} WHERE run_id = $1 AND entity = 'person' AND field = 'status' \
         AND old_value IS NULL AND kind = 'other'",
        rows.table()
    );
    let (n,): (i64,) = sqlx::query_as(&sql).bind(run_id).fetch_one(conn).await?;
    Ok(n)
}

/// The people and jobs with history after `at` (a later sync or a hand edit touched
/// them): a revert of a run that ended at `at` leaves the people it created among them.
pub async fn touched_since(
    conn: &mut AnyConnection,
    at: i64,
) -> sqlx::Result<std::collections::HashSet<String>> {
    let rows: Vec<(String, Option<String>)> =
        sqlx::query_as("SELECT entity_id, person_id FROM history WHERE at > $1")
            .bind(at)
            .fetch_all(conn)
            .await?;
    let mut ids = std::collections::HashSet::with_capacity(rows.len());
    for (entity, person) in rows {
        ids.insert(entity);
        ids.extend(person);
    }
    Ok(ids)
}

/// One changed field of a run, as its page lists it.
#[derive(Debug, Clone, FromRow)]
pub struct ChangeRow {
    pub entity: String,
    pub person_id: Option<String>,
    pub person_name: String,
    pub field: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
}

/// The first `limit` changed fields of `kind` in a run that the reader may learn of,
/// grouped by person (by name).
pub async fn changes_of_kind(
    db: &Db,
    run_id: &str,
    rows: Rows,
    kind: ChangeKind,
    limit: i64,
    sensitive: Sensitive,
) -> sqlx::Result<Vec<ChangeRow>> {
    let sql = format!(
        "SELECT entity, person_id, person_name, field, old_value, new_value FROM {} \
         WHERE run_id = $1 AND kind = $2{} ORDER BY person_name, person_id, id LIMIT $3",
        rows.table(),
        sensitive.history_condition()
    );
    sqlx::query_as(&sql)
        .bind(run_id)
        .bind(kind.as_str())
        .bind(limit)
        .fetch_all(db.pool())
        .await
}

/// One changed field of a run, as the JSON API lists it (`GET /api/v1/syncs/{id}/changes`).
#[derive(Debug, Clone, FromRow)]
pub struct RunChange {
    /// The row's id: the cursor of a page that ends with it.
    pub id: String,
    pub entity: String,
    pub person_id: Option<String>,
    pub person_name: String,
    #[sqlx(try_from = "String")]
    pub kind: ChangeKind,
    pub field: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
}

/// A page of a run's changed fields that the reader may learn of (with
/// [`Sensitive::Hidden`] a sensitive field's row is not there at all), ordered as the run
/// page shows them: by kind in `order`, then by person (by name), then as written. Up
/// to `limit` rows after the row `after` (the last of the previous page); `None` if
/// `after` is not a row of this run that the reader may see.
pub async fn run_changes(
    db: &Db,
    run_id: &str,
    rows: Rows,
    order: &[ChangeKind],
    after: Option<&str>,
    limit: i64,
    sensitive: Sensitive,
) -> sqlx::Result<Option<Vec<RunChange>>> {
    // The kinds' order as a number (known strings only, never a value from a request).
    let mut rank = String::from("CAST(CASE kind");
    for (i, kind) in order.iter().enumerate() {
        rank.push_str(&format!(" WHEN '{}' THEN {i}", kind.as_str()));
    }
    rank.push_str(&format!(" ELSE {} END AS BIGINT)", order.len()));
    let table = rows.table();
    let condition = sensitive.history_condition();
    let mut conn = db.pool().acquire().await?;
    // The position to start after: the cursor row's own sort key.
    let start: Option<(i64, String, String, String)> = match after {
        None => None,
        Some(after) => {
            let sql = format!(
                "SELECT {rank}, person_name, COALESCE(person_id, ''), id FROM {table} \
                 WHERE run_id = $1 AND id = $2{condition}"
            );
            let found: Option<(i64, String, String, String)> = sqlx::query_as(&sql)
                .bind(run_id)
                .bind(after)
                .fetch_optional(&mut *conn)
                .await?;
            match found {
                Some(key) => Some(key),
                None => return Ok(None),
            }
        }
    };
    let keyed = format!(
        "SELECT id, entity, person_id, person_name, kind, field, old_value, new_value, \
         {rank} AS kind_rank, COALESCE(person_id, '') AS person_key FROM {table} \
         WHERE run_id = $1{condition}"
    );
    let page = match start {
        None => {
            let sql = format!(
                "SELECT id, entity, person_id, person_name, kind, field, old_value, new_value \
                 FROM ({keyed}) c ORDER BY kind_rank, person_name, person_key, id LIMIT $2"
            );
            sqlx::query_as(&sql)
                .bind(run_id)
                .bind(limit)
                .fetch_all(&mut *conn)
                .await?
        }
        Some((kind_rank, name, person, id)) => {
            // Spelled out rather than as a row value, the same on both backends.
            let sql = format!(
                "SELECT id, entity, person_id, person_name, kind, field, old_value, new_value \
                 FROM ({keyed}) c WHERE kind_rank > $2 OR (kind_rank = $2 AND (person_name > $3 \
                 OR (person_name = $3 AND (person_key > $4 OR (person_key = $4 AND id > $5))))) \
                 ORDER BY kind_rank, person_name, person_key, id LIMIT $6"
            );
            sqlx::query_as(&sql)
                .bind(run_id)
                .bind(kind_rank)
                .bind(name)
                .bind(person)
                .bind(id)
                .bind(limit)
                .fetch_all(&mut *conn)
                .await?
        }
    };
    Ok(Some(page))
}
