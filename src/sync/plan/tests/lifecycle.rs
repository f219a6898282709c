//! New hires, departures (past, today, scheduled), backfill or close, rehires, counts.

use jiff::civil::date;

use super::support::*;
use crate::org::change::{ChangeKind, Entity, JobChange, PersonChange};
use crate::org::model::{JobStatus, Org, PersonStatus};
use crate::org::roster::RosterMember;
use crate::sync::options::Departures;

fn leaving(on: jiff::civil::Date) -> RosterMember {
    RosterMember {
        termination_date: Some(on),
        ..report("m1", "Ana", "m0")
    }
}

#[test]
fn a_new_hire_is_a_new_person_with_a_filled_job() {
    let hire = RosterMember {
        job_title: Some("Engineer".to_owned()),
        start_date: Some(date(2026, 6, 1)),
        ..report("m1", "Ana", "m0")
    };
    let (plan, after) = sync(&synced(vec![ceo()]), &roster(vec![ceo(), hire]), &options());
    assert_eq!(plan.counts.created, 1);
    assert_eq!(plan.counts.unchanged, 1);
    assert!(matches!(plan.people[..], [PersonChange::Create(_)]));
    assert!(matches!(plan.jobs[..], [JobChange::Create(_)]));
    let ana = person(&after, "m1");
    assert_eq!(ana.status, PersonStatus::Active);
    let job = seat(&after, "m1");
    assert_eq!(job.title.as_deref(), Some("Engineer"));
    assert_eq!(manager_of(&after, "m1").as_deref(), Some("m0"));
    // A hire is one history row, so "New hires" names each person once.
    assert_eq!(plan.history.len(), 1, "{:#?}", plan.history);
    let hired = &plan.history[0];
    assert_eq!(
        (hired.entity, hired.field, hired.kind),
        (Entity::Person, "status", ChangeKind::NewHire)
    );
    assert_eq!(
        (hired.old.as_deref(), hired.new.as_deref()),
        (None, Some("active"))
    );
    assert_eq!(hired.person_name, "Ana Report");
    assert_eq!(hired.person_id.as_deref(), Some(ana.id.as_str()));
}

#[test]
fn a_departing_member_never_seen_before_is_created_departed_without_a_job() {
    let gone = RosterMember {
        active: false,
        ..leaving(date(2025, 1, 31))
    };
    let (plan, after) = sync(&synced(vec![ceo()]), &roster(vec![ceo(), gone]), &options());
    assert_eq!(plan.counts.created, 1);
    let ana = person(&after, "m1");
    assert_eq!(ana.status, PersonStatus::Departed);
    assert_eq!(ana.end_date, Some(date(2025, 1, 31)));
    assert!(held(&after, &ana.id).is_empty());
    assert!(kinds(&plan, ChangeKind::NewHire).is_empty());
    assert!(plan.history.iter().all(|r| r.kind == ChangeKind::Other));
    assert_eq!(rows(&plan, "status")[0].new.as_deref(), Some("departed"));
}

#[test]
fn a_past_termination_departs_the_person_on_that_date() {
    let org = synced(vec![ceo(), report("m1", "Ana", "m0")]);
    let job_id = seat(&org, "m1").id.clone();
    let (plan, after) = sync(
        &org,
        &roster(vec![ceo(), leaving(date(2026, 5, 31))]),
        &options(),
    );
    let ana = person(&after, "m1");
    assert_eq!(ana.status, PersonStatus::Departed);
    assert_eq!(ana.end_date, Some(date(2026, 5, 31)));
    let job = job(&after, &job_id);
    assert_eq!(job.person_id, None);
    assert_eq!(job.end_date, Some(date(2026, 5, 31)));
    assert_eq!(plan.counts.departed, 1);
    assert_eq!(plan.counts.updated, 0);
    let departure = kinds(&plan, ChangeKind::Departure);
    let fields: Vec<(Entity, &str)> = departure.iter().map(|r| (r.entity, r.field)).collect();
    assert!(fields.contains(&(Entity::Person, "status")));
    assert!(fields.contains(&(Entity::Job, "status")));
    assert!(fields.contains(&(Entity::Job, "person")));
    assert!(departure.iter().all(|r| r.person_name == "Ana Report"));
}

#[test]
fn a_termination_today_departs() {
    let org = synced(vec![ceo(), report("m1", "Ana", "m0")]);
    let (plan, after) = sync(&org, &roster(vec![ceo(), leaving(TODAY)]), &options());
    assert_eq!(plan.counts.departed, 1);
    assert_eq!(person(&after, "m1").status, PersonStatus::Departed);
}

