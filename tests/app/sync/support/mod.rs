//! What the sync tests share: the sandbox they drive, runs, the database, members and
//! a killable server process.

use crate::helpers::*;
use std::time::Duration;

mod database;
mod members;
mod runs;
mod sandbox;
mod server;

pub(crate) use database::*;
pub(crate) use members::*;
pub(crate) use runs::*;
pub(crate) use sandbox::*;
pub(crate) use server::*;

/// How long a run may take before a test gives up on it.
pub(crate) const RUN_DEADLINE: Duration = Duration::from_secs(60);

/// The sentence a run fails with when orgsync's own database refuses (pipeline.rs).
pub(crate) const DATABASE_FAILURE: &str = "orgsync could not read or save its own data (a database error); \
    nothing was changed. Try again; if it keeps happening, check the server's log.";
