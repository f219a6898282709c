//! Editing the org by hand (`docs/design.md` → *Editing the org by hand*): the person
//! form (edit, and add a person), the open-job form, move, depart, rehire, pin and
//! unpin. Each handler parses, calls one `org::edit` function and renders: a refusal
//! shows the form again with the message next to its field and nothing saved.
//! Technical Owners and Owners may edit; only Owners see or send sensitive fields.

use super::MAX_ID_CHARS;
use super::edit_form::{InputView, inputs, job_inputs, manager_input};
use crate::auth::AccessLevel;
use crate::org::edit::{self, EditError, Editor, FieldErrors, JobForm, PersonForm, Saved};
use crate::org::model::Source;
use crate::org::queries::{self, PersonRecord};
use crate::state::AppState;
use crate::web::error::{AppError, AppResult};
use crate::web::extract::{CurrentUser, RequireTechnicalOwner};
use crate::web::form::Form;
use crate::web::page::{Chrome, flash, render_with};
use crate::web::params::Path;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

#[derive(Template)]
#[template(path = "person_form.html")]
struct PersonFormPage {
    chrome: Chrome,
    heading: String,
    action: String,
    cancel_href: String,
    /// For a person from Justworks: what a hand edit there means.
    justworks_note: bool,
    inputs: Vec<InputView>,
    manager: InputView,
    errors: usize,
    submit: &'static str,
}

#[derive(Template)]
#[template(path = "job_form.html")]
struct JobFormPage {
    chrome: Chrome,
    inputs: Vec<InputView>,
    manager: InputView,
    errors: usize,
}

fn editor(user: &CurrentUser) -> Editor<'_> {
    Editor {
        user_id: &user.id,
        name: &user.name,
        sensitive: user.level >= AccessLevel::Owner,
    }
}

