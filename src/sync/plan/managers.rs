//! Who reports to whom, among live members. A member reports to their manager when the
//! manager is live too; with no manager, to the org head; with a manager who is absent
//! from the pull, departing or skipped, to the org head with a warning. The org head is
//! the root: a manager of theirs is dropped with a warning. Last, every loop in what is
//! left is broken at its member with the earliest start date (unknown dates last, then
//! the smallest member id), who then reports to the org head; one warning per loop.

use super::members::{Members, Standing};
use super::names::label;

/// Per member: `Some(manager)` (a live member) or `None` — reports to the org head (or,
/// for the org head, is the root). Only live members' entries mean anything.
pub(super) fn reporting(
    members: &Members<'_>,
    head: usize,
    warnings: &mut Vec<String>,
) -> Vec<Option<usize>> {
    let mut to = vec![None; members.list.len()];
    let head_label = label(&members.list[head]);
    for i in members.live() {
        let member = &members.list[i];
        let Some(manager_id) = member
            .manager_id
            .as_deref()
            .filter(|id| !id.trim().is_empty())
        else {
            continue;
        };
        if i == head {
            let manager = members
                .by_id
                .get(manager_id)
                .map_or_else(|| manager_id.to_owned(), |&k| label(&members.list[k]));
            warnings.push(format!(
                "The org head {head_label} reports to {manager} in Justworks; that link was \
                 dropped, so the org head stays at the top of the tree"
            ));
            continue;
        }
        let why = match members.by_id.get(manager_id) {
            None => format!("their manager ({manager_id}) is not in the Justworks data"),
            Some(&k) => {
                let manager = label(&members.list[k]);
                match members.standing[k] {
                    Standing::Live => {
                        to[i] = Some(k);
                        continue;
                    }
                    Standing::Departing => format!("their manager {manager} has left"),
                    Standing::Excluded => format!("their manager {manager} is excluded"),
                    Standing::SkippedContractor => format!(
                        "their manager {manager} is a contractor and contractors are not \
                         included"
                    ),
                }
            }
        };
        warnings.push(format!(
            "{} now reports to the org head {head_label}: {why}",
            label(member)
        ));
    }
    break_loops(members, &mut to, &head_label, warnings);
    to
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mark {
    Unseen,
    OnPath,
    Done,
}

fn break_loops(
    members: &Members<'_>,
    to: &mut [Option<usize>],
    head_label: &str,
    warnings: &mut Vec<String>,
) {
    let mut mark = vec![Mark::Unseen; to.len()];
    let mut position = vec![0; to.len()];
    let mut path = Vec::new();
    for start in members.live() {
        path.clear();
        let mut at = Some(start);
        while let Some(i) = at {
            match mark[i] {
                Mark::Done => break,
                Mark::OnPath => {
                    let cycle = &path[position[i]..];
                    let first = earliest(members, cycle);
                    to[first] = None;
                    warnings.push(loop_warning(members, cycle, first, head_label));
                    break;
                }
                Mark::Unseen => {
                    mark[i] = Mark::OnPath;
                    position[i] = path.len();
                    path.push(i);
                    at = to[i];
                }
            }
        }
        for &i in &path {
            mark[i] = Mark::Done;
        }
    }
}

/// The loop's member with the earliest start date; unknown dates last, then the
/// smallest member id.
fn earliest(members: &Members<'_>, cycle: &[usize]) -> usize {
    *cycle
        .iter()
        .min_by_key(|&&i| {
            let m = &members.list[i];
            (m.start_date.is_none(), m.start_date, m.id.as_str())
        })
        .expect("a loop has members")
}

fn loop_warning(members: &Members<'_>, cycle: &[usize], first: usize, head_label: &str) -> String {
    // Name the loop from the member who now reports to the org head, in reporting order.
    let start = cycle.iter().position(|&i| i == first).unwrap_or(0);
    let mut chain: Vec<String> = cycle[start..]
        .iter()
        .chain(&cycle[..start])
        .map(|&i| label(&members.list[i]))
        .collect();
    chain.push(label(&members.list[first]));
    format!(
        "Managers in Justworks form a loop: {}. {} started first and now reports to the org \
         head {head_label}",
        chain.join(" → "),
        label(&members.list[first]),
    )
}
