//! The generated company: from (seed, number of members) to the roster the sandbox
//! serves, always the same for the same pair.
//!
//! History (start dates, birthdates, past departures, pay changes, `updated_at`) ends at
//! a fixed date so that a restarted sandbox serves the very same data; only scheduled
//! departures are placed after `today`, since a date in the future cannot be fixed once
//! and for all.

use std::collections::{HashMap, HashSet};

use time::{Date, Duration, OffsetDateTime, Time};

use super::catalog::{COUNTRIES, City, DEPARTMENTS, PERSONAL_EMAIL_DOMAINS, US};
use super::company::{Company, GeneratedCredentials, credentials, is_abroad};
use super::people::{Person, Sex, home_address, phone};
use super::rng::Rng;
use super::roster::{StoredMember, rfc3339};
use super::tree::{self, Role, Seat};
use super::wire::{self, Email, ManagerRef, Pay, Reference};

const TREE_STREAM: u64 = 10;
const MEMBER_STREAM: u64 = 11;
const ID_STREAM: u64 = 12;

/// Generated history ends here (or today, if earlier). Move it when the data looks old.
const HISTORY_ENDS: Date = time::macros::date!(2026 - 10 - 01);

pub(crate) struct Generated {
    pub company: Company,
    pub credentials: GeneratedCredentials,
    /// Sorted by id, so managers and their reports come in no particular order.
    pub members: Vec<StoredMember>,
}

/// A seat of the org with the facts decided about its holder before the JSON is written.
struct Slot {
    seat: Seat,
    active: bool,
    contractor: bool,
    start: Date,
    termination: Option<Date>,
}

pub(crate) fn generate(seed: u64, members: usize, today: Date) -> Generated {
    let history_end = HISTORY_ENDS.min(today);
    let mut rng = Rng::derive(seed, TREE_STREAM, members as u64);
    let departed = if members >= 20 {
        (members as f64 * 0.05).round() as usize
    } else {
        0
    };
    let (seats, departments) = tree::build(members - departed, &mut rng);
    let company = Company::generate(seed, members, &departments);
    let credentials = credentials(seed, &company.domain);

    let founded = history_end - Duration::days(founding_age_days(members));
    let mut slots: Vec<Slot> = seats
        .into_iter()
        .map(|seat| Slot {
            active: true,
            contractor: false,
            start: founded,
            termination: None,
            seat,
        })
        .collect();
    add_departed(&mut slots, departed, &mut rng);
    let span = (history_end - founded).whole_days();
    for slot in slots.iter_mut().skip(1) {
        // Heads joined early; everyone else mostly recently, as in a growing company.
        // (Plain arithmetic only: `powf` may differ in the last bit between platforms.)
        let u = rng.unit();
        let recent = match slot.seat.role {
            Role::Head => u * u,
            _ => u * (2.0 - u),
        };
        let latest = if slot.active { span } else { span - 120 };
        slot.start =
            history_end - Duration::days((latest as f64 * (1.0 - recent)) as i64 + (span - latest));
        slot.contractor =
            slot.seat.role == Role::Individual && slot.seat.department != 0 && rng.chance(0.065);
        if !slot.active {
            let after = (history_end - slot.start).whole_days() - 30;
            slot.termination = Some(slot.start + Duration::days(30 + rng.between(0, after.max(0))));
        }
    }
    schedule_departures(&mut slots, today, &mut rng);

    let ids = member_ids(seed, slots.len());
    let work_ids = work_ids(&slots);
    let mut taken_emails = HashMap::new();
    let context = Context {
        company: &company,
        ids: &ids,
        history_end,
        today,
        members,
    };
    let mut out: Vec<(usize, StoredMember)> = Vec::with_capacity(slots.len());
    let mut ceo_name: Option<String> = None;
    for (i, slot) in slots.iter().enumerate() {
        // The CEO is slot 0. Nobody else may answer to the CEO's name, or *Name Org Head*
        // would be ambiguous (a real risk among 100 000 people): draw such a member again.
        let mut attempt = 0u64;
        let stored = loop {
            let stream = i as u64 + attempt * (slots.len() as u64 + 1);
            let mut rng = Rng::derive(seed, MEMBER_STREAM, stream);
            let stored = member(&context, i, slot, work_ids[i], &mut taken_emails, &mut rng);
            match &ceo_name {
                None => {
                    ceo_name = names_of(&stored).into_iter().next();
                    break stored;
                }
                Some(ceo) if attempt < 20 && names_of(&stored).contains(ceo) => attempt += 1,
                Some(_) => break stored,
            }
        };
        out.push((i, stored));
    }
    out.sort_by(|a, b| ids[a.0].cmp(&ids[b.0]));
    Generated {
        company,
        credentials,
        members: out.into_iter().map(|(_, m)| m).collect(),
    }
}

