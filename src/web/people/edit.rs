//! Editing the org by hand (`docs/design.md` → *Editing the org by hand*): the person
//! form (edit, and add a person), the open-job form, move, depart, rehire, pin and
//! unpin. Each handler parses, calls one `org::edit` function and renders: a refusal
//! shows the form again with the message next to its field and nothing saved.
//! Technical Owners and Owners may edit; only Owners see or send sensitive fields.

use super::MAX_ID_CHARS;
use crate::auth::AccessLevel;
use crate::org::edit::{self, EditError, Editor, FieldErrors, JobForm, PersonForm, Saved};
use crate::org::fields::{self, Field, Holder};
use crate::org::model::{Person, Source};
use crate::org::queries::{self, PersonRecord};
use crate::org::store::date_text;
use crate::state::AppState;
use crate::sync::options::SyncOptions;
use crate::web::error::{AppError, AppResult};
use crate::web::extract::{CurrentUser, RequireTechnicalOwner};
use crate::web::form::Form;
use crate::web::page::{Chrome, flash, render_with};
use crate::web::params::Path;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

/// One input of the person form.
pub(super) struct InputView {
    pub key: &'static str,
    pub label: &'static str,
    /// "text", "email", "date" or "textarea".
    pub kind: &'static str,
    pub value: String,
    pub help: Option<String>,
    pub error: Option<String>,
}

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

/// The fields the person form shows this user, in the page's order.
fn form_fields(owner: bool, adding: bool) -> impl Iterator<Item = &'static Field> {
    fields::FIELDS.iter().filter(move |f| {
        f.key != "manager"
            && (owner || !f.sensitive)
            && !(adding && matches!(f.key, "end_date" | "compensation"))
    })
}

fn kind_of(key: &str) -> &'static str {
    match key {
        "work_email" | "personal_email" => "email",
        "start_date" | "end_date" | "birthdate" => "date",
        "phones" => "textarea",
        _ => "text",
    }
}

/// The text an input starts with: what is stored (or what was sent, after a refusal).
fn stored_text(key: &str, record: Option<&PersonRecord>) -> String {
    let Some(r) = record else {
        return String::new();
    };
    let p = &r.person;
    let job = r.job.as_ref();
    let text = match key {
        "name" => Some(p.name.clone()),
        "preferred_name" => p.preferred_name.clone(),
        "work_email" => p.work_email.clone(),
        "personal_email" => p.personal_email.clone(),
        "employment_type" => p.employment_type.clone(),
        "gender" => p.gender.clone(),
        "ethnicity" => p.ethnicity.clone(),
        "start_date" => date_text(p.start_date),
        "end_date" => date_text(p.end_date),
        "birthdate" => date_text(p.birthdate),
        "phones" => Some(
            p.phones
                .iter()
                .map(|ph| match &ph.kind {
                    Some(kind) => format!("{kind}: {}", ph.number),
                    None => ph.number.clone(),
                })
                .collect::<Vec<_>>()
                .join("\n"),
        ),
        "home_address" => p.home_address.as_ref().map(|a| a.one_line()),
        "title" => job.and_then(|j| j.title.clone()),
        "department" => job.and_then(|j| j.department.clone()),
        "location" => job.and_then(|j| j.location.clone()),
        "compensation" => job
            .and_then(|j| j.compensation.as_ref())
            .map(|c| c.amount_text()),
        "compensation_currency" => job
            .and_then(|j| j.compensation.as_ref())
            .map(|c| c.currency.clone()),
        _ => None,
    };
    text.unwrap_or_default()
}

/// What the form sent for `key` (the compensation input sends its amount).
fn sent_text(key: &str, form: &PersonForm) -> Option<String> {
    let v = match key {
        "name" => &form.name,
        "preferred_name" => &form.preferred_name,
        "title" => &form.title,
        "department" => &form.department,
        "location" => &form.location,
        "work_email" => &form.work_email,
        "phones" => &form.phones,
        "start_date" => &form.start_date,
        "end_date" => &form.end_date,
        "employment_type" => &form.employment_type,
        "birthdate" => &form.birthdate,
        "gender" => &form.gender,
        "ethnicity" => &form.ethnicity,
        "home_address" => &form.home_address,
        "personal_email" => &form.personal_email,
        "compensation" => &form.compensation_amount,
        "compensation_currency" => &form.compensation_currency,
        _ => return None,
    };
    v.clone()
}

