//! Finding the org head (*Name Org Head*): the one live member whose full, preferred or
//! full-preferred name is the setting, compared as names are (`names::folded`). Only
//! those three forms: a preferred name with the family name is not a fourth, so that
//! "Bob Smith" is nobody's name unless Justworks says so. None or several: the plan
//! fails, naming the closest names.

use super::members::Members;
use super::names::{folded, label, name_key, words_are};
use crate::org::change::PlanError;
use crate::org::roster::{PersonName, RosterMember};

/// How many near names a "not found" failure offers.
const CLOSEST_NAMED: usize = 3;
/// How many of several matches an "ambiguous" failure names.
const MATCHES_NAMED: usize = 10;

/// The index of the org head among the members.
pub(super) fn find(members: &Members<'_>, org_head: &str) -> Result<usize, PlanError> {
    let wanted = name_key(org_head);
    let found: Vec<usize> = if wanted.is_empty() {
        Vec::new()
    } else {
        members
            .live()
            .filter(|&i| answers_to(&members.list[i], &wanted))
            .collect()
    };
    let name = org_head.split_whitespace().collect::<Vec<_>>().join(" ");
    match found.as_slice() {
        [] => Err(PlanError::OrgHeadNotFound {
            name,
            closest: closest(members, &wanted),
        }),
        [one] => Ok(*one),
        several => Err(PlanError::OrgHeadAmbiguous {
            name,
            members: several
                .iter()
                .take(MATCHES_NAMED)
                .map(|&i| label(&members.list[i]))
                .collect(),
            more: several.len().saturating_sub(MATCHES_NAMED),
        }),
    }
}

fn answers_to(member: &RosterMember, key: &str) -> bool {
    forms(&member.name)
        .into_iter()
        .any(|form| words_are(words(form), key))
}

/// The names a member answers to: full ("Given Family"), preferred, full-preferred —
/// each as up to two parts, so that no name is copied to be compared.
fn forms(name: &PersonName) -> [[Option<&str>; 2]; 3] {
    [
        [name.given.as_deref(), name.family.as_deref()],
        [name.preferred.as_deref(), None],
        [name.full_preferred.as_deref(), None],
    ]
}

fn words(form: [Option<&str>; 2]) -> impl Iterator<Item = &str> {
    form.into_iter().flatten().flat_map(str::split_whitespace)
}

/// The live members whose names come nearest to `wanted` (a `name_key`), nearest first
/// (ties in roster order). Similarity is Jaro-Winkler over the compared forms, and over
/// their words in order, so that a typo, a missing letter or a name given family first
/// still ranks its member first.
fn closest(members: &Members<'_>, wanted: &str) -> Vec<String> {
    if wanted.is_empty() {
        return Vec::new();
    }
    let wanted_sorted = sorted_words(wanted);
    let mut scored: Vec<(f64, usize)> = members
        .live()
        .map(|i| {
            let best = forms(&members.list[i].name)
                .into_iter()
                .map(|form| folded(words(form)).collect::<String>())
                .filter(|key| !key.is_empty())
                .map(|key| {
                    strsim::jaro_winkler(&key, wanted)
                        .max(strsim::jaro_winkler(&sorted_words(&key), &wanted_sorted))
                })
                .fold(0.0, f64::max);
            (best, i)
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    scored
        .into_iter()
        .take(CLOSEST_NAMED)
        .map(|(_, i)| label(&members.list[i]))
        .collect()
}

/// A compared name's words in sorted order.
fn sorted_words(key: &str) -> String {
    let mut words: Vec<&str> = key.split(' ').collect();
    words.sort_unstable();
    words.join(" ")
}
