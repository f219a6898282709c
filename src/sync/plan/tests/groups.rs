//! What is synced, group by group; a group switched off is neither set nor changed;
//! empty never wipes; how history shows values.

use time::macros::date;

use super::support::*;
use crate::apps::justworks::MissingLocation;
use crate::justworks::roster::{EmploymentType, LocationType, PayBasis, PersonName, RosterMember};
use crate::org::model::{Address, Compensation, Org, Phone};
use crate::sync::change::{ChangeKind, Entity, Plan};
use crate::sync::options::SyncOptions;

/// Ana with every field known.
fn ana() -> RosterMember {
    RosterMember {
        work_id: Some("E1".to_owned()),
        name: PersonName {
            given: Some("Ana".to_owned()),
            family: Some("Souza".to_owned()),
            preferred: Some("Aninha".to_owned()),
            ..PersonName::default()
        },
        job_title: Some("Engineer".to_owned()),
        department: Some(reference("dep_1", Some("Engineering"))),
        office: Some(reference("off_1", Some("New York HQ"))),
        start_date: Some(date!(2021 - 03 - 01)),
        emails: vec![work_email("ana@acme.test"), personal_email("ana@home.test")],
        phones: vec![phone("+1 212 555 0101")],
        addresses: vec![home("1 Main St", "Brooklyn")],
        date_of_birth: Some(date!(1990 - 07 - 14)),
        gender: Some("Woman".to_owned()),
        eeo1_race: Some("Hispanic or Latino".to_owned()),
        pay: Some(salary(18_500_000, "USD")),
        pay_frequency: Some("semimonthly".to_owned()),
        ..report("m1", "Ana", "m0")
    }
}

/// Ana with every field different, reporting to Bo.
fn ana_changed() -> RosterMember {
    RosterMember {
        job_title: Some("Staff Engineer".to_owned()),
        department: Some(reference("dep_2", Some("Sales"))),
        office: None,
        location_type: Some(LocationType::Remote),
        manager_id: Some("m2".to_owned()),
        start_date: Some(date!(2021 - 04 - 01)),
        termination_date: Some(date!(2026 - 12 - 31)),
        emails: vec![
            work_email("souza@acme.test"),
            personal_email("souza@home.test"),
        ],
        phones: vec![phone("+1 212 555 0199")],
        addresses: vec![home("2 Side St", "Queens")],
        date_of_birth: Some(date!(1990 - 07 - 15)),
        gender: Some("Non-binary".to_owned()),
        eeo1_race: Some("Two or More Races".to_owned()),
        pay: Some(salary(19_000_000, "USD")),
        ..ana()
    }
}

fn bo() -> RosterMember {
    report("m2", "Bo", "m0")
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
    assert_eq!(ana.start_date, Some(date!(2021 - 04 - 01)));
    assert_eq!(ana.end_date, Some(date!(2026 - 12 - 31)));
    assert_eq!(job.start_date, Some(date!(2021 - 04 - 01)));
    assert_eq!(ana.work_email.as_deref(), Some("souza@acme.test"));
    assert_eq!(ana.personal_email.as_deref(), Some("souza@home.test"));
    assert_eq!(ana.phones[0].number, "+1 212 555 0199");
    assert_eq!(
        ana.home_address.as_ref().and_then(|a| a.line1.as_deref()),
        Some("2 Side St")
    );
    assert_eq!(ana.birthdate, Some(date!(1990 - 07 - 15)));
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
        (Some(date!(2021 - 03 - 01)), None)
    );
    assert_eq!(seat(&after, "m1").start_date, Some(date!(2021 - 03 - 01)));
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
    assert_eq!(ana.birthdate, Some(date!(1990 - 07 - 14)));
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

#[test]
fn an_empty_source_value_never_wipes() {
    let org = synced(vec![ceo(), ana()]);
    let blank = RosterMember {
        work_id: None,
        name: PersonName {
            given: Some("Ana".to_owned()),
            family: Some("Souza".to_owned()),
            preferred: Some("   ".to_owned()),
            ..PersonName::default()
        },
        employment_type: None,
        location_type: None,
        job_title: Some(String::new()),
        department: None,
        office: None,
        start_date: None,
        emails: Vec::new(),
        phones: Vec::new(),
        addresses: Vec::new(),
        date_of_birth: None,
        gender: None,
        eeo1_race: None,
        pay: None,
        pay_frequency: None,
        ..ana()
    };
    let (plan, after) = sync(&org, &roster(vec![ceo(), blank]), &options());
    assert!(plan.is_empty(), "{:#?}", plan.history);
    assert_eq!(plan.counts.unchanged, 2);
    assert_eq!(person(&after, "m1"), person(&org, "m1"));
    assert_eq!(seat(&after, "m1"), seat(&org, "m1"));
}

