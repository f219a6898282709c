//! What is synced, group by group: a group switched off is neither set nor changed
//! (how values are stored and shown is in `values`).

use jiff::civil::date;

use super::support::*;
use crate::org::change::{ChangeKind, Entity, Plan};
use crate::org::model::Org;
use crate::org::roster::{LocationType, RosterMember};
use crate::sync::options::SyncOptions;

/// Ana with every field different, reporting to Bo.
fn ana_changed() -> RosterMember {
    RosterMember {
        job_title: Some("Staff Engineer".to_owned()),
        department: Some(reference("dep_2", Some("Sales"))),
        office: None,
        location_type: Some(LocationType::Remote),
        manager_id: Some("m2".to_owned()),
        start_date: Some(date(2021, 4, 1)),
        termination_date: Some(date(2026, 12, 31)),
        emails: vec![
            work_email("souza@acme.test"),
            personal_email("souza@home.test"),
        ],
        phones: vec![phone("+1 212 555 0199")],
        addresses: vec![home("2 Side St", "Queens")],
        date_of_birth: Some(date(1990, 7, 15)),
        gender: Some("Non-binary".to_owned()),
        eeo1_race: Some("Two or More Races".to_owned()),
        pay: Some(salary(19_000_000, "USD")),
        ..ana()
    }
}

/// Ana synced with every group on, then changed with `off` applied; and Ana hired
/// changed with `off` applied.
fn switched_off(off: fn(&mut SyncOptions)) -> (Plan, Org, Org) {
    let org = synced(vec![ceo(), bo(), ana()]);
    let mut opts = options();
    off(&mut opts);
    let (plan, after) = sync(&org, &roster(vec![ceo(), bo(), ana_changed()]), &opts);
    let (_, hired) = sync(
        &Org::default(),
        &roster(vec![ceo(), bo(), ana_changed()]),
        &opts,
    );
    (plan, after, hired)
}

fn fields_of(plan: &Plan) -> Vec<&'static str> {
    plan.history.iter().map(|r| r.field).collect()
}

#[test]
fn every_group_syncs_when_on() {
    let (plan, after, _) = switched_off(|_| {});
    let ana = person(&after, "m1");
    let job = seat(&after, "m1");
    assert_eq!(job.title.as_deref(), Some("Staff Engineer"));
    assert_eq!(job.department.as_deref(), Some("Sales"));
    assert_eq!(job.location.as_deref(), Some("Remote"));
    assert_eq!(manager_of(&after, "m1").as_deref(), Some("m2"));
    assert_eq!(ana.start_date, Some(date(2021, 4, 1)));
    assert_eq!(ana.end_date, Some(date(2026, 12, 31)));
    assert_eq!(job.start_date, Some(date(2021, 4, 1)));
    assert_eq!(ana.work_email.as_deref(), Some("souza@acme.test"));
    assert_eq!(ana.personal_email.as_deref(), Some("souza@home.test"));
    assert_eq!(ana.phones[0].number, "+1 212 555 0199");
    assert_eq!(
        ana.home_address.as_ref().and_then(|a| a.line1.as_deref()),
        Some("2 Side St")
    );
    assert_eq!(ana.birthdate, Some(date(1990, 7, 15)));
    assert_eq!(ana.gender.as_deref(), Some("Non-binary"));
    assert_eq!(ana.ethnicity.as_deref(), Some("Two or More Races"));
    assert_eq!(
        job.compensation.as_ref().map(|c| c.amount_minor),
        Some(19_000_000)
    );

    let row = |entity: Entity, field: &str| {
        let found: Vec<_> = plan
            .history
            .iter()
            .filter(|r| r.entity == entity && r.field == field)
            .collect();
        assert_eq!(found.len(), 1, "one row for {field}");
        found[0].clone()
    };
    let title = row(Entity::Job, "title");
    assert_eq!(
        (title.kind, title.old.as_deref(), title.new.as_deref()),
        (
            ChangeKind::TitleChange,
            Some("Engineer"),
            Some("Staff Engineer")
        )
    );
    assert_eq!(row(Entity::Job, "department").kind, ChangeKind::GroupChange);
    assert_eq!(row(Entity::Job, "location").kind, ChangeKind::GroupChange);
    let manager = row(Entity::Job, "manager");
    assert_eq!(
        (manager.kind, manager.old.as_deref(), manager.new.as_deref()),
        (
            ChangeKind::ManagerChange,
            Some("Grace Hopper"),
            Some("Bo Report")
        )
    );
    let pay = row(Entity::Job, "compensation");
    assert_eq!(pay.kind, ChangeKind::CompensationChange);
    assert_eq!(
        pay.old.as_deref(),
        Some("185,000.00 USD (salary, semimonthly)")
    );
    assert_eq!(
        pay.new.as_deref(),
        Some("190,000.00 USD (salary, semimonthly)")
    );
    assert!(pay.sensitive);
    let end = row(Entity::Person, "end_date");
    assert_eq!(
        (end.kind, end.old.as_deref(), end.new.as_deref()),
        (ChangeKind::Other, None, Some("2026-12-31"))
    );
    assert!(!end.sensitive);
    let phones = row(Entity::Person, "phones");
    assert_eq!(phones.new.as_deref(), Some("+1 212 555 0199 (mobile)"));
    assert!(phones.sensitive);
    let address = row(Entity::Person, "home_address");
    assert_eq!(address.new.as_deref(), Some("2 Side St, Queens"));
    assert!(address.sensitive);
    for sensitive in ["personal_email", "birthdate", "gender", "ethnicity"] {
        assert!(row(Entity::Person, sensitive).sensitive, "{sensitive}");
    }
    assert!(!row(Entity::Person, "work_email").sensitive);
    assert!(plan.history.iter().all(|r| r.person_name == "Ana Souza"));
    assert_eq!(plan.counts.updated, 1);
}