fn help_of(f: &Field) -> Option<String> {
    match f.key {
        "phones" => Some("One a line; a kind first if you like: “mobile: +1 212 555 0101”.".into()),
        "compensation" => {
            Some("The amount and the currency, e.g. “185,000.00 USD”; blank clears it.".into())
        }
        "start_date" | "end_date" | "birthdate" => Some("YYYY-MM-DD".into()),
        _ => None,
    }
}

fn inputs(
    owner: bool,
    adding: bool,
    record: Option<&PersonRecord>,
    sent: Option<&PersonForm>,
    errors: &FieldErrors,
) -> Vec<InputView> {
    let mut inputs: Vec<InputView> = form_fields(owner, adding)
        .map(|f| {
            let error_key = if f.key == "compensation" {
                errors
                    .get("compensation_amount")
                    .or(errors.get("compensation_currency"))
            } else {
                errors.get(f.key)
            };
            InputView {
                key: if f.key == "compensation" {
                    "compensation_amount"
                } else {
                    f.key
                },
                label: f.label,
                kind: kind_of(f.key),
                value: sent
                    .and_then(|s| sent_text(f.key, s))
                    .unwrap_or_else(|| stored_text(f.key, record)),
                help: help_of(f),
                error: error_key.map(str::to_owned),
            }
        })
        .collect();
    if let Some(at) = inputs.iter().position(|i| i.key == "compensation_amount") {
        let currency = InputView {
            key: "compensation_currency",
            label: "Currency",
            kind: "text",
            value: sent
                .and_then(|s| sent_text("compensation_currency", s))
                .unwrap_or_else(|| stored_text("compensation_currency", record)),
            help: Some("Three letters, e.g. USD.".into()),
            error: errors.get("compensation_currency").map(str::to_owned),
        };
        inputs[at].error = errors.get("compensation_amount").map(str::to_owned);
        inputs.insert(at + 1, currency);
    }
    inputs
}

fn manager_input(value: String, now: Option<String>, error: Option<&str>) -> InputView {
    InputView {
        key: "manager_id",
        label: "Manager",
        kind: "text",
        value,
        help: Some(match now {
            Some(name) => format!(
                "Now: {name}. Type a name and choose from the list; blank puts them at the top."
            ),
            None => "Type a name and choose from the list; blank puts them at the top.".into(),
        }),
        error: error.map(str::to_owned),
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

fn job_inputs(sent: &JobForm, errors: &FieldErrors) -> Vec<InputView> {
    let input = |key: &'static str, label: &'static str, kind: &'static str, v: &Option<String>| {
        InputView {
            key,
            label,
            kind,
            value: v.clone().unwrap_or_default(),
            help: (kind == "date").then(|| "YYYY-MM-DD; when the hire should start.".into()),
            error: errors.get(key).map(str::to_owned),
        }
    };
    vec![
        input("title", "Title", "text", &sent.title),
        input("department", "Department", "text", &sent.department),
        input("location", "Location", "text", &sent.location),
        input(
            "planned_start",
            "Planned start",
            "date",
            &sent.planned_start,
        ),
    ]
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
    one_step(&user, &id, result, "Moved").await
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

/// Which fields of this person the page offers to pin (people from Justworks only),
/// and for each whether it is pinned and whether it was set by hand.
pub(super) struct PinView {
    pub key: &'static str,
    pub label: &'static str,
    pub pinned: bool,
    /// Set by hand and not pinned: the next sync puts Justworks' value back.
    pub overwritten_next: bool,
}

/// `writes(group)`: whether the next sync writes a group's fields (`None`: a field in no
/// group, which Justworks always writes); `None` when Justworks is not set up.
pub(super) fn pin_views(
    record: &PersonRecord,
    may_see: bool,
    writes: Option<&SyncOptions>,
) -> Vec<PinView> {
    let p: &Person = &record.person;
    if p.source != Source::Justworks {
        return Vec::new();
    }
    fields::FIELDS
        .iter()
        .filter(|f| may_see || !f.sensitive)
        .filter_map(|f| {
            let hand = match f.holder {
                Holder::Person => &p.hand,
                Holder::Job => &record.job.as_ref()?.hand,
            };
            let pinned = hand.pins.is_pinned(f.key);
            Some(PinView {
                key: f.key,
                label: f.label,
                pinned,
                overwritten_next: !pinned
                    && hand.set.contains(f.key)
                    && writes.is_some_and(|o| f.group.is_none_or(|g| o.writes(g))),
            })
        })
        .collect()
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
