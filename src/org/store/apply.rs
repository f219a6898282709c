//! Writing a sync's plan: new and changed people and jobs in batches on the caller's
//! transaction (the history rows with them, through `org::history`, and the conflicts it
//! found, through `org::conflicts`), and the departments and offices a pull named.

use super::rows::{JOB_COLUMNS, PERSON_COLUMNS, date_text};
use crate::db::{MAX_BINDS, values_clause};
use crate::org::change::{JobChange, PersonChange, Plan};
use crate::org::model::{Job, Person};
use crate::org::{conflicts, history};
use sqlx::AnyConnection;

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
fn person_values(p: &Person) -> [Option<String>; 22] {
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
        p.hand.pins.to_json(),
        p.hand.set.to_json(),
    ]
}

/// Writes a plan on the caller's transaction: new and changed people and jobs, the
/// history rows of run `run_id`, and its conflicts (each replacing the open one of its
/// field).
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
            PersonChange::Update { after, .. } => {
                update_person(conn, after, now, Writer::Sync).await?
            }
        }
    }
    insert_people(conn, &new_people, now).await?;
    let mut new_jobs: Vec<&Job> = Vec::new();
    for change in &plan.jobs {
        match change {
            JobChange::Create(j) => new_jobs.push(j),
            JobChange::Update { after, .. } => update_job(conn, after, now, Writer::Sync).await?,
        }
    }
    insert_jobs(conn, &new_jobs, now).await?;
    history::record(conn, &plan.history, run_id, now).await?;
    conflicts::record(conn, &plan.conflicts, run_id, now).await?;
    Ok(())
}

async fn insert_people(conn: &mut AnyConnection, people: &[&Person], now: i64) -> sqlx::Result<()> {
    const COLS: usize = 26;
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

/// Whether a write is a sync's (it stamps `synced_at`) or a hand edit's (it does not).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Writer {
    Sync,
    Hand,
}

async fn update_person(
    conn: &mut AnyConnection,
    p: &Person,
    now: i64,
    writer: Writer,
) -> sqlx::Result<()> {
    let v = person_values(p);
    let synced = match writer {
        Writer::Sync => ", synced_at = $24",
        Writer::Hand => "",
    };
    let sql = format!(
        "UPDATE people SET source = $2, justworks_id = $3, work_id = $4, status = $5, name = $6, \
         given_name = $7, family_name = $8, preferred_name = $9, work_email = $10, \
         personal_email = $11, phones = $12, home_address = $13, birthdate = $14, gender = $15, \
         ethnicity = $16, employment_type = $17, start_date = $18, end_date = $19, \
         sync_stopped = $20, pins = $21, hand_fields = $22, search_text = $23, \
         updated_at = $24{synced} WHERE id = $1"
    );
    let mut q = sqlx::query(&sql);
    for value in v {
        q = q.bind(value);
    }
    q.bind(search_text(p)).bind(now).execute(conn).await?;
    Ok(())
}

/// Writes a person changed by hand (their `synced_at` stays the sync's).
pub async fn save_person_by_hand(
    conn: &mut AnyConnection,
    p: &Person,
    now: i64,
) -> sqlx::Result<()> {
    update_person(conn, p, now, Writer::Hand).await
}

/// Writes a person made by hand.
pub async fn insert_person_by_hand(
    conn: &mut AnyConnection,
    p: &Person,
    now: i64,
) -> sqlx::Result<()> {
    let sql = format!(
        "INSERT INTO people ({PERSON_COLUMNS}, search_text, created_at, updated_at) VALUES {}",
        values_clause(1, 25)
    );
    let mut q = sqlx::query(&sql);
    for v in person_values(p) {
        q = q.bind(v);
    }
    q.bind(search_text(p))
        .bind(now)
        .bind(now)
        .execute(conn)
        .await?;
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
        .bind(j.hand.pins.to_json())
        .bind(j.hand.set.to_json())
}

async fn insert_jobs(conn: &mut AnyConnection, jobs: &[&Job], now: i64) -> sqlx::Result<()> {
    const COLS: usize = 19;
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

async fn update_job(
    conn: &mut AnyConnection,
    j: &Job,
    now: i64,
    writer: Writer,
) -> sqlx::Result<()> {
    let synced = match writer {
        Writer::Sync => ", synced_at = $17",
        Writer::Hand => "",
    };
    let sql = format!(
        "UPDATE jobs SET id = $1, source = $2, person_id = $3, status = $4, title = $5, \
         department = $6, location = $7, manager_job_id = $8, comp_amount = $9, \
         comp_currency = $10, comp_basis = $11, comp_frequency = $12, start_date = $13, \
         end_date = $14, pins = $15, hand_fields = $16, updated_at = $17{synced} WHERE id = $1"
    );
    bind_job(sqlx::query(&sql), j)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

/// Writes a seat changed by hand (its `synced_at` stays the sync's).
pub async fn save_job_by_hand(conn: &mut AnyConnection, j: &Job, now: i64) -> sqlx::Result<()> {
    update_job(conn, j, now, Writer::Hand).await
}

/// Writes a seat made by hand.
pub async fn insert_job_by_hand(conn: &mut AnyConnection, j: &Job, now: i64) -> sqlx::Result<()> {
    let sql = format!(
        "INSERT INTO jobs ({JOB_COLUMNS}, created_at, updated_at) VALUES {}",
        values_clause(1, 18)
    );
    bind_job(sqlx::query(&sql), j)
        .bind(now)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

/// The departments (name, Justworks id) and offices (name, id, address JSON) a pull
/// named, recorded when its plan is applied (kept with a plan that waits).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Groups {
    pub departments: Vec<(String, Option<String>)>,
    pub locations: Vec<(String, Option<String>, Option<String>)>,
}

/// Records the departments and offices a pull named, so filters can list them.
pub async fn upsert_groups(
    conn: &mut AnyConnection,
    groups: &Groups,
    now: i64,
) -> sqlx::Result<()> {
    let Groups {
        departments,
        locations,
    } = groups;
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
