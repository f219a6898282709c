//! Editing a person by hand (their fields and their seat's), and adding a person who is
//! not in Justworks. Either way the form is read field by field onto the rows, then the
//! rules that need the rest of the org are checked — the manager is someone active and
//! not below them, the work email is nobody else's — before anything is written.

use super::input::{
    self, PersonForm, address_field, compensation_field, date_field, email_field, phones_field,
    text_field,
};
use super::write::{self, bump_revision};
use super::{EditError, Editor, FieldErrors, Saved};
use crate::db::{Db, new_id};
use crate::org::change::{ChangeKind, Entity, FieldChange};
use crate::org::display;
use crate::org::fields::{self, Holder};
use crate::org::model::{Job, JobStatus, Person, PersonStatus, Source};
use crate::org::store;
use jiff::Timestamp;
use sqlx::AnyConnection;

/// `POST /people/{id}/edit`: only the fields sent change.
pub async fn edit_person(
    db: &Db,
    editor: &Editor<'_>,
    id: &str,
    form: &PersonForm,
    now: Timestamp,
) -> Result<Saved, EditError> {
    if form.sensitive_sent() && !editor.sensitive {
        return Err(EditError::Forbidden(
            "Only Owners may change compensation, birthdates, gender, ethnicity, home \
             addresses, personal emails and phones.",
        ));
    }
    let mut tx = db.begin().await?;
    bump_revision(&mut tx).await?;
    let before = write::person(&mut tx, id)
        .await?
        .ok_or(EditError::NotFound)?;
    let seat_before = write::seat_of(&mut tx, id).await?;
    let mut person = before.clone();
    let mut seat = seat_before.clone();
    let mut errors = FieldErrors::default();
    read_form(form, &mut person, seat.as_mut(), &mut errors);
    let manager = read_manager(&mut tx, form, &person, seat.as_mut(), &mut errors).await?;
    check_work_email(&mut tx, &person, before.work_email.as_deref(), &mut errors).await?;
    errors.into_result()?;

    let mut changes = Vec::new();
    let mut changed = Vec::new();
    for field in fields::FIELDS {
        let (old, new) = match field.holder {
            Holder::Person => (
                shown_person(field.key, &before),
                shown_person(field.key, &person),
            ),
            Holder::Job if field.key == "manager" => match (&seat_before, &seat) {
                (Some(b), Some(a)) if b.manager_job_id != a.manager_job_id => {
                    let old = write::manager_label(&mut tx, b.manager_job_id.as_deref()).await?;
                    (old, manager.clone())
                }
                _ => continue,
            },
            Holder::Job => match (&seat_before, &seat) {
                (Some(b), Some(a)) => (shown_job(field.key, b), shown_job(field.key, a)),
                _ => continue,
            },
        };
        if old == new {
            continue;
        }
        changed.push(field.label);
        match field.holder {
            Holder::Person => person.hand.set.mark(field.key),
            Holder::Job => {
                if let Some(seat) = seat.as_mut() {
                    seat.hand.set.mark(field.key);
                }
            }
        }
        changes.push(FieldChange {
            entity: match field.holder {
                Holder::Person => Entity::Person,
                Holder::Job => Entity::Job,
            },
            entity_id: match (field.holder, &seat) {
                (Holder::Job, Some(s)) => s.id.clone(),
                _ => person.id.clone(),
            },
            person_id: Some(person.id.clone()),
            person_name: person.name.clone(),
            kind: ChangeKind::of_field(field.key),
            field: field.key,
            old,
            new,
            sensitive: field.sensitive,
        });
    }
    if changes.is_empty() {
        return Ok(Saved {
            id: id.to_owned(),
            changed,
        });
    }
    let now_ms = now.as_millisecond();
    if person != before {
        store::save_person_by_hand(&mut tx, &person, now_ms).await?;
    }
    if let (Some(before), Some(after)) = (&seat_before, &seat)
        && before != after
    {
        if before.manager_job_id != after.manager_job_id {
            move_headcounts(&mut tx, before, after.manager_job_id.as_deref()).await?;
        }
        store::save_job_by_hand(&mut tx, after, now_ms).await?;
    }
    write::record(&mut tx, editor, &changes, now).await?;
    write::audit(
        &mut tx,
        editor,
        "person.edited",
        &person.name,
        &changed.join(", "),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Saved {
        id: id.to_owned(),
        changed,
    })
}

