//! The tree by hand: an open job for a hire to come, moving a person or a job under
//! another manager, and a hand-added person leaving or coming back. Every move keeps the
//! headcounts above the old and the new place right.

use super::input::{date_field, text_field};
use super::person::move_headcounts;
use super::write::{self, bump_revision};
use super::{EditError, Editor, FieldErrors, Saved};
use crate::db::{Db, new_id};
use crate::org::change::{ChangeKind, Entity, FieldChange};
use crate::org::display;
use crate::org::model::{Job, JobStatus, PersonStatus, Source};
use crate::org::store;
use jiff::Timestamp;
use sqlx::AnyConnection;

/// `POST /jobs/new`: an open job.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct JobForm {
    pub title: Option<String>,
    pub department: Option<String>,
    pub location: Option<String>,
    pub manager_id: Option<String>,
    pub planned_start: Option<String>,
}

/// Checks that the seat `seat_id` (held by `who`) may report to `manager` (a person id,
/// or an open job's id): someone known and active, not themself, not below them. The
/// manager's seat id and how history names it, or the sentence for the form.
pub(super) async fn check_manager(
    conn: &mut AnyConnection,
    manager: &str,
    seat_id: &str,
    who: &str,
) -> sqlx::Result<Result<(String, String), String>> {
    if let Some(p) = write::person(conn, manager).await? {
        if p.status == PersonStatus::Departed {
            return Ok(Err(format!(
                "{} has left; choose someone who is here.",
                p.name
            )));
        }
        if write::seat_of(conn, &p.id).await?.is_none() {
            return Ok(Err(format!(
                "{} has no job in the org chart to report to.",
                p.name
            )));
        }
    }
    let found = match write::manager_seat(conn, manager).await? {
        Some(found) => Some(found),
        // Typed rather than chosen from the list: a name one active person has.
        None => match write::active_named(conn, manager).await?.as_slice() {
            [one] => write::manager_seat(conn, one).await?,
            [] => None,
            _ => {
                return Ok(Err(format!(
                    "Several people are named {manager}; choose one from the list."
                )));
            }
        },
    };
    let Some((manager_seat, holder)) = found else {
        return Ok(Err(format!(
            "Nobody here is named {manager}; choose the manager from the list."
        )));
    };
    if let Some(holder) = &holder
        && (holder.status == PersonStatus::Departed || manager_seat.status != JobStatus::Filled)
    {
        return Ok(Err(format!(
            "{} has left; choose someone who is here.",
            holder.name
        )));
    }
    if manager_seat.status == JobStatus::Closed {
        return Ok(Err(
            "That job is closed; choose an open or filled one.".into()
        ));
    }
    if manager_seat.id == seat_id {
        return Ok(Err(format!("{who} cannot report to themself.")));
    }
    let label = display::job(&manager_seat, holder.as_ref());
    let above = write::chain_above(conn, &manager_seat.id).await?;
    if above.iter().any(|id| id == seat_id) {
        return Ok(Err(format!(
            "{label} reports to {who} already: that would make a loop."
        )));
    }
    Ok(Ok((manager_seat.id, label)))
}

