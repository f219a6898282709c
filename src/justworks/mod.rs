//! orgsync's Justworks client: sign in with password + TOTP, read the company and every
//! page of members, and hand the sync a source-agnostic roster. (Being built: issue 3.)

pub mod seed;

pub use seed::{SeedError, TotpSeed};
