//! Reverting a run (docs/design.md → *Reviewable, guarded, reversible syncs*): a hire,
//! an update, a departure, a rehire; what changed since is kept and listed; a created
//! person something still refers to stays.

use std::collections::HashSet;

use jiff::civil::date;

use super::support::*;
use crate::org::change::{ChangeKind, Entity, FieldChange, Plan};
use crate::org::model::{JobStatus, Org, PersonStatus};
use crate::org::roster::{PersonName, RosterMember};
use crate::org::undo::Undo;
use crate::sync::plan::{Kept, KeptReason, RevertInput, revert};

/// Reverts the run that made `plan` on `org` (as it is now): the revert's plan, what it
/// kept, and the org once it is applied.
fn reverted(org: &Org, plan: &Plan, held: &HashSet<String>) -> (Plan, Vec<Kept>, Org) {
    let undo = Undo::of(plan);
    let input = RevertInput {
        org,
        undo: &undo,
        today: TODAY,
        held,
    };
    let (inverse, kept) = revert(input, &mut next_id);
    assert!(inverse.conflicts.is_empty() && inverse.warnings.is_empty());
    let mut after = org.clone();
    inverse.apply_to(&mut after);
    (inverse, kept, after)
}

fn none() -> HashSet<String> {
    HashSet::new()
}

fn row<'p>(plan: &'p Plan, entity: Entity, field: &str) -> &'p FieldChange {
    let found: Vec<_> = plan
        .history
        .iter()
        .filter(|r| r.entity == entity && r.field == field)
        .collect();
    assert_eq!(found.len(), 1, "one {field} row: {:#?}", plan.history);
    found[0]
}

fn hire() -> RosterMember {
    RosterMember {
        job_title: Some("Engineer".to_owned()),
        ..report("m1", "Ana", "m0")
    }
}

/// Ana with a new title, manager (Bo) and pay.
fn ana_promoted() -> RosterMember {
    RosterMember {
        job_title: Some("Staff Engineer".to_owned()),
        manager_id: Some("m2".to_owned()),
        pay: Some(salary(20_000_000, "USD")),
        ..ana()
    }
}

/// The org before, the run that promoted Ana, and the org after it.
fn promoted() -> (Org, Plan, Org) {
    let org = synced(vec![ceo(), bo(), ana()]);
    let (plan, after) = sync(&org, &roster(vec![ceo(), bo(), ana_promoted()]), &options());
    (org, plan, after)
}

#[test]
fn a_reverted_hire_departs_the_new_person_today_and_closes_their_seat() {
    let org = synced(vec![ceo()]);
    let (plan, hired) = sync(&org, &roster(vec![ceo(), hire()]), &options());
    let ana = person(&hired, "m1").clone();
    let seat_id = seat(&hired, "m1").id.clone();
    let (inverse, kept, after) = reverted(&hired, &plan, &none());
    assert!(kept.is_empty(), "{kept:?}");
    let gone = person(&after, "m1");
    assert_eq!(gone.status, PersonStatus::Departed);
    assert_eq!(gone.end_date, Some(TODAY));
    let closed = job(&after, &seat_id);
    assert_eq!(closed.status, JobStatus::Closed);
    assert_eq!(
        (closed.person_id.as_deref(), closed.end_date),
        (None, Some(TODAY))
    );
    // Everything that was there before the run is as it was.
    assert_eq!(after.people[..org.people.len()], org.people[..]);
    assert_eq!(after.jobs[..org.jobs.len()], org.jobs[..]);
    // Told as a departure, as a sync tells one.
    assert_eq!((inverse.counts.departed, inverse.counts.updated), (1, 0));
    assert!(
        inverse
            .history
            .iter()
            .all(|r| r.kind == ChangeKind::Departure)
    );
    assert!(inverse.history.iter().all(|r| r.person_name == ana.name));
    let status = row(&inverse, Entity::Person, "status");
    assert_eq!(
        (status.old.as_deref(), status.new.as_deref()),
        (Some("active"), Some("departed"))
    );
    assert_eq!(row(&inverse, Entity::Job, "person").old, Some(ana.name));
}

#[test]
fn a_reverted_update_puts_back_title_manager_and_compensation() {
    let (org, plan, promoted) = promoted();
    let (inverse, kept, after) = reverted(&promoted, &plan, &none());
    assert!(kept.is_empty(), "{kept:?}");
    assert_eq!(after, org);
    assert_eq!(inverse.counts.updated, 1);
    let title = row(&inverse, Entity::Job, "title");
    assert_eq!(title.kind, ChangeKind::TitleChange);
    assert_eq!(
        (title.old.as_deref(), title.new.as_deref()),
        (Some("Staff Engineer"), Some("Engineer"))
    );
    let manager = row(&inverse, Entity::Job, "manager");
    assert_eq!(manager.kind, ChangeKind::ManagerChange);
    assert_eq!(
        (manager.old.as_deref(), manager.new.as_deref()),
        (Some("Bo Report"), Some("Grace Hopper"))
    );
    let pay = row(&inverse, Entity::Job, "compensation");
    assert_eq!(pay.kind, ChangeKind::CompensationChange);
    assert!(pay.sensitive);
    assert_eq!(pay.person_name, "Ana Souza");
}

