//! Issue 11, privacy and hardening: each point as the attack that worked before, which
//! must not work now — sessions that come back after signing out, locking an account
//! out from anywhere, unbounded password hashing, data files others can read, and the
//! smaller ones (API error shape, anonymous session rows, links on the bind address,
//! control characters in the org head).

mod data_files;
mod hashing;
mod links;
mod lockout;
mod sessions;
mod smaller;
