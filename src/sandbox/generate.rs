//! The generated company: from (seed, number of members) to the roster the sandbox
//! serves, always the same for the same pair.
//!
//! History (start dates, birthdates, past departures, pay changes, `updated_at`) ends at
//! a fixed date so that a restarted sandbox serves the very same data; only scheduled
//! departures are placed after `today`, since a date in the future cannot be fixed once
//! and for all.
//!
//! Here: the org's shape, who departed and when, and the ids; `member` writes each
//! member.

mod member;

use std::collections::{HashMap, HashSet};

use jiff::ToSpan;
use jiff::civil::{Date, date};

use super::catalog::DEPARTMENTS;
use super::company::{Company, GeneratedCredentials, credentials};
use super::rng::Rng;
use super::roster::StoredMember;
use super::tree::{self, Role, Seat};
use member::{Context, member};

const TREE_STREAM: u64 = 10;
const MEMBER_STREAM: u64 = 11;
const ID_STREAM: u64 = 12;

/// Generated history ends here (or today, if earlier). Move it when the data looks old.
const HISTORY_ENDS: Date = date(2026, 10, 1);

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

    let founded = history_end - founding_age_days(members).days();
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
    let span = days_between(founded, history_end);
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
            history_end - ((latest as f64 * (1.0 - recent)) as i64 + (span - latest)).days();
        slot.contractor =
            slot.seat.role == Role::Individual && slot.seat.department != 0 && rng.chance(0.065);
        if !slot.active {
            let after = days_between(slot.start, history_end) - 30;
            slot.termination = Some(slot.start + (30 + rng.between(0, after.max(0))).days());
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

/// Whole days from `from` to `to` (negative when `to` is earlier).
fn days_between(from: Date, to: Date) -> i64 {
    i64::from((to - from).get_days())
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
            slots[i].termination = Some(today + rng.between(7, 120).days());
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
