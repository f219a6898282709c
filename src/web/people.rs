//! The people directory (`/people`) and the person page (`/people/{id}`).
//!
//! Sensitive fields reach the page only through `org::queries::can_see_sensitive`:
//! for anyone else they are not rendered at all — no label, no "hidden".

use crate::auth::AccessLevel;
use crate::org::model::{Compensation, JobStatus, PersonStatus, Sensitive, Source, thousands};
use crate::org::queries::{
    self, DirectoryFilter, DirectoryRow, HistoryRow, PersonRecord, StatusFilter, TreeJob, Viewer,
    can_see_sensitive,
};
use crate::org::store::date_text;
use crate::state::AppState;
use crate::web::error::{AppError, AppResult};
use crate::web::extract::RequireMember;
use crate::web::page::{Chrome, render};
use crate::web::params::{Path, Query};
use crate::web::{QUERY_VALUE, format_time};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use percent_encoding::utf8_percent_encode;
use serde::Deserialize;

pub const PAGE_SIZE: i64 = 50;
/// The longest search text accepted.
pub const MAX_QUERY_CHARS: usize = 200;
/// The longest department or location name accepted as a filter.
const MAX_FILTER_CHARS: usize = 200;
/// Ids are UUIDs; anything much longer is not one of ours.
pub const MAX_ID_CHARS: usize = 100;
const MAX_PAGE: i64 = 100_000;
const MAX_REPORTS_SHOWN: i64 = 500;
const HISTORY_SHOWN: i64 = 200;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/people", get(directory))
        .route("/people/{id}", get(person_page))
}

// ---------------------------------------------------------------------------------------
// Parsing what the address bar sends.
// ---------------------------------------------------------------------------------------

/// A free-text query value: trimmed; blank is none; longer than `max` is refused (never
/// silently cut).
pub fn text_param(value: Option<String>, what: &str, max: usize) -> AppResult<Option<String>> {
    let Some(value) = value else { return Ok(None) };
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    if value.chars().count() > max || value.chars().any(char::is_control) {
        return Err(AppError::BadRequest(format!(
            "The {what} can be at most {max} characters, without control characters."
        )));
    }
    Ok(Some(value.to_owned()))
}

pub fn status_param(value: Option<&str>) -> AppResult<StatusFilter> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(StatusFilter::Active),
        Some(v) => StatusFilter::parse(v).ok_or_else(|| {
            AppError::BadRequest("The status filter must be active, departed or all.".into())
        }),
    }
}

/// A page number: 1 when absent.
pub fn page_param(value: Option<&str>) -> AppResult<i64> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(1),
        Some(v) => v
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=MAX_PAGE).contains(n))
            .ok_or_else(|| {
                AppError::BadRequest(format!(
                    "The page must be a whole number from 1 to {MAX_PAGE}."
                ))
            }),
    }
}

/// "1,234".
// ---------------------------------------------------------------------------------------
// The directory.
// ---------------------------------------------------------------------------------------

#[derive(Deserialize)]
struct DirectoryQuery {
    q: Option<String>,
    department: Option<String>,
    location: Option<String>,
    status: Option<String>,
    page: Option<String>,
}

struct DirectoryView {
    row: DirectoryRow,
    departed: bool,
    /// "Open job: Title" for someone who reports to an open job.
    open_manager: Option<String>,
}

#[derive(Template)]
#[template(path = "people.html")]
struct DirectoryPage {
    chrome: Chrome,
    q: String,
    department: String,
    location: String,
    /// The status filter as sent (`active`, `departed`, `all`).
    status: &'static str,
    departments: Vec<String>,
    locations: Vec<String>,
    rows: Vec<DirectoryView>,
    /// "1–50 of 1,234".
    range: String,
    prev: Option<String>,
    next: Option<String>,
    filtered: bool,
    /// Nobody at all yet: the first-run empty state.
    nobody_yet: bool,
    can_install: bool,
}

impl DirectoryPage {
    fn show_departed(&self) -> bool {
        self.status != "active"
    }
}

