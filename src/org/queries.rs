//! Read-side queries for the people directory, the person page, the org chart and the
//! people JSON API (who sees whose sensitive fields is [`super::visibility`]'s).
//!
//! Every query is a handful of indexed statements whatever the org's size: a page of
//! the directory is one COUNT and one LIMIT/OFFSET over the `(status, name, id)` index,
//! the org chart loads a few levels at a time, and nothing runs a query per row.

use super::model::{Compensation, JobStatus, Person, Source};
use super::store::PersonRow;
use crate::db::{Backend, Db};
use sqlx::FromRow;
use std::collections::HashMap;

// ---------------------------------------------------------------------------------------
// The people directory.
// ---------------------------------------------------------------------------------------

/// Which people by status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusFilter {
    Active,
    Departed,
    All,
}

impl StatusFilter {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "active" => Some(Self::Active),
            "departed" => Some(Self::Departed),
            "all" => Some(Self::All),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Departed => "departed",
            Self::All => "all",
        }
    }
}

/// A directory search, already validated.
#[derive(Debug, Clone)]
pub struct DirectoryFilter {
    /// Matched as a substring of the name, preferred name, work email or job title.
    pub q: Option<String>,
    pub department: Option<String>,
    pub location: Option<String>,
    pub status: StatusFilter,
}

/// One row of the directory.
#[derive(Debug, Clone, FromRow)]
pub struct DirectoryRow {
    pub id: String,
    pub name: String,
    pub preferred_name: Option<String>,
    pub status: String,
    pub start_date: Option<String>,
    pub title: Option<String>,
    pub department: Option<String>,
    pub location: Option<String>,
    pub manager_id: Option<String>,
    pub manager_name: Option<String>,
    /// The manager's job, for someone who reports to an open job.
    pub manager_job_status: Option<String>,
    pub manager_job_title: Option<String>,
}

pub struct DirectoryPage {
    pub rows: Vec<DirectoryRow>,
    /// Everyone the filter matches (not just this page).
    pub total: i64,
}

