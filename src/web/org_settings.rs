//! Org settings (`/settings/org`, Owner only): the org's name and its time zone, which
//! decides when Run Daily fires and what "today" is for a sync.

use crate::audit::Actor;
use crate::org_settings::{self, FieldErrors, Form as OrgForm};
use crate::state::AppState;
use crate::web::error::AppResult;
use crate::web::extract::{CurrentUser, RequireOwner};
use crate::web::form::Form;
use crate::web::page::{Chrome, flash, render, render_with};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;

pub fn router() -> Router<AppState> {
    Router::new().route("/settings/org", get(org_page).post(save))
}

#[derive(Template)]
#[template(path = "org_settings.html")]
struct OrgSettingsPage {
    chrome: Chrome,
    form: OrgForm,
    errors: FieldErrors,
    /// Suggestions for the time-zone field.
    zones: Vec<String>,
    /// The stored zone's clock now, e.g. "Thu 26 Nov 2026 10:42 (America/New_York)".
    now_there: String,
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    form: OrgForm,
    errors: FieldErrors,
) -> AppResult<OrgSettingsPage> {
    let stored = org_settings::current(&state.db).await?;
    let now = state.clock.now().to_zoned(stored.time_zone.clone());
    Ok(OrgSettingsPage {
        chrome: Chrome::for_user(state, user, "org_settings", "Org settings").await?,
        form,
        errors,
        zones: org_settings::zone_names(),
        now_there: format!(
            "{} ({})",
            now.strftime("%a %-d %b %Y %H:%M"),
            stored.zone_name()
        ),
    })
}

async fn org_page(
    State(state): State<AppState>,
    RequireOwner(user): RequireOwner,
) -> AppResult<Response> {
    let stored = org_settings::current(&state.db).await?;
    let form = OrgForm::from_settings(&stored);
    render(&page(&state, &user, form, FieldErrors::new()).await?)
}

async fn save(
    State(state): State<AppState>,
    RequireOwner(user): RequireOwner,
    Form(form): Form<OrgForm>,
) -> AppResult<Response> {
    let valid = match org_settings::validate(&form) {
        Ok(valid) => valid,
        Err(errors) => {
            tracing::info!(fields = ?errors.keys().collect::<Vec<_>>(), "org settings refused");
            let page = page(&state, &user, form, errors).await?;
            return render_with(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    let changed =
        org_settings::save_recorded(&state.db, &Actor::user(&user), &valid, state.clock.now())
            .await?;
    let message = if changed.is_empty() {
        "Org settings saved (nothing changed).".to_owned()
    } else {
        let labels: Vec<&str> = changed
            .iter()
            .map(|f| org_settings::field_label(f))
            .collect();
        format!("Org settings saved. Changed: {}.", labels.join(", "))
    };
    flash(&user.session, "success", message).await?;
    Ok(Redirect::to("/settings/org").into_response())
}
