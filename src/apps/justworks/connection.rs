//! The Partner API connection (OAuth 2.0): the tokens Justworks gave (encrypted, in
//! `app_secrets`), the company they opened, and whether Justworks still accepts them
//! (`app_connections`). Connecting stores a new pair; a refresh stores the rotated pair
//! only if no one else refreshed meanwhile (`token_rev`); a refused refresh marks the
//! connection "reconnect needed"; Disconnect forgets it all.

use super::APP;
use super::credentials;
use crate::clock::Clock;
use crate::crypto::Crypto;
use crate::db::{Db, UnknownValue};
use crate::justworks::{
    Authenticator, BearerToken, JustworksClient, JustworksError, OAuthClient, TokenSet,
};
use crate::secrets::SecretString;
use sqlx::AnyConnection;

const ACCESS: &str = "access_token";
const REFRESH: &str = "refresh_token";

/// Whether Justworks still accepts the stored tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnState {
    Connected,
    /// A refresh was refused (`invalid_grant`): only connecting again helps.
    ReconnectNeeded,
}

impl ConnState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Connected => "connected",
            Self::ReconnectNeeded => "reconnect_needed",
        }
    }

    pub fn parse(s: &str) -> Result<Self, UnknownValue> {
        match s {
            "connected" => Ok(Self::Connected),
            "reconnect_needed" => Ok(Self::ReconnectNeeded),
            other => Err(UnknownValue::new("connection state", other)),
        }
    }
}

/// The connection as pages show it (no token in it).
#[derive(Debug, Clone)]
pub struct Connection {
    pub client_id: String,
    pub company_name: String,
    pub scope: String,
    pub token_rev: i64,
    pub access_expires_at: i64,
    pub connected_at: i64,
    pub connected_by_name: Option<String>,
    pub state: ConnState,
    pub state_at: i64,
    pub reconnect_notified_at: Option<i64>,
}

type Row = (
    String,
    String,
    String,
    i64,
    i64,
    i64,
    Option<String>,
    String,
    i64,
    Option<i64>,
);

/// The stored connection, if Justworks was ever connected (and not disconnected since).
pub async fn load(conn: &mut AnyConnection) -> sqlx::Result<Option<Connection>> {
    let row: Option<Row> = sqlx::query_as(
        "SELECT client_id, company_name, scope, token_rev, access_expires_at, connected_at, \
         connected_by_name, state, state_at, reconnect_notified_at \
         FROM app_connections WHERE app = $1",
    )
    .bind(APP)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(
        |(
            client_id,
            company_name,
            scope,
            token_rev,
            access_expires_at,
            connected_at,
            connected_by_name,
            state,
            state_at,
            reconnect_notified_at,
        )| {
            Ok(Connection {
                client_id,
                company_name,
                scope,
                token_rev,
                access_expires_at,
                connected_at,
                connected_by_name,
                state: ConnState::parse(&state).map_err(|e| sqlx::Error::Decode(e.into()))?,
                state_at,
                reconnect_notified_at,
            })
        },
    )
    .transpose()
}

/// [`load`] on a pooled connection.
pub async fn find(db: &Db) -> sqlx::Result<Option<Connection>> {
    let mut conn = db.pool().acquire().await?;
    load(&mut conn).await
}

/// The stored tokens and the revision they are at.
pub struct Tokens {
    pub access: SecretString,
    pub refresh: SecretString,
    pub access_expires_at: i64,
    pub rev: i64,
}

/// The stored tokens, decrypted; `None` when not connected.
pub async fn tokens(db: &Db, crypto: &Crypto) -> anyhow::Result<Option<Tokens>> {
    let mut conn = db.pool().acquire().await?;
    let Some(connection) = load(&mut conn).await? else {
        return Ok(None);
    };
    let access = credentials::load_secret(&mut conn, crypto, ACCESS).await?;
    let refresh = credentials::load_secret(&mut conn, crypto, REFRESH).await?;
    Ok(match (access, refresh) {
        (Some(access), Some(refresh)) => Some(Tokens {
            access,
            refresh,
            access_expires_at: connection.access_expires_at,
            rev: connection.token_rev,
        }),
        _ => None,
    })
}

/// Who connected: a user's id and name.
pub struct ConnectedBy<'a> {
    pub id: &'a str,
    pub name: &'a str,
}

