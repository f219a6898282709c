//! Properties of plans over an org edited by hand: random fields of random people and
//! seats set by hand, pinned (some with a value kept over), and random groups owned by
//! orgsync. A pinned field is never written; only Justworks-owned, unpinned fields
//! change; *Keep ours* silences a conflict; planning twice is stable.

use std::collections::BTreeSet;

use proptest::prelude::*;
use proptest::test_runner::Config;

use super::props_cases::*;
use super::support::*;
use crate::org::change::{Entity, JobChange, PersonChange, Plan};
use crate::org::fields::{self, Field, Group, Holder};
use crate::org::model::{Org, Person, Source};
use crate::org::roster::Roster;
use crate::org::values;
use crate::sync::options::SyncOptions;

/// One hand edit: the row (by index), the field, where its value comes from (another
/// row's), whether it is pinned, and whether some value was kept over the pin.
#[derive(Debug, Clone)]
pub(super) struct Edit {
    row: usize,
    field: usize,
    from: usize,
    pin: bool,
    kept: bool,
}

pub(super) fn edits() -> impl Strategy<Value = Vec<Edit>> {
    prop::collection::vec(
        (
            0..100usize,
            0..fields::FIELDS.len(),
            0..100usize,
            any::<bool>(),
            prop::bool::weighted(0.2),
        )
            .prop_map(|(row, field, from, pin, kept)| Edit {
                row,
                field,
                from,
                pin,
                kept,
            }),
        0..12,
    )
}

fn owned() -> impl Strategy<Value = BTreeSet<Group>> {
    prop::collection::btree_set(prop::sample::select(Group::ALL.to_vec()), 0..3)
}

/// Sets a field of a person or seat from Justworks by hand, as `org::edit` would.
pub(super) fn edit(org: &mut Org, e: &Edit) {
    let field = &fields::FIELDS[e.field];
    match field.holder {
        Holder::Person => {
            let n = org.people.len();
            if n == 0 || org.people[e.row % n].source != Source::Justworks {
                return;
            }
            let value = values::of_person(field.key, &org.people[e.from % n]);
            let p = &mut org.people[e.row % n];
            if values::set_on_person(p, field.key, value.as_deref()).is_ok() {
                p.hand.set.mark(field.key);
            }
            pin(&mut p.hand.pins, field, e);
        }
        Holder::Job => {
            let n = org.jobs.len();
            if n == 0 || org.jobs[e.row % n].source != Source::Justworks {
                return;
            }
            let value = if field.key == "manager" {
                // Under another job (never itself).
                (e.from % n != e.row % n)
                    .then(|| serde_json::to_string(&org.jobs[e.from % n].id).unwrap())
            } else {
                values::of_job(field.key, &org.jobs[e.from % n])
            };
            let j = &mut org.jobs[e.row % n];
            if (field.key != "manager" || value.is_some())
                && values::set_on_job(j, field.key, value.as_deref()).is_ok()
            {
                j.hand.set.mark(field.key);
            }
            pin(&mut j.hand.pins, field, e);
        }
    }
}

fn pin(pins: &mut crate::org::pins::Pins, field: &Field, e: &Edit) {
    if e.pin {
        pins.pin(field.key);
        if e.kept {
            pins.keep(field.key, "A value kept before".to_owned());
        }
    }
}

#[derive(Debug, Clone)]
pub(super) struct Hand {
    pub(super) org: Org,
    roster: Roster,
    options: SyncOptions,
    pub(super) plan: Plan,
}

pub(super) fn hand_case() -> impl Strategy<Value = Hand> {
    (
        specs(),
        options_strategy(),
        options_strategy(),
        prior(),
        edits(),
        owned(),
    )
        .prop_map(|(specs, first_options, mut options, prior, edits, owned)| {
            let mut org = prior_org(&build(&specs, false), &first_options, &prior);
            for e in &edits {
                edit(&mut org, e);
            }
            options.owned_by_orgsync = owned;
            let roster = build(&specs, true);
            let plan = planned(&org, &roster, &options);
            Hand {
                org,
                roster,
                options,
                plan,
            }
        })
}

/// A field a plan changed on a row: the field, the row's id, its value before and after
/// (as `org::values` holds it), and whether it was pinned.
type Written<'p> = (
    &'static Field,
    &'p str,
    Option<String>,
    Option<String>,
    bool,
);

