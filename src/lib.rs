//! orgsync: a self-hosted org-chart admin app whose first integration is the Justworks
//! payroll sync. `main.rs` is a thin shell around this library so that tests can build
//! the real app and serve it on port 0.

pub mod justworks;
pub mod sandbox;
pub mod secrets;
