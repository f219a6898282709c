//! The people directory, the person page, the org chart and the people JSON API — above
//! all, who sees whose sensitive fields. The org is written the way a sync writes it
//! (`org::store::apply_plan`), straight into the app's database.

mod access;
mod chart;
mod directory;
mod json;
mod person_page;
mod sensitive;
mod support;
