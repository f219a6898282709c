//! Loading and saving the primary org. The sync loads the whole org in two set-based
//! queries and writes a plan in batches inside the caller's one transaction — never a
//! query per person.
//!
//! `rows` (the tables' columns and loading), `apply` (writing a plan) and `headcounts`.

mod apply;
mod headcounts;
mod rows;

pub use apply::*;
pub use headcounts::*;
pub use rows::*;