/// `POST /people/new`: a person made in orgsync, in a seat of their own under the
/// manager chosen (or at the top). A sync never touches them.
pub async fn add_person(
    db: &Db,
    editor: &Editor<'_>,
    form: &PersonForm,
    now: Timestamp,
) -> Result<Saved, EditError> {
    if form.sensitive_sent() && !editor.sensitive {
        return Err(EditError::Forbidden(
            "Only Owners may set compensation, birthdates, gender, ethnicity, home addresses, \
             personal emails and phones.",
        ));
    }
    let mut errors = FieldErrors::default();
    let name = text_field(&mut errors, "name", &form.name).flatten();
    if name.is_none() && errors.get("name").is_none() {
        errors.add("name", "Enter the person's name.");
    }
    let mut person = Person::new_by_hand(new_id(), name.unwrap_or_default());
    let mut seat = Job::new_by_hand(new_id(), JobStatus::Filled);
    seat.person_id = Some(person.id.clone());
    let mut tx = db.begin().await?;
    bump_revision(&mut tx).await?;
    read_form(form, &mut person, Some(&mut seat), &mut errors);
    read_manager(&mut tx, form, &person, Some(&mut seat), &mut errors).await?;
    check_work_email(&mut tx, &person, None, &mut errors).await?;
    errors.into_result()?;

    let now_ms = now.as_millisecond();
    store::insert_person_by_hand(&mut tx, &person, now_ms).await?;
    store::insert_job_by_hand(&mut tx, &seat, now_ms).await?;
    if let Some(manager) = seat.manager_job_id.as_deref() {
        let mut chain = vec![manager.to_owned()];
        chain.extend(write::chain_above(&mut tx, manager).await?);
        write::shift_headcounts(&mut tx, &chain, 1).await?;
    }
    let added = FieldChange {
        entity: Entity::Person,
        entity_id: person.id.clone(),
        person_id: Some(person.id.clone()),
        person_name: person.name.clone(),
        kind: ChangeKind::NewHire,
        field: "status",
        old: None,
        new: Some(PersonStatus::Active.as_str().to_owned()),
        sensitive: false,
    };
    write::record(&mut tx, editor, &[added], now).await?;
    write::audit(&mut tx, editor, "person.added", &person.name, "", now).await?;
    tx.commit().await?;
    Ok(Saved {
        id: person.id,
        changed: vec!["Name"],
    })
}

