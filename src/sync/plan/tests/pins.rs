//! Hand edits meeting the sync: pinned fields stay (a conflict where Justworks differs,
//! not again once kept), hand-set fields are overwritten and lose their mark, groups
//! orgsync owns are never written, hand-added jobs stay where they hang.

use jiff::civil::date;

use super::support::*;
use crate::org::change::{Entity, Plan};
use crate::org::fields::Group;
use crate::org::model::{JobStatus, Org, PersonStatus};
use crate::org::roster::RosterMember;
use crate::sync::options::Departures;

fn ana_titled(title: &str) -> RosterMember {
    RosterMember {
        job_title: Some(title.to_owned()),
        ..ana()
    }
}

/// Ana synced as an Engineer, her title then set to "VP Sales" by hand.
fn ana_retitled_by_hand(pinned: bool) -> Org {
    let mut org = synced(vec![ceo(), bo(), ana_titled("Engineer")]);
    let job_id = seat(&org, "m1").id.clone();
    let job = org.jobs.iter_mut().find(|j| j.id == job_id).unwrap();
    job.title = Some("VP Sales".to_owned());
    job.hand.set.mark("title");
    if pinned {
        job.hand.pins.pin("title");
    }
    org
}

#[test]
fn a_pinned_title_stays_and_justworks_other_title_is_a_conflict() {
    let org = ana_retitled_by_hand(true);
    let roster = roster(vec![ceo(), bo(), ana_titled("Director of Sales")]);
    let (plan, after) = sync(&org, &roster, &options());
    assert_eq!(seat(&after, "m1").title.as_deref(), Some("VP Sales"));
    assert!(
        rows(&plan, "title").is_empty() && plan.is_empty(),
        "{plan:#?}"
    );
    let [conflict] = plan.conflicts.as_slice() else {
        panic!("one conflict: {:#?}", plan.conflicts);
    };
    assert_eq!(conflict.entity, Entity::Job);
    assert_eq!(conflict.entity_id, seat(&after, "m1").id);
    assert_eq!(
        conflict.person_id.as_deref(),
        Some(person(&after, "m1").id.as_str())
    );
    assert_eq!(conflict.person_name, "Ana Souza");
    assert_eq!(conflict.field, "title");
    assert_eq!(conflict.ours.as_deref(), Some("VP Sales"));
    assert_eq!(conflict.theirs.as_deref(), Some("Director of Sales"));
    assert_eq!(
        conflict.theirs_value.as_deref(),
        Some("\"Director of Sales\"")
    );
    assert!(!conflict.sensitive);
    assert_eq!(plan.counts.conflicts, 1);
    assert_eq!(plan.counts.unchanged, 3, "a conflict changes nothing");
    // Still hand-set: nothing wrote it.
    assert!(seat(&after, "m1").hand.set.contains("title"));
}

#[test]
fn a_pinned_value_justworks_agrees_with_is_no_conflict() {
    let org = ana_retitled_by_hand(true);
    let plan = try_plan(
        &org,
        &roster(vec![ceo(), bo(), ana_titled("VP Sales")]),
        &options(),
    )
    .unwrap();
    assert!(plan.conflicts.is_empty() && plan.is_empty(), "{plan:#?}");
}

#[test]
fn a_kept_value_is_not_raised_again_until_justworks_changes_it() {
    let mut org = ana_retitled_by_hand(true);
    let job_id = seat(&org, "m1").id.clone();
    let job = org.jobs.iter_mut().find(|j| j.id == job_id).unwrap();
    job.hand.pins.keep("title", "Director of Sales".to_owned());
    let same = roster(vec![ceo(), bo(), ana_titled("Director of Sales")]);
    assert!(
        try_plan(&org, &same, &options())
            .unwrap()
            .conflicts
            .is_empty()
    );
    let changed = roster(vec![ceo(), bo(), ana_titled("Chief Revenue Officer")]);
    let plan = try_plan(&org, &changed, &options()).unwrap();
    assert_eq!(plan.conflicts.len(), 1);
    assert_eq!(
        plan.conflicts[0].theirs.as_deref(),
        Some("Chief Revenue Officer")
    );
    assert!(plan.is_empty());
}

