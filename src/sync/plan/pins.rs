//! Hand edits meet the sync (docs/design.md → *Editing the org by hand*). After the
//! members' values are in the draft, every pinned field Justworks would have changed is
//! put back as it was, and where Justworks' value also differs from the one last
//! answered *Keep ours* it is held for a conflict: a planned change that writes nothing.
//! A field the plan does write loses its *set by hand* mark. The manager is held where
//! it is set (`Draft::want_manager`), since the tree is built on it; its conflicts are
//! made here too, once the plan's rows can name the managers.

use super::draft::Draft;
use super::history::{self, Lookup};
use super::row::Row;
use crate::org::change::{Conflict, Entity};
use crate::org::display;
use crate::org::fields::{self, Holder};
use crate::org::model::{Job, Person, is_sensitive};
use crate::org::pins::Hand;
use crate::org::values;

/// A pinned field Justworks would have changed, as found on one row.
pub(super) struct Held {
    entity: Entity,
    /// The person's or the job's index in the draft.
    row: usize,
    field: &'static str,
    ours: Option<String>,
    theirs: Option<String>,
    theirs_value: Option<String>,
}

/// Puts pinned fields back on every row the plan changed, clears the hand marks of the
/// fields it writes, and returns the pinned fields that conflict.
pub(super) fn hold(draft: &mut Draft<'_>) -> Vec<Held> {
    let org = draft.org;
    let mut held = Vec::new();
    for (p, before) in org.people.iter().enumerate() {
        let Row::Changed(after) = &mut draft.people[p] else {
            continue;
        };
        if before.hand == Hand::default() {
            continue;
        }
        for field in fields::FIELDS.iter().filter(|f| f.holder == Holder::Person) {
            let was = values::of_person(field.key, before);
            let theirs_value = values::of_person(field.key, after);
            if was == theirs_value {
                continue;
            }
            if !before.hand.pins.is_pinned(field.key) {
                after.hand.set.clear(field.key);
                continue;
            }
            let theirs = history::person_field(field.key, after);
            values::set_on_person(after, field.key, was.as_deref())
                .expect("a value read from the row fits it");
            held.push(Held {
                entity: Entity::Person,
                row: p,
                field: field.key,
                ours: history::person_field(field.key, before),
                theirs,
                theirs_value,
            });
        }
    }
    for (j, before) in org.jobs.iter().enumerate() {
        let Row::Changed(after) = &mut draft.jobs[j] else {
            continue;
        };
        if before.hand == Hand::default() {
            continue;
        }
        for field in fields::FIELDS.iter().filter(|f| f.holder == Holder::Job) {
            let was = values::of_job(field.key, before);
            let theirs_value = values::of_job(field.key, after);
            if was == theirs_value {
                continue;
            }
            // A pinned manager never changes (`Draft::want_manager`, `set_manager`).
            if field.key == "manager" || !before.hand.pins.is_pinned(field.key) {
                after.hand.set.clear(field.key);
                continue;
            }
            let theirs = history::job_field(field.key, after);
            values::set_on_job(after, field.key, was.as_deref())
                .expect("a value read from the row fits it");
            held.push(Held {
                entity: Entity::Job,
                row: j,
                field: field.key,
                ours: history::job_field(field.key, before),
                theirs,
                theirs_value,
            });
        }
    }
    held
}

/// The conflicts: the held fields and managers whose Justworks value is not the one
/// last kept, each naming the person it is about.
pub(super) fn conflicts(draft: &Draft<'_>, held: Vec<Held>, lookup: &Lookup<'_>) -> Vec<Conflict> {
    let managers = draft.held_managers.iter().map(|&(j, manager)| {
        let job = &*draft.jobs[j];
        let mut theirs_row = Job::clone(job);
        theirs_row.manager_job_id = manager.map(|m| draft.jobs[m].id.clone());
        Held {
            entity: Entity::Job,
            row: j,
            field: "manager",
            ours: lookup.manager(job.manager_job_id.as_deref(), true),
            theirs: lookup.manager(theirs_row.manager_job_id.as_deref(), false),
            theirs_value: values::of_job("manager", &theirs_row),
        }
    });
    held.into_iter()
        .chain(managers)
        .filter_map(|h| {
            let (pins, person) = match h.entity {
                Entity::Person => {
                    let person: &Person = &draft.people[h.row];
                    (&person.hand.pins, Some(person))
                }
                Entity::Job => {
                    let job: &Job = &draft.jobs[h.row];
                    let holder = job.person_id.as_deref();
                    (
                        &job.hand.pins,
                        holder.and_then(|id| lookup.person(id, false)),
                    )
                }
            };
            // Answered *Keep ours* for this very value (a blank one is kept as "").
            if pins.kept(h.field) == Some(h.theirs.as_deref().unwrap_or_default()) {
                return None;
            }
            let entity_id = match h.entity {
                Entity::Person => draft.people[h.row].id.clone(),
                Entity::Job => draft.jobs[h.row].id.clone(),
            };
            // An open job's conflict is about the job.
            let person_name = person.map_or_else(
                || display::job(&draft.jobs[h.row], None),
                |p| p.name.clone(),
            );
            Some(Conflict {
                entity: h.entity,
                entity_id,
                person_id: person.map(|p| p.id.clone()),
                person_name,
                field: h.field,
                ours: h.ours,
                theirs: h.theirs,
                theirs_value: h.theirs_value,
                sensitive: is_sensitive(h.field),
            })
        })
        .collect()
}
