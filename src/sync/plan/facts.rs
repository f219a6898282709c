//! What the safeguards weigh (`org::change::GuardFacts`), counted from the org as it was
//! and the plan made against it: how many people are active, depart, change manager,
//! were synced before and are missing now, or take a work email or employee ID someone
//! else had. Counted in people, not rows, so that one person is one person however many
//! of their fields change.

use std::borrow::Cow;
use std::collections::HashSet;

use super::names::email_key;
use crate::org::change::{GuardFacts, JobChange, PersonChange, Plan};
use crate::org::model::{Org, Person, PersonStatus, Source};

/// The facts of `plan`, planned against `org`. `taken` is, per person of the org,
/// whether this pull matched them or holds the member they are linked to.
pub(super) fn gather(org: &Org, taken: &[bool], plan: &Plan) -> GuardFacts {
    let mut facts = GuardFacts {
        departures: u64::try_from(plan.counts.departed).unwrap_or(0),
        manager_changes: manager_changes(org, plan),
        swaps: swaps(org, plan),
        ..GuardFacts::default()
    };
    for (person, &taken) in org.people.iter().zip(taken) {
        if person.status != PersonStatus::Active {
            continue;
        }
        facts.active_before += 1;
        if synced(person) {
            facts.synced_before += 1;
            if !taken {
                facts.missing += 1;
            }
        }
    }
    facts
}

/// Linked to a Justworks member and synced (not frozen): someone a pull should list.
fn synced(person: &Person) -> bool {
    person.source == Source::Justworks
        && person.justworks_id.is_some()
        && person.sync_stopped.is_none()
}

/// People active before and staying active whose job (the same job, still theirs) gets
/// another manager job. A departure's or a rehire's job moves with the transition, and
/// a new hire had no manager to change.
fn manager_changes(org: &Org, plan: &Plan) -> u64 {
    let holders: HashSet<&str> = plan
        .jobs
        .iter()
        .filter_map(|change| match change {
            JobChange::Update { before, after }
                if before.manager_job_id != after.manager_job_id =>
            {
                let holder = after.person_id.as_deref()?;
                (before.person_id.as_deref() == Some(holder)).then_some(holder)
            }
            _ => None,
        })
        .collect();
    if holders.is_empty() {
        return 0;
    }
    let departing: HashSet<&str> = plan
        .people
        .iter()
        .filter_map(|change| match change {
            PersonChange::Update { after, .. } if after.status == PersonStatus::Departed => {
                Some(after.id.as_str())
            }
            _ => None,
        })
        .collect();
    count(
        org.people
            .iter()
            .filter(|p| p.status == PersonStatus::Active)
            .filter(|p| holders.contains(p.id.as_str()) && !departing.contains(p.id.as_str())),
    )
}

/// People already in the org whose work email or employee ID becomes one another person
/// held before the plan. The value changed, so whoever held it before was someone else.
fn swaps(org: &Org, plan: &Plan) -> u64 {
    let changed: Vec<(Option<Cow<'_, str>>, Option<&str>)> = plan
        .people
        .iter()
        .filter_map(|change| match change {
            PersonChange::Update { before, after } => Some((before, after)),
            PersonChange::Create(_) => None,
        })
        .map(|(before, after)| {
            let email = new_value(email(before), email(after));
            let id = new_value(work_id(before), work_id(after));
            (email, id)
        })
        .filter(|(email, id)| email.is_some() || id.is_some())
        .collect();
    if changed.is_empty() {
        return 0;
    }
    let emails: HashSet<Cow<'_, str>> = org.people.iter().filter_map(email).collect();
    let ids: HashSet<&str> = org.people.iter().filter_map(work_id).collect();
    count(changed.iter().filter(|(email, id)| {
        email.as_ref().is_some_and(|e| emails.contains(e)) || id.is_some_and(|i| ids.contains(i))
    }))
}

/// The value after, when it is one and differs from the value before.
fn new_value<T: PartialEq>(before: Option<T>, after: Option<T>) -> Option<T> {
    after.filter(|a| before.as_ref() != Some(a))
}

fn email(person: &Person) -> Option<Cow<'_, str>> {
    person.work_email.as_deref().and_then(email_key)
}

fn work_id(person: &Person) -> Option<&str> {
    person
        .work_id
        .as_deref()
        .map(str::trim)
        .filter(|id| !id.is_empty())
}

fn count<T>(items: impl Iterator<Item = T>) -> u64 {
    u64::try_from(items.count()).unwrap_or(u64::MAX)
}
