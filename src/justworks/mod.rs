//! orgsync's Justworks client: sign in with password + TOTP, read the company and every
//! page of members, and hand the sync a source-agnostic [`Roster`](crate::org::roster::Roster).
//!
//! The surface spoken is `docs/justworks.md`. Layout, in the order data flows:
//! `seed` (the stored 2FA seed) → `totp` (codes) → `auth` (sign-in) → `transport` +
//! `retry` (one request, retried) → `client` (company, pages, test connection) →
//! `wire` (Justworks' JSON) → `clean` (text is data: cleaned, capped) → `convert` → `org::roster` (what the sync engine sees).
//! `error` holds the sentences a person is shown.

mod auth;
mod clean;
mod client;
mod convert;
pub mod error;
pub mod oauth;
pub mod retry;
pub mod seed;
pub mod totp;
mod transport;
mod wire;

pub use auth::{Authenticator, BearerToken, Credentials};
pub use client::{ClientOptions, ConnectionReport, JustworksClient};
pub use error::{JustworksError, Step, TransportFailure, Trouble, trouble_of};
pub use oauth::{Attempt, OAuthClient, TokenSet};
pub use seed::{SeedError, TotpSeed};
