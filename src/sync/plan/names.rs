//! How the plan compares and shows names and emails: whitespace-collapsed and
//! Unicode-lowercased for comparing, "Name (member id)" for warnings.

use std::borrow::Cow;

use crate::justworks::roster::RosterMember;

/// Words as compared: joined by one space, each character lowercased (Unicode-aware,
/// so "ÉMILE" and "émile" are the same).
fn lowered<'w>(words: impl Iterator<Item = &'w str>) -> impl Iterator<Item = char> {
    words
        .enumerate()
        .flat_map(|(n, word)| (n > 0).then_some(' ').into_iter().chain(word.chars()))
        .flat_map(char::to_lowercase)
}

/// A name as compared: trimmed, inner whitespace collapsed, lowercased.
pub(super) fn name_key(name: &str) -> String {
    lowered(name.split_whitespace()).collect()
}

/// Whether these words, compared as names are, make `key` (a `name_key`). No allocation:
/// the org head check runs over every member.
pub(super) fn words_are<'w>(words: impl Iterator<Item = &'w str>, key: &str) -> bool {
    lowered(words).eq(key.chars())
}

/// A work email as compared: trimmed and lowercased; `None` when blank.
pub(super) fn email_key(email: &str) -> Option<Cow<'_, str>> {
    let email = email.trim();
    if email.is_empty() {
        None
    } else if email.chars().any(char::is_uppercase) {
        Some(Cow::Owned(email.to_lowercase()))
    } else {
        Some(Cow::Borrowed(email))
    }
}

/// A text value from the source, `None` when absent or blank (absent means unknown).
pub(super) fn text(value: Option<&str>) -> Option<&str> {
    value.filter(|v| !v.trim().is_empty())
}

/// The member's full name ("Given Family"), if the source gave one.
pub(super) fn full_name(member: &RosterMember) -> Option<String> {
    member.name.full().filter(|n| !n.trim().is_empty())
}

/// The name a new person gets: the full name, else whatever name the source has, else
/// the member id (a person always has a name).
pub(super) fn member_name(member: &RosterMember) -> String {
    full_name(member)
        .or_else(|| text(member.name.full_preferred.as_deref()).map(str::to_owned))
        .or_else(|| text(member.name.preferred.as_deref()).map(str::to_owned))
        .unwrap_or_else(|| member.id.clone())
}

/// "Ana Souza (mem_8f2c)": how warnings name a member.
pub(super) fn label(member: &RosterMember) -> String {
    format!("{} ({})", member_name(member), member.id)
}

/// "A", "A and B", "A, B and C".
pub(super) fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}
