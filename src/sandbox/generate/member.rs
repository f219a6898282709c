//! One generated member: from a slot of the org (role, dates) to the roster entry the
//! sandbox serves — name, emails, where they work, job, pay and when the record last
//! changed.

use std::collections::HashMap;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

use super::{Slot, days_between};
use crate::sandbox::catalog::{COUNTRIES, City, DEPARTMENTS, PERSONAL_EMAIL_DOMAINS, US};
use crate::sandbox::company::{Company, is_abroad};
use crate::sandbox::people::{Person, Sex, home_address, phone};
use crate::sandbox::rng::Rng;
use crate::sandbox::roster::{StoredMember, rfc3339};
use crate::sandbox::tree::Role;
use crate::sandbox::wire::{self, Email, ManagerRef, Pay, Reference};

/// What every member's generation reads.
pub(super) struct Context<'a> {
    pub(super) company: &'a Company,
    pub(super) ids: &'a [String],
    pub(super) history_end: Date,
    pub(super) today: Date,
    pub(super) members: usize,
}

/// Where someone works: an office (index into the company's), or remote in a country.
enum Place {
    Office(usize),
    Remote { country: usize },
}

/// Member `i` of the roster, for its slot: name, emails, place, job, pay and dates.
pub(super) fn member(
    cx: &Context,
    i: usize,
    slot: &Slot,
    work_id: Option<u32>,
    taken_emails: &mut HashMap<String, u32>,
    rng: &mut Rng,
) -> StoredMember {
    let company = cx.company;
    let role = slot.seat.role;
    let place = place(cx, slot, rng);
    let (country, city) = match place {
        Place::Office(o) => {
            let office = &company.offices[o];
            let country = office.country();
            // Most live in the office's city, the others within commuting distance.
            let nearby: Vec<&City> = country
                .cities
                .iter()
                .filter(|c| !c.state.is_empty() && c.state == office.city().state)
                .collect();
            let city = if nearby.is_empty() || rng.chance(0.8) {
                office.city()
            } else {
                rng.choose(&nearby)
            };
            (country, city)
        }
        Place::Remote { country } => {
            let country = &COUNTRIES[country];
            (country, rng.pick(country.cities))
        }
    };
    let person = Person::generate(rng, country.code, role == Role::Ceo);
    let emails = emails(&person, &company.domain, taken_emails, rng);
    let mut phones = Vec::new();
    if rng.chance(0.92) {
        phones.push(phone(rng, city, "mobile"));
    }
    if rng.chance(0.12) {
        phones.push(phone(rng, city, "home"));
    }
    let addresses = if rng.chance(0.95) {
        vec![home_address(rng, country, city)]
    } else {
        Vec::new()
    };

    let kind = match (&place, slot.contractor) {
        (_, true) => "contractor",
        (Place::Remote { country }, _) if *country != US => "employee_eor",
        (Place::Office(o), _) if is_abroad(&company.offices[*o]) => "international_employee",
        _ => "employee",
    };
    let (job_title, pay_basis, amount) = job(cx, slot, rng);
    let amount = (amount as f64 * country.pay_factor) as u64;
    let amount = match pay_basis {
        "hourly" => amount / 25 * 25,
        _ => amount / 50_000 * 50_000,
    };
    let frequency = match (slot.contractor, pay_basis, country.code) {
        (true, _, _) => "monthly",
        (_, "hourly", "US") => "biweekly",
        _ => country.pay_frequency,
    };
    // The last raise, never after a departure.
    let last_day = slot
        .termination
        .filter(|&end| end <= cx.history_end)
        .unwrap_or(cx.history_end);
    let pay_date = if days_between(slot.start, last_day) > 400 {
        last_day - rng.between(0, 365).days()
    } else {
        slot.start
    };
    let age_at_start = match role {
        Role::Ceo | Role::Head => rng.between(32, 52),
        Role::Director { .. } => rng.between(30, 55),
        Role::Manager => rng.between(26, 55),
        Role::Individual => rng.between(21, 58),
    };
    let birth = slot.start - (age_at_start * 365 + rng.between(0, 364)).days();
    let updated_at = updated_at(cx, slot, pay_date, rng);

    let department = company
        .departments
        .iter()
        .find(|d| d.kind == slot.seat.department)
        .expect("every seat's department is in the company");
    let record = wire::Member {
        id: &cx.ids[i],
        company_id: &company.id,
        active: slot.active,
        work_id: work_id.map(|n| format!("E{n}")),
        name: person.wire_name(),
        kind,
        employment_location_type: match place {
            Place::Office(_) => "office",
            Place::Remote { .. } => "remote",
        },
        job_title,
        department: Reference {
            id: &department.id,
            name: department.name(),
        },
        office: match place {
            Place::Office(o) => Some(Reference {
                id: &company.offices[o].id,
                name: &company.offices[o].name,
            }),
            Place::Remote { .. } => None,
        },
        manager: slot.seat.manager.map(|m| ManagerRef { id: &cx.ids[m] }),
        employment_start_date: slot.start.to_string(),
        employment_termination_date: slot.termination.map(|d| d.to_string()),
        emails,
        phones,
        addresses,
        date_of_birth: birth.to_string(),
        sex_assigned_at_birth: person.sex_recorded.then_some(match person.sex {
            Sex::Female => "female",
            Sex::Male => "male",
        }),
        gender: person.gender,
        eeo1_race: person.race,
        current_pay: Pay {
            amount,
            currency: country.currency,
            pay_basis,
            effective_date: pay_date.to_string(),
        },
        current_pay_frequency: frequency,
        updated_at: rfc3339(updated_at),
    };
    let json = serde_json::to_string(&record).expect("a member serialises");
    StoredMember::generated(
        &cx.ids[i],
        slot.active,
        slot.seat.manager.is_some(),
        updated_at,
        json,
    )
}

