//! Who is who: a member is matched to a person from Justworks by the stored member id
//! (the link); failing that, by work email (trimmed, case-insensitive) among Justworks
//! people not linked to another member of this pull. Never by name: a member whose name
//! alone matches someone becomes a new person, with a *possible duplicate* warning.
//! People not from Justworks are never matched at all.

use std::borrow::Cow;
use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};

use super::members::Members;
use super::names::{and_list, email_key, label, member_name, name_key};
use crate::org::model::{Org, Person, PersonStatus, Source};

/// Past this many, people missing from the pull are summed up in one warning.
const VANISHED_NAMED: usize = 50;

pub(super) struct Identity {
    /// Per member: the person it is matched to. Skipped members keep their link, so
    /// that their person is left alone and matched to nobody else.
    pub person: Vec<Option<usize>>,
    /// Per person: matched in this pull, or linked to a member present in it.
    pub taken: Vec<bool>,
}

pub(super) fn match_members(
    org: &Org,
    members: &Members<'_>,
    warnings: &mut Vec<String>,
) -> Identity {
    let mut identity = by_link(org, members, warnings);
    // Work emails of every member in the pull (skipped ones too: a shared address is
    // ambiguous whoever holds it).
    let emails: Vec<Option<Cow<'_, str>>> = members
        .list
        .iter()
        .map(|m| m.work_email().and_then(email_key))
        .collect();
    let shared = shared_emails(members, &emails, warnings);
    by_work_email(org, members, &emails, &shared, &mut identity, warnings);
    identity
}

/// Members to the Justworks people linked to them; every person linked to a member of
/// the pull is taken, whether or not the member is skipped.
fn by_link(org: &Org, members: &Members<'_>, warnings: &mut Vec<String>) -> Identity {
    let mut taken = vec![false; org.people.len()];
    let mut by_link: HashMap<&str, usize> = HashMap::with_capacity(org.people.len());
    for (p, person) in org.people.iter().enumerate() {
        let Some(link) = person.justworks_id.as_deref().filter(|_| is_ours(person)) else {
            continue;
        };
        if !members.by_id.contains_key(link) {
            continue;
        }
        taken[p] = true;
        match by_link.entry(link) {
            Entry::Vacant(slot) => {
                slot.insert(p);
            }
            Entry::Occupied(first) => warnings.push(format!(
                "{} and {} are both linked to Justworks member {link}; only the first is \
                 synced, the other is left as is",
                person_label(&org.people[*first.get()]),
                person_label(person),
            )),
        }
    }
    let person = members
        .list
        .iter()
        .map(|m| by_link.get(m.id.as_str()).copied())
        .collect();
    Identity { person, taken }
}

/// Work emails held by more than one member, each warned about once.
fn shared_emails<'e>(
    members: &Members<'_>,
    emails: &'e [Option<Cow<'_, str>>],
    warnings: &mut Vec<String>,
) -> HashSet<&'e str> {
    let mut count: HashMap<&str, usize> = HashMap::with_capacity(emails.len());
    for email in emails.iter().flatten() {
        *count.entry(email).or_default() += 1;
    }
    let mut holders: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, email) in emails.iter().enumerate() {
        if let Some(email) = email.as_deref().filter(|e| count[e] > 1) {
            holders.entry(email).or_default().push(i);
        }
    }
    let mut groups: Vec<&Vec<usize>> = holders.values().collect();
    groups.sort_unstable_by_key(|group| group[0]);
    for group in groups {
        let names: Vec<String> = group.iter().map(|&m| label(&members.list[m])).collect();
        warnings.push(format!(
            "{} share the work email {}; each is matched by their Justworks id only",
            and_list(&names),
            members.list[group[0]]
                .work_email()
                .unwrap_or_default()
                .trim(),
        ));
    }
    holders.into_keys().collect()
}