/// Stores a new connection (a code just exchanged), replacing any earlier one.
pub async fn connect(
    conn: &mut AnyConnection,
    crypto: &Crypto,
    client_id: &str,
    company_name: &str,
    tokens: &TokenSet,
    by: ConnectedBy<'_>,
    now: i64,
) -> sqlx::Result<()> {
    let refresh = tokens.refresh_token.as_ref().map(|t| t.expose());
    store_tokens(conn, crypto, tokens.access_token.expose(), refresh, now).await?;
    sqlx::query(
        "INSERT INTO app_connections (app, client_id, company_name, scope, token_rev, \
         access_expires_at, connected_at, connected_by, connected_by_name, state, state_at, \
         reconnect_notified_at) VALUES ($1, $2, $3, $4, 1, $5, $6, $7, $8, 'connected', $6, NULL) \
         ON CONFLICT (app) DO UPDATE SET client_id = excluded.client_id, \
         company_name = excluded.company_name, scope = excluded.scope, \
         token_rev = app_connections.token_rev + 1, \
         access_expires_at = excluded.access_expires_at, connected_at = excluded.connected_at, \
         connected_by = excluded.connected_by, connected_by_name = excluded.connected_by_name, \
         state = 'connected', state_at = excluded.state_at, reconnect_notified_at = NULL",
    )
    .bind(APP)
    .bind(client_id)
    .bind(company_name)
    .bind(&tokens.scope)
    .bind(now + tokens.expires_in * 1000)
    .bind(now)
    .bind(by.id)
    .bind(by.name)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Stores a refreshed pair, but only if the tokens are still at revision `rev` (no one
/// refreshed meanwhile); true if stored.
pub async fn store_refreshed(
    conn: &mut AnyConnection,
    crypto: &Crypto,
    rev: i64,
    tokens: &TokenSet,
    now: i64,
) -> sqlx::Result<bool> {
    let moved = sqlx::query(
        "UPDATE app_connections SET token_rev = token_rev + 1, access_expires_at = $1, \
         scope = CASE WHEN $2 = '' THEN scope ELSE $2 END \
         WHERE app = $3 AND token_rev = $4 AND state = 'connected'",
    )
    .bind(now + tokens.expires_in * 1000)
    .bind(&tokens.scope)
    .bind(APP)
    .bind(rev)
    .execute(&mut *conn)
    .await?
    .rows_affected()
        == 1;
    if moved {
        let refresh = tokens.refresh_token.as_ref().map(|t| t.expose());
        store_tokens(conn, crypto, tokens.access_token.expose(), refresh, now).await?;
    }
    Ok(moved)
}

async fn store_tokens(
    conn: &mut AnyConnection,
    crypto: &Crypto,
    access: &str,
    refresh: Option<&str>,
    now: i64,
) -> sqlx::Result<()> {
    credentials::store_secret(conn, crypto, ACCESS, access, now).await?;
    if let Some(refresh) = refresh {
        credentials::store_secret(conn, crypto, REFRESH, refresh, now).await?;
    }
    Ok(())
}

/// Marks the connection lost (Justworks refused the refresh token at revision `rev`);
/// true if this call marked it (not already marked, not reconnected meanwhile).
pub async fn mark_reconnect_needed(
    conn: &mut AnyConnection,
    rev: i64,
    now: i64,
) -> sqlx::Result<bool> {
    Ok(sqlx::query(
        "UPDATE app_connections SET state = 'reconnect_needed', state_at = $1 \
         WHERE app = $2 AND token_rev = $3 AND state = 'connected'",
    )
    .bind(now)
    .bind(APP)
    .bind(rev)
    .execute(&mut *conn)
    .await?
    .rows_affected()
        == 1)
}

/// Claims the one "reconnect" notice of a lost connection: true the first time only.
pub async fn claim_reconnect_notice(conn: &mut AnyConnection, now: i64) -> sqlx::Result<bool> {
    Ok(sqlx::query(
        "UPDATE app_connections SET reconnect_notified_at = $1 \
         WHERE app = $2 AND state = 'reconnect_needed' AND reconnect_notified_at IS NULL",
    )
    .bind(now)
    .bind(APP)
    .execute(&mut *conn)
    .await?
    .rows_affected()
        == 1)
}

/// Forgets the connection and its tokens; true if there was one.
pub async fn disconnect(conn: &mut AnyConnection) -> sqlx::Result<bool> {
    for name in [ACCESS, REFRESH] {
        credentials::delete_secret(conn, name).await?;
    }
    Ok(sqlx::query("DELETE FROM app_connections WHERE app = $1")
        .bind(APP)
        .execute(&mut *conn)
        .await?
        .rows_affected()
        > 0)
}

/// The stored tokens as an [`Authenticator`]: the access token while it has a minute
/// left, else a refresh; every refresh stores the rotated pair at once (the refresh
/// token used no longer works). Two instances refreshing together: the loser finds the
/// winner's pair stored and uses it, rather than calling the connection lost.
pub struct StoredTokens {
    db: Db,
    crypto: Crypto,
    client: OAuthClient,
    clock: std::sync::Arc<dyn Clock>,
    tokens: tokio::sync::Mutex<Tokens>,
}

/// An access token with less than this left is refreshed before use.
const REFRESH_AHEAD_MS: i64 = 60_000;

impl StoredTokens {
    /// The stored tokens for `client`; `Err(NotConnected)` when there are none, and
    /// `Err(ReconnectNeeded)` when Justworks already refused them.
    pub async fn load(
        db: &Db,
        crypto: &Crypto,
        client: OAuthClient,
        clock: std::sync::Arc<dyn Clock>,
    ) -> anyhow::Result<Result<Self, JustworksError>> {
        let Some(connection) = find(db).await? else {
            return Ok(Err(JustworksError::NotConnected));
        };
        if connection.state == ConnState::ReconnectNeeded {
            return Ok(Err(JustworksError::ReconnectNeeded));
        }
        let Some(stored) = tokens(db, crypto).await? else {
            return Ok(Err(JustworksError::NotConnected));
        };
        Ok(Ok(Self {
            db: db.clone(),
            crypto: crypto.clone(),
            client,
            clock,
            tokens: tokio::sync::Mutex::new(stored),
        }))
    }

    async fn refresh(
        &self,
        client: &JustworksClient,
        held: &mut Tokens,
    ) -> Result<BearerToken, JustworksError> {
        let now = self.clock.now_ms();
        let answer = client.refresh(&self.client, &held.refresh).await;
        let stored = async {
            let mut conn = self.db.pool().acquire().await?;
            match &answer {
                Ok(set) => store_refreshed(&mut conn, &self.crypto, held.rev, set, now).await,
                Err(JustworksError::ReconnectNeeded) => Ok(false),
                Err(_) => Ok(true),
            }
        }
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "could not store the refreshed Justworks tokens");
            JustworksError::ConnectionStore
        })?;
        match answer {
            Ok(set) if stored => {
                tracing::info!("refreshed the Justworks access token");
                *held = Tokens {
                    access: set.access_token.clone(),
                    refresh: set.refresh_token.unwrap_or_else(|| held.refresh.clone()),
                    access_expires_at: now + set.expires_in * 1000,
                    rev: held.rev + 1,
                };
                Ok(BearerToken::new(held.access.clone()))
            }
            Err(e) if !matches!(e, JustworksError::ReconnectNeeded) => Err(e),
            // Refused, or refreshed but not stored: someone else may have refreshed first.
            answer => self.after_a_lost_race(held, answer.is_err(), now).await,
        }
    }

    /// The refresh token was refused (or another instance stored its pair first): use
    /// the pair stored since, if any; otherwise the connection is lost.
    async fn after_a_lost_race(
        &self,
        held: &mut Tokens,
        refused: bool,
        now: i64,
    ) -> Result<BearerToken, JustworksError> {
        let internal = |e: anyhow::Error| {
            tracing::error!(error = %e, "could not read the stored Justworks tokens");
            JustworksError::ConnectionStore
        };
        let latest = tokens(&self.db, &self.crypto).await.map_err(internal)?;
        match latest {
            Some(latest) if latest.rev != held.rev => {
                *held = latest;
                Ok(BearerToken::new(held.access.clone()))
            }
            _ if refused => {
                let mut conn = self
                    .db
                    .pool()
                    .acquire()
                    .await
                    .map_err(|e| internal(e.into()))?;
                if mark_reconnect_needed(&mut conn, held.rev, now)
                    .await
                    .map_err(|e| internal(e.into()))?
                {
                    tracing::warn!("Justworks refused the refresh token: reconnect needed");
                }
                Err(JustworksError::ReconnectNeeded)
            }
            _ => Err(JustworksError::ReconnectNeeded),
        }
    }
}

