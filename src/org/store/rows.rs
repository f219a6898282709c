//! The people and jobs tables as rows: their columns, how a row becomes a model value,
//! dates as `YYYY-MM-DD` text, and loading the whole org (for planning) as it streams in.

use crate::org::model::{
    Address, Compensation, Job, JobStatus, Org, Person, PersonStatus, Phone, Source, SyncStop,
    UnknownValue,
};
use crate::org::pins::{Hand, HandFields, Pins};
use jiff::civil::Date;
use sqlx::{AnyConnection, FromRow};

pub fn date_text(d: Option<Date>) -> Option<String> {
    d.map(|d| d.to_string())
}

pub fn parse_date(s: Option<&str>) -> Option<Date> {
    s.and_then(|s| s.parse().ok())
}

/// A `people` row as `PERSON_COLUMNS` reads it (flatten it into wider query rows).
#[derive(FromRow)]
pub struct PersonRow {
    id: String,
    source: String,
    justworks_id: Option<String>,
    work_id: Option<String>,
    status: String,
    name: String,
    given_name: Option<String>,
    family_name: Option<String>,
    preferred_name: Option<String>,
    work_email: Option<String>,
    personal_email: Option<String>,
    phones: Option<String>,
    home_address: Option<String>,
    birthdate: Option<String>,
    gender: Option<String>,
    ethnicity: Option<String>,
    employment_type: Option<String>,
    start_date: Option<String>,
    end_date: Option<String>,
    sync_stopped: Option<String>,
    pins: Option<String>,
    hand_fields: Option<String>,
}

pub const PERSON_COLUMNS: &str = "id, source, justworks_id, work_id, status, name, given_name, \
    family_name, preferred_name, work_email, personal_email, phones, home_address, birthdate, \
    gender, ethnicity, employment_type, start_date, end_date, sync_stopped, pins, hand_fields";

impl TryFrom<PersonRow> for Person {
    type Error = UnknownValue;
    fn try_from(r: PersonRow) -> Result<Self, UnknownValue> {
        Ok(Person {
            id: r.id,
            source: Source::parse(&r.source)?,
            justworks_id: r.justworks_id,
            work_id: r.work_id,
            status: PersonStatus::parse(&r.status)?,
            name: r.name,
            given_name: r.given_name,
            family_name: r.family_name,
            preferred_name: r.preferred_name,
            work_email: r.work_email,
            personal_email: r.personal_email,
            phones: r.phones.and_then(|p| phones(&p)).unwrap_or_default(),
            home_address: r
                .home_address
                .and_then(|a| serde_json::from_str::<Address>(&a).ok()),
            birthdate: parse_date(r.birthdate.as_deref()),
            gender: r.gender,
            ethnicity: r.ethnicity,
            employment_type: r.employment_type,
            start_date: parse_date(r.start_date.as_deref()),
            end_date: parse_date(r.end_date.as_deref()),
            sync_stopped: r.sync_stopped.as_deref().map(SyncStop::parse).transpose()?,
            hand: hand(r.pins.as_deref(), r.hand_fields.as_deref())?,
        })
    }
}

/// A person's phones from their JSON column, in a `Vec` of exactly their number: serde
/// leaves room for four, and a re-sync holds every person at once (~14 MB of spare room
/// at 100 000 people).
fn phones(json: &str) -> Option<Vec<Phone>> {
    let read: Vec<Phone> = serde_json::from_str(json).ok()?;
    if read.len() == read.capacity() {
        return Some(read);
    }
    // A fresh allocation: shrinking in place may keep the whole block.
    let mut exact = Vec::with_capacity(read.len());
    exact.extend(read);
    Some(exact)
}

/// The pins and hand marks of a row, from their JSON columns.
fn hand(pins: Option<&str>, set: Option<&str>) -> Result<Hand, UnknownValue> {
    Ok(Hand {
        pins: Pins::from_json(pins)?,
        set: HandFields::from_json(set)?,
    })
}

/// A `jobs` row as `JOB_COLUMNS` reads it.
#[derive(FromRow)]
pub struct JobRow {
    id: String,
    source: String,
    person_id: Option<String>,
    status: String,
    title: Option<String>,
    department: Option<String>,
    location: Option<String>,
    manager_job_id: Option<String>,
    comp_amount: Option<i64>,
    comp_currency: Option<String>,
    comp_basis: Option<String>,
    comp_frequency: Option<String>,
    start_date: Option<String>,
    end_date: Option<String>,
    pins: Option<String>,
    hand_fields: Option<String>,
}

pub const JOB_COLUMNS: &str = "id, source, person_id, status, title, department, location, \
    manager_job_id, comp_amount, comp_currency, comp_basis, comp_frequency, start_date, \
    end_date, pins, hand_fields";

impl TryFrom<JobRow> for Job {
    type Error = UnknownValue;
    fn try_from(r: JobRow) -> Result<Self, UnknownValue> {
        let compensation = match (r.comp_amount, r.comp_currency) {
            (Some(amount_minor), Some(currency)) => Some(Compensation {
                amount_minor,
                currency,
                basis: r.comp_basis,
                frequency: r.comp_frequency,
            }),
            _ => None,
        };
        Ok(Job {
            id: r.id,
            source: Source::parse(&r.source)?,
            person_id: r.person_id,
            status: JobStatus::parse(&r.status)?,
            title: r.title,
            department: r.department,
            location: r.location,
            manager_job_id: r.manager_job_id,
            compensation,
            start_date: parse_date(r.start_date.as_deref()),
            end_date: parse_date(r.end_date.as_deref()),
            hand: hand(r.pins.as_deref(), r.hand_fields.as_deref())?,
        })
    }
}

/// The whole org, for planning: every person and every job, converted row by row as
/// they stream in (never all rows of the driver's form at once).
pub async fn load_org(conn: &mut AnyConnection) -> sqlx::Result<Org> {
    use futures::TryStreamExt;
    let mut org = Org::default();
    {
        let sql = format!("SELECT {PERSON_COLUMNS} FROM people ORDER BY id");
        let mut rows = sqlx::query_as::<_, PersonRow>(&sql).fetch(&mut *conn);
        while let Some(row) = rows.try_next().await? {
            org.people.push(Person::try_from(row)?);
        }
    }
    let sql = format!("SELECT {JOB_COLUMNS} FROM jobs ORDER BY id");
    let mut rows = sqlx::query_as::<_, JobRow>(&sql).fetch(&mut *conn);
    while let Some(row) = rows.try_next().await? {
        org.jobs.push(Job::try_from(row)?);
    }
    Ok(org)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_are_read_without_spare_room() {
        let read = phones(r#"[{"number":"+1 212 555 0101","kind":"mobile"}]"#).unwrap();
        assert_eq!((read.len(), read.capacity()), (1, 1));
        assert_eq!(read[0].kind.as_deref(), Some("mobile"));
        assert_eq!(phones("not json"), None);
    }

    #[test]
    fn dates_round_trip_as_text() {
        let d = jiff::civil::date(2026, 3, 1);
        assert_eq!(date_text(Some(d)).as_deref(), Some("2026-03-01"));
        assert_eq!(parse_date(Some("2026-03-01")), Some(d));
    }
}
