//! The working copy of the org while planning, and what happens to each member's person
//! and seat: a new hire gets a person and a filled job; a departure leaves the tree
//! (their job open to be backfilled, or closed); a rehire is the same person with a new
//! job; anyone else has their fields brought up to date. Rows are borrowed from the org
//! until they change, so a sync that changes little copies little.
//!
//! Two rules of docs/justworks.md live here because they turn on the person's status: a
//! member who is inactive while their termination date is still to come departs now
//! (with a warning naming the date), and a scheduled termination that disappears is
//! cancelled.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use jiff::civil::Date;

use super::fields::{self, Lookups};
use super::history::Kinds;
use super::members::Standing;
use super::names::label;
use super::row::Row;
use crate::org::change::ChangeKind;
use crate::org::display;
use crate::org::fields::Group;
use crate::org::model::{Job, JobStatus, Org, Person, PersonStatus, Source};
use crate::org::roster::RosterMember;
use crate::sync::options::SyncOptions;

/// What the sync does to a member's person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Transition {
    /// A live member seen for the first time: a new person and job.
    Hire,
    /// A departing member seen for the first time: a departed person, no job.
    FirstSeenDeparted,
    /// An active person whose member is departing.
    Departure,
    /// A departed person whose member is live again.
    Rehire,
    /// Anyone else: fields brought up to date, if anything changed.
    Update,
}

impl Transition {
    pub(super) fn person_kinds(self) -> Kinds {
        match self {
            Self::Hire => Kinds::every(ChangeKind::NewHire),
            Self::FirstSeenDeparted => Kinds::every(ChangeKind::Other),
            Self::Departure => Kinds::transition(ChangeKind::Departure, &["status", "end_date"]),
            Self::Rehire => {
                Kinds::transition(ChangeKind::Rehire, &["status", "start_date", "end_date"])
            }
            Self::Update => Kinds::BY_FIELD,
        }
    }
}

/// A member's person and the jobs the plan gave or took from them.
#[derive(Debug)]
pub(super) struct Outcome {
    pub person: usize,
    pub transition: Transition,
    /// The filled job of a live member.
    pub seat: Option<usize>,
    /// Jobs they no longer hold (all of them when departing; extras otherwise).
    pub vacated: Vec<usize>,
    pub vacated_kinds: Kinds,
}

pub(super) struct Draft<'a> {
    pub org: &'a Org,
    pub options: &'a SyncOptions,
    today: Date,
    lookups: Lookups<'a>,
    pub people: Vec<Row<'a, Person>>,
    pub jobs: Vec<Row<'a, Job>>,
    /// The first filled job from Justworks of each holder, as the org was.
    seat_of: HashMap<&'a str, usize>,
    /// Any further ones (there should be none), in job order.
    more_seats_of: HashMap<&'a str, Vec<usize>>,
    /// Seats whose manager is pinned, and the manager job Justworks says (`None`: the
    /// top) where it differs: each is a conflict (`pins`).
    pub held_managers: Vec<(usize, Option<usize>)>,
}

impl<'a> Draft<'a> {
    pub(super) fn new(
        org: &'a Org,
        options: &'a SyncOptions,
        lookups: Lookups<'a>,
        today: Date,
    ) -> Self {
        let mut seat_of = HashMap::with_capacity(org.jobs.len());
        let mut more_seats_of: HashMap<&str, Vec<usize>> = HashMap::new();
        for (j, job) in org.jobs.iter().enumerate() {
            if job.source == Source::Justworks
                && job.status == JobStatus::Filled
                && let Some(person) = job.person_id.as_deref()
            {
                match seat_of.entry(person) {
                    Entry::Vacant(slot) => {
                        slot.insert(j);
                    }
                    Entry::Occupied(_) => more_seats_of.entry(person).or_default().push(j),
                }
            }
        }
        Self {
            org,
            options,
            today,
            lookups,
            people: org.people.iter().map(Row::Same).collect(),
            jobs: org.jobs.iter().map(Row::Same).collect(),
            seat_of,
            more_seats_of,
            held_managers: Vec::new(),
        }
    }

    /// New, or different from the org's row.
    pub(super) fn person_changed(&self, p: usize) -> bool {
        self.people[p].differs_from(self.org.people.get(p))
    }

    pub(super) fn job_changed(&self, j: usize) -> bool {
        self.jobs[j].differs_from(self.org.jobs.get(j))
    }

    /// Points a job at the manager job Justworks says (`None`: the top), copying it only
    /// if that changes. A pinned manager stays, and a different one is held for a
    /// conflict.
    pub(super) fn want_manager(&mut self, j: usize, manager: Option<usize>) {
        if self.jobs[j].hand.pins.is_pinned("manager") {
            let wanted = manager.map(|m| self.jobs[m].id.as_str());
            if self.jobs[j].manager_job_id.as_deref() != wanted {
                self.held_managers.push((j, manager));
            }
            return;
        }
        self.set_manager(j, manager);
    }

    /// Points a job at a manager job (`None`: the top) for the tree's sake (a new seat
    /// under the org head, a mended chain); a pinned manager stays as it is.
    pub(super) fn set_manager(&mut self, j: usize, manager: Option<usize>) {
        let wanted = manager.map(|m| self.jobs[m].id.as_str());
        if self.jobs[j].manager_job_id.as_deref() != wanted
            && !self.jobs[j].hand.pins.is_pinned("manager")
        {
            let wanted = wanted.map(str::to_owned);
            self.jobs[j].to_mut().manager_job_id = wanted;
        }
    }

    /// The filled jobs from Justworks a person held, in job order.
    fn seats(&self, person_id: &str) -> Vec<usize> {
        let first = self.seat_of.get(person_id).copied();
        let more = self.more_seats_of.get(person_id).into_iter().flatten();
        first.into_iter().chain(more.copied()).collect()
    }