fn directory_link(filter: &DirectoryFilter, page: i64) -> String {
    let mut parts = Vec::new();
    for (key, value) in [
        ("q", &filter.q),
        ("department", &filter.department),
        ("location", &filter.location),
    ] {
        if let Some(v) = value {
            parts.push(format!("{key}={}", utf8_percent_encode(v, QUERY_VALUE)));
        }
    }
    if filter.status != StatusFilter::Active {
        parts.push(format!("status={}", filter.status.as_str()));
    }
    if page > 1 {
        parts.push(format!("page={page}"));
    }
    if parts.is_empty() {
        "/people".into()
    } else {
        format!("/people?{}", parts.join("&"))
    }
}

async fn directory(
    State(state): State<AppState>,
    RequireMember(user): RequireMember,
    Query(query): Query<DirectoryQuery>,
) -> AppResult<Response> {
    let filter = DirectoryFilter {
        q: text_param(query.q, "search", MAX_QUERY_CHARS)?,
        department: text_param(query.department, "department", MAX_FILTER_CHARS)?,
        location: text_param(query.location, "location", MAX_FILTER_CHARS)?,
        status: status_param(query.status.as_deref())?,
    };
    let page = page_param(query.page.as_deref())?;
    let offset = (page - 1) * PAGE_SIZE;
    let found = queries::directory(&state.db, &filter, offset, PAGE_SIZE).await?;
    let (departments, locations) = queries::filter_options(&state.db).await?;
    let filtered = filter.q.is_some() || filter.department.is_some() || filter.location.is_some();
    let nobody_yet = found.total == 0 && !filtered && !queries::any_people(&state.db).await?;
    let shown = found.rows.len() as i64;
    let range = if shown == 0 {
        format!("0 of {}", thousands(found.total))
    } else {
        format!(
            "{}–{} of {}",
            thousands(offset + 1),
            thousands(offset + shown),
            thousands(found.total)
        )
    };
    let prev = (page > 1).then(|| directory_link(&filter, page - 1));
    let next = (offset + shown < found.total).then(|| directory_link(&filter, page + 1));
    render(&DirectoryPage {
        chrome: Chrome::for_user(&state, &user, "people", "People").await?,
        q: filter.q.clone().unwrap_or_default(),
        department: filter.department.clone().unwrap_or_default(),
        location: filter.location.clone().unwrap_or_default(),
        status: filter.status.as_str(),
        departments,
        locations,
        rows: found
            .rows
            .into_iter()
            .map(|row| DirectoryView {
                departed: row.status == "departed",
                open_manager: (row.manager_job_status.as_deref() == Some("open"))
                    .then(|| open_job_label(row.manager_job_title.as_deref())),
                row,
            })
            .collect(),
        range,
        prev,
        next,
        filtered,
        nobody_yet,
        can_install: user.level >= AccessLevel::TechnicalOwner,
    })
}

// ---------------------------------------------------------------------------------------
// The person page.
// ---------------------------------------------------------------------------------------

/// The fields only Owners and the person themself see.
struct PrivateView {
    personal_email: Option<String>,
    phones: Vec<String>,
    home_address: Option<String>,
    birthdate: Option<String>,
    gender: Option<String>,
    ethnicity: Option<String>,
}

struct JobView {
    current: bool,
    title: Option<String>,
    department: Option<String>,
    location: Option<String>,
    start_date: Option<String>,
    /// (person id, name) of the manager; or the open job's label.
    manager: Option<(Option<String>, String)>,
    headcount: i64,
    job_id: String,
    /// Only when the viewer may see it.
    compensation: Option<String>,
    from: String,
}

struct ReportView {
    person_id: Option<String>,
    label: String,
    title: Option<String>,
    open: bool,
}

struct HistoryView {
    when: String,
    kind: &'static str,
    field: String,
    /// `None`: a sensitive change the viewer may not see the values of.
    values: Option<(String, String)>,
    run_href: Option<String>,
}

#[derive(Template)]
#[template(path = "person.html")]
struct PersonPage {
    chrome: Chrome,
    name: String,
    preferred_name: Option<String>,
    given_name: Option<String>,
    family_name: Option<String>,
    departed: bool,
    work_email: Option<String>,
    employment_type: Option<String>,
    start_date: Option<String>,
    end_date: Option<String>,
    justworks_id: Option<String>,
    work_id: Option<String>,
    from: String,
    /// Why a person from Justworks is no longer synced, if they are not.
    sync_stopped: Option<&'static str>,
    is_self: bool,
    private: Option<PrivateView>,
    job: Option<JobView>,
    reports: Vec<ReportView>,
    reports_total: i64,
    history: Vec<HistoryView>,
    history_more: bool,
}