#[test]
fn a_reverted_departure_makes_the_person_active_and_fills_their_seat_again() {
    let org = synced(vec![ceo(), report("m1", "Ana", "m0")]);
    let seat_id = seat(&org, "m1").id.clone();
    let leaving = RosterMember {
        termination_date: Some(date(2026, 5, 31)),
        ..report("m1", "Ana", "m0")
    };
    let (plan, departed) = sync(&org, &roster(vec![ceo(), leaving]), &options());
    assert_eq!(job(&departed, &seat_id).status, JobStatus::Open);
    let (inverse, kept, after) = reverted(&departed, &plan, &none());
    assert!(kept.is_empty(), "{kept:?}");
    assert_eq!(after, org);
    assert_eq!(seat(&after, "m1").id, seat_id);
    assert_eq!((inverse.counts.rehired, inverse.counts.departed), (1, 0));
    assert_eq!(
        row(&inverse, Entity::Person, "status").kind,
        ChangeKind::Rehire
    );
    assert_eq!(
        row(&inverse, Entity::Job, "person").kind,
        ChangeKind::Rehire
    );
}

#[test]
fn a_reverted_rehire_departs_them_again_and_closes_their_new_seat() {
    let org = synced(vec![ceo(), report("m1", "Ana", "m0")]);
    let leaving = RosterMember {
        termination_date: Some(date(2026, 1, 31)),
        ..report("m1", "Ana", "m0")
    };
    let (_, departed) = sync(&org, &roster(vec![ceo(), leaving]), &options());
    let back = RosterMember {
        start_date: Some(date(2026, 3, 1)),
        ..report("m1", "Ana", "m0")
    };
    let (plan, rehired) = sync(&departed, &roster(vec![ceo(), back]), &options());
    let new_seat = seat(&rehired, "m1").id.clone();
    let (inverse, kept, after) = reverted(&rehired, &plan, &none());
    assert!(kept.is_empty(), "{kept:?}");
    // Departed again on the day they left, their old seat still open.
    assert_eq!(after.people, departed.people);
    assert_eq!(after.jobs[..departed.jobs.len()], departed.jobs[..]);
    assert_eq!(job(&after, &new_seat).status, JobStatus::Closed);
    assert_eq!(inverse.counts.departed, 1);
    assert_eq!(
        row(&inverse, Entity::Person, "status").kind,
        ChangeKind::Departure
    );
}

#[test]
fn a_departure_reverted_after_a_rehire_leaves_their_old_seat_open() {
    let org = synced(vec![ceo(), report("m1", "Ana", "m0")]);
    let old_seat = seat(&org, "m1").id.clone();
    let leaving = RosterMember {
        termination_date: Some(date(2026, 1, 31)),
        ..report("m1", "Ana", "m0")
    };
    let (departure, departed) = sync(&org, &roster(vec![ceo(), leaving]), &options());
    let back = RosterMember {
        start_date: Some(date(2026, 3, 1)),
        ..report("m1", "Ana", "m0")
    };
    let (_, rehired) = sync(&departed, &roster(vec![ceo(), back]), &options());
    let (inverse, kept, after) = reverted(&rehired, &departure, &none());
    // Active again already, in the seat the rehire gave her: she does not get two.
    assert_eq!(person(&after, "m1").status, PersonStatus::Active);
    assert_ne!(seat(&after, "m1").id, old_seat);
    assert_eq!(job(&after, &old_seat), job(&rehired, &old_seat));
    let listed: Vec<_> = kept
        .iter()
        .map(|k| (k.entity_id.as_str(), k.field))
        .collect();
    assert_eq!(listed, [(old_seat.as_str(), "person")]);
    assert_eq!(kept[0].person_name, "Ana Report");
    // Her status and end date are as they were before the run already: nothing to do.
    assert!(inverse.is_empty(), "{inverse:#?}");
}

