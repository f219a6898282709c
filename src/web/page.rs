//! What every page shares — the signed-in user, the navigation, the CSRF token for its
//! forms, a flash message from the previous redirect, the sandbox banner — and the one
//! place pages are rendered.

use crate::auth::{AccessLevel, CurrentUser, csrf};
use crate::error::AppResult;
use crate::state::AppState;
use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

const FLASH_KEY: &str = "flash";

/// A one-time message shown on the next page (after a redirect).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Flash {
    /// `success`, `error` or `info`.
    pub kind: String,
    pub message: String,
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
        Ok(Self {
            title: title.into(),
            current,
            user_name: Some(user.name.clone()),
            user_level: Some(level),
            csrf_token: csrf::token(&user.session).await?,
            flash: user.session.remove::<Flash>(FLASH_KEY).await?,
            sandbox: state.justworks.sandbox,
            nav,
        })
    }

    /// For the pages seen before signing in (sign-in, setup, invitations).
    pub async fn anonymous(
        state: &AppState,
        session: &Session,
        title: impl Into<String>,
    ) -> AppResult<Self> {
        Ok(Self {
            title: title.into(),
            current: "",
            user_name: None,
            user_level: None,
            csrf_token: csrf::token(session).await?,
            flash: session.remove::<Flash>(FLASH_KEY).await?,
            sandbox: state.justworks.sandbox,
            nav: Vec::new(),
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
