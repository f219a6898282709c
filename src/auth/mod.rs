//! Accounts and access: users, passwords, sessions, access levels, CSRF and throttling.
//! The HTTP side (the access extractors, the error pages) lives with the web layer.

pub mod csrf;
pub mod invitations;
pub mod level;
pub mod links;
pub mod password;
pub mod session_store;
pub mod setup;
pub mod throttle;
pub mod tokens;
pub mod users;

pub use level::AccessLevel;