/// `%text%` for LIKE, with LIKE's own wildcards taken literally (`ESCAPE '\'`).
fn like_pattern(text: &str) -> String {
    let mut p = String::with_capacity(text.len() + 2);
    p.push('%');
    for c in text.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

/// The person's job as pages show it: their filled job, else their latest one.
const PERSON_JOB: &str = "(SELECT x.id FROM jobs x WHERE x.person_id = p.id \
    ORDER BY CASE x.status WHEN 'filled' THEN 0 ELSE 1 END, x.updated_at DESC, x.id LIMIT 1)";

/// The WHERE clause of a directory filter, and its values in `$n` order.
fn directory_where(backend: Backend, f: &DirectoryFilter) -> (String, Vec<String>) {
    let mut conds = Vec::new();
    let mut binds = Vec::new();
    match f.status {
        StatusFilter::Active => conds.push("p.status = 'active'".to_owned()),
        StatusFilter::Departed => conds.push("p.status = 'departed'".to_owned()),
        // No condition at all, so that the (name, id, search_text) index serves it.
        StatusFilter::All => conds.push("1 = 1".to_owned()),
    }
    if let Some(q) = &f.q {
        binds.push(like_pattern(q));
        let n = binds.len();
        // The pattern is lower case; the title is too, where LIKE does not ignore case.
        let title = backend.lower_for_like("t.title");
        conds.push(format!(
            "(p.search_text LIKE ${n} ESCAPE '\\' OR p.id IN (SELECT t.person_id FROM jobs t \
             WHERE {title} LIKE ${n} ESCAPE '\\' AND t.status <> 'open'))"
        ));
    }
    // Department and location are both conditions on the person's job: one subquery
    // (served by the (department, location, status, person_id) index).
    let mut job_conds = Vec::new();
    for (column, value) in [("department", &f.department), ("location", &f.location)] {
        if let Some(value) = value {
            binds.push(value.clone());
            job_conds.push(format!("g.{column} = ${}", binds.len()));
        }
    }
    if !job_conds.is_empty() {
        conds.push(format!(
            "p.id IN (SELECT g.person_id FROM jobs g WHERE {} \
             AND g.status IN ('filled', 'closed'))",
            job_conds.join(" AND ")
        ));
    }
    (conds.join(" AND "), binds)
}

/// One page of the directory, sorted by name, and how many people match in all.
pub async fn directory(
    db: &Db,
    filter: &DirectoryFilter,
    offset: i64,
    limit: i64,
) -> sqlx::Result<DirectoryPage> {
    let (cond, binds) = directory_where(db.backend(), filter);
    let count_sql = format!("SELECT COUNT(*) FROM people p WHERE {cond}");
    let mut count = sqlx::query_as::<_, (i64,)>(&count_sql);
    for b in &binds {
        count = count.bind(b.clone());
    }
    let (total,) = count.fetch_one(db.pool()).await?;
    if total == 0 || offset >= total {
        return Ok(DirectoryPage {
            rows: Vec::new(),
            total,
        });
    }
    let n = binds.len();
    // The page's ids come from the index alone; only those 50 rows are joined.
    let page_sql = format!(
        "SELECT p.id, p.name, p.preferred_name, p.status, p.start_date, j.title, j.department, \
         j.location, mp.id AS manager_id, mp.name AS manager_name, \
         m.status AS manager_job_status, m.title AS manager_job_title \
         FROM (SELECT p.id FROM people p WHERE {cond} ORDER BY p.name, p.id \
               LIMIT ${} OFFSET ${}) page \
         JOIN people p ON p.id = page.id \
         LEFT JOIN jobs j ON j.id = {PERSON_JOB} \
         LEFT JOIN jobs m ON m.id = j.manager_job_id \
         LEFT JOIN people mp ON mp.id = m.person_id \
         ORDER BY p.name, p.id",
        n + 1,
        n + 2
    );
    let mut q = sqlx::query_as::<_, DirectoryRow>(&page_sql);
    for b in &binds {
        q = q.bind(b.clone());
    }
    let rows = q.bind(limit).bind(offset).fetch_all(db.pool()).await?;
    Ok(DirectoryPage { rows, total })
}

/// Whether anyone at all is in the org yet (active or departed).
pub async fn any_people(db: &Db) -> sqlx::Result<bool> {
    let row: Option<(String,)> = sqlx::query_as("SELECT id FROM people LIMIT 1")
        .fetch_optional(db.pool())
        .await?;
    Ok(row.is_some())
}

/// The departments and locations the filters offer: those recorded by a sync, and any
/// a job names.
pub async fn filter_options(db: &Db) -> sqlx::Result<(Vec<String>, Vec<String>)> {
    let departments: Vec<(String,)> = sqlx::query_as(
        "SELECT name FROM departments UNION SELECT DISTINCT department FROM jobs \
         WHERE status = 'filled' AND department IS NOT NULL ORDER BY 1",
    )
    .fetch_all(db.pool())
    .await?;
    let locations: Vec<(String,)> = sqlx::query_as(
        "SELECT name FROM locations UNION SELECT DISTINCT location FROM jobs \
         WHERE status = 'filled' AND location IS NOT NULL ORDER BY 1",
    )
    .fetch_all(db.pool())
    .await?;
    let clean = |v: Vec<(String,)>| {
        v.into_iter()
            .map(|(s,)| s)
            .filter(|s| !s.trim().is_empty())
            .collect()
    };
    Ok((clean(departments), clean(locations)))
}

// ---------------------------------------------------------------------------------------
// One person, with their job (the person page and the JSON API).
// ---------------------------------------------------------------------------------------

/// A person's job, as shown with them.
#[derive(Debug, Clone)]
pub struct PersonJob {
    pub id: String,
    pub source: Source,
    pub status: JobStatus,
    pub title: Option<String>,
    pub department: Option<String>,
    pub location: Option<String>,
    pub manager_job_id: Option<String>,
    /// Sensitive.
    pub compensation: Option<Compensation>,
    pub start_date: Option<String>,
    pub synced_at: Option<i64>,
    pub headcount: i64,
}

/// Who a person reports to: the person in the manager's job, or the open job itself.
#[derive(Debug, Clone)]
pub struct ManagerRef {
    pub job_id: String,
    pub person_id: Option<String>,
    pub name: Option<String>,
    pub title: Option<String>,
}

/// A person with everything stored about them (sensitive fields included: whoever
/// shows it filters with [`super::visibility::can_see_sensitive`]).
#[derive(Debug, Clone)]
pub struct PersonRecord {
    pub person: Person,
    pub created_at: i64,
    pub synced_at: Option<i64>,
    pub job: Option<PersonJob>,
    pub manager: Option<ManagerRef>,
}

const RECORD_COLUMNS: &str = "p.id, p.source, p.justworks_id, p.work_id, p.status, p.name, \
    p.given_name, p.family_name, p.preferred_name, p.work_email, p.personal_email, p.phones, \
    p.home_address, p.birthdate, p.gender, p.ethnicity, p.employment_type, p.start_date, \
    p.end_date, p.sync_stopped, p.created_at, p.synced_at, \
    j.id AS job_id, j.source AS job_source, j.status AS job_status, j.title, j.department, \
    j.location, j.manager_job_id, j.comp_amount, j.comp_currency, j.comp_basis, \
    j.comp_frequency, j.start_date AS job_start_date, j.synced_at AS job_synced_at, \
    j.headcount, mp.id AS manager_person_id, mp.name AS manager_name, \
    m.title AS manager_title";

#[derive(FromRow)]
struct RecordRow {
    #[sqlx(flatten)]
    person: PersonRow,
    created_at: i64,
    synced_at: Option<i64>,
    job_id: Option<String>,
    job_source: Option<String>,
    job_status: Option<String>,
    title: Option<String>,
    department: Option<String>,
    location: Option<String>,
    manager_job_id: Option<String>,
    comp_amount: Option<i64>,
    comp_currency: Option<String>,
    comp_basis: Option<String>,
    comp_frequency: Option<String>,
    job_start_date: Option<String>,
    job_synced_at: Option<i64>,
    headcount: Option<i64>,
    manager_person_id: Option<String>,
    manager_name: Option<String>,
    manager_title: Option<String>,
}

impl From<RecordRow> for PersonRecord {
    fn from(r: RecordRow) -> Self {
        let job = r.job_id.map(|id| PersonJob {
            id,
            source: Source::parse(r.job_source.as_deref().unwrap_or("")),
            status: JobStatus::parse(r.job_status.as_deref().unwrap_or("")),
            title: r.title,
            department: r.department,
            location: r.location,
            compensation: match (r.comp_amount, r.comp_currency) {
                (Some(amount_minor), Some(currency)) => Some(Compensation {
                    amount_minor,
                    currency,
                    basis: r.comp_basis,
                    frequency: r.comp_frequency,
                }),
                _ => None,
            },
            manager_job_id: r.manager_job_id.clone(),
            start_date: r.job_start_date,
            synced_at: r.job_synced_at,
            headcount: r.headcount.unwrap_or(0),
        });
        let manager = r.manager_job_id.map(|job_id| ManagerRef {
            job_id,
            person_id: r.manager_person_id,
            name: r.manager_name,
            title: r.manager_title,
        });
        let person = Person::from(r.person);
        PersonRecord {
            person,
            created_at: r.created_at,
            synced_at: r.synced_at,
            job,
            manager,
        }
    }
}

/// The record query over `from` (which names the people `p`), then `rest`.
fn record_from(from: &str, rest: &str) -> String {
    format!(
        "SELECT {RECORD_COLUMNS} FROM {from} \
         LEFT JOIN jobs j ON j.id = {PERSON_JOB} \
         LEFT JOIN jobs m ON m.id = j.manager_job_id \
         LEFT JOIN people mp ON mp.id = m.person_id \
         {rest}"
    )
}

/// One person and their job; `None` for an unknown id.
pub async fn person(db: &Db, id: &str) -> sqlx::Result<Option<PersonRecord>> {
    let row: Option<RecordRow> = sqlx::query_as(&record_from("people p", "WHERE p.id = $1"))
        .bind(id)
        .fetch_optional(db.pool())
        .await?;
    Ok(row.map(PersonRecord::from))
}

/// Where a page of the people API starts: after this person in (name, id) order.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct After {
    pub name: String,
    pub id: String,
}

