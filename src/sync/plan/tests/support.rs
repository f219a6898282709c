//! A small company to plan against, and ways to ask what a plan did. Every `sync` also
//! checks the core property: planning again on the result changes nothing.

use std::sync::atomic::{AtomicU64, Ordering};

use jiff::civil::Date;
use jiff::civil::date;

use crate::org::change::{ChangeKind, FieldChange, Plan, PlanError};
use crate::org::model::{Job, JobStatus, Org, Person, PersonStatus, Source};
use crate::org::roster::{
    AddressKind, EmailKind, EmploymentType, LocationType, PayBasis, PersonName, Roster,
    RosterAddress, RosterCompany, RosterEmail, RosterMember, RosterOffice, RosterPay, RosterPhone,
    RosterRef,
};
use crate::sync::options::SyncOptions;
use crate::sync::plan::{PlanInput, plan};

pub(super) const TODAY: Date = date(2026, 6, 15);

/// Ids unique across every test, so that several syncs into one org never collide.
pub(super) fn next_id() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    format!("id-{}", NEXT.fetch_add(1, Ordering::Relaxed))
}

/// An active employee at the office with a work email, nothing else known.
pub(super) fn member(id: &str, given: &str, family: &str) -> RosterMember {
    RosterMember {
        id: id.to_owned(),
        work_id: None,
        active: true,
        name: PersonName {
            given: Some(given.to_owned()),
            family: Some(family.to_owned()),
            ..PersonName::default()
        },
        employment_type: Some(EmploymentType::Employee),
        location_type: Some(LocationType::Office),
        job_title: None,
        department: None,
        office: None,
        manager_id: None,
        start_date: None,
        termination_date: None,
        emails: vec![work_email(&format!("{}@acme.test", given.to_lowercase()))],
        phones: Vec::new(),
        addresses: Vec::new(),
        date_of_birth: None,
        sex_assigned_at_birth: None,
        gender: None,
        eeo1_race: None,
        pay: None,
        pay_frequency: None,
        updated_at: None,
    }
}

/// The org head of every test company.
pub(super) fn ceo() -> RosterMember {
    member("m0", "Grace", "Hopper")
}

/// A member reporting to `manager`.
pub(super) fn report(id: &str, given: &str, manager: &str) -> RosterMember {
    RosterMember {
        manager_id: Some(manager.to_owned()),
        ..member(id, given, "Report")
    }
}

pub(super) fn work_email(address: &str) -> RosterEmail {
    RosterEmail {
        address: address.to_owned(),
        kind: Some(EmailKind::Work),
        primary: true,
    }
}

pub(super) fn personal_email(address: &str) -> RosterEmail {
    RosterEmail {
        address: address.to_owned(),
        kind: Some(EmailKind::Personal),
        primary: true,
    }
}

pub(super) fn phone(number: &str) -> RosterPhone {
    RosterPhone {
        number: number.to_owned(),
        kind: Some("mobile".to_owned()),
    }
}

pub(super) fn home(line1: &str, city: &str) -> RosterAddress {
    RosterAddress {
        kind: Some(AddressKind::Home),
        line1: Some(line1.to_owned()),
        city: Some(city.to_owned()),
        ..RosterAddress::default()
    }
}

pub(super) fn salary(amount_minor: i64, currency: &str) -> RosterPay {
    RosterPay {
        amount_minor,
        currency: currency.to_owned(),
        basis: Some(PayBasis::Salary),
        effective_date: None,
    }
}

pub(super) fn reference(id: &str, name: Option<&str>) -> RosterRef {
    RosterRef {
        id: id.to_owned(),
        name: name.map(str::to_owned),
    }
}

/// Acme, with two departments and one office.
pub(super) fn roster(members: Vec<RosterMember>) -> Roster {
    Roster {
        company: RosterCompany {
            id: "cmp_1".to_owned(),
            name: "Acme Corp".to_owned(),
            departments: vec![
                reference("dep_1", Some("Engineering")),
                reference("dep_2", Some("Sales")),
            ],
            offices: vec![RosterOffice {
                id: "off_1".to_owned(),
                name: Some("New York HQ".to_owned()),
                address: None,
            }],
        },
        members,
        warnings: Vec::new(),
    }
}

/// Every group on, Grace Hopper at the top.
pub(super) fn options() -> SyncOptions {
    SyncOptions::with_org_head("Grace Hopper")
}

/// Plans with a copy of the roster (the plan takes the one it is given).
pub(super) fn try_plan(
    org: &Org,
    roster: &Roster,
    options: &SyncOptions,
) -> Result<Plan, PlanError> {
    try_plan_taking(org, roster.clone(), options)
}

pub(super) fn try_plan_taking(
    org: &Org,
    roster: Roster,
    options: &SyncOptions,
) -> Result<Plan, PlanError> {
    let input = PlanInput {
        org,
        roster,
        options,
        today: TODAY,
    };
    plan(input, &mut next_id)
}

/// Plans, applies, and checks that planning again changes nothing.
pub(super) fn sync(org: &Org, roster: &Roster, options: &SyncOptions) -> (Plan, Org) {
    sync_on(TODAY, org, roster, options)
}

