//! How the plan compares and shows names and emails: names as Unicode means them
//! (`folded`), emails trimmed and lowercased, "Name (member id)" for warnings.

use std::borrow::Cow;

use caseless::Caseless;
use unicode_normalization::UnicodeNormalization;

use crate::org::roster::RosterMember;

/// THE name comparison (docs/justworks.md "Org head"): words joined by one space, then
/// canonical caseless form — decomposed (NFD), fully case-folded, recomposed (NFC). So
/// "ΟΔΥΣΣΕΥΣ" meets "Οδυσσευς" (final ς, σ and Σ all fold to σ), "STRASSE" meets
/// "Straße", a name typed decomposed meets the same name composed; the Turkish dotless ı
/// stays a letter of its own (default folding, not Turkish). Decomposing first is the
/// Unicode definition of a canonical caseless match (D145): folding a composed letter
/// may otherwise differ from folding its parts. Every name comparison of the plan goes
/// through here.
pub(super) fn folded<'w>(words: impl Iterator<Item = &'w str>) -> impl Iterator<Item = char> {
    words
        .flat_map(str::split_whitespace)
        .enumerate()
        .flat_map(|(n, word)| (n > 0).then_some(' ').into_iter().chain(word.chars()))
        .nfd()
        .default_case_fold()
        .nfc()
}

/// A name as compared (see `folded`), for keys and for comparing many names to one.
pub(super) fn name_key(name: &str) -> String {
    folded(std::iter::once(name)).collect()
}

/// Whether these words, compared as names are, make `key` (a `name_key`). No allocation:
/// the org head check runs over every member.
pub(super) fn words_are<'w>(words: impl Iterator<Item = &'w str>, key: &str) -> bool {
    folded(words).eq(key.chars())
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