#[test]
fn a_title_set_by_hand_is_overwritten_by_justworks_and_loses_its_mark() {
    let org = ana_retitled_by_hand(false);
    let (plan, after) = sync(
        &org,
        &roster(vec![ceo(), bo(), ana_titled("Engineer")]),
        &options(),
    );
    let job = seat(&after, "m1");
    assert_eq!(job.title.as_deref(), Some("Engineer"));
    assert!(!job.hand.set.contains("title"));
    let [row] = rows(&plan, "title")[..] else {
        panic!("one title row");
    };
    assert_eq!(
        (row.old.as_deref(), row.new.as_deref()),
        (Some("VP Sales"), Some("Engineer"))
    );
    assert!(plan.conflicts.is_empty());
}

#[test]
fn a_group_orgsync_owns_is_never_written_nor_a_conflict() {
    let mut org = synced(vec![ceo(), bo(), ana()]);
    let job_id = seat(&org, "m1").id.clone();
    let job = org.jobs.iter_mut().find(|j| j.id == job_id).unwrap();
    job.department = Some("Research".to_owned());
    job.hand.set.mark("department");
    let mut opts = options();
    opts.owned_by_orgsync.insert(Group::Groups);
    let moved = RosterMember {
        department: Some(reference("dep_2", Some("Sales"))),
        job_title: Some("Staff Engineer".to_owned()),
        ..ana()
    };
    let (plan, after) = sync(&org, &roster(vec![ceo(), bo(), moved]), &opts);
    let job = seat(&after, "m1");
    assert_eq!(job.department.as_deref(), Some("Research"));
    assert!(job.hand.set.contains("department"));
    assert_eq!(
        job.title.as_deref(),
        Some("Staff Engineer"),
        "titles are Justworks'"
    );
    assert!(rows(&plan, "department").is_empty() && plan.conflicts.is_empty());
}

#[test]
fn a_pinned_person_field_stays_and_its_conflict_is_sensitive_when_the_field_is() {
    let mut org = synced(vec![ceo(), bo(), ana()]);
    let ana_person = person_mut(&mut org, "m1");
    ana_person.gender = Some("Prefers not to say".to_owned());
    ana_person.hand.pins.pin("gender");
    ana_person.hand.set.mark("gender");
    let (plan, after) = sync(&org, &roster(vec![ceo(), bo(), ana()]), &options());
    assert_eq!(
        person(&after, "m1").gender.as_deref(),
        Some("Prefers not to say")
    );
    let [conflict] = plan.conflicts.as_slice() else {
        panic!("one conflict");
    };
    assert_eq!(
        (conflict.entity, conflict.field),
        (Entity::Person, "gender")
    );
    assert_eq!(conflict.theirs.as_deref(), Some("Woman"));
    assert!(conflict.sensitive);
}

#[test]
fn a_pinned_manager_stays_and_another_manager_in_justworks_is_a_conflict() {
    let mut org = synced(vec![ceo(), bo(), ana()]);
    let ana_seat = seat(&org, "m1").id.clone();
    let job = org.jobs.iter_mut().find(|j| j.id == ana_seat).unwrap();
    job.hand.pins.pin("manager");
    let to_bo = RosterMember {
        manager_id: Some("m2".to_owned()),
        ..ana()
    };
    let (plan, after) = sync(&org, &roster(vec![ceo(), bo(), to_bo]), &options());
    assert_eq!(manager_of(&after, "m1").as_deref(), Some("m0"));
    let [conflict] = plan.conflicts.as_slice() else {
        panic!("one conflict: {:#?}", plan.conflicts);
    };
    assert_eq!(conflict.field, "manager");
    assert_eq!(conflict.ours.as_deref(), Some("Grace Hopper"));
    assert_eq!(conflict.theirs.as_deref(), Some("Bo Report"));
    let bo_seat = serde_json::to_string(&seat(&after, "m2").id).unwrap();
    assert_eq!(conflict.theirs_value.as_deref(), Some(bo_seat.as_str()));
}