/// When a sync last wrote a row, as a viewer may learn it. A sync that changed only
/// sensitive fields also stamps the row: to a viewer who may not see those, the time
/// shown is that of the newest change they can see, so it never tells them that (and
/// when) something hidden changed.
struct Synced {
    may_see: bool,
    last_visible_change: Option<i64>,
}

impl Synced {
    fn shown(&self, synced_at: Option<i64>) -> Option<i64> {
        if self.may_see {
            synced_at
        } else {
            // Without any history (people seeded before history was kept) there is no
            // hidden change to give away either.
            match (synced_at, self.last_visible_change) {
                (Some(at), Some(visible)) => Some(at.min(visible)),
                (at, None) => at,
                (None, Some(_)) => None,
            }
        }
    }
}

/// Where a row came from, as people read it.
fn provenance(source: Source, synced_at: Option<i64>) -> String {
    match (source, synced_at) {
        (Source::Justworks, Some(at)) => format!("Justworks, synced {}", format_time(at)),
        (Source::Justworks, None) => "Justworks".into(),
        (Source::Manual, _) => "Added in orgsync".into(),
    }
}

fn money(c: &Compensation) -> String {
    c.display()
}

fn kind_label(kind: &str) -> &'static str {
    match kind {
        "new_hire" => "New hire",
        "departure" => "Departure",
        "rehire" => "Rehire",
        "title_change" => "Title change",
        "manager_change" => "Manager change",
        "group_change" => "Department or location change",
        "compensation_change" => "Compensation change",
        _ => "Change",
    }
}

