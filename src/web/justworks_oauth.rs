//! *Connect with Justworks* (Partner API, OAuth 2.0): the button's post sends the
//! browser to Justworks' consent page, the callback finishes the connection, and
//! *Disconnect* forgets it. Technical Owner or above; the attempt is kept in the
//! session, so the callback works only in the browser that pressed the button.

use crate::apps::justworks::{self, oauth_flow};
use crate::link_base;
use crate::state::AppState;
use crate::web::apps::installed_config;
use crate::web::error::AppResult;
use crate::web::extract::RequireTechnicalOwner;
use crate::web::page::flash;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/apps/justworks/oauth/connect", post(connect))
        .route(oauth_flow::CALLBACK_PATH, get(callback))
        .route("/apps/justworks/oauth/disconnect", post(disconnect))
}

/// The session key of the attempt under way.
const ATTEMPT_KEY: &str = "justworks_oauth_attempt";

/// The redirect URI to register with Justworks, on the address people reach orgsync at.
pub fn redirect_uri(state: &AppState, headers: &HeaderMap) -> String {
    format!(
        "{}{}",
        link_base::for_request(state, headers),
        oauth_flow::CALLBACK_PATH
    )
}

async fn connect(
    State(state): State<AppState>,
    RequireTechnicalOwner(user): RequireTechnicalOwner,
    headers: HeaderMap,
) -> AppResult<Response> {
    let config = installed_config(&state).await?;
    match oauth_flow::begin(&state, &config, &redirect_uri(&state, &headers)) {
        Ok((url, pending)) => {
            user.session.insert(ATTEMPT_KEY, pending).await?;
            Ok(Redirect::to(&url).into_response())
        }
        Err(e) => {
            flash(&user.session, "error", e.to_string()).await?;
            Ok(Redirect::to("/apps/justworks").into_response())
        }
    }
}

async fn callback(
    State(state): State<AppState>,
    RequireTechnicalOwner(user): RequireTechnicalOwner,
    Query(answer): Query<oauth_flow::Callback>,
) -> AppResult<Response> {
    let config = installed_config(&state).await?;
    // Taken out whatever happens next: an attempt is finished once.
    let pending: Option<oauth_flow::Pending> = user.session.remove(ATTEMPT_KEY).await?;
    let (kind, message) = match oauth_flow::finish(&state, &config, &user, pending, answer).await {
        Ok(company) => (
            "success",
            format!("Connected to Justworks — company {company}."),
        ),
        Err(e) => {
            tracing::info!(error = %e, "Connect with Justworks did not finish");
            ("error", e.to_string())
        }
    };
    flash(&user.session, kind, message).await?;
    Ok(Redirect::to(&format!("/apps/{}", justworks::APP)).into_response())
}

async fn disconnect(
    State(state): State<AppState>,
    RequireTechnicalOwner(user): RequireTechnicalOwner,
) -> AppResult<Response> {
    let message = if oauth_flow::disconnect(&state, &user).await? {
        "Justworks is disconnected: orgsync deleted the tokens it had. Syncs stop until you \
         connect again."
    } else {
        "Justworks was not connected."
    };
    flash(&user.session, "success", message).await?;
    Ok(Redirect::to("/apps/justworks").into_response())
}
