//! One history row per changed field, with display values, derived from each person's
//! and job's row before and after the plan — so a row exists exactly when a value
//! changed. The kind says how people read it: title, manager, department/location and
//! compensation changes by field; a transition (new hire, departure, rehire) claims the
//! fields that make it. A new person is a single row (field "status", None → "active",
//! kind `NewHire`; or None → "departed", kind `Other`, for a departed member seen for the
//! first time), and the new seat of a new hire or rehire has none: so "New hires" lists
//! each name once.

use std::cell::OnceCell;
use std::collections::HashMap;

use jiff::civil::Date;

use super::row::Row;
use crate::org::change::{ChangeKind, Entity, FieldChange};
use crate::org::display;
use crate::org::model::{
    Address, Compensation, Job, JobStatus, Org, Person, PersonStatus, Phone, SyncStop, is_sensitive,
};

/// The new value of the end-date row of a scheduled termination that was cancelled.
const TERMINATION_CANCELLED: &str = "Termination cancelled";

/// Which kind each row of one person or job gets.
#[derive(Debug, Clone, Copy)]
pub(super) struct Kinds {
    every: Option<ChangeKind>,
    transition: Option<(ChangeKind, &'static [&'static str])>,
}

impl Kinds {
    /// Each field its own kind (title change, manager change, …; "other" for the rest).
    pub(super) const BY_FIELD: Self = Self {
        every: None,
        transition: None,
    };

    /// Every row the same kind (a new hire; a departed member seen for the first time).
    pub(super) fn every(kind: ChangeKind) -> Self {
        Self {
            every: Some(kind),
            transition: None,
        }
    }

    /// `fields` are the transition's (`kind`); the rest by field.
    pub(super) fn transition(kind: ChangeKind, fields: &'static [&'static str]) -> Self {
        Self {
            every: None,
            transition: Some((kind, fields)),
        }
    }

    fn of(self, field: &str) -> ChangeKind {
        if let Some(kind) = self.every {
            return kind;
        }
        match self.transition {
            Some((kind, fields)) if fields.contains(&field) => kind,
            _ => ChangeKind::of_field(field),
        }
    }
}

/// People and jobs by id, as they were before the plan and as they are after it.
pub(super) struct Lookup<'d> {
    org: &'d Org,
    people: &'d [Row<'d, Person>],
    jobs: &'d [Row<'d, Job>],
    /// Indexes built on first use: most syncs show few managers and holders.
    person_at: OnceCell<HashMap<&'d str, usize>>,
    job_at: OnceCell<HashMap<&'d str, usize>>,
}

impl<'d> Lookup<'d> {
    pub(super) fn new(
        org: &'d Org,
        people: &'d [Row<'d, Person>],
        jobs: &'d [Row<'d, Job>],
    ) -> Self {
        Self {
            org,
            people,
            jobs,
            person_at: OnceCell::new(),
            job_at: OnceCell::new(),
        }
    }

    pub(super) fn person(&self, id: &str, before: bool) -> Option<&'d Person> {
        let people = self.people;
        let at = self.person_at.get_or_init(|| {
            people
                .iter()
                .enumerate()
                .map(|(i, p)| (p.id.as_str(), i))
                .collect()
        });
        let i = *at.get(id)?;
        if before {
            self.org.people.get(i)
        } else {
            Some(&people[i])
        }
    }

    fn job(&self, id: &str, before: bool) -> Option<&'d Job> {
        let jobs = self.jobs;
        let at = self.job_at.get_or_init(|| {
            jobs.iter()
                .enumerate()
                .map(|(i, j)| (j.id.as_str(), i))
                .collect()
        });
        let i = *at.get(id)?;
        if before {
            self.org.jobs.get(i)
        } else {
            Some(&jobs[i])
        }
    }

    /// A manager job as people read it, before or after the plan.
    pub(super) fn manager(&self, job_id: Option<&str>, before: bool) -> Option<String> {
        let id = job_id?;
        Some(match self.job(id, before) {
            None => id.to_owned(),
            Some(job) => {
                let holder = job
                    .person_id
                    .as_deref()
                    .and_then(|p| self.person(p, before));
                display::job(job, holder)
            }
        })
    }
}

/// A field of a person (by its `org::fields` key) as history shows it.
pub(super) fn person_field(field: &str, p: &Person) -> Option<String> {
    match field {
        "name" => p.name.shown(),
        "preferred_name" => p.preferred_name.shown(),
        "work_email" => p.work_email.shown(),
        "personal_email" => p.personal_email.shown(),
        "phones" => p.phones.shown(),
        "home_address" => p.home_address.shown(),
        "birthdate" => p.birthdate.shown(),
        "gender" => p.gender.shown(),
        "ethnicity" => p.ethnicity.shown(),
        "employment_type" => p.employment_type.shown(),
        "start_date" => p.start_date.shown(),
        "end_date" => p.end_date.shown(),
        _ => None,
    }
}

/// A field of a seat as history shows it (not the manager: that takes a [`Lookup`]).
pub(super) fn job_field(field: &str, j: &Job) -> Option<String> {
    match field {
        "title" => j.title.shown(),
        "department" => j.department.shown(),
        "location" => j.location.shown(),
        "compensation" => j.compensation.shown(),
        _ => None,
    }
}

