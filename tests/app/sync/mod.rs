//! Sync To Primary end to end over HTTP: the real app, its real database and a
//! real Justworks sandbox (ISSUE 4, "End to end over HTTP with the sandbox").
//!
//! Most tests run their own sandbox in this process and point the app at it
//! (`justworks_url`), so that they can patch members, inject faults and — above all —
//! let the sandbox forget the TOTP codes it has seen: a second sign-in inside one
//! 30-second step would otherwise wait for the next step. The first test uses the
//! embedded sandbox, learning its credentials and roster from a twin started with the
//! same seed and size (the sandbox is deterministic for both).

mod changes;
mod failures;
mod first_sync;
mod manual;
pub(crate) mod restarts;
mod run_changes;
mod run_pages;
pub(crate) mod support;

pub(crate) use support::{
    RUN_DEADLINE, Sandbox, Server, app_on, assert_completed, configured, count, has_stopped,
    history_of_run, is_finished, person_of, press_sync, run_json, sync_and_wait, wait_applied,
    wait_for_run,
};
