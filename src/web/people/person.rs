//! The person page (`/people/{id}`). Sensitive fields reach it only through
//! `org::visibility::can_see_sensitive`: for anyone else they are not rendered at all.

use super::edit_form::{PinView, pin_views};
use super::{HISTORY_SHOWN, MAX_ID_CHARS, MAX_REPORTS_SHOWN};
use crate::auth::AccessLevel;
use crate::org::history::{self, HistoryRow};
use crate::org::model::{Compensation, JobStatus, PersonStatus, Source};
use crate::org::queries::{self, PersonRecord, TreeJob};
use crate::org::store::date_text;
use crate::org::visibility::{Sensitive, Synced, Viewer, can_see_sensitive};
use crate::state::AppState;
use crate::web::error::{AppError, AppResult};
use crate::web::extract::RequireMember;
use crate::web::page::{Chrome, render};
use crate::web::params::Path;
use crate::web::{QUERY_VALUE, format_time};
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use percent_encoding::utf8_percent_encode;

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
    /// Who made it by hand (`None`: a sync).
    by: Option<String>,
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
    /// Technical Owner or above: the Edit, Move and pin controls.
    can_edit: bool,
    person_id: String,
    /// Added in orgsync: Depart / Rehire are offered.
    hand_added: bool,
    pins: Vec<PinView>,
    /// Today in the org's zone, for the Depart form's default.
    today: String,
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
        kind: row.kind.label(),
        field: field_label(&row.field),
        by: row.by_name.clone(),
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

pub(super) async fn person_page(
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
        history::for_person(&state.db, &id, HISTORY_SHOWN, sensitive).await?;
    let synced = Synced {
        may_see,
        last_visible_change: history.first().map(|h| h.at),
    };
    let job = job_view(&record, may_see, &synced);
    let can_edit = user.level >= AccessLevel::TechnicalOwner;
    let pins = if can_edit {
        let options = crate::apps::justworks::sync_options(&state.db)
            .await
            .map_err(AppError::Internal)?;
        pin_views(&record, user.level >= AccessLevel::Owner, options.as_ref())
    } else {
        Vec::new()
    };
    let today = crate::org_settings::today_in(&state.db, state.clock.now()).await?;
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
        can_edit,
        person_id: p.id.clone(),
        hand_added: p.source == Source::Manual,
        pins,
        today,
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
    fn field_names_read_as_labels() {
        assert_eq!(field_label("work_email"), "Work email");
        assert_eq!(field_label("title"), "Title");
    }
}
