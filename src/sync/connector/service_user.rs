//! Justworks through its service user (username, password, 2FA seed): the
//! [`JustworksClient`] and the stored [`Credentials`] behind the [`Connector`] interface.
//! The client's sentences become the connector's unchanged.

use super::{Connector, ConnectorError, Read, Scope};
use crate::clock::Clock;
use crate::justworks::{Credentials, JustworksClient, JustworksError};
use std::sync::Arc;

/// Reads Justworks as the service user whose credentials it holds (and drops with it).
pub struct ServiceUserConnector {
    client: JustworksClient,
    creds: Credentials,
    clock: Arc<dyn Clock>,
}

impl ServiceUserConnector {
    /// `clock` dates each read (orgsync's clock: the one later reads are measured on).
    pub fn new(client: JustworksClient, creds: Credentials, clock: Arc<dyn Clock>) -> Self {
        Self {
            client,
            creds,
            clock,
        }
    }
}

impl std::fmt::Debug for ServiceUserConnector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServiceUserConnector")
            .field("base_url", &self.client.base_url())
            .field("creds", &self.creds)
            .finish_non_exhaustive()
    }
}

fn sentence(e: JustworksError) -> ConnectorError {
    ConnectorError(e.to_string())
}

#[async_trait::async_trait]
impl Connector for ServiceUserConnector {
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
            .fetch_roster(&self.creds, scope, progress)
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
            .test_connection(&self.creds)
            .await
            .map_err(sentence)?;
        Ok(report.to_string())
    }
}
