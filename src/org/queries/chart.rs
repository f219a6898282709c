//! The tree of jobs: a job's direct reports (the person page), and the org chart loaded
//! a few levels at a time (roots, nodes with their report counts, the chain above a job).

use crate::db::Db;
use sqlx::FromRow;
use std::collections::HashMap;

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