/// `POST /jobs/new`: an open job under a manager (or at the top), to be filled later.
pub async fn add_job(
    db: &Db,
    editor: &Editor<'_>,
    form: &JobForm,
    now: Timestamp,
) -> Result<Saved, EditError> {
    let mut errors = FieldErrors::default();
    let mut job = Job::new_by_hand(new_id(), JobStatus::Open);
    job.title = text_field(&mut errors, "title", &form.title).flatten();
    if job.title.is_none() && errors.get("title").is_none() {
        errors.add("title", "Enter the job's title.");
    }
    job.department = text_field(&mut errors, "department", &form.department).flatten();
    job.location = text_field(&mut errors, "location", &form.location).flatten();
    job.start_date = date_field(
        &mut errors,
        "planned_start",
        &form.planned_start,
        super::input::date,
    )
    .flatten();
    let mut tx = db.begin().await?;
    bump_revision(&mut tx).await?;
    if let Some(manager) = form.manager_id.as_deref().map(str::trim)
        && !manager.is_empty()
    {
        let title = job.title.clone().unwrap_or_else(|| "The job".into());
        match check_manager(&mut tx, manager, &job.id, &title).await? {
            Ok((seat, _)) => job.manager_job_id = Some(seat),
            Err(message) => errors.add("manager_id", message),
        }
    }
    errors.into_result()?;
    store::insert_job_by_hand(&mut tx, &job, now.as_millisecond()).await?;
    let title = job.title.clone().unwrap_or_default();
    let added = FieldChange {
        entity: Entity::Job,
        entity_id: job.id.clone(),
        person_id: None,
        person_name: format!("Open job: {title}"),
        kind: ChangeKind::Other,
        field: "status",
        old: None,
        new: Some(JobStatus::Open.as_str().to_owned()),
        sensitive: false,
    };
    write::record(&mut tx, editor, &[added], now).await?;
    write::audit(&mut tx, editor, "job.added", &title, "open job", now).await?;
    tx.commit().await?;
    Ok(Saved {
        id: job.id,
        changed: vec!["Title"],
    })
}

/// `POST /people/{id}/move` (or a job's card): under another manager. `id` is a person
/// (their seat moves) or an open job.
pub async fn move_to(
    db: &Db,
    editor: &Editor<'_>,
    id: &str,
    manager_id: &str,
    now: Timestamp,
) -> Result<Saved, EditError> {
    let form = super::PersonForm {
        manager_id: Some(manager_id.to_owned()),
        ..Default::default()
    };
    let is_person = {
        let mut conn = db.pool().acquire().await?;
        write::person(&mut conn, id).await?.is_some()
    };
    if is_person {
        return super::edit_person(db, editor, id, &form, now).await;
    }
    let mut tx = db.begin().await?;
    bump_revision(&mut tx).await?;
    let before = write::job(&mut tx, id).await?.ok_or(EditError::NotFound)?;
    let title = before.title.clone().unwrap_or_else(|| "The job".into());
    let mut errors = FieldErrors::default();
    let manager = manager_id.trim();
    let (seat, label) = if manager.is_empty() {
        (None, None)
    } else {
        match check_manager(&mut tx, manager, id, &title).await? {
            Ok((seat, label)) => (Some(seat), Some(label)),
            Err(message) => {
                errors.add("manager_id", message);
                (None, None)
            }
        }
    };
    errors.into_result()?;
    if seat == before.manager_job_id {
        return Ok(Saved {
            id: id.to_owned(),
            changed: Vec::new(),
        });
    }
    let old = write::manager_label(&mut tx, before.manager_job_id.as_deref()).await?;
    move_headcounts(&mut tx, &before, seat.as_deref()).await?;
    let mut after = before.clone();
    after.manager_job_id = seat;
    after.hand.set.mark("manager");
    store::save_job_by_hand(&mut tx, &after, now.as_millisecond()).await?;
    let change = FieldChange {
        entity: Entity::Job,
        entity_id: after.id.clone(),
        person_id: None,
        person_name: display::job(&after, None),
        kind: ChangeKind::ManagerChange,
        field: "manager",
        old,
        new: label,
        sensitive: false,
    };
    write::record(&mut tx, editor, &[change], now).await?;
    write::audit(&mut tx, editor, "job.moved", &title, "Manager", now).await?;
    tx.commit().await?;
    Ok(Saved {
        id: id.to_owned(),
        changed: vec!["Manager"],
    })
}

