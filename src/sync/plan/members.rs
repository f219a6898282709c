//! Which roster members count, and how: skipped (*Exclude IDs*, or a contractor while
//! contractors are not included), departing (inactive, or terminated on or before
//! today) or live (belongs in the tree). A member id listed twice fails the plan: the
//! source is corrupt.

use std::collections::{HashMap, HashSet};

use jiff::civil::Date;

use crate::org::change::PlanError;
use crate::org::roster::{EmploymentType, RosterMember};
use crate::sync::options::SyncOptions;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Standing {
    /// Listed in *Exclude IDs* by member id or work id.
    Excluded,
    /// A contractor while contractors are not included.
    SkippedContractor,
    /// Inactive, or a termination date on or before today.
    Departing,
    /// Active and not excluded: has a seat in the tree.
    Live,
}

impl Standing {
    /// Skipped entirely: the plan neither creates nor changes anything for them.
    pub(super) fn is_skipped(self) -> bool {
        matches!(self, Self::Excluded | Self::SkippedContractor)
    }
}

/// The roster's members with their standing and an index by member id.
pub(super) struct Members<'a> {
    pub list: &'a [RosterMember],
    pub standing: Vec<Standing>,
    pub by_id: HashMap<&'a str, usize>,
}

impl<'a> Members<'a> {
    /// The members again once seated (their values moved into rows, ids, names,
    /// managers and dates still there), with the standing `classify` gave them. Their ids
    /// are unique: `classify` checked.
    pub(super) fn seated(list: &'a [RosterMember], standing: Vec<Standing>) -> Self {
        let by_id = list
            .iter()
            .enumerate()
            .map(|(i, member)| (member.id.as_str(), i))
            .collect();
        Self {
            list,
            standing,
            by_id,
        }
    }

    pub(super) fn live(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.list.len()).filter(|&i| self.standing[i] == Standing::Live)
    }
}

pub(super) fn classify<'a>(
    list: &'a [RosterMember],
    options: &SyncOptions,
    today: Date,
) -> Result<Members<'a>, PlanError> {
    let mut by_id = HashMap::with_capacity(list.len());
    for (i, member) in list.iter().enumerate() {
        if by_id.insert(member.id.as_str(), i).is_some() {
            return Err(PlanError::DuplicateMemberId(member.id.clone()));
        }
    }
    let excluded: HashSet<&str> = options
        .exclude_ids
        .iter()
        .map(|id| id.trim())
        .filter(|id| !id.is_empty())
        .collect();
    let standing = list
        .iter()
        .map(|member| standing(member, &excluded, options, today))
        .collect();
    Ok(Members {
        list,
        standing,
        by_id,
    })
}

fn standing(
    member: &RosterMember,
    excluded: &HashSet<&str>,
    options: &SyncOptions,
    today: Date,
) -> Standing {
    let listed = |id: &str| excluded.contains(id.trim());
    if listed(&member.id) || member.work_id.as_deref().is_some_and(listed) {
        Standing::Excluded
    } else if !options.include_contractors
        && member.employment_type == Some(EmploymentType::Contractor)
    {
        Standing::SkippedContractor
    } else if !member.active || member.termination_date.is_some_and(|d| d <= today) {
        Standing::Departing
    } else {
        Standing::Live
    }
}
