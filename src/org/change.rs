//! What a plan decides: the new or changed people and jobs (whole rows, before and
//! after), one history entry per changed field, the warnings and the counts. Apply
//! writes exactly this; the run page and the email are built from the history.

use crate::org::model::{Job, Org, Person, UnknownValue};
use std::collections::HashMap;

/// A person to create, or a person whose row changes. Rows are boxed: a first sync of
/// 100 000 people holds 100 000 of these, and inline rows would make every slot the
/// size of two whole rows.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum PersonChange {
    Create(Box<Person>),
    Update {
        before: Box<Person>,
        after: Box<Person>,
    },
}

/// A job to create, or a job whose row changes (boxed, as people are).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum JobChange {
    Create(Box<Job>),
    Update { before: Box<Job>, after: Box<Job> },
}

/// How people read a change (docs/design.md → *How a sync runs*, "Email"): the run page
/// and the email group by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ChangeKind {
    NewHire,
    Departure,
    Rehire,
    TitleChange,
    ManagerChange,
    /// Department or location.
    GroupChange,
    CompensationChange,
    Other,
}

impl ChangeKind {
    /// The kind of a change to one field outside a transition (a new hire, a departure,
    /// a rehire claims its own fields): title, manager, department or location,
    /// compensation; anything else is "other".
    pub fn of_field(field: &str) -> Self {
        match field {
            "title" => Self::TitleChange,
            "manager" => Self::ManagerChange,
            "department" | "location" => Self::GroupChange,
            "compensation" => Self::CompensationChange,
            _ => Self::Other,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::NewHire => "new_hire",
            Self::Departure => "departure",
            Self::Rehire => "rehire",
            Self::TitleChange => "title_change",
            Self::ManagerChange => "manager_change",
            Self::GroupChange => "group_change",
            Self::CompensationChange => "compensation_change",
            Self::Other => "other",
        }
    }
    pub fn parse(s: &str) -> Result<Self, UnknownValue> {
        match s {
            "new_hire" => Ok(Self::NewHire),
            "departure" => Ok(Self::Departure),
            "rehire" => Ok(Self::Rehire),
            "title_change" => Ok(Self::TitleChange),
            "manager_change" => Ok(Self::ManagerChange),
            "group_change" => Ok(Self::GroupChange),
            "compensation_change" => Ok(Self::CompensationChange),
            "other" => Ok(Self::Other),
            _ => Err(UnknownValue::new("change kind", s)),
        }
    }
    /// A kind made only of sensitive fields: readers who may not see those never learn
    /// of it (docs/design.md → *Privacy rules that hold everywhere*).
    pub fn is_sensitive_only(self) -> bool {
        matches!(self, Self::CompensationChange)
    }

    /// One change of this kind, as a person's history lists it: "New hire", …
    pub fn label(self) -> &'static str {
        match self {
            Self::NewHire => "New hire",
            Self::Departure => "Departure",
            Self::Rehire => "Rehire",
            Self::TitleChange => "Title change",
            Self::ManagerChange => "Manager change",
            Self::GroupChange => "Department or location change",
            Self::CompensationChange => "Compensation change",
            Self::Other => "Change",
        }
    }

    /// Plural heading: "New hires", "Departures", …
    pub fn heading(self) -> &'static str {
        match self {
            Self::NewHire => "New hires",
            Self::Departure => "Departures",
            Self::Rehire => "Rehires",
            Self::TitleChange => "Title changes",
            Self::ManagerChange => "Manager changes",
            Self::GroupChange => "Department and location changes",
            Self::CompensationChange => "Compensation changes",
            Self::Other => "Other changes",
        }
    }
}

/// Read strictly from a `kind` column (see [`ChangeKind::parse`]).
impl TryFrom<String> for ChangeKind {
    type Error = UnknownValue;
    fn try_from(s: String) -> Result<Self, UnknownValue> {
        Self::parse(&s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Entity {
    Person,
    Job,
}

impl Entity {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Person => "person",
            Self::Job => "job",
        }
    }

    pub fn parse(s: &str) -> Result<Self, UnknownValue> {
        match s {
            "person" => Ok(Self::Person),
            "job" => Ok(Self::Job),
            _ => Err(UnknownValue::new("entity", s)),
        }
    }
}

impl TryFrom<String> for Entity {
    type Error = UnknownValue;
    fn try_from(s: String) -> Result<Self, UnknownValue> {
        Self::parse(&s)
    }
}

/// One changed field, with display values (a manager is shown by name, money as
/// "185,000.00 USD per year (salary)", dates as YYYY-MM-DD). `old` is `None` for a new
/// value; `sensitive` fields are shown to Owners (and the person) only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    pub entity: Entity,
    pub entity_id: String,
    /// The person the change is about (a job's holder), for their history and for
    /// naming them on the run page. `None` for an open job.
    pub person_id: Option<String>,
    /// The person's name at the time, for the run page and email.
    pub person_name: String,
    pub kind: ChangeKind,
    /// "title", "manager", "department", "location", "compensation", "status",
    /// "work_email", … (see `org::model::SENSITIVE_FIELDS`).
    pub field: &'static str,
    pub old: Option<String>,
    pub new: Option<String>,
    pub sensitive: bool,
}

/// A pinned field whose Justworks value differs from the one pinned (and from the one
/// last answered *Keep ours*): a planned change that writes nothing, for a person to
/// decide (`org::conflicts`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    pub entity: Entity,
    pub entity_id: String,
    pub person_id: Option<String>,
    pub person_name: String,
    pub field: &'static str,
    /// The pinned value and Justworks', as history shows values.
    pub ours: Option<String>,
    pub theirs: Option<String>,
    /// Justworks' value as the row's column holds it (JSON), for *Take Justworks'*.
    pub theirs_value: Option<String>,
    pub sensitive: bool,
}

