//! The primary org: people, jobs (a seat in the tree; without a person, an open job),
//! departments, locations and the history of every change.

pub mod change;
pub mod history;
pub mod model;
pub mod queries;
pub mod roster;
pub mod store;
pub mod visibility;