/// A page of people in (name, id) order after `after` — keyset paging over the same
/// index as the directory. Returns up to `limit + 1` so the caller knows whether there
/// is a next page.
pub async fn people_after(
    db: &Db,
    status: StatusFilter,
    q: Option<&str>,
    after: Option<&After>,
    limit: i64,
) -> sqlx::Result<Vec<PersonRecord>> {
    let filter = DirectoryFilter {
        q: q.map(str::to_owned),
        department: None,
        location: None,
        status,
    };
    let (mut cond, mut binds) = directory_where(db.backend(), &filter);
    if let Some(after) = after {
        binds.push(after.name.clone());
        binds.push(after.id.clone());
        let n = binds.len();
        cond.push_str(&format!(" AND (p.name, p.id) > (${}, ${n})", n - 1));
    }
    let sql = record_from(
        &format!(
            "(SELECT p.id FROM people p WHERE {cond} ORDER BY p.name, p.id LIMIT ${}) page \
             JOIN people p ON p.id = page.id",
            binds.len() + 1
        ),
        "ORDER BY p.name, p.id",
    );
    let mut query = sqlx::query_as::<_, RecordRow>(&sql);
    for b in binds {
        query = query.bind(b);
    }
    let rows = query.bind(limit + 1).fetch_all(db.pool()).await?;
    Ok(rows.into_iter().map(PersonRecord::from).collect())
}

