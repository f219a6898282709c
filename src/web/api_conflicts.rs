//! `GET /api/v1/conflicts`: the open conflicts as JSON, Technical Owner or above — the
//! same rule as the page (a conflict about a sensitive field only for Owners; for anyone
//! else it is absent). Oldest first.

use crate::auth::AccessLevel;
use crate::org::conflicts::{self, ConflictRow};
use crate::org::visibility::Sensitive;
use crate::state::AppState;
use crate::web::error::AppResult;
use crate::web::extract::RequireTechnicalOwner;
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;

/// The most conflicts one answer holds.
const MAX: i64 = 1_000;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/conflicts", get(list))
}

#[derive(Serialize)]
struct ConflictsJson {
    items: Vec<ConflictRow>,
}

async fn list(
    State(state): State<AppState>,
    RequireTechnicalOwner(user): RequireTechnicalOwner,
) -> AppResult<Json<ConflictsJson>> {
    let sensitive = Sensitive::for_owner(user.level >= AccessLevel::Owner);
    let items = conflicts::open(&state.db, sensitive, MAX).await?;
    Ok(Json(ConflictsJson { items }))
}
