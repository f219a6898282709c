//! The inverse plan of an applied run (docs/design.md → *Reviewable, guarded, reversible
//! syncs*, Revert). Pure, like the sync's plan: from the org as it is now and the run's
//! undo record (`org::undo`), the rows that make the org again what it was before the
//! run, as far as nothing changed since.
//!
//! - Every person and job the run updated is put back field by field (`put_back`); a
//!   field changed again since (by a later run, by hand) is not touched: it is *kept*.
//!   A seat the run's departure vacated is not filled again when its person is active
//!   again since (rehired into another seat): kept too, so no one holds two seats.
//! - The people the run created depart today and their seats close; any other job it
//!   created closes. Unless something else refers to them (`created`): then they stay
//!   and are listed.
//! - A row of the undo record that no longer exists is listed as gone.
//!
//! The result is an ordinary plan of updates (before: the row as it is now), with
//! history rows from the sync's own emitter (departures and rehires as such, the other
//! fields by kind) and counts; its own undo record reverts the revert.

use std::collections::{BTreeSet, HashMap, HashSet};

use jiff::civil::Date;

use super::history::{Kinds, Lookup, Rows};
use super::put_back::{changed_fields, put_back};
use super::row::Row;
use crate::org::change::{ChangeKind, Counts, Entity, JobChange, PersonChange, Plan};
use crate::org::display;
use crate::org::model::{Job, Org, Person, PersonStatus, is_sensitive};
use crate::org::undo::Undo;

mod created;

/// Everything a revert is made from.
#[derive(Debug, Clone, Copy)]
pub struct RevertInput<'a> {
    pub org: &'a Org,
    /// The undo record of the run to revert.
    pub undo: &'a Undo,
    /// The org's today: the day the people the run created depart.
    pub today: Date,
    /// Ids of people/jobs something else refers to or changed since the run (the caller
    /// finds them: history rows after the run, people linked to a user).
    pub held: &'a HashSet<String>,
}

/// A change of the run that the revert leaves as it is, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kept {
    pub entity: Entity,
    pub entity_id: String,
    /// The person it is about (a job's holder); `None` for an open job.
    pub person_id: Option<String>,
    pub person_name: String,
    /// As history rows name it ("title", "manager", …); "status" for a created person or
    /// job that stays.
    pub field: &'static str,
    /// Shown to Owners (and the person) only, as history is.
    pub sensitive: bool,
    pub reason: KeptReason,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeptReason {
    /// The field no longer holds what the run wrote: changed since, by hand or by a
    /// later run.
    ChangedSince,
    /// A person or job the run created that something else refers to.
    StillReferred,
    /// The row no longer exists.
    Gone,
}

impl KeptReason {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ChangedSince => "changed_since",
            Self::StillReferred => "still_referred",
            Self::Gone => "gone",
        }
    }
}

/// Plans the revert of a run. Nothing is created, so `_next_id` is never called (it is
/// there so that a revert is planned as a sync is).
pub fn revert(input: RevertInput<'_>, _next_id: &mut dyn FnMut() -> String) -> (Plan, Vec<Kept>) {
    let RevertInput {
        org,
        undo,
        today,
        held,
    } = input;
    let mut work = Work::new(org);
    let mut kept = Vec::new();
    for (before, after) in &undo.people {
        work.put_back_person(before, after, &mut kept);
    }
    for (before, after) in &undo.jobs {
        work.put_back_job(before, after, &mut kept);
    }
    created::close(&mut work, undo, held, today, &mut kept);
    (work.plan(), kept)
}

/// The org's rows as the revert changes them, aligned with the org's (as the sync's
/// draft is), and the order they changed in.
struct Work<'a> {
    org: &'a Org,
    people: Vec<Row<'a, Person>>,
    jobs: Vec<Row<'a, Job>>,
    person_at: HashMap<&'a str, usize>,
    job_at: HashMap<&'a str, usize>,
    touched_people: Vec<usize>,
    touched_jobs: Vec<usize>,
    /// The people the run departed who are active again now (rehired since, with a seat
    /// of their own): their old seats are not filled again.
    back_since: HashSet<&'a str>,
}

