//! Loading and saving the primary org. The sync loads the whole org in two set-based
//! queries and writes a plan in batches inside the caller's one transaction — never a
//! query per person.

use super::model::{
    Address, Compensation, Job, JobStatus, Org, Person, PersonStatus, Phone, Source, SyncStop,
};
use crate::db::{Db, MAX_BINDS, values_clause};
use crate::sync::change::{JobChange, PersonChange, Plan};
use crate::sync::history;
use sqlx::{AnyConnection, FromRow};
use std::collections::HashMap;
use time::Date;
use time::macros::format_description;

pub fn date_text(d: Option<Date>) -> Option<String> {
    d.map(|d| {
        d.format(format_description!("[year]-[month]-[day]"))
            .expect("a date formats")
    })
}

pub fn parse_date(s: Option<&str>) -> Option<Date> {
    s.and_then(|s| Date::parse(s, format_description!("[year]-[month]-[day]")).ok())
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
}

pub const PERSON_COLUMNS: &str = "id, source, justworks_id, work_id, status, name, given_name, \
    family_name, preferred_name, work_email, personal_email, phones, home_address, birthdate, \
    gender, ethnicity, employment_type, start_date, end_date, sync_stopped";

impl From<PersonRow> for Person {
    fn from(r: PersonRow) -> Self {
        Person {
            id: r.id,
            source: Source::parse(&r.source),
            justworks_id: r.justworks_id,
            work_id: r.work_id,
            status: PersonStatus::parse(&r.status),
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
            sync_stopped: r.sync_stopped.as_deref().and_then(SyncStop::parse),
        }
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

#[derive(FromRow)]
struct JobRow {
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
}

pub const JOB_COLUMNS: &str = "id, source, person_id, status, title, department, location, \
    manager_job_id, comp_amount, comp_currency, comp_basis, comp_frequency, start_date, end_date";

impl From<JobRow> for Job {
    fn from(r: JobRow) -> Self {
        let compensation = match (r.comp_amount, r.comp_currency) {
            (Some(amount_minor), Some(currency)) => Some(Compensation {
                amount_minor,
                currency,
                basis: r.comp_basis,
                frequency: r.comp_frequency,
            }),
            _ => None,
        };
        Job {
            id: r.id,
            source: Source::parse(&r.source),
            person_id: r.person_id,
            status: JobStatus::parse(&r.status),
            title: r.title,
            department: r.department,
            location: r.location,
            manager_job_id: r.manager_job_id,
            compensation,
            start_date: parse_date(r.start_date.as_deref()),
            end_date: parse_date(r.end_date.as_deref()),
        }
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
            org.people.push(Person::from(row));
        }
    }
    let sql = format!("SELECT {JOB_COLUMNS} FROM jobs ORDER BY id");
    let mut rows = sqlx::query_as::<_, JobRow>(&sql).fetch(&mut *conn);
    while let Some(row) = rows.try_next().await? {
        org.jobs.push(Job::from(row));
    }
    Ok(org)
}

pub async fn load_org_from(db: &Db) -> sqlx::Result<Org> {
    let mut conn = db.pool().acquire().await?;
    load_org(&mut conn).await
}

fn search_text(p: &Person) -> String {
    let mut s = p.name.to_lowercase();
    for extra in [p.preferred_name.as_deref(), p.work_email.as_deref()]
        .into_iter()
        .flatten()
    {
        s.push(' ');
        s.push_str(&extra.to_lowercase());
    }
    s
}

/// The values of a person row, in `PERSON_COLUMNS` order.
fn person_values(p: &Person) -> [Option<String>; 20] {
    [
        Some(p.id.clone()),
        Some(p.source.as_str().to_owned()),
        p.justworks_id.clone(),
        p.work_id.clone(),
        Some(p.status.as_str().to_owned()),
        Some(p.name.clone()),
        p.given_name.clone(),
        p.family_name.clone(),
        p.preferred_name.clone(),
        p.work_email.clone(),
        p.personal_email.clone(),
        (!p.phones.is_empty()).then(|| serde_json::to_string(&p.phones).expect("json")),
        p.home_address
            .as_ref()
            .map(|a| serde_json::to_string(a).expect("json")),
        date_text(p.birthdate),
        p.gender.clone(),
        p.ethnicity.clone(),
        p.employment_type.clone(),
        date_text(p.start_date),
        date_text(p.end_date),
        p.sync_stopped.map(|s| s.as_str().to_owned()),
    ]
}

/// Writes a plan on the caller's transaction: new and changed people and jobs, and the
/// history rows of run `run_id`.
pub async fn apply_plan(
    conn: &mut AnyConnection,
    plan: &Plan,
    run_id: &str,
    now: i64,
) -> sqlx::Result<()> {
    // People first (jobs point at them), then jobs (the manager FK is deferred).
    let mut new_people: Vec<&Person> = Vec::new();
    for change in &plan.people {
        match change {
            PersonChange::Create(p) => new_people.push(p),
            PersonChange::Update { after, .. } => update_person(conn, after, now).await?,
        }
    }
    insert_people(conn, &new_people, now).await?;
    let mut new_jobs: Vec<&Job> = Vec::new();
    for change in &plan.jobs {
        match change {
            JobChange::Create(j) => new_jobs.push(j),
            JobChange::Update { after, .. } => update_job(conn, after, now).await?,
        }
    }
    insert_jobs(conn, &new_jobs, now).await?;
    history::record(conn, &plan.history, run_id, now).await?;
    Ok(())
}

async fn insert_people(conn: &mut AnyConnection, people: &[&Person], now: i64) -> sqlx::Result<()> {
    const COLS: usize = 24;
    for chunk in people.chunks(MAX_BINDS / COLS) {
        let sql = format!(
            "INSERT INTO people ({PERSON_COLUMNS}, search_text, created_at, updated_at, synced_at) \
             VALUES {}",
            values_clause(chunk.len(), COLS)
        );
        let mut q = sqlx::query(&sql);
        for p in chunk {
            for v in person_values(p) {
                q = q.bind(v);
            }
            q = q.bind(search_text(p)).bind(now).bind(now).bind(now);
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

async fn update_person(conn: &mut AnyConnection, p: &Person, now: i64) -> sqlx::Result<()> {
    let v = person_values(p);
    let mut q = sqlx::query(
        "UPDATE people SET source = $2, justworks_id = $3, work_id = $4, status = $5, name = $6, \
         given_name = $7, family_name = $8, preferred_name = $9, work_email = $10, \
         personal_email = $11, phones = $12, home_address = $13, birthdate = $14, gender = $15, \
         ethnicity = $16, employment_type = $17, start_date = $18, end_date = $19, \
         sync_stopped = $20, search_text = $21, updated_at = $22, synced_at = $22 WHERE id = $1",
    );
    for value in v {
        q = q.bind(value);
    }
    q.bind(search_text(p)).bind(now).execute(conn).await?;
    Ok(())
}

/// The values of a job row, in `JOB_COLUMNS` order (amount separately: it is a number).
fn bind_job<'q>(
    q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    j: &Job,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    let comp = j.compensation.as_ref();
    q.bind(j.id.clone())
        .bind(j.source.as_str())
        .bind(j.person_id.clone())
        .bind(j.status.as_str())
        .bind(j.title.clone())
        .bind(j.department.clone())
        .bind(j.location.clone())
        .bind(j.manager_job_id.clone())
        .bind(comp.map(|c| c.amount_minor))
        .bind(comp.map(|c| c.currency.clone()))
        .bind(comp.and_then(|c| c.basis.clone()))
        .bind(comp.and_then(|c| c.frequency.clone()))
        .bind(date_text(j.start_date))
        .bind(date_text(j.end_date))
}

async fn insert_jobs(conn: &mut AnyConnection, jobs: &[&Job], now: i64) -> sqlx::Result<()> {
    const COLS: usize = 17;
    for chunk in jobs.chunks(MAX_BINDS / COLS) {
        let sql = format!(
            "INSERT INTO jobs ({JOB_COLUMNS}, created_at, updated_at, synced_at) VALUES {}",
            values_clause(chunk.len(), COLS)
        );
        let mut q = sqlx::query(&sql);
        for j in chunk {
            q = bind_job(q, j).bind(now).bind(now).bind(now);
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

async fn update_job(conn: &mut AnyConnection, j: &Job, now: i64) -> sqlx::Result<()> {
    let q = sqlx::query(
        "UPDATE jobs SET id = $1, source = $2, person_id = $3, status = $4, title = $5, \
         department = $6, location = $7, manager_job_id = $8, comp_amount = $9, \
         comp_currency = $10, comp_basis = $11, comp_frequency = $12, start_date = $13, \
         end_date = $14, updated_at = $15, synced_at = $15 WHERE id = $1",
    );
    bind_job(q, j).bind(now).execute(conn).await?;
    Ok(())
}

/// Records the departments and offices a pull named, so filters can list them.
pub async fn upsert_groups(
    conn: &mut AnyConnection,
    departments: &[(String, Option<String>)],
    locations: &[(String, Option<String>, Option<String>)],
    now: i64,
) -> sqlx::Result<()> {
    for (name, external_id) in departments {
        sqlx::query(
            "INSERT INTO departments (name, source, external_id, updated_at) \
             VALUES ($1, 'justworks', $2, $3) ON CONFLICT (name) DO UPDATE SET \
             external_id = excluded.external_id, updated_at = excluded.updated_at",
        )
        .bind(name)
        .bind(external_id)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    }
    for (name, external_id, address) in locations {
        sqlx::query(
            "INSERT INTO locations (name, source, external_id, address, updated_at) \
             VALUES ($1, 'justworks', $2, $3, $4) ON CONFLICT (name) DO UPDATE SET \
             external_id = excluded.external_id, address = excluded.address, \
             updated_at = excluded.updated_at",
        )
        .bind(name)
        .bind(external_id)
        .bind(address)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// The shape of the tree — each job's manager and status — which is all headcounts
/// need: far smaller than the org, so a sync can drop the org before writing.
#[derive(Debug, Default)]
pub struct TreeShape {
    jobs: HashMap<String, (Option<String>, JobStatus)>,
}

impl TreeShape {
    pub fn of(org: &Org) -> Self {
        Self {
            jobs: org
                .jobs
                .iter()
                .map(|j| (j.id.clone(), (j.manager_job_id.clone(), j.status)))
                .collect(),
        }
    }

    /// The shape once `plan` is applied.
    pub fn apply(&mut self, plan: &Plan) {
        for change in &plan.jobs {
            let job = match change {
                JobChange::Create(j) => j,
                JobChange::Update { after, .. } => after,
            };
            self.jobs
                .insert(job.id.clone(), (job.manager_job_id.clone(), job.status));
        }
    }

    /// People in filled jobs below each job (the org chart's headcount). Closed jobs
    /// are out of the tree: they count nobody and are counted by nobody.
    pub fn headcounts(&self) -> HashMap<&str, i64> {
        let in_tree = |id: &str| {
            self.jobs
                .get(id)
                .filter(|(_, status)| *status != JobStatus::Closed)
        };
        let mut counts: HashMap<&str, i64> = self
            .jobs
            .iter()
            .filter(|(_, (_, status))| *status != JobStatus::Closed)
            .map(|(id, _)| (id.as_str(), 0))
            .collect();
        for (manager, status) in self.jobs.values() {
            if *status != JobStatus::Filled {
                continue;
            }
            let mut next = manager.as_deref();
            // A chain longer than the org is a loop: stop rather than spin.
            let mut steps = 0;
            while let Some(id) = next {
                steps += 1;
                let Some((up, _)) = in_tree(id).filter(|_| steps <= self.jobs.len()) else {
                    break;
                };
                if let Some(n) = counts.get_mut(id) {
                    *n += 1;
                }
                next = up.as_deref();
            }
        }
        counts
    }
}

/// Headcounts of an org held in memory.
pub fn compute_headcounts(org: &Org) -> HashMap<String, i64> {
    TreeShape::of(org)
        .headcounts()
        .into_iter()
        .map(|(id, n)| (id.to_owned(), n))
        .collect()
}

/// Writes the headcounts that differ from what is stored (none, when a sync changed
/// nothing in the tree).
pub async fn refresh_headcounts(conn: &mut AnyConnection, org: &Org) -> sqlx::Result<usize> {
    write_headcounts(conn, &TreeShape::of(org)).await
}

pub async fn write_headcounts(conn: &mut AnyConnection, tree: &TreeShape) -> sqlx::Result<usize> {
    let stored: Vec<(String, i64)> = sqlx::query_as("SELECT id, headcount FROM jobs")
        .fetch_all(&mut *conn)
        .await?;
    let wanted = tree.headcounts();
    let changed: Vec<(String, i64)> = stored
        .into_iter()
        .filter_map(|(id, old)| {
            let new = wanted.get(id.as_str()).copied().unwrap_or(0);
            (new != old).then_some((id, new))
        })
        .collect();
    // One statement per chunk: UPDATE … SET headcount = CASE id WHEN … END WHERE id IN (…).
    for chunk in changed.chunks(300) {
        let mut sql = String::from("UPDATE jobs SET headcount = CASE id");
        let mut n = 0;
        for _ in chunk {
            sql.push_str(&format!(" WHEN ${} THEN ${}", n + 1, n + 2));
            n += 2;
        }
        sql.push_str(" END WHERE id IN (");
        for i in 0..chunk.len() {
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!("${}", n + i + 1));
        }
        sql.push(')');
        let mut q = sqlx::query(&sql);
        for (id, count) in chunk {
            q = q.bind(id.clone()).bind(*count);
        }
        for (id, _) in chunk {
            q = q.bind(id.clone());
        }
        q.execute(&mut *conn).await?;
    }
    Ok(changed.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_row_by_row() {
        assert_eq!(values_clause(2, 3), "($1, $2, $3), ($4, $5, $6)");
    }

    fn job(id: &str, manager: Option<&str>, status: JobStatus) -> Job {
        Job {
            id: id.into(),
            source: Source::Justworks,
            person_id: (status == JobStatus::Filled).then(|| format!("p-{id}")),
            status,
            title: None,
            department: None,
            location: None,
            manager_job_id: manager.map(str::to_owned),
            compensation: None,
            start_date: None,
            end_date: None,
        }
    }

    #[test]
    fn headcount_counts_filled_jobs_anywhere_below() {
        let org = Org {
            people: vec![],
            jobs: vec![
                job("ceo", None, JobStatus::Filled),
                job("vp", Some("ceo"), JobStatus::Filled),
                job("eng1", Some("vp"), JobStatus::Filled),
                job("open", Some("vp"), JobStatus::Open),
                job("gone", Some("vp"), JobStatus::Closed),
            ],
        };
        let counts = compute_headcounts(&org);
        assert_eq!(counts["ceo"], 2);
        assert_eq!(counts["vp"], 1);
        assert_eq!(counts["eng1"], 0);
        assert_eq!(counts["open"], 0);
        assert!(!counts.contains_key("gone"));
    }

    #[test]
    fn a_manager_loop_does_not_spin() {
        let org = Org {
            people: vec![],
            jobs: vec![
                job("a", Some("b"), JobStatus::Filled),
                job("b", Some("a"), JobStatus::Filled),
            ],
        };
        let counts = compute_headcounts(&org);
        assert!(counts["a"] >= 1 && counts["b"] >= 1);
    }

    #[test]
    fn phones_are_read_without_spare_room() {
        let read = phones(r#"[{"number":"+1 212 555 0101","kind":"mobile"}]"#).unwrap();
        assert_eq!((read.len(), read.capacity()), (1, 1));
        assert_eq!(read[0].kind.as_deref(), Some("mobile"));
        assert_eq!(phones("not json"), None);
    }

    #[test]
    fn dates_round_trip_as_text() {
        let d = time::macros::date!(2026 - 03 - 01);
        assert_eq!(date_text(Some(d)).as_deref(), Some("2026-03-01"));
        assert_eq!(parse_date(Some("2026-03-01")), Some(d));
    }
}
