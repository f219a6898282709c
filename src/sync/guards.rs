//! The safeguards (docs/design.md → *Reviewable, guarded, reversible syncs*): whether a
//! plan moves too much of the org at once to be applied without a person looking first,
//! and the sentence saying why. Pure: the facts come from the plan
//! (`org::change::GuardFacts`), the limits from the Justworks settings.

use serde::{Deserialize, Serialize};

use crate::db::UnknownValue;
use crate::org::change::GuardFacts;

/// Departures trip their safeguard only above this many people, whatever the share: in a
/// small org a handful of leavers is a large share and still routine.
const MIN_DEPARTURES: u64 = 5;

/// When a planned sync is applied (setting `apply_mode`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplyMode {
    /// Applied unless a safeguard trips.
    #[default]
    Auto,
    /// Every run waits for a person to approve it.
    AlwaysReview,
    /// Applied whatever the plan: the safeguards are not checked.
    NeverGuard,
}

impl ApplyMode {
    pub const ALL: [Self; 3] = [Self::Auto, Self::AlwaysReview, Self::NeverGuard];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Auto => "auto",
            Self::AlwaysReview => "always_review",
            Self::NeverGuard => "never_guard",
        }
    }

    pub fn parse(s: &str) -> Result<Self, UnknownValue> {
        match s {
            "auto" => Ok(Self::Auto),
            "always_review" => Ok(Self::AlwaysReview),
            "never_guard" => Ok(Self::NeverGuard),
            _ => Err(UnknownValue::new("apply mode", s)),
        }
    }

    /// As the settings page offers it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Auto => "Apply unless a safeguard trips",
            Self::AlwaysReview => "Always wait for review",
            Self::NeverGuard => "Apply without safeguards",
        }
    }
}

/// The limits, each a whole percentage (1–100) of its base (settings `guard_*_pct`). A
/// value missing from stored settings reads as its default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Safeguards {
    /// Departures, of active people (and more than five people).
    pub departures_pct: u32,
    /// Manager changes, of active people.
    pub managers_pct: u32,
    /// Members missing from the pull, of people synced before.
    pub missing_pct: u32,
    /// Work email or employee ID swaps, of active people.
    pub swaps_pct: u32,
}

impl Default for Safeguards {
    fn default() -> Self {
        Self {
            departures_pct: 10,
            managers_pct: 25,
            missing_pct: 10,
            swaps_pct: 5,
        }
    }
}

/// What a run does with its plan: the apply mode and the safeguards it checks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReviewOptions {
    pub mode: ApplyMode,
    pub safeguards: Safeguards,
}

impl From<&crate::apps::justworks::Settings> for ReviewOptions {
    fn from(s: &crate::apps::justworks::Settings) -> Self {
        Self {
            mode: s.apply_mode,
            safeguards: s.safeguards,
        }
    }
}

/// The sentence of each safeguard the facts trip, in a fixed order (departures,
/// managers, missing, swaps); empty when none does. The apply mode is the caller's.
pub fn check(facts: &GuardFacts, s: &Safeguards) -> Vec<String> {
    const ACTIVE: (&str, &str) = ("active person", "active people");
    let active = facts.active_before;
    let mut tripped = Vec::new();
    if facts.departures > MIN_DEPARTURES && above(facts.departures, active, s.departures_pct) {
        let share = share(facts.departures, active, ACTIVE);
        tripped.push(sentence(share, "would depart", s.departures_pct));
    }
    if above(facts.manager_changes, active, s.managers_pct) {
        let share = share(facts.manager_changes, active, ACTIVE);
        tripped.push(sentence(share, "would change manager", s.managers_pct));
    }
    if above(facts.missing, facts.synced_before, s.missing_pct) {
        let of = ("person synced before", "people synced before");
        let verb = if facts.missing == 1 { "is" } else { "are" };
        tripped.push(sentence(
            share(facts.missing, facts.synced_before, of),
            &format!("{verb} missing from what Justworks sent"),
            s.missing_pct,
        ));
    }
    if above(facts.swaps, active, s.swaps_pct) {
        tripped.push(sentence(
            share(facts.swaps, active, ACTIVE),
            "would take a work email or employee ID another person had",
            s.swaps_pct,
        ));
    }
    tripped
}

/// Whether `count` is strictly more than `pct` percent of `base`, in whole numbers (no
/// rounding at the edge). Nothing is above a share of nobody.
fn above(count: u64, base: u64, pct: u32) -> bool {
    base > 0 && u128::from(count) * 100 > u128::from(pct) * u128::from(base)
}

/// "31 of 240 active people (13%)": `of` names the base, in the singular and the plural.
/// The percentage is rounded half up to a whole number; `base` is not 0.
fn share(count: u64, base: u64, of: (&str, &str)) -> String {
    let of = if base == 1 { of.0 } else { of.1 };
    let (c, b) = (u128::from(count), u128::from(base));
    let pct = (c * 200 + b) / (b * 2);
    format!("{count} of {base} {of} ({pct}%)")
}

/// "… would depart — above your 10% safeguard".
fn sentence(share: String, verb: &str, pct: u32) -> String {
    format!("{share} {verb} — above your {pct}% safeguard")
}

#[cfg(test)]
mod tests;