impl<'a> Work<'a> {
    fn new(org: &'a Org) -> Self {
        Self {
            org,
            people: org.people.iter().map(Row::Same).collect(),
            jobs: org.jobs.iter().map(Row::Same).collect(),
            person_at: org
                .people
                .iter()
                .enumerate()
                .map(|(i, p)| (p.id.as_str(), i))
                .collect(),
            job_at: org
                .jobs
                .iter()
                .enumerate()
                .map(|(i, j)| (j.id.as_str(), i))
                .collect(),
            touched_people: Vec::new(),
            touched_jobs: Vec::new(),
            back_since: HashSet::new(),
        }
    }

    fn put_back_person(&mut self, before: &Person, after: &Person, kept: &mut Vec<Kept>) {
        let Some(&p) = self.person_at.get(before.id.as_str()) else {
            let about = (Some(after.id.clone()), after.name.clone());
            for field in changed_fields(before, after) {
                kept.push(keep(
                    Entity::Person,
                    &after.id,
                    &about,
                    field,
                    KeptReason::Gone,
                ));
            }
            return;
        };
        let now = &self.org.people[p];
        let departed =
            (before.status, after.status) == (PersonStatus::Active, PersonStatus::Departed);
        if departed && now.status == PersonStatus::Active {
            self.back_since.insert(now.id.as_str());
        }
        let (row, changed_since) = put_back(before, after, now);
        let about = (Some(now.id.clone()), now.name.clone());
        for field in changed_since {
            kept.push(keep(
                Entity::Person,
                &now.id,
                &about,
                field,
                KeptReason::ChangedSince,
            ));
        }
        if row != *now {
            self.people[p] = Row::new(row);
            self.touched_people.push(p);
        }
    }

    fn put_back_job(&mut self, before: &Job, after: &Job, kept: &mut Vec<Kept>) {
        let Some(&j) = self.job_at.get(before.id.as_str()) else {
            let about = self.about_job(after, [&after.person_id, &before.person_id]);
            for field in changed_fields(before, after) {
                kept.push(keep(
                    Entity::Job,
                    &after.id,
                    &about,
                    field,
                    KeptReason::Gone,
                ));
            }
            return;
        };
        let now = &self.org.jobs[j];
        let (mut row, mut changed_since) = put_back(before, after, now);
        let refilled = row
            .person_id
            .as_deref()
            .filter(|_| row.person_id != now.person_id);
        if refilled.is_some_and(|p| self.back_since.contains(p)) {
            // A seat the run's departure left: its person is back since, elsewhere.
            row.person_id.clone_from(&now.person_id);
            row.status = now.status;
            row.end_date = now.end_date;
            changed_since.push("person");
        }
        let about = self.about_job(now, [&now.person_id, &before.person_id]);
        for field in changed_since {
            kept.push(keep(
                Entity::Job,
                &now.id,
                &about,
                field,
                KeptReason::ChangedSince,
            ));
        }
        if row != *now {
            self.jobs[j] = Row::new(row);
            self.touched_jobs.push(j);
        }
    }

    /// Who a job is about, as the org is now: the first of `holders` still there, else
    /// the job itself ("Open job: Designer").
    fn about_job(&self, job: &Job, holders: [&Option<String>; 2]) -> (Option<String>, String) {
        holders
            .into_iter()
            .flatten()
            .find_map(|id| self.person_at.get(id.as_str()))
            .map(|&p| {
                let person = &self.org.people[p];
                (Some(person.id.clone()), person.name.clone())
            })
            .unwrap_or_else(|| (None, display::job(job, None)))
    }

