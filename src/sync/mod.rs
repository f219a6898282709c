//! Syncing Justworks into the primary org: runs (status rows), the worker, the Run Daily
//! scheduler, webhook-triggered runs, the connector a run reads through (everyone, or
//! only what changed), the pure plan, and the one-transaction apply.

pub mod connector;
pub mod daily_at;
pub mod guards;
pub mod incremental;
pub mod notify;
pub mod options;
pub mod pipeline;
pub mod plan;
pub mod review;
pub mod runs;
pub mod scheduler;
pub mod snapshots;
pub mod summary;
pub mod webhook;
pub mod worker;
