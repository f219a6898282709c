//! Finding the org head (*Name Org Head*): the one live member whose full, preferred,
//! full-preferred (or "preferred family") name is the setting, compared
//! Unicode-case-insensitively with whitespace collapsed. None or several: the plan
//! fails, saying which.

use super::members::Members;
use super::names::{label, name_key, words_are};
use crate::justworks::roster::RosterMember;
use crate::sync::change::PlanError;

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
    match found.as_slice() {
        [] => Err(PlanError::OrgHeadNotFound(org_head.trim().to_owned())),
        [one] => Ok(*one),
        several => Err(PlanError::OrgHeadAmbiguous {
            name: org_head.trim().to_owned(),
            members: several.iter().map(|&i| label(&members.list[i])).collect(),
        }),
    }
}

fn answers_to(member: &RosterMember, key: &str) -> bool {
    let name = &member.name;
    words_are(words_of(&name.given).chain(words_of(&name.family)), key)
        || words_are(words_of(&name.preferred), key)
        || words_are(words_of(&name.full_preferred), key)
        || (name.preferred.is_some()
            && name.family.is_some()
            && words_are(words_of(&name.preferred).chain(words_of(&name.family)), key))
}

fn words_of(part: &Option<String>) -> impl Iterator<Item = &str> {
    part.as_deref().into_iter().flat_map(str::split_whitespace)
}