#[test]
fn a_pay_without_a_frequency_keeps_the_stored_frequency() {
    let org = synced(vec![ceo(), ana()]);
    let raise = RosterMember {
        pay: Some(crate::justworks::roster::RosterPay {
            basis: None,
            ..salary(20_000_000, "USD")
        }),
        pay_frequency: None,
        ..ana()
    };
    let (_, after) = sync(&org, &roster(vec![ceo(), raise]), &options());
    assert_eq!(
        seat(&after, "m1").compensation,
        Some(Compensation {
            amount_minor: 20_000_000,
            currency: "USD".to_owned(),
            basis: Some("salary".to_owned()),
            frequency: Some("semimonthly".to_owned()),
        })
    );
}

fn remote(office: Option<&str>) -> RosterMember {
    RosterMember {
        location_type: Some(LocationType::Remote),
        office: office.map(|id| reference(id, None)),
        ..report("m1", "Ana", "m0")
    }
}

#[test]
fn remote_without_office_is_remote() {
    let (_, after) = sync(
        &Org::default(),
        &roster(vec![ceo(), remote(None)]),
        &options(),
    );
    assert_eq!(seat(&after, "m1").location.as_deref(), Some("Remote"));
    // An office, found by id alone, wins over remote.
    let (_, after) = sync(
        &Org::default(),
        &roster(vec![ceo(), remote(Some("off_1"))]),
        &options(),
    );
    assert_eq!(seat(&after, "m1").location.as_deref(), Some("New York HQ"));
}

#[test]
fn remote_without_office_is_left_blank_with_the_blank_option() {
    let mut opts = options();
    opts.missing_location = MissingLocation::Blank;
    let (_, after) = sync(&Org::default(), &roster(vec![ceo(), remote(None)]), &opts);
    assert_eq!(seat(&after, "m1").location, None);
}

#[test]
fn a_move_to_remote_is_a_change_of_location() {
    // (the missing location option, the location after the move)
    let cases = [
        (MissingLocation::Remote, Some("Remote")),
        (MissingLocation::Blank, None),
    ];
    for (option, moved_to) in cases {
        let mut opts = options();
        opts.missing_location = option;
        let org = sync(&Org::default(), &roster(vec![ceo(), ana()]), &opts).1;
        assert_eq!(seat(&org, "m1").location.as_deref(), Some("New York HQ"));
        let moved = RosterMember {
            location_type: Some(LocationType::Remote),
            office: None,
            ..ana()
        };
        let (plan, after) = sync(&org, &roster(vec![ceo(), moved]), &opts);
        assert_eq!(
            seat(&after, "m1").location.as_deref(),
            moved_to,
            "{option:?}"
        );
        let location = rows(&plan, "location");
        assert_eq!(location.len(), 1, "{option:?}");
        assert_eq!(location[0].kind, ChangeKind::GroupChange);
        assert_eq!(location[0].old.as_deref(), Some("New York HQ"));
        assert_eq!(location[0].new.as_deref(), moved_to);
    }
    // An office absent while not remote is unknown: the stored one stays.
    let org = synced(vec![ceo(), ana()]);
    let unknown = RosterMember {
        location_type: None,
        office: None,
        ..ana()
    };
    let (plan, _) = sync(&org, &roster(vec![ceo(), unknown]), &options());
    assert!(plan.is_empty(), "{:#?}", plan.history);
}

#[test]
fn departments_named_only_by_id_are_looked_up_in_the_company() {
    let by_id = RosterMember {
        department: Some(reference("dep_2", None)),
        ..report("m1", "Ana", "m0")
    };
    let (_, after) = sync(&Org::default(), &roster(vec![ceo(), by_id]), &options());
    assert_eq!(seat(&after, "m1").department.as_deref(), Some("Sales"));
}

#[test]
fn employment_types_map_to_full_time_or_contractor() {
    let cases = [
        (EmploymentType::Employee, "Full-time"),
        (EmploymentType::InternationalEmployee, "Full-time"),
        (EmploymentType::EmployeeEor, "Full-time"),
        (EmploymentType::Contractor, "Contractor"),
        (EmploymentType::Other("Intern".to_owned()), "Intern"),
    ];
    for (kind, expected) in cases {
        let m = RosterMember {
            employment_type: Some(kind),
            ..report("m1", "Ana", "m0")
        };
        let (_, after) = sync(&Org::default(), &roster(vec![ceo(), m]), &options());
        assert_eq!(
            person(&after, "m1").employment_type.as_deref(),
            Some(expected)
        );
    }
}

