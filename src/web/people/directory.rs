//! The people directory (`/people`): a page of people, filtered and searched.

use super::person::open_job_label;
use super::{MAX_FILTER_CHARS, MAX_QUERY_CHARS, PAGE_SIZE, page_param, status_param, text_param};
use crate::auth::AccessLevel;
use crate::org::model::thousands;
use crate::org::queries::{self, DirectoryFilter, DirectoryRow, StatusFilter};
use crate::state::AppState;
use crate::web::QUERY_VALUE;
use crate::web::error::AppResult;
use crate::web::extract::RequireMember;
use crate::web::page::{Chrome, render};
use crate::web::params::Query;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use percent_encoding::utf8_percent_encode;
use serde::Deserialize;

#[derive(Deserialize)]
pub(super) struct DirectoryQuery {
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

pub(super) async fn directory(
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn big_numbers_are_grouped_by_thousands() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1234), "1,234");
        assert_eq!(thousands(100_000), "100,000");
        assert_eq!(thousands(-1_234_567), "-1,234,567");
    }
}
