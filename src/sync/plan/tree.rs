//! Nobody falls out of the tree. After the seats and managers are decided, every filled
//! or open job from Justworks must reach the org head's job by following managers.
//! A chain that ends elsewhere — at a closed job, a job that does not exist, a second
//! top, or a loop — is mended where it breaks: the last job from Justworks before the
//! break (or, in a loop, its job with the earliest start date) is attached to the org
//! head's job. Chains may pass through jobs not from Justworks, and jobs whose manager is
//! pinned; those are not moved — except a job added by hand whose own manager job is gone
//! (closed, or no longer there): it is attached to the org head's job too.

use std::collections::HashMap;

use super::row::Row;
use crate::org::model::{Job, JobStatus, Person, Source};

/// Why a job was re-attached to the org head.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Break {
    /// It reported to a closed job.
    Closed,
    /// It reported to a job that does not exist.
    Missing,
    /// It was a second top of the tree.
    SecondTop,
    /// Its chain looped.
    Loop,
}

impl Break {
    fn reason(self) -> &'static str {
        match self {
            Self::Closed => "reported to a closed job",
            Self::Missing => "reported to a job that no longer exists",
            Self::SecondTop => "was a second top of the tree",
            Self::Loop => "was in a reporting loop",
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mark {
    Unseen,
    OnPath,
    Good,
    Bad(Break),
}

#[derive(Clone, Copy)]
enum End {
    Good,
    Bad(Break),
    /// Back at the path position where the loop starts.
    Loop(usize),
}

/// The jobs to attach to the org head's job (`head`), with why, in job order.
pub(super) fn breaks(jobs: &[Row<'_, Job>], head: usize) -> Vec<(usize, Break)> {
    let at: HashMap<&str, usize> = jobs
        .iter()
        .enumerate()
        .map(|(i, j)| (j.id.as_str(), i))
        .collect();
    let mut mark = vec![Mark::Unseen; jobs.len()];
    mark[head] = Mark::Good;
    let mut position = vec![0; jobs.len()];
    let mut path = Vec::new();
    let mut found = Vec::new();
    let movable: Vec<bool> = (0..jobs.len()).map(|k| movable(jobs, &at, k)).collect();
    for start in 0..jobs.len() {
        if !(ours(&jobs[start]) || movable[start]) || mark[start] != Mark::Unseen {
            continue;
        }
        path.clear();
        let mut i = start;
        let end = loop {
            match mark[i] {
                Mark::Good => break End::Good,
                Mark::Bad(why) => break End::Bad(why),
                Mark::OnPath => break End::Loop(position[i]),
                Mark::Unseen => {}
            }
            mark[i] = Mark::OnPath;
            position[i] = path.len();
            path.push(i);
            match jobs[i].manager_job_id.as_deref().map(|id| at.get(id)) {
                None => break End::Bad(Break::SecondTop),
                Some(None) => break End::Bad(Break::Missing),
                Some(Some(&k)) if jobs[k].status == JobStatus::Closed => {
                    break End::Bad(Break::Closed);
                }
                Some(Some(&k)) => i = k,
            }
        };
        let (cut, why) = match end {
            End::Good => (None, Break::Loop),
            End::Bad(why) => (last_movable(&movable, &path), why),
            End::Loop(from) => match earliest_movable(jobs, &movable, &path[from..]) {
                Some(k) => (Some(k), Break::Loop),
                None => (last_movable(&movable, &path[..from]), Break::Loop),
            },
        };
        // Up to the cut, the chain now reaches the head; past it (only jobs not from
        // Justworks, which stay as they are) it stays broken. A loop cut inside itself
        // is whole again.
        let good_upto = match (end, cut) {
            (End::Loop(from), Some(k)) if position[k] >= from => path.len(),
            (_, Some(k)) => position[k] + 1,
            (_, None) => path.len(),
        };
        for (n, &k) in path.iter().enumerate() {
            mark[k] = if n < good_upto {
                Mark::Good
            } else {
                Mark::Bad(why)
            };
        }
        if let Some(k) = cut {
            found.push((k, why));
        }
    }
    found.sort_unstable_by_key(|&(k, _)| k);
    found
}

/// The warning for one mended chain.
pub(super) fn warning(job: &Job, holder: Option<&Person>, why: Break, head: &str) -> String {
    let title = job.title.as_deref().filter(|t| !t.trim().is_empty());
    let subject = match (holder, title) {
        (Some(person), _) => format!("{}'s job", person.name),
        (None, Some(title)) if job.status == JobStatus::Open => format!("The open job “{title}”"),
        (None, None) if job.status == JobStatus::Open => format!("An open job ({})", job.id),
        (None, Some(title)) => format!("The job “{title}”"),
        (None, None) => format!("A job ({})", job.id),
    };
    format!(
        "{subject} {}; it now reports to the org head {head}",
        why.reason()
    )
}

/// In the tree: a filled or open job from Justworks.
fn ours(job: &Job) -> bool {
    job.source == Source::Justworks && job.status != JobStatus::Closed
}

/// Whether mending may attach the job to the org head: a job of ours whose manager is
/// not pinned, or a job added by hand whose manager job is gone.
fn movable(jobs: &[Row<'_, Job>], at: &HashMap<&str, usize>, k: usize) -> bool {
    let job = &jobs[k];
    if job.status == JobStatus::Closed || job.hand.pins.is_pinned("manager") {
        return false;
    }
    match job.source {
        Source::Justworks => true,
        Source::Manual => job.manager_job_id.as_deref().is_some_and(|id| {
            at.get(id)
                .is_none_or(|&m| jobs[m].status == JobStatus::Closed)
        }),
    }
}

fn last_movable(movable: &[bool], path: &[usize]) -> Option<usize> {
    path.iter().rev().copied().find(|&k| movable[k])
}

fn earliest_movable(jobs: &[Row<'_, Job>], movable: &[bool], cycle: &[usize]) -> Option<usize> {
    cycle
        .iter()
        .copied()
        .filter(|&k| movable[k])
        .min_by_key(|&k| {
            let j = &jobs[k];
            (j.start_date.is_none(), j.start_date, j.id.as_str())
        })
}
