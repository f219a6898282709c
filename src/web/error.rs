//! One error type for the web layer. Every handler returns `Result<_, AppError>`; each
//! variant becomes a page a person can act on (or JSON under `/api/`). Internal errors
//! are logged with the request id and shown only as a sentence and that id — never a
//! driver error, a stack trace or a secret. Domain modules have their own error types;
//! the `From` impls here are where they become pages.

use crate::auth::level::AccessLevel;
use crate::web::QUERY_VALUE;
use crate::web::request::RequestInfo;
use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use percent_encoding::utf8_percent_encode;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    /// Not signed in (or the session ended): go to the sign-in page, then come back.
    #[error("sign-in required")]
    SignInRequired { next: Option<String> },
    #[error("forbidden")]
    Forbidden {
        needed: AccessLevel,
        page: &'static str,
        owners: Vec<String>,
    },
    /// A refusal for a specific object or action, with the sentence to show.
    #[error("{0}")]
    NotAllowed(String),
    #[error("missing or stale CSRF token")]
    Csrf,
    #[error("cross-origin request")]
    CrossOrigin,
    #[error("{message}")]
    TooManyRequests {
        message: String,
        retry_after_secs: u64,
    },
    #[error("{0}")]
    BadRequest(String),
    /// Too much work at once (passwords being checked): try again in a few seconds.
    #[error("busy")]
    Busy { retry_after_secs: u64 },
    #[error("internal error: {0:#}")]
    Internal(#[from] anyhow::Error),
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        Self::Internal(anyhow::Error::new(e).context("database"))
    }
}

impl From<tower_sessions::session::Error> for AppError {
    fn from(e: tower_sessions::session::Error) -> Self {
        Self::Internal(anyhow::Error::new(e).context("session store"))
    }
}

impl From<crate::auth::password::Busy> for AppError {
    fn from(_: crate::auth::password::Busy) -> Self {
        tracing::warn!("refused: too many passwords are being checked at once");
        Self::Busy {
            retry_after_secs: crate::auth::password::HashingLimit::WAIT.as_secs(),
        }
    }
}

impl From<crate::auth::password::HashError> for AppError {
    fn from(e: crate::auth::password::HashError) -> Self {
        match e {
            crate::auth::password::HashError::Busy(busy) => busy.into(),
            crate::auth::password::HashError::Failed(e) => Self::Internal(e),
        }
    }
}

impl From<crate::auth::throttle::Paused> for AppError {
    fn from(paused: crate::auth::throttle::Paused) -> Self {
        Self::TooManyRequests {
            message: paused.sentence(),
            retry_after_secs: paused.retry_after_secs(),
        }
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> Self {
        Self::Internal(anyhow::Error::new(e).context("template"))
    }
}

pub type AppResult<T> = Result<T, AppError>;

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    status: u16,
    title: &'a str,
    message: String,
    detail: Option<String>,
    request_id: Option<String>,
}

impl AppError {
    fn status(&self) -> StatusCode {
        match self {
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::SignInRequired { .. } => StatusCode::UNAUTHORIZED,
            Self::Forbidden { .. } | Self::NotAllowed(_) | Self::Csrf | Self::CrossOrigin => {
                StatusCode::FORBIDDEN
            }
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Busy { .. } => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The title and the sentence shown to the person.
    fn explain(&self) -> (&'static str, String, Option<String>) {
        match self {
            Self::NotFound => (
                "Page not found",
                "There is nothing at this address.".into(),
                None,
            ),
            Self::SignInRequired { .. } => {
                ("Sign in required", "Sign in to see this page.".into(), None)
            }
            Self::Forbidden {
                needed,
                page,
                owners,
            } => (
                "You don't have access",
                format!("{page} needs at least {} access.", needed.label()),
                Some(grant_sentence(owners)),
            ),
            Self::NotAllowed(message) => ("Not allowed", message.clone(), None),
            Self::Csrf => (
                "This form has expired",
                "orgsync could not confirm this form came from your current session (it may \
                 have been open for a long time, or sent from another tab after you signed out). \
                 Nothing was changed. Go back, reload the page and try again."
                    .into(),
                None,
            ),
            Self::CrossOrigin => (
                "Request refused",
                "This request came from another website, so orgsync refused it. Nothing was \
                 changed."
                    .into(),
                None,
            ),
            Self::TooManyRequests { message, .. } => ("Too many attempts", message.clone(), None),
            Self::BadRequest(message) => ("That request could not be used", message.clone(), None),
            Self::Busy { .. } => (
                "orgsync is busy",
                "orgsync is checking many passwords at this moment and could not get to yours. \
                 Nothing was changed. Try again in a few seconds."
                    .into(),
                None,
            ),
            Self::Internal(_) => (
                "Something went wrong",
                "orgsync hit an unexpected error and did not finish this request. Nothing was \
                 half-saved. Try again; if it keeps happening, give your administrator the \
                 request id below."
                    .into(),
                None,
            ),
        }
    }
}

/// The JSON error shape of every error under `/api/`.
pub fn json_error(
    status: StatusCode,
    title: &str,
    message: &str,
    detail: Option<&str>,
    request_id: Option<&str>,
) -> Response {
    let body = serde_json::json!({
        "error": title,
        "message": message,
        "detail": detail,
        "request_id": request_id,
    });
    (status, axum::Json(body)).into_response()
}

/// "Ask an Owner of your org: Ana Souza or Ben Li."
fn grant_sentence(owners: &[String]) -> String {
    match owners {
        [] => "Ask an Owner of your org to grant it.".into(),
        [one] => format!("Ask the Owner of your org to grant it: {one}."),
        [rest @ .., last] => format!(
            "Ask an Owner of your org to grant it: {} or {last}.",
            rest.join(", ")
        ),
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let info = RequestInfo::current();
        if let Self::Internal(ref e) = self {
            // The chain may name a table or a driver; it goes to the log, never the page.
            tracing::error!(error = %format!("{e:#}"), "request failed");
        }
        if let Self::SignInRequired { ref next } = self
            && !info.as_ref().is_some_and(|i| i.api)
        {
            let target = match next {
                Some(next) => format!("/login?next={}", utf8_percent_encode(next, QUERY_VALUE)),
                None => "/login".to_owned(),
            };
            return Redirect::to(&target).into_response();
        }
        let status = self.status();
        let (title, message, detail) = self.explain();
        let request_id = info.as_ref().map(|i| i.id.clone());
        let mut response = if info.as_ref().is_some_and(|i| i.api) {
            json_error(
                status,
                title,
                &message,
                detail.as_deref(),
                request_id.as_deref(),
            )
        } else {
            let page = ErrorPage {
                status: status.as_u16(),
                title,
                message,
                detail,
                request_id: request_id.filter(|_| status.is_server_error()),
            };
            match page.render() {
                Ok(html) => (status, axum::response::Html(html)).into_response(),
                Err(_) => (status, title.to_owned()).into_response(),
            }
        };
        if let Self::TooManyRequests {
            retry_after_secs, ..
        }
        | Self::Busy { retry_after_secs } = self
            && let Ok(v) = HeaderValue::from_str(&retry_after_secs.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_grant_sentence_names_every_owner() {
        assert_eq!(
            grant_sentence(&["Ana".into(), "Ben".into(), "Chen".into()]),
            "Ask an Owner of your org to grant it: Ana, Ben or Chen."
        );
        assert_eq!(
            grant_sentence(&["Ana".into()]),
            "Ask the Owner of your org to grant it: Ana."
        );
    }
}
