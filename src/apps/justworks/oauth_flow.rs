//! *Connect with Justworks*, start to finish: an attempt (state + PKCE verifier) sends
//! the browser to Justworks' consent page; the callback's code is exchanged
//! server-side with the attempt's verifier, the company it opened is read, and the
//! connection is stored with an audit entry. Also *Disconnect*.
//!
//! The attempt lives in the signed-in person's session (sealed: the verifier is a
//! secret), so only the browser that started it can finish it, once, within
//! [`ATTEMPT_LIFETIME_MS`].

use super::Config;
use super::connection::{self, ConnectedBy};
use super::credentials;
use super::settings::ConnectionMethod;
use crate::audit::{self, Actor};
use crate::auth::users::User;
use crate::justworks::oauth::{self, JustGranted};
use crate::justworks::{Attempt, ClientOptions, JustworksClient, JustworksError};
use crate::state::AppState;

/// How long a person has to say Allow on Justworks' consent page.
pub const ATTEMPT_LIFETIME_MS: i64 = 10 * 60 * 1000;

/// The path Justworks sends the browser back to; registered with Justworks as
/// `{public url}{CALLBACK_PATH}`.
pub const CALLBACK_PATH: &str = "/apps/justworks/oauth/callback";

/// An attempt as kept in the session: `state`, the sealed verifier, when it began and
/// the redirect URI it named (the code exchange must name the same).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Pending {
    pub state: String,
    sealed_verifier: String,
    pub started_at: i64,
    pub redirect_uri: String,
}

const VERIFIER_AAD: &[u8] = b"orgsync/session/justworks_oauth_verifier";

/// Why *Connect with Justworks* could not begin or finish; each a sentence for the page.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error(
        "Choose Partner API (OAuth), enter the client ID and client secret and save the \
         settings before connecting."
    )]
    NotReady,
    #[error(
        "This Justworks connection was not started from this browser, or took longer than \
         10 minutes: nothing was connected. Press Connect with Justworks again."
    )]
    UnknownAttempt,
    #[error("Justworks was not connected: the permission was denied on Justworks' page.")]
    Denied,
    #[error("Justworks was not connected: Justworks answered “{0}”.")]
    Refused(String),
    #[error(
        "Justworks refused the authorization (the code was used already, expired or did not \
         match this attempt): nothing was connected. Press Connect with Justworks again."
    )]
    CodeRefused,
    #[error("Justworks was not connected: {0}.")]
    Justworks(JustworksError),
    #[error("orgsync could not save the connection in its own database; nothing was connected.")]
    Store(#[from] sqlx::Error),
    #[error("orgsync could not read its stored Justworks settings; nothing was connected.")]
    Internal(#[from] anyhow::Error),
}

/// Begins an attempt for `config`'s client: the consent page's address, and what the
/// session keeps until the callback.
pub fn begin(
    state: &AppState,
    config: &Config,
    redirect_uri: &str,
) -> Result<(String, Pending), ConnectError> {
    let settings = config.settings.as_ref().ok_or(ConnectError::NotReady)?;
    if settings.connection != ConnectionMethod::PartnerApi || !config.client_secret_set {
        return Err(ConnectError::NotReady);
    }
    let attempt = Attempt::new();
    let url = oauth::authorize_url(
        &state.justworks.authorize_url,
        &settings.client_id,
        redirect_uri,
        &attempt,
    )
    .map_err(ConnectError::Justworks)?;
    let pending = Pending {
        state: attempt.state.clone(),
        sealed_verifier: state
            .crypto
            .encrypt(attempt.verifier.expose().as_bytes(), VERIFIER_AAD),
        started_at: state.clock.now_ms(),
        redirect_uri: redirect_uri.to_owned(),
    };
    Ok((url.to_string(), pending))
}

/// What Justworks sent the browser back with.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct Callback {
    pub code: Option<String>,
    pub state: Option<String>,
    pub error: Option<String>,
}

/// Finishes the attempt `pending` (taken out of the session: it is used once) with the
/// callback: checks `state`, exchanges the code with the verifier, reads the company's
/// name, stores the connection. Answers the company's name.
pub async fn finish(
    state: &AppState,
    config: &Config,
    user: &User,
    pending: Option<Pending>,
    callback: Callback,
) -> Result<String, ConnectError> {
    let now = state.clock.now_ms();
    let pending = pending
        .filter(|p| now - p.started_at <= ATTEMPT_LIFETIME_MS)
        .ok_or(ConnectError::UnknownAttempt)?;
    // Compared in constant time: `state` is what stops a forged callback.
    let state_matches = callback.state.as_deref().is_some_and(|s| {
        subtle::ConstantTimeEq::ct_eq(s.as_bytes(), pending.state.as_bytes()).into()
    });
    if !state_matches {
        tracing::warn!("a Justworks OAuth callback's state did not match this session's");
        return Err(ConnectError::UnknownAttempt);
    }
    if let Some(error) = callback.error {
        return Err(match error.as_str() {
            "access_denied" => ConnectError::Denied,
            // Only a plain error code is repeated on the page.
            other => ConnectError::Refused(
                other
                    .chars()
                    .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .take(64)
                    .collect(),
            ),
        });
    }
    let code = callback
        .code
        .filter(|c| !c.is_empty())
        .ok_or_else(|| ConnectError::Refused("no code".into()))?;
    let verifier = state
        .crypto
        .decrypt_str(&pending.sealed_verifier, VERIFIER_AAD)
        .map_err(|_| ConnectError::UnknownAttempt)?;
    let settings = config.settings.as_ref().ok_or(ConnectError::NotReady)?;
    let client_id = settings.client_id.clone();
    let oauth_client = credentials::load_oauth_client(&state.db, &state.crypto, &client_id)
        .await?
        .ok_or(ConnectError::NotReady)?;
    let justworks = JustworksClient::new(&state.justworks.base_url, ClientOptions::interactive())
        .map_err(ConnectError::Justworks)?;
    let tokens = justworks
        .exchange_code(&oauth_client, &code, &pending.redirect_uri, &verifier)
        .await
        .map_err(|e| match e {
            JustworksError::ReconnectNeeded => ConnectError::CodeRefused,
            e => ConnectError::Justworks(e),
        })?;
    let company = justworks
        .company_name(&JustGranted(&tokens.access_token))
        .await
        .map_err(ConnectError::Justworks)?;
    let mut tx = state.db.begin().await?;
    let by = ConnectedBy {
        id: &user.id,
        name: &user.name,
    };
    connection::connect(
        &mut tx,
        &state.crypto,
        &client_id,
        &company,
        &tokens,
        by,
        state.clock.now_ms(),
    )
    .await?;
    let detail = format!("Partner API, company {company}");
    audit::record(
        &mut tx,
        &Actor::user(user),
        "app.connected",
        "Justworks",
        &detail,
        state.clock.now(),
    )
    .await?;
    tx.commit().await?;
    tracing::info!("connected to Justworks through the Partner API");
    Ok(company)
}

/// *Disconnect*: forgets the tokens (and the connection), audit-logged; true if there
/// was a connection.
pub async fn disconnect(state: &AppState, user: &User) -> sqlx::Result<bool> {
    let mut tx = state.db.begin().await?;
    let removed = connection::disconnect(&mut tx).await?;
    if removed {
        audit::record(
            &mut tx,
            &Actor::user(user),
            "app.disconnected",
            "Justworks",
            "Partner API tokens deleted",
            state.clock.now(),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(removed)
}
