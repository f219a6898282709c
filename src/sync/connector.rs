//! The one interface a sync reads a payroll app through: "the company and the roster —
//! everyone, or only who changed since a time". The pipeline and the plan see only
//! [`Connector`], [`Scope`] and [`Read`]; how a connector signs in and pages through the
//! source is its own business. Justworks is the implementation here (`justworks`), with
//! either of its two ways in (a service user, or the Partner API's OAuth tokens); another
//! payroll app would be one more implementation.

mod justworks;

pub use justworks::JustworksConnector;

use crate::org::roster::Roster;
use jiff::Timestamp;

/// Which members a read asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Every member: the only read that sees a member who disappeared.
    All,
    /// Only members whose record changed at or after this instant (the company is read
    /// whole either way).
    ChangedSince(Timestamp),
}

/// What one read brought back.
#[derive(Debug, Clone)]
pub struct Read {
    /// The company and the members read (for [`Scope::ChangedSince`], only those).
    pub roster: Roster,
    /// When the read began, by orgsync's clock: the next read's "changed since" is
    /// measured from here.
    pub read_at: Timestamp,
    pub scope: Scope,
}

/// A read or a connection test that did not succeed: the sentence a person is shown
/// (on the run page, in the email, on the settings page). Never a secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ConnectorError(pub String);

/// A payroll app as a sync reads it.
#[async_trait::async_trait]
pub trait Connector: Send + Sync {
    /// Reads the company and the members `scope` asks for, calling `progress` with the
    /// number of members read so far as they arrive.
    async fn read(
        &mut self,
        scope: Scope,
        progress: &(dyn Fn(usize) + Send + Sync),
    ) -> Result<Read, ConnectorError>;

    /// Signs in and reads just enough to show the connection works; changes nothing.
    /// The sentence says what was reached.
    async fn test(&mut self) -> Result<String, ConnectorError>;
}