#[test]
fn an_inactive_member_without_a_date_departs() {
    let org = synced(vec![ceo(), report("m1", "Ana", "m0")]);
    let gone = RosterMember {
        active: false,
        ..report("m1", "Ana", "m0")
    };
    let (plan, after) = sync(&org, &roster(vec![ceo(), gone]), &options());
    assert_eq!(plan.counts.departed, 1);
    assert_eq!(person(&after, "m1").end_date, None);
}

#[test]
fn a_future_termination_is_scheduled_and_the_person_stays() {
    let org = synced(vec![ceo(), report("m1", "Ana", "m0")]);
    let later = date(2026, 7, 1);
    let (plan, after) = sync(&org, &roster(vec![ceo(), leaving(later)]), &options());
    let ana = person(&after, "m1");
    assert_eq!(ana.status, PersonStatus::Active);
    assert_eq!(ana.end_date, Some(later));
    assert_eq!(seat(&after, "m1").status, JobStatus::Filled);
    assert_eq!(plan.counts.updated, 1);
    assert_eq!(plan.counts.departed, 0);
    // The first sync on or after the date makes it a departure.
    let input_later = crate::sync::plan::PlanInput {
        org: &after,
        roster: roster(vec![ceo(), leaving(later)]),
        options: &options(),
        today: later,
    };
    let on_the_day = crate::sync::plan::plan(input_later, &mut next_id).expect("plans");
    assert_eq!(on_the_day.counts.departed, 1);
}

#[test]
fn backfill_keeps_the_job_open() {
    let org = synced(vec![
        ceo(),
        report("m1", "Ana", "m0"),
        report("m2", "Bo", "m1"),
    ]);
    let ana_job = seat(&org, "m1").clone();
    let (plan, after) = sync(
        &org,
        &roster(vec![
            ceo(),
            leaving(date(2026, 6, 1)),
            report("m2", "Bo", "m0"),
        ]),
        &options(),
    );
    let open = job(&after, &ana_job.id);
    assert_eq!(open.status, JobStatus::Open);
    assert_eq!(
        open.manager_job_id, ana_job.manager_job_id,
        "stays in its place"
    );
    assert_eq!(open.title, ana_job.title);
    let status: Vec<_> = rows(&plan, "status")
        .into_iter()
        .filter(|r| r.entity == Entity::Job)
        .collect();
    assert_eq!(status[0].new.as_deref(), Some("open"));
    assert_eq!(manager_of(&after, "m2").as_deref(), Some("m0"));
}

#[test]
fn departures_only_closes_the_job() {
    let org = synced(vec![ceo(), report("m1", "Ana", "m0")]);
    let ana_job = seat(&org, "m1").id.clone();
    let mut opts = options();
    opts.departures = Departures::DeparturesOnly;
    let (plan, after) = sync(&org, &roster(vec![ceo(), leaving(date(2026, 6, 1))]), &opts);
    assert_eq!(job(&after, &ana_job).status, JobStatus::Closed);
    let status: Vec<_> = rows(&plan, "status")
        .into_iter()
        .filter(|r| r.entity == Entity::Job)
        .collect();
    assert_eq!(
        (status[0].old.as_deref(), status[0].new.as_deref()),
        (Some("filled"), Some("closed"))
    );
}

#[test]
fn a_rehire_is_the_same_person_with_a_new_job() {
    let org = synced(vec![ceo(), leaving(date(2025, 12, 31))]);
    let before = person(&org, "m1").clone();
    assert_eq!(before.status, PersonStatus::Departed);
    let back = RosterMember {
        start_date: Some(date(2026, 3, 1)),
        job_title: Some("Staff Engineer".to_owned()),
        ..report("m1", "Ana", "m0")
    };
    let (plan, after) = sync(&org, &roster(vec![ceo(), back]), &options());
    let ana = person(&after, "m1");
    assert_eq!(ana.id, before.id);
    assert_eq!(ana.status, PersonStatus::Active);
    assert_eq!(ana.start_date, Some(date(2026, 3, 1)));
    assert_eq!(ana.end_date, None);
    assert_eq!(after.people.len(), org.people.len());
    assert_eq!(seat(&after, "m1").title.as_deref(), Some("Staff Engineer"));
    assert_eq!(plan.counts.rehired, 1);
    assert_eq!(plan.counts.created, 0);
    assert!(matches!(plan.jobs[..], [JobChange::Create(_)]));
    let status = rows(&plan, "status");
    assert_eq!(status.len(), 1, "the new seat has no rows of its own");
    assert_eq!(status[0].kind, ChangeKind::Rehire);
    assert_eq!(
        (status[0].old.as_deref(), status[0].new.as_deref()),
        (Some("departed"), Some("active"))
    );
    assert!(
        rows(&plan, "end_date")
            .iter()
            .all(|r| r.kind == ChangeKind::Rehire)
    );
    assert!(plan.history.iter().all(|r| r.entity == Entity::Person));
    assert!(plan.warnings.is_empty(), "{:?}", plan.warnings);
}

