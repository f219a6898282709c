//! orgsync: a self-hosted org-chart admin app whose first integration is the Justworks
//! payroll sync. `main.rs` is a thin shell around this library so that tests can build
//! the real app and serve it on port 0.

pub mod app;
pub mod apps;
pub mod audit;
pub mod auth;
pub mod background;
pub mod bench;
pub mod cli;
pub mod clock;
pub mod config;
pub mod crypto;
pub mod data_dir;
pub mod db;
pub mod justworks;
pub mod link_base;
pub mod mail;
pub mod org;
pub mod org_settings;
pub mod sandbox;
pub mod secrets;
pub mod state;
pub mod sync;
pub mod text;
pub mod web;

/// "0.1.0 (commit 1a2b3c4d5e6f)": the version and the git commit this binary was built
/// from (see build.rs).
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("ORGSYNC_GIT_COMMIT"),
    ")"
);

pub use app::App;
pub use config::Config;