#[async_trait::async_trait]
impl Authenticator for StoredTokens {
    async fn token(&self, client: &JustworksClient) -> Result<BearerToken, JustworksError> {
        let mut held = self.tokens.lock().await;
        if held.access_expires_at - REFRESH_AHEAD_MS > self.clock.now_ms() {
            return Ok(BearerToken::new(held.access.clone()));
        }
        self.refresh(client, &mut held).await
    }

    async fn renew(&self, client: &JustworksClient) -> Result<BearerToken, JustworksError> {
        let mut held = self.tokens.lock().await;
        self.refresh(client, &mut held).await
    }

    fn renews_refused_tokens(&self) -> bool {
        true
    }
}

/// What *Test connection* tries on the Partner API: the stored tokens of the saved client
/// — or the sentence saying why there is nothing to try yet.
pub async fn to_test(
    db: &Db,
    crypto: &Crypto,
    config: &super::Config,
    typed_client_id: &str,
    clock: std::sync::Arc<dyn Clock>,
) -> anyhow::Result<Result<StoredTokens, String>> {
    let saved = config
        .settings
        .as_ref()
        .filter(|s| s.connection == super::ConnectionMethod::PartnerApi);
    let Some(settings) = saved.filter(|s| s.client_id == typed_client_id.trim()) else {
        return Ok(Err(
            "Not tested: save the Partner API settings and press Connect with Justworks first."
                .into(),
        ));
    };
    let Some(client) = credentials::load_oauth_client(db, crypto, &settings.client_id).await?
    else {
        return Ok(Err(
            "Not tested: enter the client secret and save first.".into()
        ));
    };
    Ok(StoredTokens::load(db, crypto, client, clock)
        .await?
        .map_err(|e| format!("Not tested: {e}.")))
}