/// The rows of one person or job, with who they are about.
pub(super) struct Rows<'o> {
    pub out: &'o mut Vec<FieldChange>,
    pub person_id: Option<&'o str>,
    pub person_name: &'o str,
    pub kinds: Kinds,
}

impl Rows<'_> {
    fn push(
        &mut self,
        entity: (Entity, &str),
        field: &'static str,
        old: Option<String>,
        new: Option<String>,
    ) {
        self.out.push(FieldChange {
            entity: entity.0,
            entity_id: entity.1.to_owned(),
            person_id: self.person_id.map(str::to_owned),
            person_name: self.person_name.to_owned(),
            kind: self.kinds.of(field),
            field,
            old,
            new,
            sensitive: is_sensitive(field),
        });
    }

    fn diff<T: PartialEq + Shown>(
        &mut self,
        entity: (Entity, &str),
        field: &'static str,
        before: &T,
        after: &T,
    ) {
        if before != after {
            self.push(entity, field, before.shown(), after.shown());
        }
    }

    /// A person's rows. A new person (`before` is `None`) is one row, "status" (None →
    /// "active", or "departed" for someone first seen gone): their values are on their
    /// profile, and a first sync of 100 000 people stays 100 000 rows, not two million.
    pub(super) fn person(&mut self, before: Option<&Person>, after: &Person) {
        let entity = (Entity::Person, after.id.as_str());
        let Some(before) = before else {
            self.push(entity, "status", None, after.status.shown());
            return;
        };
        macro_rules! fields {
            ($($field:ident),*) => {
                $( self.diff(entity, stringify!($field), &before.$field, &after.$field); )*
            };
        }
        fields!(
            sync_stopped,
            status,
            justworks_id,
            work_id,
            name,
            given_name,
            family_name,
            preferred_name,
            work_email,
            personal_email,
            phones,
            home_address,
            birthdate,
            gender,
            ethnicity,
            employment_type,
            start_date
        );
        if before.end_date != after.end_date {
            // An active person's end date is a scheduled termination: gone, it was
            // cancelled, and the row says so.
            let cancelled = before.status == PersonStatus::Active
                && after.status == PersonStatus::Active
                && after.end_date.is_none();
            let new = if cancelled {
                Some(TERMINATION_CANCELLED.to_owned())
            } else {
                after.end_date.shown()
            };
            self.push(entity, "end_date", before.end_date.shown(), new);
        }
    }

    /// A job's rows. A new job (`before` is `None`) is one row, "status" (None →
    /// "filled"); the seat of a new hire or a rehire has none, their person's "status"
    /// row says it all (the caller leaves it out).
    pub(super) fn job(&mut self, before: Option<&Job>, after: &Job, lookup: &Lookup<'_>) {
        let entity = (Entity::Job, after.id.as_str());
        let Some(before) = before else {
            self.push(entity, "status", None, after.status.shown());
            return;
        };
        self.diff(entity, "status", &before.status, &after.status);
        if before.person_id != after.person_id {
            let name = |id: &Option<String>| {
                let id = id.as_deref()?;
                let holder = lookup.person(id, false);
                Some(holder.map_or_else(|| id.to_owned(), |p| p.name.clone()))
            };
            self.push(
                entity,
                "person",
                name(&before.person_id),
                name(&after.person_id),
            );
        }
        macro_rules! fields {
            ($($field:ident),*) => {
                $( self.diff(entity, stringify!($field), &before.$field, &after.$field); )*
            };
        }
        fields!(title, department, location);
        if before.manager_job_id != after.manager_job_id {
            let old = lookup.manager(before.manager_job_id.as_deref(), true);
            let new = lookup.manager(after.manager_job_id.as_deref(), false);
            self.push(entity, "manager", old, new);
        }
        fields!(compensation, start_date, end_date);
    }
}

/// A value as history shows it; `None` when empty.
pub(super) trait Shown {
    fn shown(&self) -> Option<String>;
}

impl Shown for String {
    fn shown(&self) -> Option<String> {
        Some(self.clone())
    }
}

impl Shown for Option<String> {
    fn shown(&self) -> Option<String> {
        self.clone()
    }
}

impl Shown for Option<Date> {
    fn shown(&self) -> Option<String> {
        self.map(display::date)
    }
}

impl Shown for Vec<Phone> {
    fn shown(&self) -> Option<String> {
        display::phones(self)
    }
}

impl Shown for Option<Address> {
    fn shown(&self) -> Option<String> {
        self.as_ref().and_then(display::address)
    }
}

impl Shown for Option<Compensation> {
    fn shown(&self) -> Option<String> {
        self.as_ref().map(display::money)
    }
}

impl Shown for Option<SyncStop> {
    fn shown(&self) -> Option<String> {
        self.map(|s| s.reason().to_owned())
    }
}

impl Shown for PersonStatus {
    fn shown(&self) -> Option<String> {
        Some(self.as_str().to_owned())
    }
}

impl Shown for JobStatus {
    fn shown(&self) -> Option<String> {
        Some(self.as_str().to_owned())
    }
}