/// "work_email" → "Work email".
fn field_label(field: &str) -> String {
    let words = field.replace('_', " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn history_view(row: HistoryRow, may_see: bool, runs_visible: bool) -> HistoryView {
    let values = (may_see || !row.is_sensitive()).then(|| {
        (
            row.old_value.unwrap_or_else(|| "—".into()),
            row.new_value.unwrap_or_else(|| "—".into()),
        )
    });
    HistoryView {
        when: format_time(row.at),
        kind: kind_label(&row.kind),
        field: field_label(&row.field),
        values,
        run_href: row
            .run_id
            .filter(|_| runs_visible)
            .map(|id| format!("/syncs/{}", utf8_percent_encode(&id, QUERY_VALUE))),
    }
}

pub fn open_job_label(title: Option<&str>) -> String {
    match title.filter(|t| !t.trim().is_empty()) {
        Some(t) => format!("Open job: {t}"),
        None => "Open job".into(),
    }
}

fn report_view(job: TreeJob) -> ReportView {
    let open = job.is_open();
    ReportView {
        label: if open {
            open_job_label(job.title.as_deref())
        } else {
            job.name.clone().unwrap_or_default()
        },
        title: job.title.filter(|_| !open),
        person_id: job.person_id,
        open,
    }
}

fn job_view(record: &PersonRecord, may_see: bool, synced: &Synced) -> Option<JobView> {
    let job = record.job.as_ref()?;
    let manager = record.manager.as_ref().map(|m| match &m.person_id {
        Some(pid) => (Some(pid.clone()), m.name.clone().unwrap_or_default()),
        None => (None, open_job_label(m.title.as_deref())),
    });
    Some(JobView {
        current: job.status == JobStatus::Filled,
        title: job.title.clone(),
        department: job.department.clone(),
        location: job.location.clone(),
        start_date: job.start_date.clone(),
        manager,
        headcount: job.headcount,
        job_id: job.id.clone(),
        compensation: job.compensation.as_ref().filter(|_| may_see).map(money),
        from: provenance(job.source, synced.shown(job.synced_at)),
    })
}

async fn person_page(
    State(state): State<AppState>,
    RequireMember(user): RequireMember,
    Path(id): Path<String>,
) -> AppResult<Response> {
    if id.len() > MAX_ID_CHARS {
        return Err(AppError::NotFound);
    }
    let Some(record) = queries::person(&state.db, &id).await? else {
        return Err(AppError::NotFound);
    };
    let viewer = Viewer::of(&user);
    let may_see = can_see_sensitive(&viewer, &record.person.id);
    let runs_visible = user.level >= AccessLevel::TechnicalOwner;

    let (reports, reports_total) = match &record.job {
        Some(job) if job.status == JobStatus::Filled => {
            let total = queries::report_counts(&state.db, &[job.id.as_str()])
                .await?
                .get(&job.id)
                .copied()
                .unwrap_or(0);
            let reports = queries::direct_reports(&state.db, &job.id, 0, MAX_REPORTS_SHOWN)
                .await?
                .into_iter()
                .map(report_view)
                .collect();
            (reports, total)
        }
        _ => (Vec::new(), 0),
    };
    let sensitive = if may_see {
        Sensitive::Shown
    } else {
        Sensitive::Hidden
    };
    let (history, history_more) =
        queries::history(&state.db, &id, HISTORY_SHOWN, sensitive).await?;
    let synced = Synced {
        may_see,
        last_visible_change: history.first().map(|h| h.at),
    };
    let job = job_view(&record, may_see, &synced);
    let p = record.person;
    let private = may_see.then(|| PrivateView {
        personal_email: p.personal_email.clone(),
        phones: p
            .phones
            .iter()
            .map(|ph| match &ph.kind {
                Some(kind) => format!("{} ({kind})", ph.number),
                None => ph.number.clone(),
            })
            .collect(),
        home_address: p
            .home_address
            .as_ref()
            .map(|a| a.one_line())
            .filter(|s| !s.is_empty()),
        birthdate: date_text(p.birthdate),
        gender: p.gender.clone(),
        ethnicity: p.ethnicity.clone(),
    });
    render(&PersonPage {
        chrome: Chrome::for_user(&state, &user, "people", p.name.clone()).await?,
        from: provenance(p.source, synced.shown(record.synced_at)),
        sync_stopped: p.sync_stopped.map(|s| s.reason()),
        is_self: viewer.self_person_id.as_deref() == Some(p.id.as_str()),
        departed: p.status == PersonStatus::Departed,
        start_date: date_text(p.start_date),
        end_date: date_text(p.end_date),
        history: history
            .into_iter()
            .map(|h| history_view(h, may_see, runs_visible))
            .collect(),
        history_more,
        private,
        job,
        reports,
        reports_total,
        name: p.name,
        preferred_name: p.preferred_name,
        given_name: p.given_name,
        family_name: p.family_name,
        work_email: p.work_email,
        employment_type: p.employment_type,
        justworks_id: p.justworks_id,
        work_id: p.work_id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_viewer_who_may_not_see_sensitive_fields_never_sees_when_they_last_changed() {
        let hidden = Synced {
            may_see: false,
            last_visible_change: Some(100),
        };
        // A raise synced at 200 stamped the row; the title change at 100 is what shows.
        assert_eq!(hidden.shown(Some(200)), Some(100));
        assert_eq!(hidden.shown(Some(100)), Some(100));
        let owner = Synced {
            may_see: true,
            last_visible_change: Some(100),
        };
        assert_eq!(owner.shown(Some(200)), Some(200));
        let no_history = Synced {
            may_see: false,
            last_visible_change: None,
        };
        assert_eq!(no_history.shown(Some(200)), Some(200));
    }

    #[test]
    fn big_numbers_are_grouped_by_thousands() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1234), "1,234");
        assert_eq!(thousands(100_000), "100,000");
        assert_eq!(thousands(-1_234_567), "-1,234,567");
    }

    #[test]
    fn money_reads_as_people_write_it() {
        let c = Compensation {
            amount_minor: 18_500_000,
            currency: "USD".into(),
            basis: Some("salary".into()),
            frequency: Some("semimonthly".into()),
        };
        assert_eq!(money(&c), "185,000.00 USD (salary, semimonthly)");
        let yen = Compensation {
            amount_minor: 5_000_000,
            currency: "JPY".into(),
            basis: None,
            frequency: None,
        };
        assert_eq!(money(&yen), "5,000,000 JPY");
    }

    #[test]
    fn a_search_longer_than_the_limit_is_refused_not_cut() {
        assert!(text_param(Some("a".repeat(201)), "search", 200).is_err());
        assert_eq!(
            text_param(Some("  ana ".into()), "search", 200).unwrap(),
            Some("ana".into())
        );
        assert_eq!(text_param(Some("  ".into()), "search", 200).unwrap(), None);
    }

    #[test]
    fn field_names_read_as_labels() {
        assert_eq!(field_label("work_email"), "Work email");
        assert_eq!(field_label("title"), "Title");
    }
}
