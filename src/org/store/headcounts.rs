//! Headcounts: how many filled jobs sit anywhere below each job, computed from the shape
//! of the tree and written only where they changed.

use crate::org::change::{JobChange, Plan};
use crate::org::model::{JobStatus, Org};
use sqlx::AnyConnection;
use std::collections::HashMap;

/// The shape of the tree — each job's manager and status — which is all headcounts
/// need: far smaller than the org, so a sync can drop the org before writing.
#[derive(Debug, Default)]
pub struct TreeShape {
    jobs: HashMap<String, (Option<String>, JobStatus)>,
}

impl TreeShape {
    pub fn of(org: &Org) -> Self {
        Self {
            jobs: org
                .jobs
                .iter()
                .map(|j| (j.id.clone(), (j.manager_job_id.clone(), j.status)))
                .collect(),
        }
    }

    /// The shape once `plan` is applied.
    pub fn apply(&mut self, plan: &Plan) {
        for change in &plan.jobs {
            let job = match change {
                JobChange::Create(j) => j,
                JobChange::Update { after, .. } => after,
            };
            self.jobs
                .insert(job.id.clone(), (job.manager_job_id.clone(), job.status));
        }
    }

    /// People in filled jobs below each job (the org chart's headcount). Closed jobs
    /// are out of the tree: they count nobody and are counted by nobody.
    pub fn headcounts(&self) -> HashMap<&str, i64> {
        let in_tree = |id: &str| {
            self.jobs
                .get(id)
                .filter(|(_, status)| *status != JobStatus::Closed)
        };
        let mut counts: HashMap<&str, i64> = self
            .jobs
            .iter()
            .filter(|(_, (_, status))| *status != JobStatus::Closed)
            .map(|(id, _)| (id.as_str(), 0))
            .collect();
        for (manager, status) in self.jobs.values() {
            if *status != JobStatus::Filled {
                continue;
            }
            let mut next = manager.as_deref();
            // A chain longer than the org is a loop: stop rather than spin.
            let mut steps = 0;
            while let Some(id) = next {
                steps += 1;
                let Some((up, _)) = in_tree(id).filter(|_| steps <= self.jobs.len()) else {
                    break;
                };
                if let Some(n) = counts.get_mut(id) {
                    *n += 1;
                }
                next = up.as_deref();
            }
        }
        counts
    }
}

/// Headcounts of an org held in memory.
pub fn compute_headcounts(org: &Org) -> HashMap<String, i64> {
    TreeShape::of(org)
        .headcounts()
        .into_iter()
        .map(|(id, n)| (id.to_owned(), n))
        .collect()
}

/// Writes the headcounts that differ from what is stored (none, when a sync changed
/// nothing in the tree).
pub async fn refresh_headcounts(conn: &mut AnyConnection, org: &Org) -> sqlx::Result<usize> {
    write_headcounts(conn, &TreeShape::of(org)).await
}

pub async fn write_headcounts(conn: &mut AnyConnection, tree: &TreeShape) -> sqlx::Result<usize> {
    let stored: Vec<(String, i64)> = sqlx::query_as("SELECT id, headcount FROM jobs")
        .fetch_all(&mut *conn)
        .await?;
    let wanted = tree.headcounts();
    let changed: Vec<(String, i64)> = stored
        .into_iter()
        .filter_map(|(id, old)| {
            let new = wanted.get(id.as_str()).copied().unwrap_or(0);
            (new != old).then_some((id, new))
        })
        .collect();
    // One statement per chunk: UPDATE … SET headcount = CASE id WHEN … END WHERE id IN (…).
    for chunk in changed.chunks(300) {
        let mut sql = String::from("UPDATE jobs SET headcount = CASE id");
        let mut n = 0;
        for _ in chunk {
            sql.push_str(&format!(" WHEN ${} THEN ${}", n + 1, n + 2));
            n += 2;
        }
        sql.push_str(" END WHERE id IN (");
        for i in 0..chunk.len() {
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!("${}", n + i + 1));
        }
        sql.push(')');
        let mut q = sqlx::query(&sql);
        for (id, count) in chunk {
            q = q.bind(id.clone()).bind(*count);
        }
        for (id, _) in chunk {
            q = q.bind(id.clone());
        }
        q.execute(&mut *conn).await?;
    }
    Ok(changed.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::org::model::{Job, Source};

    fn job(id: &str, manager: Option<&str>, status: JobStatus) -> Job {
        Job {
            id: id.into(),
            source: Source::Justworks,
            person_id: (status == JobStatus::Filled).then(|| format!("p-{id}")),
            status,
            title: None,
            department: None,
            location: None,
            manager_job_id: manager.map(str::to_owned),
            compensation: None,
            start_date: None,
            end_date: None,
            hand: Default::default(),
        }
    }

    #[test]
    fn headcount_counts_filled_jobs_anywhere_below() {
        let org = Org {
            people: vec![],
            jobs: vec![
                job("ceo", None, JobStatus::Filled),
                job("vp", Some("ceo"), JobStatus::Filled),
                job("eng1", Some("vp"), JobStatus::Filled),
                job("open", Some("vp"), JobStatus::Open),
                job("gone", Some("vp"), JobStatus::Closed),
            ],
        };
        let counts = compute_headcounts(&org);
        assert_eq!(counts["ceo"], 2);
        assert_eq!(counts["vp"], 1);
        assert_eq!(counts["eng1"], 0);
        assert_eq!(counts["open"], 0);
        assert!(!counts.contains_key("gone"));
    }

    #[test]
    fn a_manager_loop_does_not_spin() {
        let org = Org {
            people: vec![],
            jobs: vec![
                job("a", Some("b"), JobStatus::Filled),
                job("b", Some("a"), JobStatus::Filled),
            ],
        };
        let counts = compute_headcounts(&org);
        assert!(counts["a"] >= 1 && counts["b"] >= 1);
    }
}