/// Reads every sent field but the manager onto the rows; job fields need a seat.
fn read_form(
    form: &PersonForm,
    person: &mut Person,
    seat: Option<&mut Job>,
    errors: &mut FieldErrors,
) {
    if let Some(name) = text_field(errors, "name", &form.name) {
        match name {
            Some(name) => person.name = name,
            None => errors.add("name", "A person always has a name."),
        }
    }
    let text_fields: [(&'static str, &Option<String>, &mut Option<String>); 4] = [
        (
            "preferred_name",
            &form.preferred_name,
            &mut person.preferred_name,
        ),
        (
            "employment_type",
            &form.employment_type,
            &mut person.employment_type,
        ),
        ("gender", &form.gender, &mut person.gender),
        ("ethnicity", &form.ethnicity, &mut person.ethnicity),
    ];
    for (key, sent, stored) in text_fields {
        if let Some(value) = text_field(errors, key, sent) {
            *stored = value;
        }
    }
    if let Some(v) = email_field(errors, "work_email", &form.work_email) {
        person.work_email = v;
    }
    if let Some(v) = email_field(errors, "personal_email", &form.personal_email) {
        person.personal_email = v;
    }
    for (key, sent, stored) in [
        ("start_date", &form.start_date, &mut person.start_date),
        ("end_date", &form.end_date, &mut person.end_date),
        ("birthdate", &form.birthdate, &mut person.birthdate),
    ] {
        if let Some(v) = date_field(errors, key, sent, input::date) {
            *stored = v;
        }
    }
    if let Some(v) = phones_field(errors, &form.phones) {
        person.phones = v;
    }
    // The form shows the address on one line: sent back unchanged, it changes nothing.
    let same_address = form.home_address.as_deref().map(str::trim)
        == Some(
            person
                .home_address
                .as_ref()
                .map(|a| a.one_line())
                .unwrap_or_default()
                .as_str(),
        );
    if !same_address && let Some(v) = address_field(errors, &form.home_address) {
        person.home_address = v;
    }
    let job_sent = [
        ("title", &form.title),
        ("department", &form.department),
        ("location", &form.location),
        ("compensation_amount", &form.compensation_amount),
    ];
    let Some(seat) = seat else {
        for (key, sent) in job_sent {
            if sent.is_some() {
                errors.add(key, format!("{} has no job to change.", person.name));
            }
        }
        return;
    };
    for (key, sent, stored) in [
        ("title", &form.title, &mut seat.title),
        ("department", &form.department, &mut seat.department),
        ("location", &form.location, &mut seat.location),
    ] {
        if let Some(value) = text_field(errors, key, sent) {
            *stored = value;
        }
    }
    if let Some(pay) = compensation_field(
        errors,
        &form.compensation_amount,
        &form.compensation_currency,
        seat.compensation.as_ref(),
    ) {
        seat.compensation = pay;
    }
}

/// Reads the manager field onto the seat, refusing a loop, someone who has left, or
/// someone unknown. Returns how history names the new manager.
async fn read_manager(
    conn: &mut AnyConnection,
    form: &PersonForm,
    person: &Person,
    seat: Option<&mut Job>,
    errors: &mut FieldErrors,
) -> Result<Option<String>, EditError> {
    let Some(sent) = form.manager_id.as_deref().map(str::trim) else {
        return Ok(None);
    };
    let Some(seat) = seat else {
        errors.add("manager_id", format!("{} has no job to move.", person.name));
        return Ok(None);
    };
    if sent.is_empty() {
        seat.manager_job_id = None;
        return Ok(None);
    }
    match super::seats::check_manager(conn, sent, &seat.id, &person.name).await? {
        Ok((manager_seat, label)) => {
            seat.manager_job_id = Some(manager_seat);
            Ok(Some(label))
        }
        Err(message) => {
            errors.add("manager_id", message);
            Ok(None)
        }
    }
}

/// A work email is one active person's only (case-folded); `previous` is the person's
/// own before the edit.
async fn check_work_email(
    conn: &mut AnyConnection,
    person: &Person,
    previous: Option<&str>,
    errors: &mut FieldErrors,
) -> sqlx::Result<()> {
    let Some(email) = person.work_email.as_deref() else {
        return Ok(());
    };
    if previous.is_some_and(|p| p.eq_ignore_ascii_case(email)) {
        // Not changed by this edit: an old clash is not this edit's to answer for.
        return Ok(());
    }
    let holder: Option<(String,)> = sqlx::query_as(
        "SELECT name FROM people WHERE LOWER(work_email) = LOWER($1) AND status = 'active' \
         AND id <> $2 LIMIT 1",
    )
    .bind(email)
    .bind(&person.id)
    .fetch_optional(conn)
    .await?;
    if let Some((name,)) = holder {
        errors.add(
            "work_email",
            format!("{email} is already {name}'s work email."),
        );
    }
    Ok(())
}

/// Moves a seat's headcount from its old chain of managers to the new one.
pub(super) async fn move_headcounts(
    conn: &mut AnyConnection,
    seat: &Job,
    new_manager: Option<&str>,
) -> sqlx::Result<()> {
    let (below,): (i64,) = sqlx::query_as("SELECT headcount FROM jobs WHERE id = $1")
        .bind(&seat.id)
        .fetch_one(&mut *conn)
        .await?;
    let moved = below + i64::from(seat.status == JobStatus::Filled);
    let old = write::chain_above(conn, &seat.id).await?;
    write::shift_headcounts(conn, &old, -moved).await?;
    if let Some(manager) = new_manager {
        let mut new = vec![manager.to_owned()];
        new.extend(write::chain_above(conn, manager).await?);
        write::shift_headcounts(conn, &new, moved).await?;
    }
    Ok(())
}

/// A person field as history shows it.
fn shown_person(key: &str, p: &Person) -> Option<String> {
    match key {
        "name" => Some(p.name.clone()),
        "preferred_name" => p.preferred_name.clone(),
        "work_email" => p.work_email.clone(),
        "personal_email" => p.personal_email.clone(),
        "employment_type" => p.employment_type.clone(),
        "gender" => p.gender.clone(),
        "ethnicity" => p.ethnicity.clone(),
        "start_date" => p.start_date.map(display::date),
        "end_date" => p.end_date.map(display::date),
        "birthdate" => p.birthdate.map(display::date),
        "phones" => display::phones(&p.phones),
        "home_address" => p.home_address.as_ref().and_then(display::address),
        _ => None,
    }
}

/// A seat field as history shows it (the manager is named by the caller).
fn shown_job(key: &str, j: &Job) -> Option<String> {
    match key {
        "title" => j.title.clone(),
        "department" => j.department.clone(),
        "location" => j.location.clone(),
        "compensation" => j.compensation.as_ref().map(display::money),
        _ => None,
    }
}

impl Person {
    /// A person made by hand: active, with only a name so far.
    pub fn new_by_hand(id: String, name: String) -> Self {
        Person::named(id, Source::Manual, PersonStatus::Active, name)
    }
}

impl Job {
    /// A seat made by hand, at the top until given a manager.
    pub fn new_by_hand(id: String, status: JobStatus) -> Self {
        Job {
            id,
            source: Source::Manual,
            person_id: None,
            status,
            title: None,
            department: None,
            location: None,
            manager_job_id: None,
            compensation: None,
            start_date: None,
            end_date: None,
            hand: Default::default(),
        }
    }
}