#[test]
fn a_hand_added_open_job_stays_under_its_manager_until_that_job_closes() {
    let mut org = synced(vec![ceo(), bo(), ana()]);
    let bo_seat = seat(&org, "m2").id.clone();
    org.jobs.push(manual_job("hand-job", None, Some(&bo_seat)));
    // Bo's title changes: the open job under him stays.
    let retitled = RosterMember {
        job_title: Some("Head of Sales".to_owned()),
        ..bo()
    };
    let (_, after) = sync(&org, &roster(vec![ceo(), retitled, ana()]), &options());
    assert_eq!(
        job(&after, "hand-job").manager_job_id.as_deref(),
        Some(bo_seat.as_str())
    );
    // Bo leaves and his job closes: the open job hangs under the org head.
    let mut opts = options();
    opts.departures = Departures::DeparturesOnly;
    let left = RosterMember {
        active: false,
        ..bo()
    };
    let (plan, after) = sync(&after, &roster(vec![ceo(), left, ana()]), &opts);
    assert_eq!(job(&after, &bo_seat).status, JobStatus::Closed);
    let head_seat = seat(&after, "m0").id.clone();
    assert_eq!(job(&after, "hand-job").manager_job_id, Some(head_seat));
    assert!(
        warned(&plan, "reported to a closed job"),
        "{:?}",
        plan.warnings
    );
}

/// Each conflict of a plan as the property tests compare them: the row, the field and
/// Justworks' value.
fn conflict_keys(plan: &Plan) -> Vec<(String, &'static str, Option<String>)> {
    plan.conflicts
        .iter()
        .map(|c| (c.entity_id.clone(), c.field, c.theirs_value.clone()))
        .collect()
}

/// The case the pins property test found (props_pins, shrunk to its cause): an end date
/// set by hand and pinned on someone active, then Justworks says they are inactive with
/// their termination date still to come.
#[test]
fn a_pinned_end_date_stays_when_an_inactive_member_departs_before_their_date() {
    let mut org = synced(vec![ceo(), bo(), ana()]);
    let ana_seat = seat(&org, "m1").id.clone();
    let ana_person = person_mut(&mut org, "m1");
    ana_person.end_date = Some(date(2026, 5, 9));
    ana_person.hand.set.mark("end_date");
    ana_person.hand.pins.pin("end_date");
    let scheduled = date(2026, 7, 7);
    let inactive = RosterMember {
        active: false,
        termination_date: Some(scheduled),
        ..ana()
    };
    let pull = roster(vec![ceo(), bo(), inactive]);
    let (plan, after) = sync(&org, &pull, &options());
    let ana_after = person(&after, "m1");
    assert_eq!(
        (ana_after.status, ana_after.end_date),
        (PersonStatus::Departed, Some(date(2026, 5, 9)))
    );
    let vacated = job(&after, &ana_seat);
    assert_eq!(
        (vacated.status, vacated.end_date),
        (JobStatus::Open, Some(TODAY))
    );
    // Planning again raises the same conflicts as the plan did: none, since today is
    // orgsync's date for the departure, not Justworks'.
    let again = try_plan(&after, &pull, &options()).unwrap();
    assert_eq!(conflict_keys(&again), conflict_keys(&plan));
    assert!(plan.conflicts.is_empty(), "{:#?}", plan.conflicts);
    // Once Justworks' date has passed it is theirs: a conflict, silenced by Keep ours.
    let (plan, mut after) = sync_on(scheduled, &after, &pull, &options());
    let [conflict] = plan.conflicts.as_slice() else {
        panic!("one conflict: {:#?}", plan.conflicts);
    };
    assert_eq!(
        (
            conflict.field,
            conflict.ours.as_deref(),
            conflict.theirs.as_deref()
        ),
        ("end_date", Some("2026-05-09"), Some("2026-07-07"))
    );
    person_mut(&mut after, "m1")
        .hand
        .pins
        .keep("end_date", "2026-07-07".to_owned());
    let (kept, _) = sync_on(scheduled, &after, &pull, &options());
    assert!(kept.conflicts.is_empty() && kept.is_empty(), "{kept:#?}");
}