// ---------------------------------------------------------------------------------------
// The person page: reports and history.
// ---------------------------------------------------------------------------------------

/// A job in the tree: someone's (filled) or open.
#[derive(Debug, Clone, FromRow)]
pub struct TreeJob {
    pub job_id: String,
    pub manager_job_id: Option<String>,
    pub status: String,
    pub title: Option<String>,
    pub headcount: i64,
    pub person_id: Option<String>,
    pub name: Option<String>,
    pub preferred_name: Option<String>,
}

impl TreeJob {
    pub fn is_open(&self) -> bool {
        self.status == "open"
    }
}

const TREE_COLUMNS: &str = "j.id AS job_id, j.manager_job_id, j.status, j.title, j.headcount, \
    p.id AS person_id, p.name, p.preferred_name";

/// How siblings are listed: people by name, then open jobs by title.
const TREE_ORDER: &str = "CASE j.status WHEN 'filled' THEN 0 ELSE 1 END, p.name, j.title, j.id";

/// The jobs reporting directly to `job_id` (filled and open), up to `limit` from
/// `offset`.
pub async fn direct_reports(
    db: &Db,
    job_id: &str,
    offset: i64,
    limit: i64,
) -> sqlx::Result<Vec<TreeJob>> {
    sqlx::query_as(&format!(
        "SELECT {TREE_COLUMNS} FROM jobs j LEFT JOIN people p ON p.id = j.person_id \
         WHERE j.manager_job_id = $1 AND j.status IN ('filled', 'open') \
         ORDER BY {TREE_ORDER} LIMIT $2 OFFSET $3"
    ))
    .bind(job_id)
    .bind(limit)
    .bind(offset)
    .fetch_all(db.pool())
    .await
}
// ---------------------------------------------------------------------------------------
// The org chart.
// ---------------------------------------------------------------------------------------

/// A node of the chart: a job, how many jobs report to it directly, and the children
/// loaded with it (empty when they are loaded on demand).
#[derive(Debug, Clone)]
pub struct OrgNode {
    pub job: TreeJob,
    pub reports: i64,
    pub children: Vec<OrgNode>,
}

/// The tops of the tree: jobs in it with no manager — the Justworks org head first.
pub async fn roots(db: &Db) -> sqlx::Result<Vec<TreeJob>> {
    sqlx::query_as(&format!(
        "SELECT {TREE_COLUMNS} FROM jobs j LEFT JOIN people p ON p.id = j.person_id \
         WHERE j.manager_job_id IS NULL AND j.status IN ('filled', 'open') \
         ORDER BY CASE WHEN j.source = 'justworks' AND j.status = 'filled' THEN 0 ELSE 1 END, \
         {TREE_ORDER} LIMIT 200"
    ))
    .fetch_all(db.pool())
    .await
}

/// One job of the tree (not a closed one).
pub async fn tree_job(db: &Db, job_id: &str) -> sqlx::Result<Option<TreeJob>> {
    sqlx::query_as(&format!(
        "SELECT {TREE_COLUMNS} FROM jobs j LEFT JOIN people p ON p.id = j.person_id \
         WHERE j.id = $1 AND j.status IN ('filled', 'open')"
    ))
    .bind(job_id)
    .fetch_optional(db.pool())
    .await
}