/// Members not matched by link (and not skipped) to the one Justworks person, not
/// taken, with their work email.
fn by_work_email(
    org: &Org,
    members: &Members<'_>,
    emails: &[Option<Cow<'_, str>>],
    shared: &HashSet<&str>,
    identity: &mut Identity,
    warnings: &mut Vec<String>,
) {
    let wanting: Vec<(usize, &str)> = (0..members.list.len())
        .filter(|&i| !members.standing[i].is_skipped() && identity.person[i].is_none())
        .filter_map(|i| Some((i, emails[i].as_deref()?)))
        .filter(|(_, email)| !shared.contains(email))
        .collect();
    if wanting.is_empty() {
        return;
    }
    let mut by_email: HashMap<Cow<'_, str>, Vec<usize>> = HashMap::new();
    for (p, candidate) in org.people.iter().enumerate() {
        if is_ours(candidate)
            && !identity.taken[p]
            && let Some(key) = candidate.work_email.as_deref().and_then(email_key)
        {
            by_email.entry(key).or_default().push(p);
        }
    }
    for (i, email) in wanting {
        let candidates: Vec<usize> = by_email
            .get(email)
            .into_iter()
            .flatten()
            .copied()
            .filter(|&p| !identity.taken[p])
            .collect();
        match candidates.as_slice() {
            [] => {}
            [p] => {
                identity.person[i] = Some(*p);
                identity.taken[*p] = true;
            }
            several => {
                let names: Vec<String> = several
                    .iter()
                    .map(|&p| person_label(&org.people[p]))
                    .collect();
                warnings.push(format!(
                    "{} has the work email {email}, as do {}; it was not matched by email",
                    label(&members.list[i]),
                    and_list(&names),
                ));
            }
        }
    }
}

/// A member who becomes a new person while someone not taken has the same name: say so.
pub(super) fn warn_possible_duplicates(
    org: &Org,
    members: &Members<'_>,
    identity: &Identity,
    warnings: &mut Vec<String>,
) {
    let new: Vec<usize> = (0..members.list.len())
        .filter(|&i| !members.standing[i].is_skipped() && identity.person[i].is_none())
        .collect();
    if new.is_empty() {
        return;
    }
    let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
    for (p, person) in org.people.iter().enumerate() {
        if !identity.taken[p] {
            by_name.entry(name_key(&person.name)).or_default().push(p);
        }
    }
    if by_name.is_empty() {
        return;
    }
    for i in new {
        let member = &members.list[i];
        let Some(same) = by_name.get(&name_key(&member_name(member))) else {
            continue;
        };
        let names: Vec<String> = same.iter().map(|&p| person_label(&org.people[p])).collect();
        warnings.push(format!(
            "possible duplicate: {} matches no person by Justworks id or work email, so a \
             new person was created, but {} has the same name; if they are the same \
             person, merge them by hand",
            label(member),
            and_list(&names),
        ));
    }
}

/// Active people from Justworks whom this pull does not mention are left as they are:
/// the pull may be partial, so this is a warning, never a departure.
pub(super) fn warn_vanished(org: &Org, identity: &Identity, warnings: &mut Vec<String>) {
    let vanished: Vec<&Person> = org
        .people
        .iter()
        .enumerate()
        .filter(|&(p, person)| {
            is_ours(person) && person.status == PersonStatus::Active && !identity.taken[p]
        })
        .map(|(_, person)| person)
        .collect();
    for person in vanished.iter().take(VANISHED_NAMED) {
        warnings.push(format!(
            "{} ({}) is no longer in the Justworks data; left as is — the data may be partial",
            person.name,
            person.justworks_id.as_deref().unwrap_or(&person.id),
        ));
    }
    if vanished.len() > VANISHED_NAMED {
        warnings.push(format!(
            "{} more people from Justworks are no longer in the Justworks data; left as \
             they are — the data may be partial",
            vanished.len() - VANISHED_NAMED,
        ));
    }
}

fn is_ours(person: &Person) -> bool {
    person.source == Source::Justworks
}

fn person_label(person: &Person) -> String {
    format!("{} ({})", person.name, person.id)
}
