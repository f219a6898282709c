//! Reading only what changed (docs/design.md → *Incremental reads*): after a read of
//! everyone, a run may ask the source for the members changed since the last read kept
//! (minus a safety margin) and merge them into that read's roster. The merged roster is
//! what a read of everyone would have brought back — but for members who disappeared,
//! whom only a read of everyone sees — so it goes through the same plan, unchanged.
//!
//! Here, both pure: when a run may read only what changed ([`scope_for`]), and the
//! merge ([`merge`]). The last read itself is kept in `sync::snapshots`.

use crate::org::roster::Roster;
use crate::sync::connector::Scope;
use crate::sync::runs::Cause;
use jiff::{SignedDuration, Timestamp};
use std::collections::HashMap;

/// Read from this long before the last read began: a change stamped by a clock a little
/// behind ours, or saved while that read was under way, is read again rather than missed.
pub const MARGIN: SignedDuration = SignedDuration::from_mins(5);

/// A read of everyone at least this often: members who disappeared are seen only then.
pub const FULL_READ_EVERY: SignedDuration = SignedDuration::from_hours(24);

/// What is known of the last read kept, without its roster.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LastRead {
    /// When that read began (orgsync's clock).
    pub read_at: Timestamp,
    /// The app's settings `updated_at` (ms) it was read under.
    pub settings_at: i64,
}

/// Why a run reads what it reads (for the log).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    /// Nothing read yet (or nothing kept).
    NoLastRead,
    /// The settings were saved since the last read (another user, another company…).
    SettingsChanged,
    /// The daily run reads everyone.
    DailyRun,
    /// The last read of everyone is more than a day old.
    LastReadOld,
    /// The last read is dated after now: the clock went back, so "since" means nothing.
    ClockWentBack,
    /// The last read kept could not be decrypted or read.
    LastReadUnreadable,
    /// A member of the last read has no `updated_at`: nothing says when they change.
    Undated,
    /// Only what changed.
    Changes,
}

impl std::fmt::Display for Why {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Why::NoLastRead => "no earlier read is kept",
            Why::SettingsChanged => "the settings changed since the last read",
            Why::DailyRun => "the daily run reads everyone",
            Why::LastReadOld => "the last read is more than a day old",
            Why::ClockWentBack => "the last read is dated after now",
            Why::LastReadUnreadable => "the last read kept could not be read",
            Why::Undated => "a member of the last read has no updated_at",
            Why::Changes => "only what changed since the last read",
        })
    }
}

/// What a run of `cause` reads, now, with the app's settings saved at `settings_at`:
/// everyone when nothing is kept, the settings changed since, it is the daily run, or the
/// last read is a day old (or dated after now); else the members changed since the last
/// read began, minus [`MARGIN`]. A revert reads nothing and never asks.
pub fn scope_for(
    last: Option<LastRead>,
    settings_at: i64,
    cause: Cause,
    now: Timestamp,
) -> (Scope, Why) {
    let Some(last) = last else {
        return (Scope::All, Why::NoLastRead);
    };
    if last.settings_at != settings_at {
        return (Scope::All, Why::SettingsChanged);
    }
    if cause == Cause::Scheduled {
        return (Scope::All, Why::DailyRun);
    }
    if last.read_at > now {
        return (Scope::All, Why::ClockWentBack);
    }
    if now.duration_since(last.read_at) > FULL_READ_EVERY {
        return (Scope::All, Why::LastReadOld);
    }
    (Scope::ChangedSince(last.read_at - MARGIN), Why::Changes)
}

/// Whether changes can be merged into `last`: every member of it says when it was last
/// updated. One that does not (the contract's *unknown*) would never be in a read of
/// changes, changed or not — so only a read of everyone keeps them current.
pub fn can_merge_into(last: &Roster) -> bool {
    last.members.iter().all(|m| m.updated_at.is_some())
}

