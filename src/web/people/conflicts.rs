//! Conflicts (`/people/conflicts`, Technical Owner or above): the pinned fields
//! Justworks disagrees with, each answered **Keep ours** or **Take Justworks'**
//! (`POST /conflicts/{id}/keep|take`). A conflict about a sensitive field is listed,
//! and can be answered, by Owners only; for anyone else it does not exist.

use crate::auth::AccessLevel;
use crate::org::conflicts::{self, ConflictRow};
use crate::org::edit::{self, EditError, Editor};
use crate::org::fields;
use crate::org::visibility::Sensitive;
use crate::state::AppState;
use crate::web::error::{AppError, AppResult};
use crate::web::extract::{CurrentUser, RequireTechnicalOwner};
use crate::web::format_time;
use crate::web::page::{Chrome, flash, render};
use crate::web::params::Path;
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};

/// The most conflicts one page lists.
const SHOWN: i64 = 500;

pub struct ConflictView {
    pub id: String,
    pub person_id: Option<String>,
    pub person_name: String,
    pub field: &'static str,
    pub ours: String,
    pub theirs: String,
    pub found: String,
    /// "open", "kept", "taken".
    pub status: &'static str,
}

impl From<ConflictRow> for ConflictView {
    fn from(c: ConflictRow) -> Self {
        ConflictView {
            field: fields::find(&c.field).map_or("Field", |f| f.label),
            ours: c.ours.unwrap_or_else(|| "—".into()),
            theirs: c.theirs.unwrap_or_else(|| "—".into()),
            found: format_time(c.found_at),
            status: c.status.as_str(),
            id: c.id,
            person_id: c.person_id,
            person_name: c.person_name,
        }
    }
}

#[derive(Template)]
#[template(path = "conflicts.html")]
struct ConflictsPage {
    chrome: Chrome,
    conflicts: Vec<ConflictView>,
}

fn sensitive_for(user: &CurrentUser) -> Sensitive {
    Sensitive::for_owner(user.level >= AccessLevel::Owner)
}

pub(super) async fn conflicts_page(
    State(state): State<AppState>,
    RequireTechnicalOwner(user): RequireTechnicalOwner,
) -> AppResult<Response> {
    let open = conflicts::open(&state.db, sensitive_for(&user), SHOWN).await?;
    render(&ConflictsPage {
        chrome: Chrome::for_user(&state, &user, "people", "Conflicts").await?,
        conflicts: open.into_iter().map(ConflictView::from).collect(),
    })
}

pub(super) async fn keep(
    State(state): State<AppState>,
    RequireTechnicalOwner(user): RequireTechnicalOwner,
    Path(id): Path<String>,
) -> AppResult<Response> {
    answer(&state, &user, &id, true).await
}

pub(super) async fn take(
    State(state): State<AppState>,
    RequireTechnicalOwner(user): RequireTechnicalOwner,
    Path(id): Path<String>,
) -> AppResult<Response> {
    answer(&state, &user, &id, false).await
}

async fn answer(state: &AppState, user: &CurrentUser, id: &str, keep: bool) -> AppResult<Response> {
    if id.len() > super::MAX_ID_CHARS {
        return Err(AppError::NotFound);
    }
    let editor = Editor {
        user_id: &user.id,
        name: &user.name,
        sensitive: user.level >= AccessLevel::Owner,
    };
    let now = state.clock.now();
    let result = if keep {
        edit::keep(&state.db, &editor, id, now).await
    } else {
        edit::take(&state.db, &editor, id, now).await
    };
    match result {
        Ok(saved) if saved.changed.is_empty() => {
            flash(
                &user.session,
                "success",
                "That conflict was already answered.",
            )
            .await?;
        }
        Ok(saved) => {
            let message = if keep {
                format!("Kept ours: {} stays pinned.", saved.changed.join(", "))
            } else {
                format!("Took Justworks' {}.", saved.changed.join(", "))
            };
            flash(&user.session, "success", message).await?;
        }
        Err(EditError::NotFound) => return Err(AppError::NotFound),
        Err(EditError::Forbidden(why)) => return Err(AppError::NotAllowed(why.to_owned())),
        Err(EditError::Invalid(_)) => return Err(AppError::NotFound),
        Err(EditError::Db(e)) => return Err(e.into()),
    }
    Ok(Redirect::to("/people/conflicts").into_response())
}
