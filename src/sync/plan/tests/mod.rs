//! The plan's tests: one named test per rule of docs/justworks.md "Mapping onto the primary
//! org" (table-driven where a rule has cases), property tests over random rosters and
//! orgs, and a scale check; and the same for reverting a run.

mod facts;
mod groups;
mod head;
mod identity;
mod lifecycle;
mod managers;
mod pins;
mod props;
mod props_cases;
mod props_head;
mod props_incremental;
mod props_pins;
mod props_revert;
mod revert;
mod rules;
mod scale;
mod support;
mod values;
