//! The connection's health in a few words, for the Justworks page and the apps list:
//! *Connected*, *Reconnect needed*, *Credentials rejected*, *Justworks unreachable since
//! …*, or that the last sync failed — with the last successful sync. Worked out from the
//! Partner API connection (when that is the way in) and how the latest syncs that read
//! from Justworks ended.

use super::Config;
use super::connection::ConnState;
use crate::db::Db;
use crate::justworks::{Trouble, trouble_of};
use crate::sync::runs;

/// What the health line says first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Nothing read yet (settings not saved, or no sync has run).
    NotSynced,
    /// The Partner API is chosen but not connected.
    NotConnected,
    ReconnectNeeded,
    CredentialsRejected,
    Unreachable,
    /// The latest sync failed for another reason.
    Failing,
    Connected,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Health {
    pub state: State,
    /// Since when the trouble lasts (its first failed sync, or when the connection was
    /// lost).
    pub since: Option<i64>,
    pub last_success: Option<i64>,
}

impl Health {
    pub fn label(&self) -> &'static str {
        match self.state {
            State::NotSynced => "Not synced yet",
            State::NotConnected => "Not connected",
            State::ReconnectNeeded => "Reconnect needed",
            State::CredentialsRejected => "Credentials rejected",
            State::Unreachable => "Justworks unreachable",
            State::Failing => "Last sync failed",
            State::Connected => "Connected",
        }
    }

    pub fn is_ok(&self) -> bool {
        self.state == State::Connected
    }
}

/// The latest syncs looked at: a streak of failures longer than this still says
/// "since" its oldest one looked at.
const LOOK_BACK: i64 = 50;

/// The health of the installed app `config` describes.
pub async fn of(db: &Db, config: &Config) -> sqlx::Result<Health> {
    let reads = runs::recent_reads(db, super::APP, LOOK_BACK).await?;
    let last_success = reads.iter().find(|(failed, ..)| !failed).map(|r| r.2);
    let mut health = from_reads(&reads);
    health.last_success = last_success;
    if config.is_partner_api() {
        match &config.connection {
            None => {
                health.state = State::NotConnected;
                health.since = None;
            }
            Some(c) if c.state == ConnState::ReconnectNeeded => {
                health.state = State::ReconnectNeeded;
                health.since = Some(c.state_at);
            }
            // Connected again since the syncs that failed for want of a connection.
            Some(_) if health.state == State::ReconnectNeeded => {
                health.state = State::Connected;
                health.since = None;
            }
            Some(_) => {}
        }
    } else if config.settings.is_none() {
        health.state = State::NotSynced;
    }
    Ok(health)
}

/// The health the latest reads (newest first) tell.
fn from_reads(reads: &[(bool, Option<String>, i64)]) -> Health {
    let failing: Vec<_> = reads.iter().take_while(|(failed, ..)| *failed).collect();
    let state = match (failing.first(), reads.is_empty()) {
        (_, true) => State::NotSynced,
        (None, false) => State::Connected,
        (Some((_, error, _)), false) => match trouble_of(error.as_deref().unwrap_or("")) {
            Trouble::Rejected => State::CredentialsRejected,
            Trouble::Unreachable => State::Unreachable,
            Trouble::Reconnect => State::ReconnectNeeded,
            Trouble::Other => State::Failing,
        },
    };
    Health {
        state,
        since: failing.last().map(|r| r.2),
        last_success: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failed(error: &str, at: i64) -> (bool, Option<String>, i64) {
        (true, Some(error.into()), at)
    }

    #[test]
    fn a_streak_of_failures_says_its_trouble_since_the_first_of_them() {
        let reads = [
            failed("Justworks could not be reached at http://x (timed out)", 30),
            failed("Justworks kept answering with an error (HTTP 503)", 20),
            (false, None, 10),
        ];
        let health = from_reads(&reads);
        assert_eq!(health.state, State::Unreachable);
        assert_eq!(health.since, Some(20));
        let reads = [failed("Justworks rejected the username or password", 5)];
        assert_eq!(from_reads(&reads).state, State::CredentialsRejected);
        let reads = [failed("orgsync could not read or save its own data", 5)];
        assert_eq!(from_reads(&reads).state, State::Failing);
    }

    #[test]
    fn a_success_after_failures_is_connected_and_nothing_read_is_not_synced() {
        let reads = [
            (false, None, 30),
            failed("Justworks rejected the 2FA code", 20),
        ];
        let health = from_reads(&reads);
        assert_eq!(health.state, State::Connected);
        assert_eq!(health.since, None);
        assert_eq!(from_reads(&[]).state, State::NotSynced);
    }
}