/// Every field the plan changed on a row that existed.
fn changed_fields(plan: &Plan) -> Vec<Written<'_>> {
    let mut out = Vec::new();
    for change in &plan.people {
        if let PersonChange::Update { before, after } = change {
            for f in fields::FIELDS.iter().filter(|f| f.holder == Holder::Person) {
                let (was, now) = (
                    values::of_person(f.key, before),
                    values::of_person(f.key, after),
                );
                if was != now {
                    out.push((
                        f,
                        before.id.as_str(),
                        was,
                        now,
                        before.hand.pins.is_pinned(f.key),
                    ));
                }
            }
        }
    }
    for change in &plan.jobs {
        if let JobChange::Update { before, after } = change {
            for f in fields::FIELDS.iter().filter(|f| f.holder == Holder::Job) {
                let (was, now) = (values::of_job(f.key, before), values::of_job(f.key, after));
                if was != now {
                    out.push((
                        f,
                        before.id.as_str(),
                        was,
                        now,
                        before.hand.pins.is_pinned(f.key),
                    ));
                }
            }
        }
    }
    out
}

fn person_by_id<'o>(plan: &'o Plan, id: &str) -> Option<(&'o Person, &'o Person)> {
    plan.people.iter().find_map(|c| match c {
        PersonChange::Update { before, after } if before.id == id => Some((&**before, &**after)),
        _ => None,
    })
}

proptest! {
    #![proptest_config(Config { cases: 64, failure_persistence: None, ..Config::default() })]

    #[test]
    fn a_pinned_field_is_never_written_by_any_plan(case in hand_case()) {
        for (field, id, was, now, pinned) in changed_fields(&case.plan) {
            prop_assert!(!pinned, "pinned {} of {} written: {:?} → {:?}", field.key, id, was, now);
        }
    }

    #[test]
    fn a_plan_over_a_hand_edited_org_changes_only_justworks_owned_unpinned_fields(case in hand_case()) {
        let head = seat(&{
            let mut after = case.org.clone();
            case.plan.apply_to(&mut after);
            after
        }, "m0").id.clone();
        for (field, id, was, now, pinned) in changed_fields(&case.plan) {
            prop_assert!(!pinned);
            let Some(group) = field.group else { continue };
            if case.options.writes(group) {
                continue;
            }
            let allowed = match field.key {
                // The tree's own moves: under the org head, or the org head at the top.
                "manager" => {
                    now.as_deref() == Some(serde_json::to_string(&head).unwrap().as_str())
                        || (id == head && now.is_none())
                }
                // A departure or a rehire dates itself.
                "end_date" => person_by_id(&case.plan, id).is_some_and(|(b, a)| b.status != a.status),
                _ => false,
            };
            prop_assert!(allowed, "{} of {} written though not Justworks': {:?} → {:?}", field.key, id, was, now);
        }
        // Hand marks go only with a write.
        for change in &case.plan.jobs {
            if let JobChange::Update { before, after } = change {
                for f in before.hand.set.fields().filter(|f| !after.hand.set.contains(f)) {
                    prop_assert_ne!(values::of_job(f, before), values::of_job(f, after));
                }
            }
        }
    }

    #[test]
    fn planning_twice_is_stable_and_keeping_ours_silences_each_conflict(case in hand_case()) {
        prop_assert_eq!(case.plan.counts.conflicts as usize, case.plan.conflicts.len());
        let mut after = case.org.clone();
        case.plan.apply_to(&mut after);
        let again = planned(&after, &case.roster, &case.options);
        prop_assert!(again.is_empty() && again.history.is_empty(), "not stable: {:#?}", again);
        let key = |p: &Plan| p.conflicts.iter()
            .map(|c| (c.entity_id.clone(), c.field, c.theirs_value.clone()))
            .collect::<Vec<_>>();
        prop_assert_eq!(key(&again), key(&case.plan));
        // Keep ours, for every conflict: none is raised again.
        for c in &again.conflicts {
            let kept = c.theirs.clone().unwrap_or_default();
            match c.entity {
                Entity::Person => after.people.iter_mut().find(|p| p.id == c.entity_id).unwrap().hand.pins.keep(c.field, kept),
                Entity::Job => after.jobs.iter_mut().find(|j| j.id == c.entity_id).unwrap().hand.pins.keep(c.field, kept),
            }
        }
        let kept = planned(&after, &case.roster, &case.options);
        prop_assert!(kept.conflicts.is_empty(), "raised again: {:#?}", kept.conflicts);
        prop_assert!(kept.is_empty());
    }
}
