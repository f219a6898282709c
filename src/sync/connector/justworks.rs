//! Justworks behind the [`Connector`] interface: the [`JustworksClient`] and what it
//! authenticates with — the service user's stored [`Credentials`] (signing in with
//! password and 2FA) or the Partner API's stored OAuth tokens (refreshed as they expire,
//! `apps::justworks::connection::StoredTokens`). The two ways in are the two
//! [`Authenticator`]s; what is read, and how, is the same. The client's sentences become
//! the connector's unchanged.

use super::{Connector, ConnectorError, Read, Scope};
use crate::clock::Clock;
use crate::justworks::{Authenticator, JustworksClient, JustworksError};
use std::sync::Arc;

/// Reads Justworks with the authenticator it holds (and drops with it).
pub struct JustworksConnector {
    client: JustworksClient,
    auth: Box<dyn Authenticator>,
    clock: Arc<dyn Clock>,
}

impl JustworksConnector {
    /// `clock` dates each read (orgsync's clock: the one later reads are measured on).
    pub fn new(
        client: JustworksClient,
        auth: Box<dyn Authenticator>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            client,
            auth,
            clock,
        }
    }
}

impl std::fmt::Debug for JustworksConnector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JustworksConnector")
            .field("base_url", &self.client.base_url())
            .finish_non_exhaustive()
    }
}

fn sentence(e: JustworksError) -> ConnectorError {
    ConnectorError(e.to_string())
}

#[async_trait::async_trait]
impl Connector for JustworksConnector {
    async fn read(
        &mut self,
        scope: Scope,
        progress: &(dyn Fn(usize) + Send + Sync),
    ) -> Result<Read, ConnectorError> {
        // Taken before signing in rather than at the first members page: a few seconds
        // earlier only widens the next "changed since", never narrows it.
        let read_at = self.clock.now();
        let roster = self
            .client
            .fetch_roster(self.auth.as_ref(), scope, progress)
            .await
            .map_err(sentence)?;
        Ok(Read {
            roster,
            read_at,
            scope,
        })
    }

    async fn test(&mut self) -> Result<String, ConnectorError> {
        let report = self
            .client
            .test_connection(self.auth.as_ref())
            .await
            .map_err(sentence)?;
        Ok(report.to_string())
    }
}