async fn person_form_page(
    state: &AppState,
    user: &CurrentUser,
    record: Option<&PersonRecord>,
    sent: Option<&PersonForm>,
    errors: &FieldErrors,
) -> AppResult<Response> {
    let owner = user.level >= AccessLevel::Owner;
    let (heading, action, cancel_href, submit) = match record {
        Some(r) => (
            format!("Edit {}", r.person.name),
            format!("/people/{}/edit", r.person.id),
            format!("/people/{}", r.person.id),
            "Save changes",
        ),
        None => (
            "Add a person".to_owned(),
            "/people/new".to_owned(),
            "/people".to_owned(),
            "Add person",
        ),
    };
    let manager_now = record.and_then(|r| r.manager.as_ref()).map(|m| {
        m.name
            .clone()
            .unwrap_or_else(|| super::open_job_label(m.title.as_deref()))
    });
    let manager_value = sent
        .and_then(|s| s.manager_id.clone())
        .or_else(|| {
            record
                .and_then(|r| r.manager.as_ref())
                .map(|m| m.person_id.clone().unwrap_or_else(|| m.job_id.clone()))
        })
        .unwrap_or_default();
    let page = PersonFormPage {
        chrome: Chrome::for_user(state, user, "people", heading.clone()).await?,
        justworks_note: record.is_some_and(|r| r.person.source == Source::Justworks),
        inputs: inputs(owner, record.is_none(), record, sent, errors),
        manager: manager_input(manager_value, manager_now, errors.get("manager_id")),
        errors: errors.0.len(),
        heading,
        action,
        cancel_href,
        submit,
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render_with(status, &page)
}

async fn record_of(state: &AppState, id: &str) -> AppResult<PersonRecord> {
    if id.len() > MAX_ID_CHARS {
        return Err(AppError::NotFound);
    }
    queries::person(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// What an edit's refusal answers: the form again, or a page saying why not.
fn refused(e: EditError) -> Result<FieldErrors, AppError> {
    match e {
        EditError::Invalid(errors) => Ok(errors),
        EditError::NotFound => Err(AppError::NotFound),
        EditError::Forbidden(why) => Err(AppError::NotAllowed(why.to_owned())),
        EditError::Db(e) => Err(e.into()),
    }
}

async fn saved_flash(user: &CurrentUser, saved: &Saved, what: &str) -> AppResult<()> {
    let message = if saved.changed.is_empty() {
        format!("{what}: nothing changed.")
    } else {
        format!("{what}. Changed: {}.", saved.changed.join(", "))
    };
    flash(&user.session, "success", message).await
}

pub(super) async fn edit_page(
    State(state): State<AppState>,
    RequireTechnicalOwner(user): RequireTechnicalOwner,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let record = record_of(&state, &id).await?;
    person_form_page(&state, &user, Some(&record), None, &FieldErrors::default()).await
}

pub(super) async fn save_edit(
    State(state): State<AppState>,
    RequireTechnicalOwner(user): RequireTechnicalOwner,
    Path(id): Path<String>,
    Form(form): Form<PersonForm>,
) -> AppResult<Response> {
    let record = record_of(&state, &id).await?;
    match edit::edit_person(&state.db, &editor(&user), &id, &form, state.clock.now()).await {
        Ok(saved) => {
            saved_flash(&user, &saved, "Saved").await?;
            Ok(Redirect::to(&format!("/people/{}", saved.id)).into_response())
        }
        Err(e) => {
            let errors = refused(e)?;
            person_form_page(&state, &user, Some(&record), Some(&form), &errors).await
        }
    }
}

pub(super) async fn new_person_page(
    State(state): State<AppState>,
    RequireTechnicalOwner(user): RequireTechnicalOwner,
) -> AppResult<Response> {
    person_form_page(&state, &user, None, None, &FieldErrors::default()).await
}

pub(super) async fn add_person(
    State(state): State<AppState>,
    RequireTechnicalOwner(user): RequireTechnicalOwner,
    Form(form): Form<PersonForm>,
) -> AppResult<Response> {
    match edit::add_person(&state.db, &editor(&user), &form, state.clock.now()).await {
        Ok(saved) => {
            let name = form.name.as_deref().unwrap_or_default().trim();
            flash(&user.session, "success", format!("{name} was added.")).await?;
            Ok(Redirect::to(&format!("/people/{}", saved.id)).into_response())
        }
        Err(e) => {
            let errors = refused(e)?;
            person_form_page(&state, &user, None, Some(&form), &errors).await
        }
    }
}

async fn job_form_page(
    state: &AppState,
    user: &CurrentUser,
    sent: &JobForm,
    errors: &FieldErrors,
) -> AppResult<Response> {
    let page = JobFormPage {
        chrome: Chrome::for_user(state, user, "people", "Add an open job").await?,
        inputs: job_inputs(sent, errors),
        manager: manager_input(
            sent.manager_id.clone().unwrap_or_default(),
            None,
            errors.get("manager_id"),
        ),
        errors: errors.0.len(),
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render_with(status, &page)
}

pub(super) async fn new_job_page(
    State(state): State<AppState>,
    RequireTechnicalOwner(user): RequireTechnicalOwner,
) -> AppResult<Response> {
    job_form_page(&state, &user, &JobForm::default(), &FieldErrors::default()).await
}

pub(super) async fn add_job(
    State(state): State<AppState>,
    RequireTechnicalOwner(user): RequireTechnicalOwner,
    Form(form): Form<JobForm>,
) -> AppResult<Response> {
    match edit::add_job(&state.db, &editor(&user), &form, state.clock.now()).await {
        Ok(_) => {
            let title = form.title.as_deref().unwrap_or_default().trim();
            flash(
                &user.session,
                "success",
                format!("Open job “{title}” added."),
            )
            .await?;
            let back = match form.manager_id.as_deref().map(str::trim) {
                Some(m) if !m.is_empty() && m.len() <= MAX_ID_CHARS => {
                    match queries::person(&state.db, m).await? {
                        Some(r) => format!("/people/{}", r.person.id),
                        None => "/org".to_owned(),
                    }
                }
                _ => "/org".to_owned(),
            };
            Ok(Redirect::to(&back).into_response())
        }
        Err(e) => {
            let errors = refused(e)?;
            job_form_page(&state, &user, &form, &errors).await
        }
    }
}

#[derive(Debug, serde::Deserialize)]
pub(super) struct MoveForm {
    #[serde(default)]
    manager_id: String,
    /// Where the form was sent from, when not the person page: the org chart ("/org…").
    #[serde(default)]
    back: Option<String>,
}

/// `POST /people/{id}/move`: refused moves come back to the person page with the reason.
pub(super) async fn move_person(
    State(state): State<AppState>,
    RequireTechnicalOwner(user): RequireTechnicalOwner,
    Path(id): Path<String>,
    Form(form): Form<MoveForm>,
) -> AppResult<Response> {
    let result = edit::move_to(
        &state.db,
        &editor(&user),
        &id,
        &form.manager_id,
        state.clock.now(),
    )
    .await;
    let answer = one_step(&user, &id, result, "Moved").await?;
    // From the chart: back to the chart (only ever a path of ours).
    match form.back.as_deref() {
        Some(back) if back == "/org" || back.starts_with("/org?") => {
            Ok(Redirect::to(back).into_response())
        }
        _ => Ok(answer),
    }
}

#[derive(Debug, serde::Deserialize)]
pub(super) struct DepartForm {
    #[serde(default)]
    end_date: String,
}

pub(super) async fn depart(
    State(state): State<AppState>,
    RequireTechnicalOwner(user): RequireTechnicalOwner,
    Path(id): Path<String>,
    Form(form): Form<DepartForm>,
) -> AppResult<Response> {
    let result = edit::depart(
        &state.db,
        &editor(&user),
        &id,
        &form.end_date,
        state.clock.now(),
    )
    .await;
    one_step(&user, &id, result, "Marked as departed").await
}

pub(super) async fn rehire(
    State(state): State<AppState>,
    RequireTechnicalOwner(user): RequireTechnicalOwner,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let result = edit::rehire(&state.db, &editor(&user), &id, state.clock.now()).await;
    one_step(&user, &id, result, "Rehired").await
}

#[derive(Debug, serde::Deserialize)]
pub(super) struct FieldForm {
    #[serde(default)]
    field: String,
}

pub(super) async fn pin(
    State(state): State<AppState>,
    RequireTechnicalOwner(user): RequireTechnicalOwner,
    Path(id): Path<String>,
    Form(form): Form<FieldForm>,
) -> AppResult<Response> {
    set_pin(&state, &user, &id, &form.field, true).await
}

pub(super) async fn unpin(
    State(state): State<AppState>,
    RequireTechnicalOwner(user): RequireTechnicalOwner,
    Path(id): Path<String>,
    Form(form): Form<FieldForm>,
) -> AppResult<Response> {
    set_pin(&state, &user, &id, &form.field, false).await
}

async fn set_pin(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    field: &str,
    pinned: bool,
) -> AppResult<Response> {
    let (db, editor, now) = (&state.db, editor(user), state.clock.now());
    if pinned {
        let result = edit::pin(db, &editor, id, field, now).await;
        one_step(user, id, result, "Pinned: syncs leave it as it is").await
    } else {
        let result = edit::unpin(db, &editor, id, field, now).await;
        one_step(
            user,
            id,
            result,
            "Unpinned: Justworks' value returns at the next sync",
        )
        .await
    }
}

/// The answer to a one-button form on the person page: back to it, with what happened
/// or why nothing did.
async fn one_step(
    user: &CurrentUser,
    id: &str,
    result: Result<Saved, EditError>,
    what: &str,
) -> AppResult<Response> {
    if id.len() > MAX_ID_CHARS {
        return Err(AppError::NotFound);
    }
    let back = match &result {
        Ok(saved) => format!("/people/{}", saved.id),
        Err(_) => format!("/people/{id}"),
    };
    match result {
        Ok(saved) => saved_flash(user, &saved, what).await?,
        Err(e) => {
            let errors = refused(e)?;
            let message = errors
                .0
                .iter()
                .map(|(_, m)| m.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            flash(
                &user.session,
                "error",
                format!("Nothing was changed: {message}"),
            )
            .await?;
        }
    }
    Ok(Redirect::to(&back).into_response())
}

#[derive(Template)]
#[template(path = "manager_options_partial.html")]
struct ManagerOptions {
    options: Vec<(String, String)>,
}

#[derive(Debug, serde::Deserialize)]
pub(super) struct ManagerQuery {
    #[serde(default)]
    manager_id: Option<String>,
}

/// `GET /people/manager-options?manager_id=…`: the active people whose name, email or
/// title holds the text typed, as `<option>`s for the manager field's list.
pub(super) async fn manager_options(
    State(state): State<AppState>,
    RequireTechnicalOwner(_user): RequireTechnicalOwner,
    crate::web::params::Query(query): crate::web::params::Query<ManagerQuery>,
) -> AppResult<Response> {
    let q = super::text_param(query.manager_id, "search", super::MAX_QUERY_CHARS)?;
    let options = match q {
        None => Vec::new(),
        Some(q) => {
            let filter = queries::DirectoryFilter {
                q: Some(q),
                department: None,
                location: None,
                status: queries::StatusFilter::Active,
            };
            queries::directory(&state.db, &filter, 0, 20)
                .await?
                .rows
                .into_iter()
                .map(|r| {
                    let label = match r.title {
                        Some(t) => format!("{} · {t}", r.name),
                        None => r.name,
                    };
                    (r.id, label)
                })
                .collect()
        }
    };
    render_with(StatusCode::OK, &ManagerOptions { options })
}
