//! One person, with their job and manager (the person page and the JSON API), and the
//! people JSON API's pages of records.

use super::directory::{DirectoryFilter, PERSON_JOB, StatusFilter, directory_where};
use crate::db::Db;
use crate::org::model::{Compensation, JobStatus, Person, Source, UnknownValue};
use crate::org::pins::{Hand, HandFields, Pins};
use crate::org::store::PersonRow;
use sqlx::FromRow;

/// A person's job, as shown with them.
#[derive(Debug, Clone)]
pub struct PersonJob {
    pub id: String,
    pub source: Source,
    pub status: JobStatus,
    pub title: Option<String>,
    pub department: Option<String>,
    pub location: Option<String>,
    pub manager_job_id: Option<String>,
    /// Sensitive.
    pub compensation: Option<Compensation>,
    pub start_date: Option<String>,
    pub synced_at: Option<i64>,
    pub headcount: i64,
    /// The seat's pins and hand marks.
    pub hand: Hand,
}

/// Who a person reports to: the person in the manager's job, or the open job itself.
#[derive(Debug, Clone)]
pub struct ManagerRef {
    pub job_id: String,
    pub person_id: Option<String>,
    pub name: Option<String>,
    pub title: Option<String>,
}

/// A person with everything stored about them (sensitive fields included: whoever
/// shows it filters with [`super::visibility::can_see_sensitive`]).
#[derive(Debug, Clone)]
pub struct PersonRecord {
    pub person: Person,
    pub created_at: i64,
    pub synced_at: Option<i64>,
    pub job: Option<PersonJob>,
    pub manager: Option<ManagerRef>,
}

const RECORD_COLUMNS: &str = "p.id, p.source, p.justworks_id, p.work_id, p.status, p.name, \
    p.given_name, p.family_name, p.preferred_name, p.work_email, p.personal_email, p.phones, \
    p.home_address, p.birthdate, p.gender, p.ethnicity, p.employment_type, p.start_date, \
    p.end_date, p.sync_stopped, p.pins, p.hand_fields, p.created_at, p.synced_at, \
    j.id AS job_id, j.source AS job_source, j.status AS job_status, j.title, j.department, \
    j.location, j.manager_job_id, j.comp_amount, j.comp_currency, j.comp_basis, \
    j.comp_frequency, j.start_date AS job_start_date, j.synced_at AS job_synced_at, \
    j.headcount, j.pins AS job_pins, j.hand_fields AS job_hand_fields, \
    mp.id AS manager_person_id, mp.name AS manager_name, \
    m.title AS manager_title";

#[derive(FromRow)]
struct RecordRow {
    #[sqlx(flatten)]
    person: PersonRow,
    created_at: i64,
    synced_at: Option<i64>,
    job_id: Option<String>,
    job_source: Option<String>,
    job_status: Option<String>,
    title: Option<String>,
    department: Option<String>,
    location: Option<String>,
    manager_job_id: Option<String>,
    comp_amount: Option<i64>,
    comp_currency: Option<String>,
    comp_basis: Option<String>,
    comp_frequency: Option<String>,
    job_start_date: Option<String>,
    job_synced_at: Option<i64>,
    headcount: Option<i64>,
    job_pins: Option<String>,
    job_hand_fields: Option<String>,
    manager_person_id: Option<String>,
    manager_name: Option<String>,
    manager_title: Option<String>,
}

impl TryFrom<RecordRow> for PersonRecord {
    type Error = UnknownValue;
    fn try_from(r: RecordRow) -> Result<Self, UnknownValue> {
        // With a job, its source and status are there (NOT NULL columns); read strictly.
        let job = match r.job_id {
            None => None,
            Some(id) => Some(PersonJob {
                id,
                source: Source::parse(r.job_source.as_deref().unwrap_or_default())?,
                status: JobStatus::parse(r.job_status.as_deref().unwrap_or_default())?,
                title: r.title,
                department: r.department,
                location: r.location,
                compensation: match (r.comp_amount, r.comp_currency) {
                    (Some(amount_minor), Some(currency)) => Some(Compensation {
                        amount_minor,
                        currency,
                        basis: r.comp_basis,
                        frequency: r.comp_frequency,
                    }),
                    _ => None,
                },
                manager_job_id: r.manager_job_id.clone(),
                start_date: r.job_start_date,
                synced_at: r.job_synced_at,
                headcount: r.headcount.unwrap_or(0),
                hand: Hand {
                    pins: Pins::from_json(r.job_pins.as_deref())?,
                    set: HandFields::from_json(r.job_hand_fields.as_deref())?,
                },
            }),
        };
        let manager = r.manager_job_id.map(|job_id| ManagerRef {
            job_id,
            person_id: r.manager_person_id,
            name: r.manager_name,
            title: r.manager_title,
        });
        let person = Person::try_from(r.person)?;
        Ok(PersonRecord {
            person,
            created_at: r.created_at,
            synced_at: r.synced_at,
            job,
            manager,
        })
    }
}

/// The record query over `from` (which names the people `p`), then `rest`.
fn record_from(from: &str, rest: &str) -> String {
    format!(
        "SELECT {RECORD_COLUMNS} FROM {from} \
         LEFT JOIN jobs j ON j.id = {PERSON_JOB} \
         LEFT JOIN jobs m ON m.id = j.manager_job_id \
         LEFT JOIN people mp ON mp.id = m.person_id \
         {rest}"
    )
}

/// One person and their job; `None` for an unknown id.
pub async fn person(db: &Db, id: &str) -> sqlx::Result<Option<PersonRecord>> {
    let row: Option<RecordRow> = sqlx::query_as(&record_from("people p", "WHERE p.id = $1"))
        .bind(id)
        .fetch_optional(db.pool())
        .await?;
    Ok(row.map(PersonRecord::try_from).transpose()?)
}

/// Where a page of the people API starts: after this person in (name, id) order.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct After {
    pub name: String,
    pub id: String,
}

/// A page of people in (name, id) order after `after` — keyset paging over the same
/// index as the directory. Returns up to `limit + 1` so the caller knows whether there
/// is a next page.
pub async fn people_after(
    db: &Db,
    status: StatusFilter,
    q: Option<&str>,
    after: Option<&After>,
    limit: i64,
) -> sqlx::Result<Vec<PersonRecord>> {
    let filter = DirectoryFilter {
        q: q.map(str::to_owned),
        department: None,
        location: None,
        status,
    };
    let (mut cond, mut binds) = directory_where(db.backend(), &filter);
    if let Some(after) = after {
        binds.push(after.name.clone());
        binds.push(after.id.clone());
        let n = binds.len();
        cond.push_str(&format!(" AND (p.name, p.id) > (${}, ${n})", n - 1));
    }
    let sql = record_from(
        &format!(
            "(SELECT p.id FROM people p WHERE {cond} ORDER BY p.name, p.id LIMIT ${}) page \
             JOIN people p ON p.id = page.id",
            binds.len() + 1
        ),
        "ORDER BY p.name, p.id",
    );
    let mut query = sqlx::query_as::<_, RecordRow>(&sql);
    for b in binds {
        query = query.bind(b);
    }
    let rows = query.bind(limit + 1).fetch_all(db.pool()).await?;
    Ok(rows
        .into_iter()
        .map(PersonRecord::try_from)
        .collect::<Result<_, _>>()?)
}