#[test]
fn money_shows_the_currency_s_minor_digits() {
    let cases = [
        (
            18_500_000,
            "USD",
            Some(PayBasis::Salary),
            Some("semimonthly"),
            "185,000.00 USD (salary, semimonthly)",
        ),
        (
            4_500,
            "USD",
            Some(PayBasis::Hourly),
            None,
            "45.00 USD (hourly)",
        ),
        (5_000_000, "JPY", None, None, "5,000,000 JPY"),
        (
            1_234_567,
            "KWD",
            None,
            Some("monthly"),
            "1,234.567 KWD (monthly)",
        ),
        (
            5,
            "EUR",
            Some(PayBasis::Other("stipend".to_owned())),
            None,
            "0.05 EUR (stipend)",
        ),
    ];
    let unpaid = synced(vec![ceo(), report("m1", "Ana", "m0")]);
    for (amount, currency, basis, frequency, shown) in cases {
        let m = RosterMember {
            pay: Some(crate::justworks::roster::RosterPay {
                basis,
                ..salary(amount, currency)
            }),
            pay_frequency: frequency.map(str::to_owned),
            ..report("m1", "Ana", "m0")
        };
        let (plan, _) = sync(&unpaid, &roster(vec![ceo(), m]), &options());
        let pay = rows(&plan, "compensation");
        assert_eq!(
            (pay[0].old.as_deref(), pay[0].new.as_deref()),
            (None, Some(shown))
        );
    }
}

#[test]
fn phones_and_addresses_are_stored_as_the_model_has_them() {
    let (_, after) = sync(&Org::default(), &roster(vec![ceo(), ana()]), &options());
    let ana = person(&after, "m1");
    assert_eq!(
        ana.phones,
        vec![Phone {
            number: "+1 212 555 0101".to_owned(),
            kind: Some("mobile".to_owned())
        }]
    );
    assert_eq!(
        ana.home_address,
        Some(Address {
            line1: Some("1 Main St".to_owned()),
            city: Some("Brooklyn".to_owned()),
            ..Address::default()
        })
    );
    assert_eq!(ana.preferred_name.as_deref(), Some("Aninha"));
    assert_eq!(ana.work_id.as_deref(), Some("E1"));
}

#[test]
fn a_new_hire_gets_every_value_and_later_warnings_still_name_them() {
    // The plan moves a member's values into their new rows; names, ids and managers stay
    // with the member, since the tree's warnings (made after seating) read them.
    let ana = RosterMember {
        manager_id: Some("m2".to_owned()),
        ..ana()
    };
    let bo_gone = RosterMember {
        active: false,
        ..bo()
    };
    let (plan, after) = sync(
        &Org::default(),
        &roster(vec![ceo(), bo_gone, ana]),
        &options(),
    );
    let person = person(&after, "m1");
    assert_eq!(
        (
            person.name.as_str(),
            person.given_name.as_deref(),
            person.family_name.as_deref(),
        ),
        ("Ana Souza", Some("Ana"), Some("Souza"))
    );
    assert_eq!(person.work_email.as_deref(), Some("ana@acme.test"));
    assert_eq!(person.personal_email.as_deref(), Some("ana@home.test"));
    assert_eq!(person.phones[0].kind.as_deref(), Some("mobile"));
    assert_eq!(
        person.home_address.as_ref().and_then(|a| a.city.as_deref()),
        Some("Brooklyn")
    );
    assert_eq!(person.gender.as_deref(), Some("Woman"));
    assert_eq!(person.ethnicity.as_deref(), Some("Hispanic or Latino"));
    let job = seat(&after, "m1");
    assert_eq!(
        (
            job.title.as_deref(),
            job.department.as_deref(),
            job.location.as_deref(),
        ),
        (Some("Engineer"), Some("Engineering"), Some("New York HQ"))
    );
    assert_eq!(
        job.compensation,
        Some(Compensation {
            amount_minor: 18_500_000,
            currency: "USD".to_owned(),
            basis: Some("salary".to_owned()),
            frequency: Some("semimonthly".to_owned()),
        })
    );
    assert!(
        warned(
            &plan,
            "Ana Souza (m1) now reports to the org head Grace Hopper (m0): their manager \
             Bo Report (m2) has left"
        ),
        "{:?}",
        plan.warnings
    );
}