/// The roster a read of everyone would have given, from the last one and a read of the
/// members changed since: the last read's members in their order, each replaced by the
/// member read with the same id; members new to it appended, in the order read; the
/// company and the warnings of the new read.
pub fn merge(last: Roster, changed: Roster) -> Roster {
    let Roster {
        company,
        members: read,
        warnings,
    } = changed;
    let mut members = last.members;
    let at: Vec<Option<usize>> = {
        let index: HashMap<&str, usize> = members
            .iter()
            .enumerate()
            .map(|(i, m)| (m.id.as_str(), i))
            .collect();
        read.iter()
            .map(|m| index.get(m.id.as_str()).copied())
            .collect()
    };
    let mut new = Vec::new();
    for (member, at) in read.into_iter().zip(at) {
        match at {
            Some(i) => members[i] = member,
            None => new.push(member),
        }
    }
    members.extend(new);
    Roster {
        company,
        members,
        warnings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::org::roster::{PersonName, RosterCompany, RosterMember};

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    const SETTINGS_AT: i64 = 1_000;

    fn last(read_at: &str) -> Option<LastRead> {
        Some(LastRead {
            read_at: at(read_at),
            settings_at: SETTINGS_AT,
        })
    }

    #[test]
    fn a_run_reads_everyone_unless_a_recent_read_under_the_same_settings_is_kept() {
        let now = at("2026-11-26T12:00:00Z");
        let cases = [
            (None, SETTINGS_AT, Cause::Manual, Why::NoLastRead),
            (
                last("2026-11-26T11:00:00Z"),
                2_000,
                Cause::Manual,
                Why::SettingsChanged,
            ),
            (
                last("2026-11-26T11:00:00Z"),
                500,
                Cause::Preview,
                Why::SettingsChanged,
            ),
            (
                last("2026-11-26T11:00:00Z"),
                SETTINGS_AT,
                Cause::Scheduled,
                Why::DailyRun,
            ),
            (
                last("2026-11-25T11:59:59Z"),
                SETTINGS_AT,
                Cause::Manual,
                Why::LastReadOld,
            ),
            (
                last("2026-11-26T12:00:01Z"),
                SETTINGS_AT,
                Cause::Webhook,
                Why::ClockWentBack,
            ),
        ];
        for (last, settings_at, cause, why) in cases {
            assert_eq!(
                scope_for(last, settings_at, cause, now),
                (Scope::All, why),
                "{last:?} {settings_at} {cause:?}"
            );
        }
    }

    #[test]
    fn manual_preview_and_webhook_runs_read_what_changed_since_five_minutes_before_the_last_read() {
        let now = at("2026-11-26T12:00:00Z");
        for cause in [Cause::Manual, Cause::Preview, Cause::Webhook] {
            assert_eq!(
                scope_for(last("2026-11-26T11:00:00Z"), SETTINGS_AT, cause, now),
                (
                    Scope::ChangedSince(at("2026-11-26T10:55:00Z")),
                    Why::Changes
                )
            );
        }
        // Exactly a day old still reads what changed; a day and a moment does not.
        assert_eq!(
            scope_for(
                last("2026-11-25T12:00:00Z"),
                SETTINGS_AT,
                Cause::Manual,
                now
            )
            .0,
            Scope::ChangedSince(at("2026-11-25T11:55:00Z"))
        );
        assert_eq!(
            scope_for(
                last("2026-11-26T12:00:00Z"),
                SETTINGS_AT,
                Cause::Manual,
                now
            )
            .0,
            Scope::ChangedSince(at("2026-11-26T11:55:00Z"))
        );
    }

    fn member(id: &str, title: &str) -> RosterMember {
        RosterMember {
            id: id.to_owned(),
            work_id: None,
            active: true,
            name: PersonName::default(),
            employment_type: None,
            location_type: None,
            job_title: Some(title.to_owned()),
            department: None,
            office: None,
            manager_id: None,
            start_date: None,
            termination_date: None,
            emails: Vec::new(),
            phones: Vec::new(),
            addresses: Vec::new(),
            date_of_birth: None,
            sex_assigned_at_birth: None,
            gender: None,
            eeo1_race: None,
            pay: None,
            pay_frequency: None,
            updated_at: None,
        }
    }

    fn roster(company: &str, members: &[(&str, &str)], warnings: &[&str]) -> Roster {
        Roster {
            company: RosterCompany {
                id: "cmp_1".into(),
                name: company.into(),
                departments: Vec::new(),
                offices: Vec::new(),
            },
            members: members.iter().map(|(id, t)| member(id, t)).collect(),
            warnings: warnings.iter().map(|w| w.to_string()).collect(),
        }
    }

    fn ids_and_titles(r: &Roster) -> Vec<(&str, &str)> {
        r.members
            .iter()
            .map(|m| (m.id.as_str(), m.job_title.as_deref().unwrap()))
            .collect()
    }

    #[test]
    fn the_merge_keeps_the_last_order_replaces_by_id_and_appends_new_members_in_read_order() {
        let last = roster(
            "Acme",
            &[
                ("a", "CEO"),
                ("b", "Engineer"),
                ("c", "Designer"),
                ("d", "Clerk"),
            ],
            &["a: cut"],
        );
        let changed = roster(
            "Acme Corp",
            &[
                ("z", "Intern"),
                ("c", "Lead Designer"),
                ("y", "Analyst"),
                ("a", "CEO"),
            ],
            &["y: cut"],
        );
        let merged = merge(last, changed);
        assert_eq!(
            ids_and_titles(&merged),
            [
                ("a", "CEO"),
                ("b", "Engineer"),
                ("c", "Lead Designer"),
                ("d", "Clerk"),
                ("z", "Intern"),
                ("y", "Analyst"),
            ]
        );
        assert_eq!(merged.company.name, "Acme Corp");
        assert_eq!(merged.warnings, ["y: cut"]);
    }

    #[test]
    fn changes_are_merged_only_into_a_read_whose_members_are_all_dated() {
        let mut last = roster("Acme", &[("a", "CEO"), ("b", "Engineer")], &[]);
        for m in &mut last.members {
            m.updated_at = Some(at("2026-11-20T14:03:11Z"));
        }
        assert!(can_merge_into(&last));
        last.members[1].updated_at = None;
        assert!(!can_merge_into(&last));
        assert!(can_merge_into(&roster("Acme", &[], &[])));
    }

    #[test]
    fn nothing_changed_gives_the_last_members_with_the_new_company() {
        let last = roster("Acme", &[("a", "CEO"), ("b", "Engineer")], &[]);
        let merged = merge(last.clone(), roster("Acme Corp", &[], &[]));
        assert_eq!(merged.members, last.members);
        assert_eq!(merged.company.name, "Acme Corp");
    }
}