#[test]
fn a_rehire_of_someone_with_an_open_job_gets_a_new_job() {
    let org = synced(vec![ceo(), report("m1", "Ana", "m0")]);
    let old_job = seat(&org, "m1").id.clone();
    let (_, departed) = sync(
        &org,
        &roster(vec![ceo(), leaving(date(2026, 1, 31))]),
        &options(),
    );
    let back = RosterMember {
        start_date: Some(date(2026, 1, 15)),
        ..report("m1", "Ana", "m0")
    };
    let (plan, after) = sync(&departed, &roster(vec![ceo(), back]), &options());
    assert_ne!(seat(&after, "m1").id, old_job);
    assert_eq!(job(&after, &old_job).status, JobStatus::Open);
    assert!(
        warned(&plan, "is not after their end date 2026-01-31"),
        "{:?}",
        plan.warnings
    );
    assert_eq!(plan.counts.rehired, 1);
}

#[test]
fn counts_add_up_to_the_roster() {
    let gone = |id: &str, given: &str| RosterMember {
        termination_date: Some(date(2025, 1, 1)),
        ..report(id, given, "m0")
    };
    let org = synced(vec![
        ceo(),
        report("m1", "Ana", "m0"),
        report("m2", "Bo", "m0"),
        gone("m5", "Eve"),
        gone("m6", "Fay"),
    ]);
    let members = vec![
        ceo(),             // unchanged
        gone("m1", "Ana"), // departed
        RosterMember {
            job_title: Some("Lead".to_owned()),
            ..report("m2", "Bo", "m0")
        }, // updated
        report("m3", "Cy", "m0"), // created
        report("m4", "Di", "m0"), // excluded
        gone("m5", "Eve"), // unchanged: still departed
        report("m6", "Fay", "m0"), // rehired
    ];
    let mut opts = options();
    opts.exclude_ids = vec!["m4".to_owned()];
    let (plan, _) = sync(&org, &roster(members), &opts);
    let c = plan.counts;
    assert_eq!(
        (
            c.created,
            c.updated,
            c.departed,
            c.rehired,
            c.unchanged,
            c.excluded
        ),
        (1, 1, 1, 1, 2, 1)
    );
    assert_eq!(c.warnings as usize, plan.warnings.len());
}

#[test]
fn someone_holding_two_seats_keeps_one_and_the_other_is_vacated() {
    let mut org = synced(vec![ceo(), report("m1", "Ana", "m0")]);
    let mut second = seat(&org, "m1").clone();
    second.id = "second-seat".to_owned();
    org.jobs.push(second);
    let (plan, after) = sync(
        &org,
        &roster(vec![ceo(), report("m1", "Ana", "m0")]),
        &options(),
    );
    assert_eq!(job(&after, "second-seat").status, JobStatus::Open);
    assert!(
        warned(&plan, "Ana Report (m1) held 2 jobs from Justworks"),
        "{:?}",
        plan.warnings
    );
    assert_eq!(plan.counts.updated, 1);
}

#[test]
fn new_ids_are_drawn_in_roster_order_person_then_job() {
    let members = vec![ceo(), report("m1", "Ana", "m0")];
    let mut n = 0;
    let mut ids = || {
        n += 1;
        format!("n{n}")
    };
    let input = crate::sync::plan::PlanInput {
        org: &Org::default(),
        roster: roster(members),
        options: &options(),
        today: TODAY,
    };
    let plan = crate::sync::plan::plan(input, &mut ids).expect("plans");
    let mut after = Org::default();
    plan.apply_to(&mut after);
    assert_eq!(person(&after, "m0").id, "n1");
    assert_eq!(seat(&after, "m0").id, "n2");
    assert_eq!(person(&after, "m1").id, "n3");
    assert_eq!(seat(&after, "m1").id, "n4");
    assert_eq!(seat(&after, "m1").manager_job_id.as_deref(), Some("n2"));
}