    /// Decides one (not skipped) member's person and seat, moving the member's values
    /// into the rows (`fields`).
    pub(super) fn seat_member(
        &mut self,
        member: &mut RosterMember,
        standing: Standing,
        matched: Option<usize>,
        new_id: &mut dyn FnMut() -> String,
        warnings: &mut Vec<String>,
    ) -> Outcome {
        let options = self.options;
        let live = standing == Standing::Live;
        // The date a departing member's seats are vacated on.
        let end = if !live && !member.active {
            self.inactive_before_the_date(member, matched, warnings)
        } else {
            member.termination_date
        };
        let (person, transition) = match matched {
            None => {
                let status = if live {
                    PersonStatus::Active
                } else {
                    PersonStatus::Departed
                };
                let person = fields::new_person(new_id(), member, status, options);
                self.people.push(Row::new(person));
                let transition = if live {
                    Transition::Hire
                } else {
                    Transition::FirstSeenDeparted
                };
                (self.people.len() - 1, transition)
            }
            Some(p) => (p, self.update_person(p, member, live, warnings)),
        };
        let held = match matched {
            Some(p) => self.seats(&self.org.people[p].id),
            None => Vec::new(),
        };
        if !live {
            for &j in &held {
                fields::vacate(&mut self.jobs[j], end, options);
            }
            return Outcome {
                person,
                transition,
                seat: None,
                vacated: held,
                vacated_kinds: if transition == Transition::Departure {
                    Kinds::transition(ChangeKind::Departure, &["status", "person", "end_date"])
                } else {
                    Kinds::BY_FIELD
                },
            };
        }
        let seat = match held.first() {
            Some(&j) => {
                fields::sync_job(&mut self.jobs[j], member, options, &self.lookups);
                j
            }
            None => {
                let person_id = self.people[person].id.clone();
                let job = fields::new_job(new_id(), &person_id, member, options, &self.lookups);
                self.jobs.push(Row::new(job));
                self.jobs.len() - 1
            }
        };
        let extras = held.get(1..).unwrap_or_default().to_vec();
        if !extras.is_empty() {
            warnings.push(format!(
                "{} held {} jobs from Justworks; kept {} and vacated the others",
                label(member),
                held.len(),
                display::job(&self.jobs[seat], None),
            ));
            for &j in &extras {
                fields::vacate(&mut self.jobs[j], None, options);
            }
        }
        Outcome {
            person,
            transition,
            seat: Some(seat),
            vacated: extras,
            vacated_kinds: Kinds::BY_FIELD,
        }
    }

    /// Justworks says the member is inactive while their termination date is still to
    /// come: they depart now, and that is the date their departure gets (the date Justworks
    /// gives is named in a warning). Someone who departed already keeps the end date they
    /// have until Justworks' date has passed; it is theirs from then on. Returns the date
    /// their seats are vacated on.
    fn inactive_before_the_date(
        &self,
        member: &mut RosterMember,
        matched: Option<usize>,
        warnings: &mut Vec<String>,
    ) -> Option<Date> {
        let Some(date) = member.termination_date.filter(|&d| d > self.today) else {
            return member.termination_date;
        };
        let before = matched.map(|p| &self.org.people[p]);
        if before.is_some_and(|p| p.status == PersonStatus::Departed) {
            member.termination_date = None;
            return None;
        }
        warnings.push(format!(
            "{} is inactive in Justworks, but their termination date {} is still to come; \
             they departed now, on {}",
            label(member),
            display::date(date),
            display::date(self.today),
        ));
        // Today is orgsync's date for the departure, not Justworks': a pinned end date is
        // kept without a conflict, and meets Justworks' own date once it has passed, as
        // for someone departed already. (Held against today, it would be a conflict that
        // planning again, with them departed, no longer raises.) Their seats still close
        // today.
        let pinned = before.is_some_and(|p| p.hand.pins.is_pinned("end_date"));
        member.termination_date = (!pinned).then_some(self.today);
        Some(self.today)
    }

    fn update_person(
        &mut self,
        p: usize,
        member: &mut RosterMember,
        live: bool,
        warnings: &mut Vec<String>,
    ) -> Transition {
        let before = &self.org.people[p];
        let transition = match (before.status, live) {
            (PersonStatus::Active, false) => Transition::Departure,
            (PersonStatus::Departed, true) => Transition::Rehire,
            _ => Transition::Update,
        };
        if transition == Transition::Rehire
            && let (Some(start), Some(end)) = (member.start_date, before.end_date)
            && start <= end
        {
            warnings.push(format!(
                "{} was rehired, but their start date {} is not after their end date {}; \
                 check the dates in Justworks",
                label(member),
                display::date(start),
                display::date(end),
            ));
        }
        let person = &mut self.people[p];
        match transition {
            Transition::Departure => person.to_mut().status = PersonStatus::Departed,
            Transition::Rehire => {
                let person = person.to_mut();
                person.status = PersonStatus::Active;
                // A rehire starts afresh; a scheduled end comes back with the member. The
                // end date is a date: left alone while orgsync owns dates (as a cancelled
                // termination is below), so that planning again agrees.
                if self.options.writes(Group::Dates) {
                    person.end_date = None;
                }
            }
            // An active person's end date is a scheduled termination; gone from the
            // source, it was cancelled (a value that is present although empty).
            _ if live
                && self.options.writes(Group::Dates)
                && member.termination_date.is_none()
                && person.end_date.is_some() =>
            {
                person.to_mut().end_date = None;
            }
            _ => {}
        }
        fields::sync_person(person, member, self.options);
        transition
    }
}
