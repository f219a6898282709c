//! The people JSON API: `GET /api/v1/people` and `GET /api/v1/people/{id}`
//! (`docs/design.md` → *JSON shapes (`/api/v1`)*), Member or above. The same field rule as the pages
//! (`org::visibility::can_see_sensitive`): sensitive keys are *absent* — not null — for
//! anyone who may not see them.

use crate::org::model::{Address, Phone, Source};
use crate::org::pins::{group_sources, pinned_fields};
use crate::org::queries::{self, After, PersonRecord};
use crate::org::store::date_text;
use crate::org::visibility::{Viewer, can_see_sensitive};
use crate::state::AppState;
use crate::web::error::{AppError, AppResult};
use crate::web::extract::RequireMember;
use crate::web::params::{Path, Query, storable};
use crate::web::people::{MAX_ID_CHARS, MAX_QUERY_CHARS, status_param, text_param};
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use data_encoding::BASE64URL_NOPAD;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

const DEFAULT_LIMIT: i64 = 100;
const MAX_LIMIT: i64 = 500;
const CURSOR_PREFIX: &str = "v1:";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/people", get(list))
        .route("/api/v1/people/{id}", get(one))
}

#[derive(Serialize)]
pub struct CompensationJson {
    /// Minor units of `currency`.
    amount: i64,
    currency: String,
    basis: Option<String>,
    frequency: Option<String>,
}

/// The sensitive fields: present (each possibly null) only where the caller may see them.
#[derive(Serialize)]
pub struct SensitiveJson {
    compensation: Option<CompensationJson>,
    birthdate: Option<String>,
    gender: Option<String>,
    ethnicity: Option<String>,
    home_address: Option<Address>,
    personal_email: Option<String>,
    phones: Vec<Phone>,
}

#[derive(Serialize)]
pub struct PersonJson {
    id: String,
    justworks_id: Option<String>,
    name: String,
    preferred_name: Option<String>,
    title: Option<String>,
    department: Option<String>,
    location: Option<String>,
    /// The person in the manager's job; null for the org head, or when that job is open.
    manager_id: Option<String>,
    /// The job this person's job reports to (an open job when their manager departed):
    /// so `manager_id` null alone, with this null too, means the top of the tree.
    manager_job_id: Option<String>,
    work_email: Option<String>,
    start_date: Option<String>,
    end_date: Option<String>,
    status: &'static str,
    employment_type: Option<String>,
    /// Where each field group's values came from: `"justworks"` or `"hand"` (groups of
    /// sensitive fields only for those who may see them).
    sources: BTreeMap<&'static str, &'static str>,
    /// The fields pinned against Justworks (sensitive ones only for those who may see
    /// them).
    pinned: Vec<&'static str>,
    #[serde(flatten)]
    sensitive: Option<SensitiveJson>,
}

impl PersonJson {
    pub fn new(record: PersonRecord, viewer: &Viewer) -> Self {
        let PersonRecord {
            person: p,
            job,
            manager,
            ..
        } = record;
        let may_see = can_see_sensitive(viewer, &p.id);
        let job_hand = job.as_ref().map(|j| &j.hand);
        let sources = group_sources(p.source == Source::Manual, &p.hand, job_hand, may_see);
        let pinned = pinned_fields(&p.hand, job_hand, may_see);
        let sensitive = may_see.then(|| SensitiveJson {
            compensation: job.as_ref().and_then(|j| j.compensation.as_ref()).map(|c| {
                CompensationJson {
                    amount: c.amount_minor,
                    currency: c.currency.clone(),
                    basis: c.basis.clone(),
                    frequency: c.frequency.clone(),
                }
            }),
            birthdate: date_text(p.birthdate),
            gender: p.gender.clone(),
            ethnicity: p.ethnicity.clone(),
            home_address: p.home_address.clone(),
            personal_email: p.personal_email.clone(),
            phones: p.phones.clone(),
        });
        let job = job.as_ref();
        Self {
            title: job.and_then(|j| j.title.clone()),
            department: job.and_then(|j| j.department.clone()),
            location: job.and_then(|j| j.location.clone()),
            manager_job_id: manager.as_ref().map(|m| m.job_id.clone()),
            manager_id: manager.and_then(|m| m.person_id),
            start_date: date_text(p.start_date),
            end_date: date_text(p.end_date),
            status: p.status.as_str(),
            sources,
            pinned,
            sensitive,
            id: p.id,
            justworks_id: p.justworks_id,
            name: p.name,
            preferred_name: p.preferred_name,
            work_email: p.work_email,
            employment_type: p.employment_type,
        }
    }
}

#[derive(Serialize)]
struct PeopleJson {
    items: Vec<PersonJson>,
    next_cursor: Option<String>,
}