#[test]
fn titles_are_left_alone_when_titles_are_off() {
    let (plan, after, hired) = switched_off(|o| o.sync_titles = false);
    assert_eq!(seat(&after, "m1").title.as_deref(), Some("Engineer"));
    assert_eq!(seat(&hired, "m1").title, None);
    assert!(!fields_of(&plan).contains(&"title"));
}

#[test]
fn managers_are_left_alone_when_managers_are_off() {
    let (plan, after, hired) = switched_off(|o| o.sync_managers = false);
    assert_eq!(manager_of(&after, "m1").as_deref(), Some("m0"));
    assert!(!fields_of(&plan).contains(&"manager"));
    // New seats still hang under the org head, so nobody is outside the tree.
    assert_eq!(manager_of(&hired, "m1").as_deref(), Some("m0"));
    assert_eq!(seat(&hired, "m0").manager_job_id, None);
}

#[test]
fn departments_and_locations_are_left_alone_when_groups_are_off() {
    let (plan, after, hired) = switched_off(|o| o.sync_groups = false);
    let job = seat(&after, "m1");
    assert_eq!(job.department.as_deref(), Some("Engineering"));
    assert_eq!(job.location.as_deref(), Some("New York HQ"));
    assert_eq!(
        (
            seat(&hired, "m1").department.clone(),
            seat(&hired, "m1").location.clone()
        ),
        (None, None)
    );
    assert!(
        !fields_of(&plan)
            .iter()
            .any(|f| *f == "department" || *f == "location")
    );
}

#[test]
fn dates_are_left_alone_when_dates_are_off() {
    let (plan, after, hired) = switched_off(|o| o.sync_dates = false);
    let ana = person(&after, "m1");
    assert_eq!(
        (ana.start_date, ana.end_date),
        (Some(date(2021, 3, 1)), None)
    );
    assert_eq!(seat(&after, "m1").start_date, Some(date(2021, 3, 1)));
    let new = person(&hired, "m1");
    assert_eq!(
        (new.start_date, new.end_date, seat(&hired, "m1").start_date),
        (None, None, None)
    );
    assert!(!fields_of(&plan).iter().any(|f| f.ends_with("_date")));
}

#[test]
fn contact_info_is_left_alone_when_contact_is_off() {
    let (plan, after, hired) = switched_off(|o| o.sync_contact = false);
    let ana = person(&after, "m1");
    assert_eq!(ana.work_email.as_deref(), Some("ana@acme.test"));
    assert_eq!(ana.personal_email.as_deref(), Some("ana@home.test"));
    assert_eq!(ana.phones[0].number, "+1 212 555 0101");
    assert_eq!(
        ana.home_address.as_ref().and_then(|a| a.city.as_deref()),
        Some("Brooklyn")
    );
    let new = person(&hired, "m1");
    assert!(
        new.work_email.is_none()
            && new.personal_email.is_none()
            && new.phones.is_empty()
            && new.home_address.is_none()
    );
    for field in ["work_email", "personal_email", "phones", "home_address"] {
        assert!(!fields_of(&plan).contains(&field), "{field}");
    }
}

#[test]
fn the_work_email_matches_even_when_contact_is_off() {
    let mut org = synced(vec![ceo(), ana()]);
    person_mut(&mut org, "m1").justworks_id = None;
    let mut opts = options();
    opts.sync_contact = false;
    let (plan, after) = sync(&org, &roster(vec![ceo(), ana()]), &opts);
    assert_eq!(plan.counts.created, 0);
    assert_eq!(after.people.len(), 2);
}

#[test]
fn demographics_are_left_alone_when_demographics_are_off() {
    let (plan, after, hired) = switched_off(|o| o.sync_demographics = false);
    let ana = person(&after, "m1");
    assert_eq!(ana.birthdate, Some(date(1990, 7, 14)));
    assert_eq!(ana.gender.as_deref(), Some("Woman"));
    assert_eq!(ana.ethnicity.as_deref(), Some("Hispanic or Latino"));
    let new = person(&hired, "m1");
    assert!(new.birthdate.is_none() && new.gender.is_none() && new.ethnicity.is_none());
    for field in ["birthdate", "gender", "ethnicity"] {
        assert!(!fields_of(&plan).contains(&field), "{field}");
    }
}

#[test]
fn compensation_is_left_alone_when_compensation_is_off() {
    let (plan, after, hired) = switched_off(|o| o.sync_compensation = false);
    assert_eq!(
        seat(&after, "m1")
            .compensation
            .as_ref()
            .map(|c| c.amount_minor),
        Some(18_500_000)
    );
    assert_eq!(seat(&hired, "m1").compensation, None);
    assert!(!fields_of(&plan).contains(&"compensation"));
    assert!(kinds(&plan, ChangeKind::CompensationChange).is_empty());
}
