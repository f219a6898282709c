//! Tests of the sandbox as a whole (the unit tests live next to each module).

mod front_page;
mod generated;
mod http;
mod partner;
mod spawned;
mod webhooks;
