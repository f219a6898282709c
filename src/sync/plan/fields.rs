//! What a sync copies from a member onto their person and their job, group by group
//! (docs/design.md advanced options). Two rules hold throughout: a group switched off, or
//! owned by orgsync, is neither set nor changed (pinned fields are put back afterwards,
//! in `pins`), and an absent or blank source value never wipes the stored
//! one. Only values that are present although empty clear anything: a move to remote
//! with no office (here), and the status transitions and a cancelled termination in
//! `draft.rs`.
//!
//! The plan owns the roster, so a member's own strings are moved into the rows rather
//! than copied: a first sync of 100 000 members would otherwise hold every value twice
//! at its peak (the roster and the plan). A member is seated once, and afterwards only
//! its id, names, manager and dates are read (for the tree and warnings): those are
//! copied, never moved.

use std::collections::HashMap;

use jiff::civil::Date;

use super::names::{full_name, member_name, text};
use super::row::Row;
use crate::org::fields::Group;
use crate::org::model::{
    Address, Compensation, Job, JobStatus, Person, PersonStatus, Phone, Source,
};
use crate::org::roster::{
    EmploymentType, LocationType, PayBasis, RosterAddress, RosterCompany, RosterMember, RosterRef,
};
use crate::sync::options::SyncOptions;
use crate::sync::options::{Departures, MissingLocation};

/// Department and office names by id, for references that carry only an id.
pub(super) struct Lookups<'a> {
    departments: HashMap<&'a str, &'a str>,
    offices: HashMap<&'a str, &'a str>,
}

impl<'a> Lookups<'a> {
    pub(super) fn new(company: &'a RosterCompany) -> Self {
        let named = |id: &'a str, name: &'a Option<String>| {
            name.as_deref()
                .filter(|n| !n.trim().is_empty())
                .map(|n| (id, n))
        };
        Self {
            departments: company
                .departments
                .iter()
                .filter_map(|d| named(&d.id, &d.name))
                .collect(),
            offices: company
                .offices
                .iter()
                .filter_map(|o| named(&o.id, &o.name))
                .collect(),
        }
    }

    /// The group's name: the member's own (moved), else the company's for its id (copied).
    fn name<'r>(
        reference: Option<&'r mut RosterRef>,
        by_id: &HashMap<&str, &'r str>,
    ) -> Option<Value<'r>> {
        let RosterRef { id, name } = reference?;
        Value::own(name.as_mut()).or_else(|| by_id.get(id.as_str()).map(|n| Value::Shared(n)))
    }
}

