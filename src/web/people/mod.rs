//! The people directory (`/people`, in `directory`) and the person page (`/people/{id}`,
//! in `person`); here, their routes and how the address bar's values are parsed.
//!
//! Sensitive fields reach the page only through `org::visibility::can_see_sensitive`:
//! for anyone else they are not rendered at all — no label, no "hidden".

use crate::org::queries::StatusFilter;
use crate::state::AppState;
use crate::web::error::{AppError, AppResult};
use axum::Router;
use axum::routing::{get, post};

mod conflicts;
mod directory;
mod edit;
mod edit_form;
mod person;

pub use conflicts::ConflictView;
use directory::directory;
pub use person::open_job_label;
use person::person_page;

pub const PAGE_SIZE: i64 = 50;
/// The longest search text accepted.
pub const MAX_QUERY_CHARS: usize = 200;
/// The longest department or location name accepted as a filter.
const MAX_FILTER_CHARS: usize = 200;
/// Ids are UUIDs; anything much longer is not one of ours.
pub const MAX_ID_CHARS: usize = 100;
const MAX_PAGE: i64 = 100_000;
const MAX_REPORTS_SHOWN: i64 = 500;
const HISTORY_SHOWN: i64 = 200;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/people", get(directory))
        .route("/people/{id}", get(person_page))
        .route(
            "/people/new",
            get(edit::new_person_page).post(edit::add_person),
        )
        .route("/people/manager-options", get(edit::manager_options))
        .route(
            "/people/{id}/edit",
            get(edit::edit_page).post(edit::save_edit),
        )
        .route("/people/{id}/move", post(edit::move_person))
        .route("/people/{id}/depart", post(edit::depart))
        .route("/people/{id}/rehire", post(edit::rehire))
        .route("/people/{id}/pin", post(edit::pin))
        .route("/people/{id}/unpin", post(edit::unpin))
        .route("/jobs/new", get(edit::new_job_page).post(edit::add_job))
        .route("/people/conflicts", get(conflicts::conflicts_page))
        .route("/conflicts/{id}/keep", post(conflicts::keep))
        .route("/conflicts/{id}/take", post(conflicts::take))
}

// ---------------------------------------------------------------------------------------
// Parsing what the address bar sends.
// ---------------------------------------------------------------------------------------

/// A free-text query value: trimmed; blank is none; longer than `max` is refused (never
/// silently cut).
pub fn text_param(value: Option<String>, what: &str, max: usize) -> AppResult<Option<String>> {
    let Some(value) = value else { return Ok(None) };
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    if value.chars().count() > max || value.chars().any(char::is_control) {
        return Err(AppError::BadRequest(format!(
            "The {what} can be at most {max} characters, without control characters."
        )));
    }
    Ok(Some(value.to_owned()))
}

pub fn status_param(value: Option<&str>) -> AppResult<StatusFilter> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(StatusFilter::Active),
        Some(v) => StatusFilter::parse(v).ok_or_else(|| {
            AppError::BadRequest("The status filter must be active, departed or all.".into())
        }),
    }
}

/// A page number: 1 when absent.
pub fn page_param(value: Option<&str>) -> AppResult<i64> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(1),
        Some(v) => v
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=MAX_PAGE).contains(n))
            .ok_or_else(|| {
                AppError::BadRequest(format!(
                    "The page must be a whole number from 1 to {MAX_PAGE}."
                ))
            }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_search_longer_than_the_limit_is_refused_not_cut() {
        assert!(text_param(Some("a".repeat(201)), "search", 200).is_err());
        assert_eq!(
            text_param(Some("  ana ".into()), "search", 200).unwrap(),
            Some("ana".into())
        );
        assert_eq!(text_param(Some("  ".into()), "search", 200).unwrap(), None);
    }
}