/// A run's counts (docs/design.md → *JSON shapes*, `counts`): what its plan decided,
/// stored on the run and shown on its page, in the sync history and the JSON API.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    /// People created (new hires, and departed members seen for the first time).
    pub created: i64,
    /// Existing people with any change other than departing or being rehired.
    pub updated: i64,
    pub departed: i64,
    pub rehired: i64,
    /// Members matched to a person with nothing to change.
    pub unchanged: i64,
    /// Members skipped by *Exclude IDs* or because contractors are not included.
    pub excluded: i64,
    pub warnings: i64,
    /// Pinned fields whose Justworks value differs (`Plan::conflicts`).
    pub conflicts: i64,
    /// For readers who may not see sensitive fields: the people whose only changes were
    /// to those fields (counted out of `updated`). Absent for Owners, and in a plan.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner_only: Option<i64>,
}

/// What the safeguards weigh (`sync::guards`): how much of the org a plan moves, and
/// the base each amount is a share of. Counted by the plan, in people.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GuardFacts {
    /// Active people in the org before the plan (every source).
    pub active_before: u64,
    /// People the plan departs (`Counts::departed`).
    pub departures: u64,
    /// People active before, neither hired nor departing in this plan, whose job gets
    /// another manager job.
    pub manager_changes: u64,
    /// Active, unfrozen people from Justworks linked to a member, before the plan.
    pub synced_before: u64,
    /// Of those, the ones whose member is not in this pull (the "no longer in the
    /// Justworks data" warnings).
    pub missing: u64,
    /// People already in the org whose work email or employee ID changes to one that
    /// another person held before the plan (emails compared case-insensitively).
    pub swaps: u64,
}

/// Everything a sync will do. Empty when the org already matches the roster.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    pub people: Vec<PersonChange>,
    pub jobs: Vec<JobChange>,
    pub history: Vec<FieldChange>,
    /// Pinned fields Justworks would have changed: listed for a decision, never written.
    pub conflicts: Vec<Conflict>,
    pub warnings: Vec<String>,
    pub counts: Counts,
    /// What the safeguards weigh before the plan is applied.
    pub facts: GuardFacts,
}

impl Plan {
    /// Whether applying this plan would change nothing (its conflicts change nothing).
    pub fn is_empty(&self) -> bool {
        self.people.is_empty() && self.jobs.is_empty()
    }

    /// Applies the plan to an org in memory: what the database apply does, for tests
    /// (and property tests) of the plan.
    pub fn apply_to(&self, org: &mut Org) {
        let people = self.people.iter().map(|change| match change {
            PersonChange::Create(p) => Upsert::Create(&**p),
            PersonChange::Update { after, .. } => Upsert::Update(&**after),
        });
        upsert(&mut org.people, |p| &p.id, people);
        let jobs = self.jobs.iter().map(|change| match change {
            JobChange::Create(j) => Upsert::Create(&**j),
            JobChange::Update { after, .. } => Upsert::Update(&**after),
        });
        upsert(&mut org.jobs, |j| &j.id, jobs);
    }
}

/// A row to add, or the new state of a row already there (found by id).
enum Upsert<'a, T> {
    Create(&'a T),
    Update(&'a T),
}

/// Applies creates and updates, in order, to rows keyed by `id`; an update of an
/// unknown row is ignored.
fn upsert<'a, T: Clone + 'a>(
    rows: &mut Vec<T>,
    id: impl Fn(&T) -> &String,
    changes: impl Iterator<Item = Upsert<'a, T>>,
) {
    let mut at: HashMap<String, usize> = rows
        .iter()
        .enumerate()
        .map(|(i, row)| (id(row).clone(), i))
        .collect();
    for change in changes {
        match change {
            Upsert::Create(row) => {
                at.insert(id(row).clone(), rows.len());
                rows.push(row.clone());
            }
            Upsert::Update(row) => {
                if let Some(&i) = at.get(id(row)) {
                    rows[i] = row.clone();
                }
            }
        }
    }
}

/// Why a plan refused to change anything: the sync fails with this sentence.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error(
        "Justworks listed member {0} more than once; the data looks corrupt, so nothing was changed"
    )]
    DuplicateMemberId(String),
    #[error(
        "No active Justworks member is named “{name}” (the Name Org Head setting), so nothing was changed.{} Check the spelling against Justworks, or choose another org head",
        closest_names(.closest)
    )]
    OrgHeadNotFound {
        name: String,
        /// The nearest names among active members, nearest first, as "Name (member id)".
        closest: Vec<String>,
    },
    #[error(
        "Several active Justworks members are named “{name}” (the Name Org Head setting): {}{}. Nothing was changed; use a name only one of them has (e.g. their full name)",
        .members.join(", "),
        and_more(*.more)
    )]
    OrgHeadAmbiguous {
        name: String,
        members: Vec<String>,
        /// Further matches not named.
        more: usize,
    },
}

fn closest_names(closest: &[String]) -> String {
    if closest.is_empty() {
        String::new()
    } else {
        format!(" The closest names: {}.", closest.join(", "))
    }
}

fn and_more(more: usize) -> String {
    if more == 0 {
        String::new()
    } else {
        format!(" and {more} more")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_change_kind_reads_back_and_an_unknown_one_is_not_other() {
        use ChangeKind::*;
        for kind in [
            NewHire,
            Departure,
            Rehire,
            TitleChange,
            ManagerChange,
            GroupChange,
            CompensationChange,
            Other,
        ] {
            assert_eq!(ChangeKind::parse(kind.as_str()), Ok(kind));
        }
        assert_eq!(
            ChangeKind::parse("promotion"),
            Err(UnknownValue::new("change kind", "promotion"))
        );
    }
}
