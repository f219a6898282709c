//! Accounts and access: users, passwords, sessions, access levels, CSRF and throttling.

pub mod csrf;
pub mod extract;
pub mod invitations;
pub mod level;
pub mod links;
pub mod password;
pub mod session_store;
pub mod setup;
pub mod throttle;
pub mod tokens;
pub mod users;

pub use extract::{CurrentUser, RequireMember, RequireOwner, RequireTechnicalOwner};
pub use level::AccessLevel;
