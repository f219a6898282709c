//! The people directory: a page of people by status, department, location and search
//! text, and the names its filters offer.

use crate::db::{Backend, Db};
use sqlx::FromRow;

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
pub(super) const PERSON_JOB: &str = "(SELECT x.id FROM jobs x WHERE x.person_id = p.id \
    ORDER BY CASE x.status WHEN 'filled' THEN 0 ELSE 1 END, x.updated_at DESC, x.id LIMIT 1)";

/// The WHERE clause of a directory filter, and its values in `$n` order.
pub(super) fn directory_where(backend: Backend, f: &DirectoryFilter) -> (String, Vec<String>) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_wildcards_in_a_search_are_taken_literally() {
        assert_eq!(like_pattern("50%_A\\b"), "%50\\%\\_a\\\\b%");
    }
}
