//! What a sync is told by the app's settings (docs/design.md advanced options), independent
//! of how the settings are stored.

use std::collections::BTreeSet;

use crate::apps::justworks::Settings;
use crate::org::fields::Group;
use serde::{Deserialize, Serialize};

/// What to do with the job of someone who departs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Departures {
    /// The job stays as an open job, to be backfilled.
    Backfill,
    /// The job is closed with the person.
    DeparturesOnly,
}

/// Where someone with no office goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MissingLocation {
    Remote,
    Blank,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncOptions {
    /// *Name Org Head*: the root of the tree.
    pub org_head: String,
    /// Member ids or work ids to skip entirely.
    pub exclude_ids: Vec<String>,
    pub sync_titles: bool,
    pub sync_managers: bool,
    /// Departments and locations.
    pub sync_groups: bool,
    pub sync_dates: bool,
    pub sync_contact: bool,
    pub sync_demographics: bool,
    pub sync_compensation: bool,
    pub departures: Departures,
    pub missing_location: MissingLocation,
    pub include_contractors: bool,
    /// The groups orgsync owns: Justworks' values for them are ignored.
    pub owned_by_orgsync: BTreeSet<Group>,
}

impl From<&Settings> for SyncOptions {
    fn from(s: &Settings) -> Self {
        Self {
            org_head: s.org_head.clone(),
            exclude_ids: s.exclude_ids.clone(),
            sync_titles: s.sync_titles,
            sync_managers: s.sync_managers,
            sync_groups: s.sync_groups,
            sync_dates: s.sync_dates,
            sync_contact: s.sync_contact,
            sync_demographics: s.sync_demographics,
            sync_compensation: s.sync_compensation,
            departures: s.departures,
            missing_location: s.missing_location,
            include_contractors: s.include_contractors,
            owned_by_orgsync: s.owners.orgsync_owns().collect(),
        }
    }
}

impl SyncOptions {
    /// Whether a sync writes a group's fields: it is switched on, and Justworks owns it.
    pub fn writes(&self, group: Group) -> bool {
        let synced = match group {
            Group::Titles => self.sync_titles,
            Group::Managers => self.sync_managers,
            Group::Groups => self.sync_groups,
            Group::Dates => self.sync_dates,
            Group::Contact => self.sync_contact,
            Group::Demographics => self.sync_demographics,
            Group::Compensation => self.sync_compensation,
        };
        synced && !self.owned_by_orgsync.contains(&group)
    }

    /// Every group on, backfill, remote, contractors included (the defaults of the form).
    pub fn with_org_head(org_head: &str) -> Self {
        Self::from(&Settings {
            org_head: org_head.to_owned(),
            ..Settings::default()
        })
    }
}
