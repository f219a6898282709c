//! The plan out of the draft: the people and jobs that changed (whole rows, before and
//! after), their history rows and the counts, in roster order — each member's person,
//! then their jobs (or, for a skipped member, their frozen person when newly marked) —
//! then any other job the plan touched, in job order.

use super::draft::{Draft, Outcome, Transition};
use super::history::{Kinds, Lookup, Rows};
use super::members::Standing;
use super::pins::{self, Held};
use crate::org::change::{Counts, JobChange, PersonChange, Plan};
use crate::org::display;

/// The plan, with its counts and the warnings gathered on the way.
pub(super) fn plan(
    draft: Draft<'_>,
    standing: &[Standing],
    outcomes: &[Option<Outcome>],
    frozen: &[Option<usize>],
    held: Vec<Held>,
    warnings: Vec<String>,
) -> Plan {
    let org = draft.org;
    let mut history = Vec::new();
    let mut counts = Counts::default();
    let mut changed_people = Vec::new();
    let mut changed_jobs = Vec::new();
    let mut job_seen = vec![false; draft.jobs.len()];
    let conflicts;
    {
        let lookup = Lookup::new(org, &draft.people, &draft.jobs);
        conflicts = pins::conflicts(&draft, held, &lookup);
        for (outcome, &frozen) in outcomes.iter().zip(frozen) {
            if let Some(p) = frozen {
                // Skipped: only the mark changed, and the member counts as excluded.
                let person = &*draft.people[p];
                changed_people.push(p);
                Rows {
                    out: &mut history,
                    person_id: Some(&person.id),
                    person_name: &person.name,
                    kinds: Kinds::BY_FIELD,
                }
                .person(org.people.get(p), person);
                continue;
            }
            let Some(outcome) = outcome else { continue };
            let p = outcome.person;
            let person = &*draft.people[p];
            let mut changed = false;
            let mut rows = Rows {
                out: &mut history,
                person_id: Some(&person.id),
                person_name: &person.name,
                kinds: outcome.transition.person_kinds(),
            };
            if draft.person_changed(p) {
                changed_people.push(p);
                rows.person(org.people.get(p), person);
                changed = true;
            }
            let seat = outcome.seat.map(|j| (j, Kinds::BY_FIELD));
            let vacated = outcome.vacated.iter().map(|&j| (j, outcome.vacated_kinds));
            let arrived = matches!(outcome.transition, Transition::Hire | Transition::Rehire);
            for (j, kinds) in seat.into_iter().chain(vacated) {
                job_seen[j] = true;
                if draft.job_changed(j) {
                    changed_jobs.push(j);
                    changed = true;
                    let before = org.jobs.get(j);
                    if before.is_some() || !arrived {
                        rows.kinds = kinds;
                        rows.job(before, &draft.jobs[j], &lookup);
                    }
                }
            }
            let count = match outcome.transition {
                Transition::Hire | Transition::FirstSeenDeparted => &mut counts.created,
                Transition::Departure => &mut counts.departed,
                Transition::Rehire => &mut counts.rehired,
                Transition::Update if changed => &mut counts.updated,
                Transition::Update => &mut counts.unchanged,
            };
            *count += 1;
        }
        for (j, seen) in job_seen.iter().enumerate() {
            if *seen || !draft.job_changed(j) {
                continue;
            }
            changed_jobs.push(j);
            let job = &*draft.jobs[j];
            let holder = [
                job.person_id.as_deref(),
                org.jobs.get(j).and_then(|b| b.person_id.as_deref()),
            ]
            .into_iter()
            .flatten()
            .find_map(|id| lookup.person(id, false));
            let open = display::job(job, None);
            Rows {
                out: &mut history,
                person_id: holder.map(|p| p.id.as_str()),
                person_name: holder.map_or(open.as_str(), |p| p.name.as_str()),
                kinds: Kinds::BY_FIELD,
            }
            .job(org.jobs.get(j), job, &lookup);
        }
    }
    counts.excluded = count(standing.iter().filter(|s| s.is_skipped()).count());
    counts.warnings = count(warnings.len());
    counts.conflicts = count(conflicts.len());

    let mut people: Vec<_> = draft.people.into_iter().map(Some).collect();
    let mut jobs: Vec<_> = draft.jobs.into_iter().map(Some).collect();
    Plan {
        people: changed_people
            .into_iter()
            .map(|p| {
                let after = people[p].take().expect("each person once").into_owned();
                match org.people.get(p) {
                    Some(before) => PersonChange::Update {
                        before: Box::new(before.clone()),
                        after: Box::new(after),
                    },
                    None => PersonChange::Create(Box::new(after)),
                }
            })
            .collect(),
        jobs: changed_jobs
            .into_iter()
            .map(|j| {
                let after = jobs[j].take().expect("each job once").into_owned();
                match org.jobs.get(j) {
                    Some(before) => JobChange::Update {
                        before: Box::new(before.clone()),
                        after: Box::new(after),
                    },
                    None => JobChange::Create(Box::new(after)),
                }
            })
            .collect(),
        history,
        conflicts,
        warnings,
        counts,
        // Weighed once the plan is made (`facts`).
        facts: Default::default(),
    }
}

fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}
