//! Property tests over random rosters (managers with loops, terminations in the past
//! and future, exclusions, contractors, shared names and emails) synced into random
//! prior orgs (an earlier random roster's plan applied, people and jobs made by hand,
//! some links lost, some managers scrambled).

use std::collections::HashSet;

use proptest::prelude::*;
use proptest::test_runner::Config;

use super::props_cases::*;
use super::support::*;
use crate::org::change::{JobChange, PersonChange};
use crate::org::model::{Job, JobStatus, Person, PersonStatus};

proptest! {
    #![proptest_config(Config { cases: 64, failure_persistence: None, ..Config::default() })]

    #[test]
    fn planning_again_after_applying_changes_nothing(case in case()) {
        let again = try_plan(&case.after, &case.roster, &case.options).expect("plans again");
        prop_assert!(again.is_empty() && again.history.is_empty(), "not idempotent: {:#?}", again);
    }

    #[test]
    fn every_live_member_holds_exactly_one_filled_job(case in case()) {
        for id in live_ids(&case.roster, &case.options) {
            let person = person(&case.after, id);
            prop_assert_eq!(person.status, PersonStatus::Active);
            let seats = held(&case.after, &person.id)
                .into_iter()
                .filter(|j| j.status == JobStatus::Filled)
                .count();
            prop_assert_eq!(seats, 1, "member {} holds {} seats", id, seats);
        }
    }

    #[test]
    fn the_tree_has_one_root_the_org_head_and_no_loop(case in case()) {
        check_tree(&case.after, "m0")?;
    }

    #[test]
    fn skipped_members_never_become_people_and_their_people_stay_frozen(case in case()) {
        let skipped = skipped_ids(&case.roster, &case.options);
        let mut frozen = HashSet::new();
        for change in &case.plan.people {
            match change {
                PersonChange::Create(p) => prop_assert!(
                    !p.justworks_id.as_ref().is_some_and(|id| skipped.contains(id)),
                    "skipped member {:?} was created",
                    p.justworks_id
                ),
                PersonChange::Update { before, after } => {
                    if after.justworks_id.as_ref().is_some_and(|id| skipped.contains(id)) {
                        // Only the mark that says they are no longer synced.
                        prop_assert!(after.sync_stopped.is_some());
                        let unmarked = Person {
                            sync_stopped: before.sync_stopped,
                            ..Person::clone(after)
                        };
                        prop_assert_eq!(&unmarked, &**before);
                        frozen.insert(after.id.as_str());
                    }
                }
            }
        }
        for change in &case.plan.jobs {
            if let JobChange::Update { before, after } = change
                && before.person_id.as_deref().is_some_and(|p| frozen.contains(p))
            {
                // Only mended into the tree, if its manager's job closed.
                let unmoved = Job {
                    manager_job_id: before.manager_job_id.clone(),
                    ..Job::clone(after)
                };
                prop_assert_eq!(&unmoved, &**before);
            }
        }
        // The run where they stop being synced warns; the next one does not.
        let again = try_plan(&case.after, &case.roster, &case.options).expect("plans again");
        prop_assert!(
            !again.warnings.iter().any(|w| w.contains("no longer synced from Justworks")),
            "warned again: {:?}",
            again.warnings
        );
    }

    #[test]
    fn people_and_jobs_not_from_justworks_are_unchanged_but_for_a_gone_manager(case in case()) {
        let (before, after) = (manual_part(&case.org), manual_part(&case.after));
        prop_assert_eq!(&after.people, &before.people);
        let head = seat(&case.after, "m0").id.clone();
        for (was, now) in before.jobs.iter().zip(&after.jobs) {
            if was.manager_job_id == now.manager_job_id {
                prop_assert_eq!(was, now);
                continue;
            }
            // Re-attached to the org head only because its manager job is gone.
            let gone = was.manager_job_id.as_deref().is_some_and(|m| {
                case.after.jobs.iter().find(|j| j.id == m).is_none_or(|j| j.status == JobStatus::Closed)
            });
            prop_assert!(gone, "hand-added job {} moved: {:?}", was.id, now.manager_job_id);
            prop_assert_eq!(now.manager_job_id.as_deref(), Some(head.as_str()));
            let unmoved = Job { manager_job_id: was.manager_job_id.clone(), ..now.clone() };
            prop_assert_eq!(&unmoved, was);
        }
        let (people, _) = changed_ids(&case.plan);
        prop_assert!(people.iter().all(|id| !id.starts_with("hand-")));
    }

    #[test]
    fn a_plan_is_deterministic_and_its_history_and_counts_add_up(case in case()) {
        prop_assert_eq!(&planned(&case.org, &case.roster, &case.options), &case.plan);
        let (people, jobs) = changed_ids(&case.plan);
        for row in &case.plan.history {
            let id = row.entity_id.as_str();
            prop_assert!(people.contains(&id) || jobs.contains(&id));
            if row.field != "manager" && row.field != "person" {
                // (Two managers may share a name; any other value shows as it is.)
                prop_assert_ne!(&row.old, &row.new);
            }
        }
        let c = case.plan.counts;
        prop_assert_eq!(
            (c.created + c.updated + c.departed + c.rehired + c.unchanged + c.excluded) as usize,
            case.roster.members.len()
        );
        prop_assert_eq!(c.warnings as usize, case.plan.warnings.len());
    }
}