#[derive(Deserialize)]
struct ListQuery {
    status: Option<String>,
    q: Option<String>,
    limit: Option<String>,
    cursor: Option<String>,
}

fn limit_param(value: Option<&str>) -> AppResult<i64> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(DEFAULT_LIMIT),
        Some(v) => v
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=MAX_LIMIT).contains(n))
            .ok_or_else(|| {
                AppError::BadRequest(format!(
                    "limit must be a whole number from 1 to {MAX_LIMIT}."
                ))
            }),
    }
}

/// The longest cursor accepted (a name and an id, as JSON in base64).
const MAX_CURSOR_CHARS: usize = 2_000;

/// Opaque to callers: the (name, id) the next page starts after, versioned.
fn encode_cursor(after: &After) -> String {
    let json = serde_json::to_string(after).expect("a cursor serializes");
    BASE64URL_NOPAD.encode(format!("{CURSOR_PREFIX}{json}").as_bytes())
}

fn decode_cursor(cursor: Option<&str>) -> AppResult<Option<After>> {
    let Some(cursor) = cursor.filter(|c| !c.is_empty()) else {
        return Ok(None);
    };
    let bad = || {
        AppError::BadRequest("cursor is not one this API gave out; start again without it.".into())
    };
    if cursor.len() > MAX_CURSOR_CHARS {
        return Err(bad());
    }
    let bytes = BASE64URL_NOPAD
        .decode(cursor.as_bytes())
        .map_err(|_| bad())?;
    let text = String::from_utf8(bytes).map_err(|_| bad())?;
    let json = text.strip_prefix(CURSOR_PREFIX).ok_or_else(bad)?;
    let after: After = serde_json::from_str(json).map_err(|_| bad())?;
    if after.id.is_empty()
        || after.id.len() > MAX_ID_CHARS
        || !storable(&after.id)
        || !storable(&after.name)
    {
        return Err(bad());
    }
    Ok(Some(after))
}

async fn list(
    State(state): State<AppState>,
    RequireMember(user): RequireMember,
    Query(query): Query<ListQuery>,
) -> AppResult<Json<PeopleJson>> {
    let status = status_param(query.status.as_deref())?;
    let q = text_param(query.q, "search (q)", MAX_QUERY_CHARS)?;
    let limit = limit_param(query.limit.as_deref())?;
    let after = decode_cursor(query.cursor.as_deref())?;
    let viewer = Viewer::of(&user);
    let mut records =
        queries::people_after(&state.db, status, q.as_deref(), after.as_ref(), limit).await?;
    let more = records.len() as i64 > limit;
    records.truncate(limit as usize);
    let next_cursor = more
        .then(|| {
            records.last().map(|r| {
                encode_cursor(&After {
                    name: r.person.name.clone(),
                    id: r.person.id.clone(),
                })
            })
        })
        .flatten();
    Ok(Json(PeopleJson {
        items: records
            .into_iter()
            .map(|r| PersonJson::new(r, &viewer))
            .collect(),
        next_cursor,
    }))
}

async fn one(
    State(state): State<AppState>,
    RequireMember(user): RequireMember,
    Path(id): Path<String>,
) -> AppResult<Json<PersonJson>> {
    if id.len() > MAX_ID_CHARS {
        return Err(AppError::NotFound);
    }
    let record = queries::person(&state.db, &id)
        .await?
        .ok_or(AppError::NotFound)?;
    let viewer = Viewer::of(&user);
    Ok(Json(PersonJson::new(record, &viewer)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_round_trips_and_a_forged_one_is_refused() {
        let after = After {
            name: "Ana \"Annie\" Souza".into(),
            id: "0190-abc".into(),
        };
        let c = encode_cursor(&after);
        assert_eq!(decode_cursor(Some(&c)).unwrap(), Some(after));
        assert!(decode_cursor(Some("not base64!")).is_err());
        let wrong_prefix = BASE64URL_NOPAD.encode(br#"x:{"name":"a","id":"b"}"#);
        assert!(decode_cursor(Some(&wrong_prefix)).is_err());
        let nul = BASE64URL_NOPAD.encode(br#"v1:{"name":"A\u0000","id":"x"}"#);
        assert!(decode_cursor(Some(&nul)).is_err());
        assert_eq!(decode_cursor(None).unwrap(), None);
    }

    #[test]
    fn limit_is_one_to_five_hundred() {
        assert_eq!(limit_param(None).unwrap(), 100);
        assert_eq!(limit_param(Some("500")).unwrap(), 500);
        assert!(limit_param(Some("0")).is_err());
        assert!(limit_param(Some("501")).is_err());
        assert!(limit_param(Some("ten")).is_err());
    }
}
