//! Access checks as extractors: a handler states who may call it in its signature
//! (`RequireTechnicalOwner`, …), so a route without one stands out in review. The user
//! is reloaded from the database on every request, so a deactivation or demotion takes
//! effect at once, on every instance.

use crate::auth::level::AccessLevel;
use crate::auth::session_store::USER_ID_KEY;
use crate::auth::users::{self, User};
use crate::state::AppState;
use crate::web::error::AppError;
use axum::extract::FromRequestParts;
use axum::http::Method;
use axum::http::request::Parts;
use std::ops::Deref;
use tower_sessions::Session;

/// When the session signed in (UTC ms): checked against the absolute lifetime and the
/// user's `sessions_valid_after`.
pub const SIGNED_IN_AT_KEY: &str = "signed_in_at";

/// The signed-in, active user, and their session.
#[derive(Clone)]
pub struct CurrentUser {
    pub user: User,
    pub session: Session,
}

impl Deref for CurrentUser {
    type Target = User;
    fn deref(&self) -> &User {
        &self.user
    }
}

impl CurrentUser {
    /// Owners see every sensitive field of every person.
    pub fn is_owner(&self) -> bool {
        self.user.level.is_owner()
    }
}

/// When the session last renewed its idle timeout (UTC ms).
const ACTIVE_AT_KEY: &str = "active_at";

/// The idle timeout runs from the session's last write, and reading a page writes
/// nothing; so activity is written now and then — at most once a minute (a quarter of
/// a shorter idle time) — which keeps an active session alive without a write per page.
async fn renew_idle_timeout(
    session: &Session,
    state: &AppState,
    signed_in_at: i64,
) -> Result<(), AppError> {
    let every = (state.config.session_idle / 4).min(std::time::Duration::from_secs(60));
    let active_at: Option<i64> = session.get(ACTIVE_AT_KEY).await?;
    let now = state.clock.now_ms();
    if now - active_at.unwrap_or(signed_in_at) >= every.as_millis() as i64 {
        session.insert(ACTIVE_AT_KEY, now).await?;
    }
    Ok(())
}

async fn session_of(parts: &mut Parts, state: &AppState) -> Result<Session, AppError> {
    Session::from_request_parts(parts, state)
        .await
        .map_err(|_| AppError::Internal(anyhow::anyhow!("session layer missing")))
}

fn sign_in_required(parts: &Parts) -> AppError {
    // Come back to the page after signing in — but only for pages, not form posts.
    let next = (parts.method == Method::GET && !parts.uri.path().starts_with("/api/")).then(|| {
        parts
            .uri
            .path_and_query()
            .map(|pq| pq.as_str().to_owned())
            .unwrap_or_else(|| "/".into())
    });
    AppError::SignInRequired { next }
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        if let Some(current) = parts.extensions.get::<CurrentUser>() {
            return Ok(current.clone());
        }
        let session = session_of(parts, state).await?;
        let user_id: Option<String> = session.get(USER_ID_KEY).await?;
        let signed_in_at: Option<i64> = session.get(SIGNED_IN_AT_KEY).await?;
        let (Some(user_id), Some(signed_in_at)) = (user_id, signed_in_at) else {
            return Err(sign_in_required(parts));
        };
        let lifetime_ms = state.config.session_lifetime.as_millis() as i64;
        let user = users::find(&state.db, &user_id).await?;
        let valid = match &user {
            Some(u) => {
                u.active
                    && signed_in_at >= u.sessions_valid_after
                    && state.clock.now_ms() < signed_in_at + lifetime_ms
            }
            None => false,
        };
        let Some(user) = user.filter(|_| valid) else {
            // Ended by deactivation, demotion, a password change or the absolute lifetime.
            session.flush().await?;
            return Err(sign_in_required(parts));
        };
        renew_idle_timeout(&session, state, signed_in_at).await?;
        tracing::Span::current().record("user_id", user.id.as_str());
        let current = CurrentUser { user, session };
        parts.extensions.insert(current.clone());
        Ok(current)
    }
}

/// Which page a path belongs to, for the sentence of a refusal.
pub fn page_name(path: &str) -> &'static str {
    let path = path.strip_prefix("/api/v1").unwrap_or(path);
    if path.starts_with("/apps") {
        "Apps and Integrations"
    } else if path.starts_with("/syncs") {
        "Sync history"
    } else if path.starts_with("/settings/users") {
        "Users and access"
    } else if path.starts_with("/settings/audit") {
        "The audit log"
    } else if path.starts_with("/settings/org") {
        "Org settings"
    } else if path.starts_with("/people") || path.starts_with("/org") {
        "The people directory"
    } else {
        "This page"
    }
}

async fn require(
    parts: &mut Parts,
    state: &AppState,
    needed: AccessLevel,
) -> Result<CurrentUser, AppError> {
    let current = CurrentUser::from_request_parts(parts, state).await?;
    if current.user.level >= needed {
        return Ok(current);
    }
    tracing::info!(needed = needed.as_str(), "refused: access level too low");
    Err(AppError::Forbidden {
        needed,
        page: page_name(parts.uri.path()),
        owners: users::owner_names(&state.db).await?,
    })
}

macro_rules! level_extractor {
    ($(#[$doc:meta])* $name:ident, $level:expr) => {
        $(#[$doc])*
        #[derive(Clone)]
        pub struct $name(pub CurrentUser);

        impl Deref for $name {
            type Target = CurrentUser;
            fn deref(&self) -> &CurrentUser {
                &self.0
            }
        }

        impl FromRequestParts<AppState> for $name {
            type Rejection = AppError;

            async fn from_request_parts(
                parts: &mut Parts,
                state: &AppState,
            ) -> Result<Self, AppError> {
                require(parts, state, $level).await.map(Self)
            }
        }
    };
}

level_extractor!(
    /// Any signed-in user (Member or above).
    RequireMember,
    AccessLevel::Member
);
level_extractor!(
    /// Technical Owner or Owner.
    RequireTechnicalOwner,
    AccessLevel::TechnicalOwner
);
level_extractor!(
    /// Owner only.
    RequireOwner,
    AccessLevel::Owner
);