fn placeholders(from: usize, n: usize) -> String {
    (from..from + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// How many jobs report directly to each of `job_ids` (absent: none).
pub async fn report_counts(db: &Db, job_ids: &[&str]) -> sqlx::Result<HashMap<String, i64>> {
    let mut counts = HashMap::new();
    for chunk in job_ids.chunks(500) {
        let sql = format!(
            "SELECT manager_job_id, COUNT(*) FROM jobs WHERE manager_job_id IN ({}) \
             AND status IN ('filled', 'open') GROUP BY manager_job_id",
            placeholders(1, chunk.len())
        );
        let mut q = sqlx::query_as::<_, (String, i64)>(&sql);
        for id in chunk {
            q = q.bind(*id);
        }
        counts.extend(q.fetch_all(db.pool()).await?);
    }
    Ok(counts)
}

/// The children of each of `parents`, at most `per_parent` each (in [`TREE_ORDER`]).
async fn children_of(
    db: &Db,
    parents: &[&str],
    per_parent: i64,
) -> sqlx::Result<HashMap<String, Vec<TreeJob>>> {
    let mut by_parent: HashMap<String, Vec<TreeJob>> = HashMap::new();
    for chunk in parents.chunks(500) {
        let sql = format!(
            "SELECT job_id, manager_job_id, status, title, headcount, person_id, name, \
             preferred_name FROM (SELECT {TREE_COLUMNS}, ROW_NUMBER() OVER \
             (PARTITION BY j.manager_job_id ORDER BY {TREE_ORDER}) AS rn \
             FROM jobs j LEFT JOIN people p ON p.id = j.person_id \
             WHERE j.manager_job_id IN ({}) AND j.status IN ('filled', 'open')) t \
             WHERE rn <= ${} ORDER BY rn",
            placeholders(1, chunk.len()),
            chunk.len() + 1
        );
        let mut q = sqlx::query_as::<_, TreeJob>(&sql);
        for id in chunk {
            q = q.bind(*id);
        }
        for job in q.bind(per_parent).fetch_all(db.pool()).await? {
            let parent = job.manager_job_id.clone().unwrap_or_default();
            by_parent.entry(parent).or_default().push(job);
        }
    }
    Ok(by_parent)
}

/// Turns jobs into nodes with their direct-report counts (one query).
pub async fn nodes(db: &Db, jobs: Vec<TreeJob>) -> sqlx::Result<Vec<OrgNode>> {
    let ids: Vec<&str> = jobs.iter().map(|j| j.job_id.as_str()).collect();
    let counts = report_counts(db, &ids).await?;
    Ok(jobs
        .into_iter()
        .map(|job| OrgNode {
            reports: counts.get(&job.job_id).copied().unwrap_or(0),
            job,
            children: Vec::new(),
        })
        .collect())
}

/// Loads the children of each of `parents` that has reports, at most `per_parent`
/// each, as nodes (their own children left for later). Three queries for any number of
/// parents.
pub async fn attach_children(
    db: &Db,
    parents: &mut [&mut OrgNode],
    per_parent: i64,
) -> sqlx::Result<()> {
    let ids: Vec<&str> = parents
        .iter()
        .filter(|n| n.reports > 0)
        .map(|n| n.job.job_id.as_str())
        .collect();
    if ids.is_empty() || per_parent <= 0 {
        return Ok(());
    }
    let by_parent = children_of(db, &ids, per_parent).await?;
    let jobs: Vec<TreeJob> = by_parent.values().flatten().cloned().collect();
    let mut kids: HashMap<String, OrgNode> = nodes(db, jobs)
        .await?
        .into_iter()
        .map(|n| (n.job.job_id.clone(), n))
        .collect();
    for parent in parents.iter_mut() {
        if let Some(children) = by_parent.get(&parent.job.job_id) {
            parent.children = children
                .iter()
                .filter_map(|c| kids.remove(&c.job_id))
                .collect();
        }
    }
    Ok(())
}

/// The chain of jobs above `job_id`, from the top down (not including `job_id`).
pub async fn chain_above(db: &Db, job_id: &str) -> sqlx::Result<Vec<TreeJob>> {
    let mut chain: Vec<(i64, TreeJob)> = sqlx::query_as::<_, ChainRow>(&format!(
        "WITH RECURSIVE chain (id, depth) AS ( \
           SELECT manager_job_id, CAST(1 AS BIGINT) FROM jobs WHERE id = $1 AND manager_job_id IS NOT NULL \
           UNION ALL \
           SELECT x.manager_job_id, c.depth + 1 FROM jobs x JOIN chain c ON x.id = c.id \
           WHERE x.manager_job_id IS NOT NULL AND c.depth < 100) \
         SELECT c.depth, {TREE_COLUMNS} FROM chain c JOIN jobs j ON j.id = c.id \
         LEFT JOIN people p ON p.id = j.person_id"
    ))
    .bind(job_id)
    .fetch_all(db.pool())
    .await?
    .into_iter()
    .map(|r| (r.depth, r.job))
    .collect();
    chain.sort_by_key(|(depth, _)| std::cmp::Reverse(*depth));
    // A loop would repeat jobs; keep each once.
    let mut seen = std::collections::HashSet::new();
    Ok(chain
        .into_iter()
        .map(|(_, j)| j)
        .filter(|j| j.job_id != job_id && seen.insert(j.job_id.clone()))
        .collect())
}

#[derive(FromRow)]
struct ChainRow {
    depth: i64,
    #[sqlx(flatten)]
    job: TreeJob,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_wildcards_in_a_search_are_taken_literally() {
        assert_eq!(like_pattern("50%_A\\b"), "%50\\%\\_a\\\\b%");
    }
}