/// Every name a member answers to, as *Name Org Head* compares them (lower case,
/// whitespace collapsed): full name first, then preferred forms.
fn names_of(stored: &StoredMember) -> Vec<String> {
    let value = stored.to_value();
    let part = |key: &str| value["name"][key].as_str().unwrap_or("").trim().to_owned();
    let norm = |s: String| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    let (given, family) = (part("given_name"), part("family_name"));
    let mut names = vec![norm(format!("{given} {family}"))];
    for extra in [
        part("preferred_name"),
        part("full_preferred_name"),
        format!("{} {family}", part("preferred_name")),
    ] {
        let extra = norm(extra);
        if !extra.is_empty() && !names.contains(&extra) {
            names.push(extra);
        }
    }
    names
}

/// Older for bigger companies: a few years for a start-up, decades for 100 000 people.
fn founding_age_days(members: usize) -> i64 {
    let years = 2.0 + 1.3 * f64::from(members.max(2).ilog2());
    (years * 365.25) as i64
}

/// Former members: they held an individual seat and reported to a manager of their
/// department who is still there, so no active member ever reports to a departed one.
fn add_departed(slots: &mut Vec<Slot>, departed: usize, rng: &mut Rng) {
    let mut leaders: HashMap<usize, Vec<usize>> = HashMap::new();
    for (i, slot) in slots.iter().enumerate() {
        if !matches!(slot.seat.role, Role::Individual | Role::Ceo) {
            leaders.entry(slot.seat.department).or_default().push(i);
        }
    }
    let mut departments: Vec<usize> = leaders.keys().copied().collect();
    departments.sort_unstable();
    let weights: Vec<u32> = departments.iter().map(|&d| DEPARTMENTS[d].weight).collect();
    for _ in 0..departed {
        let (department, manager) = if departments.is_empty() {
            (1, 0)
        } else {
            let department = departments[rng.weighted(&weights)];
            (department, rng.choose(&leaders[&department]))
        };
        slots.push(Slot {
            seat: Seat {
                manager: Some(manager),
                department,
                role: Role::Individual,
            },
            active: false,
            contractor: false,
            start: HISTORY_ENDS,
            termination: None,
        });
    }
}

/// About one in two hundred active members (at least one in a company of twenty) has a
/// departure date already set in the coming months.
fn schedule_departures(slots: &mut [Slot], today: Date, rng: &mut Rng) {
    let active = slots.iter().filter(|s| s.active).count();
    if active < 20 {
        return;
    }
    let wanted = (active / 200).max(1);
    let mut chosen = HashSet::new();
    while chosen.len() < wanted {
        let i = 1 + rng.below(active - 1);
        if slots[i].seat.role == Role::Individual && chosen.insert(i) {
            slots[i].termination = Some(today + Duration::days(rng.between(7, 120)));
        }
    }
}

fn member_ids(seed: u64, count: usize) -> Vec<String> {
    let mut rng = Rng::derive(seed, ID_STREAM, 0);
    let mut seen = HashSet::with_capacity(count);
    (0..count)
        .map(|_| {
            loop {
                let id = format!("mem_{:012x}", rng.next_u64() >> 16);
                if seen.insert(id.clone()) {
                    break id;
                }
            }
        })
        .collect()
}

/// Employee numbers in order of hire; about a third of contractors have none.
fn work_ids(slots: &[Slot]) -> Vec<Option<u32>> {
    let mut order: Vec<usize> = (0..slots.len()).collect();
    order.sort_by_key(|&i| (slots[i].start, i));
    let mut work_ids = vec![None; slots.len()];
    for (rank, i) in order.into_iter().enumerate() {
        if !(slots[i].contractor && i % 3 == 0) {
            work_ids[i] = Some(1001 + rank as u32);
        }
    }
    work_ids
}

struct Context<'a> {
    company: &'a Company,
    ids: &'a [String],
    history_end: Date,
    today: Date,
    members: usize,
}

/// Where someone works: an office (index into the company's), or remote in a country.
enum Place {
    Office(usize),
    Remote { country: usize },
}

fn member(
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
    let pay_date = if (last_day - slot.start).whole_days() > 400 {
        last_day - Duration::days(rng.between(0, 365))
    } else {
        slot.start
    };
    let age_at_start = match role {
        Role::Ceo | Role::Head => rng.between(32, 52),
        Role::Director { .. } => rng.between(30, 55),
        Role::Manager => rng.between(26, 55),
        Role::Individual => rng.between(21, 58),
    };
    let birth = slot.start - Duration::days(age_at_start * 365 + rng.between(0, 364));
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
fn updated_at(cx: &Context, slot: &Slot, pay_date: Date, rng: &mut Rng) -> OffsetDateTime {
    let day = match slot.termination {
        Some(end) if end > cx.history_end => {
            (cx.today - Duration::days(rng.between(1, 10))).max(slot.start)
        }
        Some(end) => end.max(pay_date),
        None => (slot.start.max(pay_date) + Duration::days(rng.between(0, 20))).min(cx.history_end),
    };
    let seconds = rng.between(8 * 3600, 20 * 3600 - 1);
    let time = Time::from_hms(
        (seconds / 3600) as u8,
        (seconds / 60 % 60) as u8,
        (seconds % 60) as u8,
    )
    .expect("within a day");
    day.with_time(time).assume_utc()
}
