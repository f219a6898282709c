//! Incremental reads plan exactly as full ones: from a start roster and a prior org,
//! random changes (titles, managers, departments, terminations, rehires, new members —
//! never a member gone, which only a full read sees) read whole, or read as the changed
//! members only (and some unchanged ones, as the five-minute margin reads again) merged
//! into the start roster, give the same roster and the same plan.

use std::collections::HashMap;

use proptest::prelude::*;
use proptest::test_runner::Config;

use super::props_cases::*;
use crate::org::roster::{Roster, RosterMember};
use crate::sync::incremental::merge;

/// The start roster, and the roster a full read returns after the changes: the start's
/// members in their order (changed as `second` says), then the new ones in the order
/// the source lists them.
fn rosters(specs: &[Spec]) -> (Roster, Roster) {
    let start = build(specs, false);
    // Nobody leaves the source: those listed at the start are listed after.
    let after: Vec<Spec> = specs
        .iter()
        .cloned()
        .map(|s| Spec {
            in_second: s.in_first || s.in_second,
            ..s
        })
        .collect();
    let mut full = build(&after, true);
    let was: HashMap<&str, usize> = start
        .members
        .iter()
        .enumerate()
        .map(|(i, m)| (m.id.as_str(), i))
        .collect();
    let old_position = |m: &RosterMember| was.get(m.id.as_str()).copied().unwrap_or(usize::MAX);
    // A stable sort: the new ones keep their order, after everyone already there.
    full.members.sort_by_key(old_position);
    (start, full)
}

/// What a read of the changes since the start returns: every member whose record
/// changed or is new, and the unchanged ones `reread` picks, in the source's order.
fn changes(start: &Roster, full: &Roster, reread: &[bool]) -> Roster {
    let before: HashMap<&str, &RosterMember> =
        start.members.iter().map(|m| (m.id.as_str(), m)).collect();
    let members = full
        .members
        .iter()
        .enumerate()
        .filter(|(i, m)| {
            before.get(m.id.as_str()) != Some(m) || reread.get(*i).copied().unwrap_or(false)
        })
        .map(|(_, m)| m.clone())
        .collect();
    Roster {
        company: full.company.clone(),
        members,
        warnings: full.warnings.clone(),
    }
}

proptest! {
    #![proptest_config(Config { cases: 64, failure_persistence: None, ..Config::default() })]

    #[test]
    fn changes_merged_into_the_last_read_plan_as_a_full_read_of_the_same_data(
        specs in specs(),
        first_options in options_strategy(),
        options in options_strategy(),
        prior in prior(),
        reread in prop::collection::vec(prop::bool::weighted(0.2), 41),
    ) {
        let (start, full) = rosters(&specs);
        let org = prior_org(&start, &first_options, &prior);
        let read = changes(&start, &full, &reread);
        prop_assert!(read.members.len() <= full.members.len());
        let merged = merge(start, read);
        prop_assert_eq!(&merged, &full);
        prop_assert_eq!(
            planned(&org, &merged, &options),
            planned(&org, &full, &options)
        );
    }
}
