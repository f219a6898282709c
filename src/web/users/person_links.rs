//! Linking a user to the person they are (Owner only): what makes them "themself" for
//! their own sensitive fields.

use super::target;
use crate::audit::{self, Actor};
use crate::auth::links::{self, LinkError};
use crate::state::AppState;
use crate::web::error::{AppError, AppResult};
use crate::web::extract::RequireOwner;
use crate::web::form::Form;
use crate::web::page::flash;
use crate::web::params::Path;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

#[derive(Deserialize)]
pub(super) struct LinkForm {
    /// A person id or a work email.
    person: String,
}

/// An Owner links a user to the person they are: from then on the user sees that
/// person's sensitive fields ("This is you"). Nothing else ever makes that link.
pub(super) async fn link_person(
    State(state): State<AppState>,
    RequireOwner(owner): RequireOwner,
    Path(id): Path<String>,
    Form(form): Form<LinkForm>,
) -> AppResult<Response> {
    let user = target(&state, &id).await?;
    let linked = match links::find_person(&state.db, &form.person).await {
        Ok(person) => links::set_link(
            &state.db,
            &user.id,
            Some(&person),
            &owner.id,
            state.clock.now(),
        )
        .await
        .map(|linked| (person, linked)),
        Err(e) => Err(e),
    };
    match linked {
        Ok((person, linked)) => {
            audit::record_alone(
                &state.db,
                &Actor::user(&owner),
                "user.linked_to_person",
                &user.email,
                &format!("person: {} ({})", person.name, person.id),
                state.clock.now(),
            )
            .await?;
            let mut message = format!(
                "{} is linked to {}: they see that person's private fields.",
                user.name, person.name
            );
            if linked.withdrew_invitation {
                message.push_str(
                    " Their pending invitation link, made by a Technical Owner, no longer works: \
                     make a new one with New invitation link and send it to them yourself.",
                );
            }
            flash(&owner.session, "success", message).await?;
        }
        Err(LinkError::Db(e)) => return Err(e.into()),
        Err(e) => flash(&owner.session, "error", e.to_string()).await?,
    }
    Ok(Redirect::to("/settings/users").into_response())
}

pub(super) async fn unlink_person(
    State(state): State<AppState>,
    RequireOwner(owner): RequireOwner,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let user = target(&state, &id).await?;
    match links::set_link(&state.db, &user.id, None, &owner.id, state.clock.now()).await {
        Ok(_) => {}
        Err(LinkError::Db(e)) => return Err(e.into()),
        Err(_) => return Err(AppError::NotFound),
    }
    audit::record_alone(
        &state.db,
        &Actor::user(&owner),
        "user.unlinked_from_person",
        &user.email,
        "",
        state.clock.now(),
    )
    .await?;
    flash(
        &owner.session,
        "success",
        format!("{} is no longer linked to a person.", user.name),
    )
    .await?;
    Ok(Redirect::to("/settings/users").into_response())
}