/// A source text about to be stored.
enum Value<'m> {
    /// The member's own string: moved into the row.
    Own(&'m mut String),
    /// Shared with others (a group's name from the company, a name warnings still need,
    /// a word of ours, the stored value): copied.
    Shared(&'m str),
}

impl<'m> Value<'m> {
    /// The member's own text, if it has some (blank is absent).
    fn own(source: Option<&'m mut String>) -> Option<Self> {
        source.filter(|s| !s.trim().is_empty()).map(Self::Own)
    }

    fn shared(source: Option<&'m str>) -> Option<Self> {
        text(source).map(Self::Shared)
    }

    fn as_str(&self) -> &str {
        match self {
            Self::Own(s) => s,
            Self::Shared(s) => s,
        }
    }

    /// The string to store. The member's own is taken, leaving it empty: blank, which
    /// the plan reads as absent.
    fn into_string(self) -> String {
        match self {
            Self::Own(s) => std::mem::take(s),
            Self::Shared(s) => s.to_owned(),
        }
    }
}

/// The member's own text moved out, if it has some (blank is absent).
fn take_text(source: &mut Option<String>) -> Option<String> {
    source.take().filter(|s| !s.trim().is_empty())
}

/// Sets an `Option<String>` field from a source text (a `Value`) when the source has one
/// that differs; the row is copied out of the org, and the value taken, only then.
macro_rules! keep_text {
    ($row:ident . $field:ident, $value:expr) => {
        if let Some(value) = $value
            && $row.$field.as_deref() != Some(value.as_str())
        {
            $row.to_mut().$field = Some(value.into_string());
        }
    };
}

/// Sets an `Option<T>` field from a source value when the source has one that differs.
macro_rules! keep_value {
    ($row:ident . $field:ident, $value:expr) => {
        if let Some(value) = $value
            && $row.$field.as_ref() != Some(&value)
        {
            $row.to_mut().$field = Some(value);
        }
    };
}

/// A new person for a member: linked, named, everything else as the groups sync it.
pub(super) fn new_person(
    id: String,
    member: &mut RosterMember,
    status: PersonStatus,
    options: &SyncOptions,
) -> Person {
    let mut person = Row::new(Person::named(
        id,
        Source::Justworks,
        status,
        member_name(member),
    ));
    sync_person(&mut person, member, options);
    person.into_owned()
}

/// A new filled seat for a person, with the member's job fields.
pub(super) fn new_job(
    id: String,
    person_id: &str,
    member: &mut RosterMember,
    options: &SyncOptions,
    lookups: &Lookups<'_>,
) -> Job {
    let mut job = Row::new(Job {
        id,
        source: Source::Justworks,
        person_id: Some(person_id.to_owned()),
        status: JobStatus::Filled,
        title: None,
        department: None,
        location: None,
        manager_job_id: None,
        compensation: None,
        start_date: None,
        end_date: None,
        hand: Default::default(),
    });
    sync_job(&mut job, member, options, lookups);
    job.into_owned()
}

/// The person's fields from the member: names, work id, employment type and the link
/// always; the rest per group.
pub(super) fn sync_person(
    person: &mut Row<'_, Person>,
    member: &mut RosterMember,
    options: &SyncOptions,
) {
    keep_text!(person.justworks_id, Some(Value::Shared(&member.id)));
    // Synced again, after a time skipped (`frozen.rs`).
    if person.sync_stopped.is_some() {
        person.to_mut().sync_stopped = None;
    }
    if let Some(name) = full_name(member)
        && person.name != name
    {
        person.to_mut().name = name;
    }
    // Copied: warnings name the member by them until the plan ends.
    let name = &member.name;
    keep_text!(person.given_name, Value::shared(name.given.as_deref()));
    keep_text!(person.family_name, Value::shared(name.family.as_deref()));
    keep_text!(
        person.preferred_name,
        Value::shared(name.preferred.as_deref())
    );
    keep_text!(person.work_id, Value::own(member.work_id.as_mut()));
    keep_text!(
        person.employment_type,
        Value::shared(member.employment_type.as_ref().and_then(employment_type))
    );
    if options.writes(Group::Contact) {
        keep_text!(person.work_email, Value::own(member.work_email_mut()));
        keep_text!(
            person.personal_email,
            Value::own(member.personal_email_mut())
        );
        sync_phones(person, member);
        if let Some(home) = member.home_address_mut()
            && !person
                .home_address
                .as_ref()
                .is_some_and(|a| same_address(a, home))
            && let Some(home) = address(home)
        {
            person.to_mut().home_address = Some(home);
        }
    }
    if options.writes(Group::Demographics) {
        keep_value!(person.birthdate, member.date_of_birth);
        keep_text!(person.gender, Value::own(member.gender.as_mut()));
        keep_text!(person.ethnicity, Value::own(member.eeo1_race.as_mut()));
    }
    if options.writes(Group::Dates) {
        keep_value!(person.start_date, member.start_date);
        // Past (a departure) or future (scheduled): either way the person's end date.
        keep_value!(person.end_date, member.termination_date);
    }
}

/// The seat's fields from the member, per group. The manager is set by `managers.rs`.
pub(super) fn sync_job(
    job: &mut Row<'_, Job>,
    member: &mut RosterMember,
    options: &SyncOptions,
    lookups: &Lookups<'_>,
) {
    if options.writes(Group::Titles) {
        keep_text!(job.title, Value::own(member.job_title.as_mut()));
    }
    if options.writes(Group::Groups) {
        keep_text!(
            job.department,
            Lookups::name(member.department.as_mut(), &lookups.departments)
        );
        let office = Lookups::name(member.office.as_mut(), &lookups.offices);
        let remote = member.location_type == Some(LocationType::Remote);
        match (office, remote, options.missing_location) {
            (Some(office), _, _) => keep_text!(job.location, Some(office)),
            // A move to remote is a change, not an absent office: "Remote", or blank.
            (None, true, MissingLocation::Remote) => {
                keep_text!(job.location, Some(Value::Shared("Remote")));
            }
            (None, true, MissingLocation::Blank) => {
                if job.location.is_some() {
                    job.to_mut().location = None;
                }
            }
            (None, false, _) => {}
        }
    }
    if options.writes(Group::Compensation) {
        sync_compensation(job, member);
    }
    if options.writes(Group::Dates) {
        keep_value!(job.start_date, member.start_date);
    }
}

/// A person leaves their seat: open to be backfilled, or closed (*departures only*).
pub(super) fn vacate(job: &mut Row<'_, Job>, end: Option<Date>, options: &SyncOptions) {
    let job = job.to_mut();
    job.status = match options.departures {
        Departures::Backfill => JobStatus::Open,
        Departures::DeparturesOnly => JobStatus::Closed,
    };
    job.person_id = None;
    if options.writes(Group::Dates)
        && let Some(end) = end
    {
        job.end_date = Some(end);
    }
}

fn employment_type(kind: &EmploymentType) -> Option<&str> {
    match kind {
        EmploymentType::Employee
        | EmploymentType::InternationalEmployee
        | EmploymentType::EmployeeEor => Some("Full-time"),
        EmploymentType::Contractor => Some("Contractor"),
        EmploymentType::Other(other) => text(Some(other)),
    }
}

/// Phones are replaced as a list (the member's, moved), when the source lists any.
fn sync_phones(person: &mut Row<'_, Person>, member: &mut RosterMember) {
    let source = || member.phones.iter().filter(|p| !p.number.trim().is_empty());
    if source().next().is_none() {
        return;
    }
    let same = person.phones.len() == source().count()
        && person.phones.iter().zip(source()).all(|(stored, p)| {
            stored.number == p.number && stored.kind.as_deref() == text(p.kind.as_deref())
        });
    if !same {
        person.to_mut().phones = std::mem::take(&mut member.phones)
            .into_iter()
            .filter(|p| !p.number.trim().is_empty())
            .map(|mut p| Phone {
                kind: take_text(&mut p.kind),
                number: p.number,
            })
            .collect();
    }
}

/// An address is replaced as a whole (a move), when the source has one; its parts are
/// taken from the member.
fn address(a: &mut RosterAddress) -> Option<Address> {
    let address = Address {
        line1: take_text(&mut a.line1),
        line2: take_text(&mut a.line2),
        city: take_text(&mut a.city),
        state: take_text(&mut a.state),
        postal_code: take_text(&mut a.postal_code),
        country: take_text(&mut a.country),
    };
    (address != Address::default()).then_some(address)
}

fn same_address(stored: &Address, a: &RosterAddress) -> bool {
    let same = |s: &Option<String>, p: &Option<String>| s.as_deref() == text(p.as_deref());
    same(&stored.line1, &a.line1)
        && same(&stored.line2, &a.line2)
        && same(&stored.city, &a.city)
        && same(&stored.state, &a.state)
        && same(&stored.postal_code, &a.postal_code)
        && same(&stored.country, &a.country)
}

/// The pay from the source; a part the source leaves out (basis, frequency) keeps its
/// stored value.
fn sync_compensation(job: &mut Row<'_, Job>, member: &mut RosterMember) {
    let stored = job.compensation.as_ref();
    let (amount_minor, currency, basis) = match (member.pay.as_mut(), stored) {
        (Some(pay), _) => (
            pay.amount_minor,
            Value::Own(&mut pay.currency),
            pay.basis.as_ref().and_then(pay_basis),
        ),
        (None, Some(stored)) => (stored.amount_minor, Value::Shared(&stored.currency), None),
        (None, None) => return,
    };
    let basis = basis.or_else(|| stored.and_then(|s| s.basis.as_deref()));
    let frequency = Value::own(member.pay_frequency.as_mut()).or_else(|| {
        stored
            .and_then(|s| s.frequency.as_deref())
            .map(Value::Shared)
    });
    let same = stored.is_some_and(|s| {
        s.amount_minor == amount_minor
            && s.currency == currency.as_str()
            && s.basis.as_deref() == basis
            && s.frequency.as_deref() == frequency.as_ref().map(Value::as_str)
    });
    if !same {
        let pay = Compensation {
            amount_minor,
            currency: currency.into_string(),
            basis: basis.map(str::to_owned),
            frequency: frequency.map(Value::into_string),
        };
        job.to_mut().compensation = Some(pay);
    }
}

fn pay_basis(basis: &PayBasis) -> Option<&str> {
    match basis {
        PayBasis::Salary => Some("salary"),
        PayBasis::Hourly => Some("hourly"),
        PayBasis::Other(other) => text(Some(other)),
    }
}