    /// The plan of the rows that now differ from the org's.
    fn plan(self) -> Plan {
        let Work {
            org,
            people,
            jobs,
            person_at,
            touched_people,
            touched_jobs,
            ..
        } = self;
        // Each row once (an undo record read back could name one twice), if it changed.
        let (mut seen_people, mut seen_jobs) = (HashSet::new(), HashSet::new());
        let changed_people: Vec<usize> = touched_people
            .into_iter()
            .filter(|&p| seen_people.insert(p) && people[p].differs_from(org.people.get(p)))
            .collect();
        let changed_jobs: Vec<usize> = touched_jobs
            .into_iter()
            .filter(|&j| seen_jobs.insert(j) && jobs[j].differs_from(org.jobs.get(j)))
            .collect();
        // A person's transition: departing, or active again.
        let transition = |p: usize| match (org.people[p].status, people[p].status) {
            (PersonStatus::Active, PersonStatus::Departed) => Some(ChangeKind::Departure),
            (PersonStatus::Departed, PersonStatus::Active) => Some(ChangeKind::Rehire),
            _ => None,
        };
        let mut history = Vec::new();
        let mut counted = BTreeSet::new();
        {
            let lookup = Lookup::new(org, &people, &jobs);
            for &p in &changed_people {
                let person = &*people[p];
                counted.insert(p);
                Rows {
                    out: &mut history,
                    person_id: Some(&person.id),
                    person_name: &person.name,
                    kinds: match transition(p) {
                        Some(kind @ ChangeKind::Departure) => {
                            Kinds::transition(kind, &["status", "end_date"])
                        }
                        Some(kind) => {
                            Kinds::transition(kind, &["status", "start_date", "end_date"])
                        }
                        None => Kinds::BY_FIELD,
                    },
                }
                .person(org.people.get(p), person);
            }
            for &j in &changed_jobs {
                let (before, after) = (&org.jobs[j], &*jobs[j]);
                let holder = [&after.person_id, &before.person_id]
                    .into_iter()
                    .flatten()
                    .find_map(|id| person_at.get(id.as_str()).copied());
                counted.extend(holder);
                let open = display::job(after, None);
                Rows {
                    out: &mut history,
                    person_id: holder.map(|p| people[p].id.as_str()),
                    person_name: holder.map_or(open.as_str(), |p| people[p].name.as_str()),
                    // A seat left or taken again goes with its holder's transition.
                    kinds: match holder.and_then(transition) {
                        Some(kind) => Kinds::transition(kind, &["status", "person", "end_date"]),
                        None => Kinds::BY_FIELD,
                    },
                }
                .job(Some(before), after, &lookup);
            }
        }
        let mut counts = Counts::default();
        for p in counted {
            *match transition(p) {
                Some(ChangeKind::Departure) => &mut counts.departed,
                Some(_) => &mut counts.rehired,
                None => &mut counts.updated,
            } += 1;
        }

        let mut people: Vec<_> = people.into_iter().map(Some).collect();
        let mut jobs: Vec<_> = jobs.into_iter().map(Some).collect();
        Plan {
            people: changed_people
                .into_iter()
                .map(|p| PersonChange::Update {
                    before: Box::new(org.people[p].clone()),
                    after: Box::new(people[p].take().expect("each person once").into_owned()),
                })
                .collect(),
            jobs: changed_jobs
                .into_iter()
                .map(|j| JobChange::Update {
                    before: Box::new(org.jobs[j].clone()),
                    after: Box::new(jobs[j].take().expect("each job once").into_owned()),
                })
                .collect(),
            history,
            facts: Default::default(),
            conflicts: Vec::new(),
            warnings: Vec::new(),
            counts,
        }
    }
}

/// One kept field of a row, about `about` (person id, name).
fn keep(
    entity: Entity,
    entity_id: &str,
    about: &(Option<String>, String),
    field: &'static str,
    reason: KeptReason,
) -> Kept {
    Kept {
        entity,
        entity_id: entity_id.to_owned(),
        person_id: about.0.clone(),
        person_name: about.1.clone(),
        field,
        sensitive: is_sensitive(field),
        reason,
    }
}