/// `POST /people/{id}/depart`: a hand-added person leaves on `end_date`; their seat
/// stays open for a successor. (People from Justworks leave in Justworks.)
pub async fn depart(
    db: &Db,
    editor: &Editor<'_>,
    id: &str,
    end_date: &str,
    now: Timestamp,
) -> Result<Saved, EditError> {
    let mut errors = FieldErrors::default();
    let end = date_field(
        &mut errors,
        "end_date",
        &Some(end_date.to_owned()),
        super::input::date,
    );
    let end = match end {
        Some(Some(end)) => end,
        Some(None) => {
            errors.add("end_date", "Enter the last day, as YYYY-MM-DD.");
            return Err(EditError::Invalid(errors));
        }
        None => return Err(EditError::Invalid(errors)),
    };
    status_change(db, editor, id, PersonStatus::Departed, Some(end), now).await
}

/// `POST /people/{id}/rehire`: a hand-added person who left comes back to their seat
/// (or a new one at the top, if that seat was filled meanwhile).
pub async fn rehire(
    db: &Db,
    editor: &Editor<'_>,
    id: &str,
    now: Timestamp,
) -> Result<Saved, EditError> {
    status_change(db, editor, id, PersonStatus::Active, None, now).await
}

async fn status_change(
    db: &Db,
    editor: &Editor<'_>,
    id: &str,
    status: PersonStatus,
    end: Option<crate::org::model::Date>,
    now: Timestamp,
) -> Result<Saved, EditError> {
    let mut tx = db.begin().await?;
    bump_revision(&mut tx).await?;
    let before = write::person(&mut tx, id)
        .await?
        .ok_or(EditError::NotFound)?;
    if before.source != Source::Manual {
        return Err(EditError::Forbidden(
            "People from Justworks leave and come back in Justworks; the next sync brings it here.",
        ));
    }
    if before.status == status {
        return Ok(Saved {
            id: id.to_owned(),
            changed: Vec::new(),
        });
    }
    let now_ms = now.as_millisecond();
    let mut person = before.clone();
    person.status = status;
    person.end_date = end;
    let seat = write::seat_of(&mut tx, id).await?;
    let (kind, action) = match status {
        PersonStatus::Departed => (ChangeKind::Departure, "person.departed"),
        PersonStatus::Active => (ChangeKind::Rehire, "person.rehired"),
    };
    match (status, seat) {
        (PersonStatus::Departed, Some(mut seat)) if seat.status == JobStatus::Filled => {
            let chain = write::chain_above(&mut tx, &seat.id).await?;
            write::shift_headcounts(&mut tx, &chain, -1).await?;
            seat.status = JobStatus::Open;
            seat.person_id = None;
            seat.end_date = end;
            store::save_job_by_hand(&mut tx, &seat, now_ms).await?;
        }
        (PersonStatus::Active, seat) => {
            let mut seat = match seat {
                Some(s) if s.status == JobStatus::Open && s.person_id.is_none() => s,
                _ => Job::new_by_hand(new_id(), JobStatus::Open),
            };
            let fresh = write::job(&mut tx, &seat.id).await?.is_none();
            seat.status = JobStatus::Filled;
            seat.person_id = Some(person.id.clone());
            seat.end_date = None;
            if fresh {
                store::insert_job_by_hand(&mut tx, &seat, now_ms).await?;
            } else {
                store::save_job_by_hand(&mut tx, &seat, now_ms).await?;
            }
            let chain = write::chain_above(&mut tx, &seat.id).await?;
            write::shift_headcounts(&mut tx, &chain, 1).await?;
        }
        _ => {}
    }
    store::save_person_by_hand(&mut tx, &person, now_ms).await?;
    let change = FieldChange {
        entity: Entity::Person,
        entity_id: person.id.clone(),
        person_id: Some(person.id.clone()),
        person_name: person.name.clone(),
        kind,
        field: "status",
        old: Some(before.status.as_str().to_owned()),
        new: Some(status.as_str().to_owned()),
        sensitive: false,
    };
    write::record(&mut tx, editor, &[change], now).await?;
    write::audit(&mut tx, editor, action, &person.name, "", now).await?;
    tx.commit().await?;
    Ok(Saved {
        id: id.to_owned(),
        changed: vec!["Status"],
    })
}