/// `sync` on another day than [`TODAY`].
pub(super) fn sync_on(
    today: Date,
    org: &Org,
    roster: &Roster,
    options: &SyncOptions,
) -> (Plan, Org) {
    let plan_on = |org: &Org| {
        let input = PlanInput {
            org,
            roster: roster.clone(),
            options,
            today,
        };
        plan(input, &mut next_id)
    };
    let plan = plan_on(org).expect("the plan succeeds");
    let mut after = org.clone();
    plan.apply_to(&mut after);
    let again = plan_on(&after).expect("the plan succeeds again");
    assert!(
        again.is_empty() && again.history.is_empty(),
        "planning again changed something: {again:#?}"
    );
    (plan, after)
}

/// The org after a first sync of `members` with the default options.
pub(super) fn synced(members: Vec<RosterMember>) -> Org {
    sync(&Org::default(), &roster(members), &options()).1
}

pub(super) fn person<'o>(org: &'o Org, member_id: &str) -> &'o Person {
    let found: Vec<&Person> = org
        .people
        .iter()
        .filter(|p| p.source == Source::Justworks && p.justworks_id.as_deref() == Some(member_id))
        .collect();
    assert_eq!(found.len(), 1, "one person linked to {member_id}");
    found[0]
}

/// The one filled job from Justworks held by the member's person.
pub(super) fn seat<'o>(org: &'o Org, member_id: &str) -> &'o Job {
    let person = person(org, member_id);
    let seats: Vec<&Job> = held(org, &person.id)
        .into_iter()
        .filter(|j| j.status == JobStatus::Filled)
        .collect();
    assert_eq!(seats.len(), 1, "one seat for {member_id}");
    seats[0]
}

/// Jobs from Justworks that the person holds.
pub(super) fn held<'o>(org: &'o Org, person_id: &str) -> Vec<&'o Job> {
    org.jobs
        .iter()
        .filter(|j| j.source == Source::Justworks && j.person_id.as_deref() == Some(person_id))
        .collect()
}

pub(super) fn job<'o>(org: &'o Org, job_id: &str) -> &'o Job {
    org.jobs
        .iter()
        .find(|j| j.id == job_id)
        .expect("the job exists")
}

/// The member id of whoever holds the job the member's seat reports to.
pub(super) fn manager_of(org: &Org, member_id: &str) -> Option<String> {
    let manager = job(org, seat(org, member_id).manager_job_id.as_deref()?);
    let holder = manager.person_id.as_deref()?;
    let person = org.people.iter().find(|p| p.id == holder)?;
    person.justworks_id.clone()
}

pub(super) fn rows<'p>(plan: &'p Plan, field: &str) -> Vec<&'p FieldChange> {
    plan.history.iter().filter(|r| r.field == field).collect()
}

pub(super) fn kinds(plan: &Plan, kind: ChangeKind) -> Vec<&FieldChange> {
    plan.history.iter().filter(|r| r.kind == kind).collect()
}

pub(super) fn warned(plan: &Plan, needle: &str) -> bool {
    plan.warnings.iter().any(|w| w.contains(needle))
}

/// A person made by hand in orgsync.
pub(super) fn manual_person(id: &str, name: &str, work_email: Option<&str>) -> Person {
    Person {
        work_email: work_email.map(str::to_owned),
        ..Person::named(
            id.to_owned(),
            Source::Manual,
            PersonStatus::Active,
            name.to_owned(),
        )
    }
}

/// A job made by hand in orgsync.
pub(super) fn manual_job(id: &str, person_id: Option<&str>, manager_job_id: Option<&str>) -> Job {
    Job {
        id: id.to_owned(),
        source: Source::Manual,
        person_id: person_id.map(str::to_owned),
        status: if person_id.is_some() {
            JobStatus::Filled
        } else {
            JobStatus::Open
        },
        title: Some("Advisor".to_owned()),
        department: None,
        location: None,
        manager_job_id: manager_job_id.map(str::to_owned),
        compensation: None,
        start_date: None,
        end_date: None,
        hand: Default::default(),
    }
}

/// Mutable access to the person linked to a member, to set up a prior org.
pub(super) fn person_mut<'o>(org: &'o mut Org, member_id: &str) -> &'o mut Person {
    org.people
        .iter_mut()
        .find(|p| p.justworks_id.as_deref() == Some(member_id))
        .expect("the person exists")
}

/// Ana with every field known.
pub(super) fn ana() -> RosterMember {
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
        start_date: Some(date(2021, 3, 1)),
        emails: vec![work_email("ana@acme.test"), personal_email("ana@home.test")],
        phones: vec![phone("+1 212 555 0101")],
        addresses: vec![home("1 Main St", "Brooklyn")],
        date_of_birth: Some(date(1990, 7, 14)),
        gender: Some("Woman".to_owned()),
        eeo1_race: Some("Hispanic or Latino".to_owned()),
        pay: Some(salary(18_500_000, "USD")),
        pay_frequency: Some("semimonthly".to_owned()),
        ..report("m1", "Ana", "m0")
    }
}

pub(super) fn bo() -> RosterMember {
    report("m2", "Bo", "m0")
}
