//! The plan: a pure function from the current primary org, one Justworks roster, the
//! sync options and today to a change set and its warnings (`org::change::Plan`). No
//! I/O, no clock; new ids come from the caller, so the same input and ids give the same
//! plan, in roster order. The rules are docs/justworks.md "Mapping onto the primary org":
//!
//! - `members`: who is skipped, departing or live; a duplicate member id fails
//! - `head`: the org head, by name; none or several fails
//! - `identity`: member ↔ person, by link then work email, never by name
//! - `draft` + `fields`: each member's person and seat, field group by field group
//! - `frozen`: people whose member is skipped now are kept as they were, and marked
//! - `managers`: who reports to whom, loops broken
//! - `tree`: every job in the tree reaches the org head
//! - `pins`: pinned fields put back (a conflict where Justworks differs), hand marks
//!   cleared where the plan writes
//! - `emit` + `history`: the plan, with one history row per changed field
//! - `facts`: what the safeguards weigh (`sync::guards`)
//!
//! Planning again on the result of applying a plan gives an empty plan. Groups orgsync
//! owns are never written (`SyncOptions::writes`), nor are pinned fields, nor people and
//! jobs added by hand (but for re-attaching a job whose manager job is gone).
//!
//! `revert` is the inverse plan of an applied run, from its undo record (`org::undo`):
//! the same kind of plan, made as purely.

mod draft;
mod emit;
mod facts;
mod fields;
mod frozen;
mod head;
mod history;
mod identity;
mod managers;
mod members;
mod names;
mod pins;
mod put_back;
mod revert;
mod row;
mod tree;

#[cfg(test)]
mod tests;

use std::collections::HashMap;

use jiff::civil::Date;

use self::draft::{Draft, Outcome};
use self::members::Members;
pub use self::revert::{Kept, KeptReason, RevertInput, revert};
use crate::org::change::{Plan, PlanError};
use crate::org::fields::Group;
use crate::org::model::{Org, Person};
use crate::org::roster::Roster;
use crate::sync::options::SyncOptions;

/// Everything a plan is made from. The plan takes the roster: it moves the members'
/// values into the rows it plans instead of copying them, so that the roster and the
/// plan share their strings rather than holding each twice (see `fields`).
#[derive(Debug, Clone)]
pub struct PlanInput<'a> {
    pub org: &'a Org,
    pub roster: Roster,
    pub options: &'a SyncOptions,
    /// The org's today: terminations on or before it are departures.
    pub today: Date,
}

/// Plans a sync. `new_id` names each person and job the plan creates (called in roster
/// order: a member's person, then their job). Fails, planning nothing, when the roster
/// lists a member twice or the org head is not exactly one live member.
pub fn plan(input: PlanInput<'_>, new_id: &mut dyn FnMut() -> String) -> Result<Plan, PlanError> {
    let PlanInput {
        org,
        roster,
        options,
        today,
    } = input;
    let Roster {
        company,
        members: mut list,
        mut warnings,
    } = roster;
    let (standing, head, identity) = {
        let members = members::classify(&list, options, today)?;
        let head = head::find(&members, &options.org_head)?;
        let identity = identity::match_members(org, &members, &mut warnings);
        identity::warn_possible_duplicates(org, &members, &identity, &mut warnings);
        (members.standing, head, identity)
    };

    let mut draft = Draft::new(org, options, fields::Lookups::new(&company), today);
    let outcomes: Vec<Option<Outcome>> = list
        .iter_mut()
        .zip(&standing)
        .zip(&identity.person)
        .map(|((member, &standing), &matched)| {
            (!standing.is_skipped())
                .then(|| draft.seat_member(member, standing, matched, new_id, &mut warnings))
        })
        .collect();
    let members = Members::seated(&list, standing);
    let frozen = frozen::mark(&mut draft, &members, &identity, &mut warnings);
    hang_the_tree(&mut draft, &members, head, &outcomes, &mut warnings);
    let held = pins::hold(&mut draft);
    identity::warn_vanished(org, &identity, &mut warnings);
    // The roster is done with: freed before the history rows are made, not after.
    let Members { standing, .. } = members;
    drop(list);
    let mut plan = emit::plan(draft, &standing, &outcomes, &frozen, held, warnings);
    plan.facts = facts::gather(org, &identity.taken, &plan);
    Ok(plan)
}

/// Every seat under its manager's seat (or the org head's), then any chain that no
/// longer reaches the org head mended.
fn hang_the_tree(
    draft: &mut Draft<'_>,
    members: &Members<'_>,
    head: usize,
    outcomes: &[Option<Outcome>],
    warnings: &mut Vec<String>,
) {
    let seat = |i: usize| {
        outcomes[i]
            .as_ref()
            .and_then(|o| o.seat)
            .expect("a live member has a seat")
    };

    let head_seat = seat(head);
    if draft.options.writes(Group::Managers) {
        let reports_to = managers::reporting(members, head, warnings);
        for i in members.live() {
            let manager = (i != head).then(|| seat(reports_to[i].unwrap_or(head)));
            draft.want_manager(seat(i), manager);
        }
    } else {
        // Managers stay as they are (not synced, or orgsync owns them); the org head is
        // the top, and new seats hang under it.
        draft.set_manager(head_seat, None);
        for j in draft.org.jobs.len()..draft.jobs.len() {
            if j != head_seat {
                draft.set_manager(j, Some(head_seat));
            }
        }
    }
    let breaks = tree::breaks(&draft.jobs, head_seat);
    if !breaks.is_empty() {
        let head_name = names::label(&members.list[head]);
        let person_at: HashMap<&str, &Person> =
            draft.people.iter().map(|p| (p.id.as_str(), &**p)).collect();
        for &(j, why) in &breaks {
            let job = &draft.jobs[j];
            let holder = job
                .person_id
                .as_deref()
                .and_then(|p| person_at.get(p).copied());
            warnings.push(tree::warning(job, holder, why, &head_name));
        }
    }
    for (j, _) in breaks {
        draft.set_manager(j, Some(head_seat));
    }
}
