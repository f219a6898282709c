//! People who stop being synced. A member synced before who is skipped now — newly
//! listed in *Exclude IDs*, or a contractor once contractors are switched off — keeps
//! their person and job exactly as they were: frozen, never departed nor removed. The
//! person is marked (`Person::sync_stopped`), which is how the run where they stop being
//! synced warns, and no later run does, and how their page says so. A member synced
//! again is unmarked with the rest of their fields (`fields::sync_person`).

use super::draft::Draft;
use super::identity::Identity;
use super::members::{Members, Standing};
use super::names::label;
use crate::org::model::SyncStop;

/// Marks the people of skipped members; per member, the person whose mark changed.
pub(super) fn mark(
    draft: &mut Draft<'_>,
    members: &Members<'_>,
    identity: &Identity,
    warnings: &mut Vec<String>,
) -> Vec<Option<usize>> {
    let mut marked = vec![None; members.list.len()];
    for (i, &standing) in members.standing.iter().enumerate() {
        let why = match standing {
            Standing::Excluded => SyncStop::Excluded,
            Standing::SkippedContractor => SyncStop::Contractor,
            Standing::Departing | Standing::Live => continue,
        };
        // Skipped members are matched by their link only: this is their own person.
        let Some(p) = identity.person[i] else {
            continue;
        };
        let was = draft.people[p].sync_stopped;
        if was == Some(why) {
            continue;
        }
        if was.is_none() {
            warnings.push(format!(
                "{} is no longer synced from Justworks: {}. Their person and job are kept \
                 as they were",
                label(&members.list[i]),
                why.reason(),
            ));
        }
        draft.people[p].to_mut().sync_stopped = Some(why);
        marked[i] = Some(p);
    }
    marked
}
