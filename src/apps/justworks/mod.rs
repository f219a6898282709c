//! The Justworks app: its settings and the rules the form must meet (`docs/design.md` →
//! *Config form rules*), the stored credentials, and the installed app as its page
//! shows it.
//!
//! - [`settings`]: the sync settings (stored as JSON), what one save stores, which
//!   fields it changed and their labels.
//! - [`form`]: the form as posted and its rules, into a [`Valid`] save.
//! - [`credentials`]: the secrets (password, 2FA seed, client secret), encrypted and
//!   write-only.
//! - [`connection`]: the Partner API connection: its tokens and whether Justworks still
//!   accepts them.
//! - [`health`]: the connection's health in a few words (page and apps list).
//! - [`oauth_flow`]: *Connect with Justworks* (consent page, callback, code exchange)
//!   and *Disconnect*.
//! - [`page`]: the installed app's settings as the page shows them.
//! - [`webhook`]: a webhook delivery's signature check and the event it carries.

pub mod connection;
pub mod credentials;
pub mod form;
pub mod health;
pub mod oauth_flow;
pub mod page;
pub mod settings;
pub mod webhook;

pub use credentials::load_credentials;
pub use form::{FieldErrors, SettingsForm, validate};
pub use page::{Config, load, review_options, sync_options};
pub use settings::{
    ConnectionMethod, Departures, MissingLocation, Owner, Owners, Settings, Valid, changed_fields,
    field_label, save,
};

pub const APP: &str = "justworks";