#[test]
fn a_field_changed_since_the_run_is_kept_and_listed() {
    let (org, plan, mut promoted) = promoted();
    let seat_id = seat(&promoted, "m1").id.clone();
    let by_hand = promoted.jobs.iter_mut().find(|j| j.id == seat_id).unwrap();
    by_hand.title = Some("Principal Engineer".to_owned());
    by_hand.hand.set.mark("title");
    by_hand.compensation.as_mut().unwrap().amount_minor = 21_000_000;
    let (inverse, kept, after) = reverted(&promoted, &plan, &none());
    let listed: Vec<_> = kept
        .iter()
        .map(|k| (k.entity, k.field, k.sensitive, k.reason))
        .collect();
    assert_eq!(
        listed,
        [
            (Entity::Job, "compensation", true, KeptReason::ChangedSince),
            (Entity::Job, "title", false, KeptReason::ChangedSince),
        ]
    );
    assert!(kept.iter().all(|k| k.person_name == "Ana Souza"));
    let seat = job(&after, &seat_id);
    assert_eq!(seat.title.as_deref(), Some("Principal Engineer"));
    assert!(seat.hand.set.contains("title"));
    assert_eq!(seat.compensation.as_ref().unwrap().amount_minor, 21_000_000);
    // The manager the run changed goes back; nothing else is touched.
    assert_eq!(seat.manager_job_id, job(&org, &seat_id).manager_job_id);
    let fields: Vec<_> = inverse.history.iter().map(|r| r.field).collect();
    assert_eq!(fields, ["manager"]);
}

#[test]
fn a_created_person_someone_still_reports_to_is_kept() {
    let org = synced(vec![ceo()]);
    let (plan, hired) = sync(&org, &roster(vec![ceo(), hire()]), &options());
    // A later run puts Bo under Ana.
    let (_, later) = sync(
        &hired,
        &roster(vec![ceo(), hire(), report("m2", "Bo", "m1")]),
        &options(),
    );
    let (inverse, kept, after) = reverted(&later, &plan, &none());
    assert!(inverse.is_empty(), "{inverse:#?}");
    assert_eq!(after, later);
    let ana = person(&later, "m1");
    let listed: Vec<_> = kept
        .iter()
        .map(|k| (k.entity, k.person_id.as_deref(), k.reason))
        .collect();
    assert_eq!(
        listed,
        [
            (
                Entity::Person,
                Some(ana.id.as_str()),
                KeptReason::StillReferred
            ),
            (
                Entity::Job,
                Some(ana.id.as_str()),
                KeptReason::StillReferred
            ),
        ]
    );
}

#[test]
fn a_held_created_person_is_kept_with_their_seat() {
    let org = synced(vec![ceo()]);
    let (plan, hired) = sync(&org, &roster(vec![ceo(), hire()]), &options());
    let ana = person(&hired, "m1").id.clone();
    let (inverse, kept, _) = reverted(&hired, &plan, &HashSet::from([ana.clone()]));
    assert!(inverse.is_empty(), "{inverse:#?}");
    assert_eq!(kept.len(), 2, "{kept:?}");
    assert!(kept.iter().all(|k| k.reason == KeptReason::StillReferred
        && k.person_id.as_deref() == Some(ana.as_str())
        && k.field == "status"));
}

#[test]
fn a_row_gone_since_the_run_is_listed_as_gone() {
    let (_, plan, mut promoted) = promoted();
    let seat_id = seat(&promoted, "m1").id.clone();
    promoted.jobs.retain(|j| j.id != seat_id);
    let (inverse, kept, _) = reverted(&promoted, &plan, &none());
    assert!(inverse.is_empty(), "{inverse:#?}");
    assert!(
        kept.iter()
            .all(|k| k.reason == KeptReason::Gone && k.entity_id == seat_id)
    );
    let fields: Vec<_> = kept.iter().map(|k| k.field).collect();
    assert_eq!(fields, ["compensation", "manager", "title"]);
}

#[test]
fn a_revert_is_itself_revertible() {
    let (_, plan, promoted) = promoted();
    let renamed = RosterMember {
        name: PersonName {
            given: Some("Ana".to_owned()),
            family: Some("Lima".to_owned()),
            ..PersonName::default()
        },
        ..ana_promoted()
    };
    let (_, renamed_org) = sync(&promoted, &roster(vec![ceo(), bo(), renamed]), &options());
    // Revert the first run after a second one renamed Ana: only the first's fields go back.
    let (inverse, kept, reverted_org) = reverted(&renamed_org, &plan, &none());
    assert!(kept.is_empty(), "{kept:?}");
    assert_eq!(person(&reverted_org, "m1").name, "Ana Lima");
    assert_eq!(seat(&reverted_org, "m1").title.as_deref(), Some("Engineer"));
    // And the revert of that revert is the org as the second run left it.
    let (_, kept, again) = reverted(&reverted_org, &inverse, &none());
    assert!(kept.is_empty(), "{kept:?}");
    assert_eq!(again, renamed_org);
}
