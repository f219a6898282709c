//! Property tests of reverting a run, over the random prior orgs and rosters of
//! `props_cases` (and the hand-edited orgs of `props_pins`): a plan applied and then its
//! revert gives back every row of the org as it was (the rows the plan created departed
//! or closed), keeping nothing; reverting the revert gives back the org the plan made;
//! and after random hand edits, a field edited since keeps its value and is listed, while
//! every other field the run changed goes back.

use std::collections::HashSet;

use proptest::prelude::*;
use proptest::test_runner::Config;

use super::props_cases::*;
use super::props_pins::{edit, edits, hand_case};
use super::support::*;
use crate::org::change::{Entity, JobChange, PersonChange, Plan};
use crate::org::fields::{self, Holder};
use crate::org::model::{JobStatus, Org, PersonStatus};
use crate::org::undo::Undo;
use crate::org::values;
use crate::sync::plan::{Kept, RevertInput, revert};

/// The revert of the run that made `plan`, planned on `org` and applied to a copy.
fn reverted(org: &Org, plan: &Plan) -> (Plan, Vec<Kept>, Org) {
    let undo = Undo::of(plan);
    let held = HashSet::new();
    let input = RevertInput {
        org,
        undo: &undo,
        today: TODAY,
        held: &held,
    };
    let (inverse, kept) = revert(input, &mut next_id);
    let mut after = org.clone();
    inverse.apply_to(&mut after);
    (inverse, kept, after)
}

proptest! {
    #![proptest_config(Config { cases: 64, failure_persistence: None, ..Config::default() })]

    #[test]
    fn applying_a_plan_then_its_revert_gives_back_every_row_of_the_org(case in case()) {
        let (inverse, kept, after) = reverted(&case.after, &case.plan);
        prop_assert!(kept.is_empty(), "kept: {:#?}", kept);
        let (people, jobs) = (case.org.people.len(), case.org.jobs.len());
        prop_assert_eq!(&after.people[..people], &case.org.people[..]);
        prop_assert_eq!(&after.jobs[..jobs], &case.org.jobs[..]);
        for person in &after.people[people..] {
            prop_assert_eq!(person.status, PersonStatus::Departed, "{:?}", person);
        }
        for job in &after.jobs[jobs..] {
            prop_assert_eq!(job.status, JobStatus::Closed, "{:?}", job);
            prop_assert_eq!(&job.person_id, &None);
        }
        // An ordinary plan of updates: nothing created, nothing to decide or warn of.
        prop_assert!(!inverse.people.iter().any(|c| matches!(c, PersonChange::Create(_))));
        prop_assert!(!inverse.jobs.iter().any(|c| matches!(c, JobChange::Create(_))));
        prop_assert!(inverse.conflicts.is_empty() && inverse.warnings.is_empty());
        let (changed_people, changed_jobs) = changed_ids(&inverse);
        for row in &inverse.history {
            let id = row.entity_id.as_str();
            prop_assert!(changed_people.contains(&id) || changed_jobs.contains(&id));
        }
        let c = inverse.counts;
        prop_assert_eq!((c.created, c.unchanged, c.excluded, c.conflicts), (0, 0, 0, 0));
    }

    #[test]
    fn reverting_the_revert_gives_back_the_org_the_plan_made(case in case()) {
        let (inverse, _, reverted_org) = reverted(&case.after, &case.plan);
        let (_, kept, again) = reverted(&reverted_org, &inverse);
        prop_assert!(kept.is_empty(), "kept: {:#?}", kept);
        prop_assert_eq!(&again, &case.after);
    }

    #[test]
    fn over_a_hand_edited_org_a_plan_then_its_revert_gives_back_every_row(case in hand_case()) {
        let mut after = case.org.clone();
        case.plan.apply_to(&mut after);
        let (_, kept, reverted_org) = reverted(&after, &case.plan);
        prop_assert!(kept.is_empty(), "kept: {:#?}", kept);
        prop_assert_eq!(&reverted_org.people[..case.org.people.len()], &case.org.people[..]);
        prop_assert_eq!(&reverted_org.jobs[..case.org.jobs.len()], &case.org.jobs[..]);
    }

    #[test]
    fn a_field_edited_since_the_run_is_kept_and_listed_and_the_rest_goes_back(
        case in hand_case(),
        later in edits(),
    ) {
        let mut now = case.org.clone();
        case.plan.apply_to(&mut now);
        for e in &later {
            edit(&mut now, e);
        }
        let (_, kept, reverted_org) = reverted(&now, &case.plan);
        for (entity, id, field, before, after) in fields_changed(&case.plan) {
            let value = |org: &Org| match entity {
                Entity::Person => org.people.iter().find(|p| p.id == id).and_then(|p| values::of_person(field, p)),
                Entity::Job => org.jobs.iter().find(|j| j.id == id).and_then(|j| values::of_job(field, j)),
            };
            let (since, back) = (value(&now), value(&reverted_org));
            let listed = kept.iter().any(|k| k.entity_id == id && k.field == field);
            if since == after {
                prop_assert_eq!(&back, &before, "{} of {} not put back", field, id);
            } else {
                prop_assert_eq!(&back, &since, "{} of {}, edited since, was touched", field, id);
                prop_assert_eq!(listed, since != before, "{} of {} listed: {}", field, id, listed);
            }
        }
    }
}

/// Every field (as `org::values` holds it) the plan changed on a row that existed: the
/// row, the field, its value before and after.
#[allow(clippy::type_complexity)]
fn fields_changed(
    plan: &Plan,
) -> Vec<(Entity, &str, &'static str, Option<String>, Option<String>)> {
    let mut out = Vec::new();
    for change in &plan.people {
        if let PersonChange::Update { before, after } = change {
            for f in fields::FIELDS.iter().filter(|f| f.holder == Holder::Person) {
                let (was, now) = (
                    values::of_person(f.key, before),
                    values::of_person(f.key, after),
                );
                if was != now {
                    out.push((Entity::Person, before.id.as_str(), f.key, was, now));
                }
            }
        }
    }
    for change in &plan.jobs {
        if let JobChange::Update { before, after } = change {
            for f in fields::FIELDS.iter().filter(|f| f.holder == Holder::Job) {
                let (was, now) = (values::of_job(f.key, before), values::of_job(f.key, after));
                if was != now {
                    out.push((Entity::Job, before.id.as_str(), f.key, was, now));
                }
            }
        }
    }
    out
}