/// A unique work email on the company's domain ("wei.wang2@…" for the second Wei Wang)
/// and, for most people, a personal one.
fn emails(
    person: &Person,
    domain: &str,
    taken: &mut HashMap<String, u32>,
    rng: &mut Rng,
) -> Vec<Email> {
    let local = &person.email_local;
    let n = taken.entry(local.clone()).or_insert(0);
    *n += 1;
    let work = match *n {
        1 => format!("{local}@{domain}"),
        n => format!("{local}{n}@{domain}"),
    };
    let mut emails = vec![Email {
        address: work,
        kind: "work",
        primary: true,
    }];
    if rng.chance(0.85) {
        let compact = local.replace(['.', '-'], "");
        let number = rng.between(1, 99);
        emails.push(Email {
            address: format!("{compact}{number}@{}", rng.choose(PERSONAL_EMAIL_DOMAINS)),
            kind: "personal",
            primary: false,
        });
    }
    emails
}

fn place(cx: &Context, slot: &Slot, rng: &mut Rng) -> Place {
    let offices = &cx.company.offices;
    if slot.seat.role == Role::Ceo {
        return Place::Office(0);
    }
    if rng.chance(0.18) {
        // A few remote people live abroad and are employed through an employer of record.
        let country = if !slot.contractor && cx.members >= 100 && rng.chance(0.12) {
            1 + rng.below(COUNTRIES.len() - 1)
        } else {
            US
        };
        return Place::Remote { country };
    }
    let weights: Vec<u32> = offices
        .iter()
        .enumerate()
        .map(|(i, o)| match (i, is_abroad(o)) {
            (0, _) => 8,
            (_, false) => 4,
            (_, true) if slot.contractor => 0,
            (_, true) => 3,
        })
        .collect();
    Place::Office(rng.weighted(&weights))
}

/// Title, pay basis and pay in US cents (per year, or per hour when hourly).
fn job(cx: &Context, slot: &Slot, rng: &mut Rng) -> (String, &'static str, u64) {
    let department = &DEPARTMENTS[slot.seat.department];
    let salary = |rng: &mut Rng, lo: i64, hi: i64| {
        let dollars = rng.between(lo, hi) as f64 * department.pay_factor;
        ("salary", dollars as u64 * 100)
    };
    let (title, (basis, amount)) = match slot.seat.role {
        Role::Ceo => {
            let top = (150_000.0 + 30_000.0 * f64::from(cx.members.max(10).ilog2())).min(650_000.0);
            (department.head.1.to_string(), ("salary", top as u64 * 100))
        }
        Role::Head => {
            let title = if cx.members < 60 {
                department.head.0
            } else {
                department.head.1
            };
            (title.to_string(), salary(rng, 180_000, 260_000))
        }
        Role::Director { people } if people >= 1_000 => (
            format!("Senior {}", department.director),
            salary(rng, 210_000, 280_000),
        ),
        Role::Director { people } if people >= 60 => (
            department.director.to_string(),
            salary(rng, 170_000, 230_000),
        ),
        Role::Director { .. } => (
            format!("Senior {}", department.manager),
            salary(rng, 150_000, 200_000),
        ),
        Role::Manager => (
            department.manager.to_string(),
            salary(rng, 120_000, 170_000),
        ),
        Role::Individual => {
            let weights: Vec<u32> = department.ics.iter().map(|t| t.weight).collect();
            let ic = &department.ics[rng.weighted(&weights)];
            let (lo, hi) = (i64::from(ic.pay.0), i64::from(ic.pay.1));
            let pay = if slot.contractor && rng.chance(0.75) {
                ("hourly", rng.between(45, 150) as u64 * 100)
            } else if ic.hourly {
                ("hourly", rng.between(lo * 100, hi * 100) as u64)
            } else {
                ("salary", rng.between(lo, hi) as u64 * 100)
            };
            (ic.title.to_string(), pay)
        }
    };
    (title, basis, amount)
}

/// The last change to the member: a while after their last event, within history — or,
/// for a scheduled departure, the day it was scheduled.
fn updated_at(cx: &Context, slot: &Slot, pay_date: Date, rng: &mut Rng) -> Timestamp {
    let day = match slot.termination {
        Some(end) if end > cx.history_end => (cx.today - rng.between(1, 10).days()).max(slot.start),
        Some(end) => end.max(pay_date),
        None => (slot.start.max(pay_date) + rng.between(0, 20).days()).min(cx.history_end),
    };
    let seconds = rng.between(8 * 3600, 20 * 3600 - 1);
    let time = day.at(
        (seconds / 3600) as i8,
        (seconds / 60 % 60) as i8,
        (seconds % 60) as i8,
        0,
    );
    TimeZone::UTC
        .to_timestamp(time)
        .expect("a day in the sandbox's history is a valid instant")
}
