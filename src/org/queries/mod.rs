//! Read-side queries for the people directory, the person page, the org chart and the
//! people JSON API (who sees whose sensitive fields is [`super::visibility`]'s).
//!
//! Every query is a handful of indexed statements whatever the org's size: a page of
//! the directory is one COUNT and one LIMIT/OFFSET over the `(status, name, id)` index,
//! the org chart loads a few levels at a time, and nothing runs a query per row.
//!
//! One file per page: `directory`, `person` and the tree of jobs, `chart`.

mod chart;
mod directory;
mod person;

pub use chart::*;
pub use directory::*;
pub use person::*;
