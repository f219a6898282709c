//! What every page shares — the signed-in user, the navigation, the CSRF token for its
//! forms, a flash message from the previous redirect, the sandbox banner — and the one
//! place pages are rendered.

use crate::auth::session_store::USER_ID_KEY;
use crate::auth::{AccessLevel, csrf};
use crate::state::AppState;
use crate::web::error::AppResult;
use crate::web::extract::CurrentUser;
use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use serde::{Deserialize, Serialize};
use tower_cookies::Cookies;
use tower_sessions::Session;

const FLASH_KEY: &str = "flash";

/// A one-time message shown on the next page (after a redirect).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Flash {
    /// `success`, `error` or `info`.
    pub kind: String,
    pub message: String,
}

/// The flash message, if there is one, removed so it shows once. Reading is not a
/// change: a page with no flash leaves the session unwritten (a write from a request
/// still in flight must have nothing to save after a sign-out).
async fn take_flash(session: &Session) -> AppResult<Option<Flash>> {
    if session.get::<Flash>(FLASH_KEY).await?.is_none() {
        return Ok(None);
    }
    Ok(session.remove::<Flash>(FLASH_KEY).await?)
}

pub async fn flash(session: &Session, kind: &str, message: impl Into<String>) -> AppResult<()> {
    session
        .insert(
            FLASH_KEY,
            Flash {
                kind: kind.into(),
                message: message.into(),
            },
        )
        .await?;
    Ok(())
}

/// One entry of the left navigation.
pub struct NavItem {
    pub key: &'static str,
    pub label: &'static str,
    pub href: &'static str,
}

/// The frame around every page.
pub struct Chrome {
    pub title: String,
    /// Which navigation entry is this page's.
    pub current: &'static str,
    pub user_name: Option<String>,
    pub user_level: Option<AccessLevel>,
    pub csrf_token: String,
    pub flash: Option<Flash>,
    pub sandbox: bool,
    pub nav: Vec<NavItem>,
    /// For Technical Owners and Owners on People, the org chart and the apps' pages: the
    /// run of a sync waiting for review, if one waits.
    pub review_waiting: Option<String>,
}

impl Chrome {
    /// For a signed-in user: the navigation shows only what their level may open.
    pub async fn for_user(
        state: &AppState,
        user: &CurrentUser,
        current: &'static str,
        title: impl Into<String>,
    ) -> AppResult<Self> {
        let level = user.level;
        let mut nav = vec![
            NavItem {
                key: "people",
                label: "People",
                href: "/people",
            },
            NavItem {
                key: "org",
                label: "Org chart",
                href: "/org",
            },
        ];
        if level >= AccessLevel::TechnicalOwner {
            nav.push(NavItem {
                key: "apps",
                label: "Apps and Integrations",
                href: "/apps",
            });
            nav.push(NavItem {
                key: "syncs",
                label: "Sync history",
                href: "/syncs",
            });
            nav.push(NavItem {
                key: "users",
                label: "Users",
                href: "/settings/users",
            });
        }
        if level == AccessLevel::Owner {
            nav.push(NavItem {
                key: "org_settings",
                label: "Org settings",
                href: "/settings/org",
            });
            nav.push(NavItem {
                key: "audit",
                label: "Audit log",
                href: "/settings/audit",
            });
        }
        nav.push(NavItem {
            key: "account",
            label: "Your account",
            href: "/settings/account",
        });
        let review_waiting = if level >= AccessLevel::TechnicalOwner
            && matches!(current, "people" | "org" | "apps")
        {
            crate::sync::runs::waiting(&state.db, crate::apps::justworks::APP)
                .await?
                .map(|run| run.id)
        } else {
            None
        };
        Ok(Self {
            title: title.into(),
            current,
            review_waiting,
            user_name: Some(user.name.clone()),
            user_level: Some(level),
            csrf_token: csrf::token(&user.session).await?,
            flash: take_flash(&user.session).await?,
            sandbox: state.justworks.sandbox,
            nav,
        })
    }

    /// For the pages seen before signing in (sign-in, setup, invitations). Their forms
    /// carry the pre-session cookie's CSRF token, so showing them stores nothing; an
    /// anonymous session exists only to carry a flash (after signing out) and goes once
    /// the flash is shown.
    pub async fn anonymous(
        state: &AppState,
        session: &Session,
        cookies: &Cookies,
        title: impl Into<String>,
    ) -> AppResult<Self> {
        let flash = take_flash(session).await?;
        let signed_in = session.get::<String>(USER_ID_KEY).await?.is_some();
        let csrf_token = if signed_in {
            csrf::token(session).await?
        } else {
            if flash.is_some() {
                session.flush().await?;
            }
            csrf::pre_session_token(cookies, state.config.cookie_secure)
        };
        Ok(Self {
            title: title.into(),
            current: "",
            user_name: None,
            user_level: None,
            csrf_token,
            flash,
            sandbox: state.justworks.sandbox,
            nav: Vec::new(),
            review_waiting: None,
        })
    }
}

/// Renders a page with a status (200, or 422 for a form sent back with errors).
pub fn render_with(status: StatusCode, page: &impl Template) -> AppResult<Response> {
    let html = page.render()?;
    Ok((status, Html(html)).into_response())
}

pub fn render(page: &impl Template) -> AppResult<Response> {
    render_with(StatusCode::OK, page)
}
