//! The primary org: people, jobs (a seat in the tree; without a person, an open job),
//! departments, locations and the history of every change; the roster a pull reads
//! (source-agnostic), the change set a sync's plan makes from it and the store applies,
//! and the undo record a revert reads. Nothing here knows of the sync, the apps or the
//! web.

pub mod change;
pub mod conflicts;
pub mod display;
pub mod edit;
pub mod fields;
pub mod history;
pub mod model;
pub mod pins;
pub mod queries;
pub mod roster;
pub mod store;
pub mod undo;
pub mod values;
pub mod visibility;
