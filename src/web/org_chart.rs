//! The org chart (`/org`): the tree from the org head down, a few levels at a time.
//!
//! The page renders the top three levels (the first two open); a deeper node is a closed
//! `<details>` whose reports load when it is opened (`GET /org/{job_id}/reports`, an
//! htmx partial). Without JavaScript every manager links to `/org?root={job_id}`, the
//! chart from that job down with a breadcrumb back up — so no page ever renders the
//! whole org, and each answers in a few indexed queries at any size.

use crate::org::model::thousands;
use crate::org::queries::{self, OrgNode, TreeJob};
use crate::state::AppState;
use crate::web::QUERY_VALUE;
use crate::web::error::{AppError, AppResult};
use crate::web::extract::RequireMember;
use crate::web::page::{Chrome, render};
use crate::web::params::{Path, Query};
use crate::web::people::{MAX_ID_CHARS, open_job_label, page_param};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use percent_encoding::utf8_percent_encode;
use serde::Deserialize;

/// Direct reports shown under one node before "see all".
const REPORTS_PER_NODE: i64 = 200;
/// About how many nodes the third level may hold in all.
const THIRD_LEVEL_BUDGET: i64 = 1_000;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/org", get(org_chart))
        .route("/org/{job_id}/reports", get(reports_partial))
}

/// A node as the templates show it.
pub struct NodeView {
    pub job_id: String,
    pub open: bool,
    /// The person's name, or "Open job: Title".
    pub label: String,
    pub preferred_name: Option<String>,
    pub person_id: Option<String>,
    pub title: Option<String>,
    pub headcount: i64,
    pub reports: i64,
    pub children: Vec<NodeView>,
    /// For Technical Owners and above: the CSRF token of the card's *Move* form.
    pub move_token: Option<String>,
}

impl NodeView {
    fn from_node(node: OrgNode) -> Self {
        let mut view = Self::from_job(node.job, node.reports);
        view.children = node.children.into_iter().map(Self::from_node).collect();
        view
    }

    fn from_job(job: TreeJob, reports: i64) -> Self {
        let open = job.is_open();
        Self {
            label: if open {
                open_job_label(job.title.as_deref())
            } else {
                job.name.clone().unwrap_or_default()
            },
            preferred_name: job
                .preferred_name
                .filter(|p| !open && Some(p) != job.name.as_ref()),
            title: job.title.filter(|_| !open),
            person_id: job.person_id,
            job_id: job.job_id,
            headcount: job.headcount,
            reports,
            children: Vec::new(),
            move_token: None,
            open,
        }
    }

    /// Offers the *Move* form on this card and every card below it.
    fn with_moves(mut self, token: Option<&str>) -> Self {
        if let Some(token) = token {
            self.move_token = Some(token.to_owned());
            self.children = self
                .children
                .into_iter()
                .map(|c| c.with_moves(Some(token)))
                .collect();
        }
        self
    }

    /// What the *Move* form moves: the person in the job, or the open job itself.
    pub fn move_id(&self) -> &str {
        self.person_id.as_deref().unwrap_or(&self.job_id)
    }

    /// Some reports were not loaded with the page (capped, or left for later).
    pub fn more(&self) -> i64 {
        self.reports - self.children.len() as i64
    }

    pub fn reports_word(&self) -> &'static str {
        if self.reports == 1 {
            "direct report"
        } else {
            "direct reports"
        }
    }
}

#[derive(Deserialize)]
struct OrgQuery {
    root: Option<String>,
    page: Option<String>,
}

#[derive(Template)]
#[template(path = "org.html")]
struct OrgPage {
    chrome: Chrome,
    /// The chain above the root, top down (empty for the whole chart).
    breadcrumb: Vec<NodeView>,
    /// `Some` when showing the chart from one job down.
    focus: Option<String>,
    tops: Vec<NodeView>,
    /// Paging of the focused job's direct reports.
    range: Option<String>,
    prev: Option<String>,
    next: Option<String>,
    can_install: bool,
}

async fn org_chart(
    State(state): State<AppState>,
    RequireMember(user): RequireMember,
    Query(query): Query<OrgQuery>,
) -> AppResult<Response> {
    let root = query.root.filter(|r| !r.trim().is_empty());
    let page = page_param(query.page.as_deref())?;
    let db = &state.db;
    let can_install = user.level >= crate::auth::AccessLevel::TechnicalOwner;
    let token = if can_install {
        Some(crate::auth::csrf::token(&user.session).await?)
    } else {
        None
    };
    let token = token.as_deref();

    let Some(root) = root else {
        // The whole chart: every top, its reports, and theirs.
        let mut tops = queries::nodes(db, queries::roots(db).await?).await?;
        let mut refs: Vec<&mut OrgNode> = tops.iter_mut().collect();
        queries::attach_children(db, &mut refs, REPORTS_PER_NODE).await?;
        let mut second: Vec<&mut OrgNode> = tops
            .iter_mut()
            .flat_map(|t| t.children.iter_mut())
            .collect();
        let cap = third_level_cap(second.len());
        queries::attach_children(db, &mut second, cap).await?;
        return render(&OrgPage {
            chrome: Chrome::for_user(&state, &user, "org", "Org chart").await?,
            breadcrumb: Vec::new(),
            focus: None,
            tops: tops
                .into_iter()
                .map(|t| NodeView::from_node(t).with_moves(token))
                .collect(),
            range: None,
            prev: None,
            next: None,
            can_install,
        });
    };

    // The chart from one job down: that job, a page of its reports, and theirs.
    if root.len() > MAX_ID_CHARS {
        return Err(AppError::NotFound);
    }
    let Some(job) = queries::tree_job(db, &root).await? else {
        return Err(AppError::NotFound);
    };
    let mut top = queries::nodes(db, vec![job]).await?.remove(0);
    let total = top.reports;
    let offset = (page - 1) * REPORTS_PER_NODE;
    let reports = queries::direct_reports(db, &root, offset, REPORTS_PER_NODE).await?;
    let mut second = queries::nodes(db, reports).await?;
    let cap = third_level_cap(second.len());
    queries::attach_children(db, &mut second.iter_mut().collect::<Vec<_>>(), cap).await?;
    let shown = second.len() as i64;
    top.children = second;
    let breadcrumb = queries::chain_above(db, &root)
        .await?
        .into_iter()
        .map(|j| NodeView::from_job(j, 1))
        .collect();
    let top = NodeView::from_node(top).with_moves(token);
    let paged = total > REPORTS_PER_NODE;
    let link = |p: i64| {
        format!(
            "/org?root={}&page={p}",
            utf8_percent_encode(&top.job_id, QUERY_VALUE)
        )
    };
    render(&OrgPage {
        chrome: Chrome::for_user(&state, &user, "org", format!("Org chart: {}", top.label)).await?,
        breadcrumb,
        focus: Some(top.label.clone()),
        range: (paged && shown > 0).then(|| {
            format!(
                "Direct reports {}–{} of {}",
                thousands(offset + 1),
                thousands(offset + shown),
                thousands(total)
            )
        }),
        prev: (paged && page > 1).then(|| link(page - 1)),
        next: (offset + shown < total).then(|| link(page + 1)),
        tops: vec![top],
        can_install,
    })
}

/// How many reports each second-level node shows at once, so the third level stays
/// around [`THIRD_LEVEL_BUDGET`] nodes however wide the org is.
fn third_level_cap(second_level: usize) -> i64 {
    (THIRD_LEVEL_BUDGET / second_level.max(1) as i64).clamp(5, 50)
}

#[derive(Template)]
#[template(path = "org_reports_partial.html")]
struct ReportsPartial {
    parent_id: String,
    parent_label: String,
    nodes: Vec<NodeView>,
    /// Reports not in this partial (beyond [`REPORTS_PER_NODE`]).
    more: i64,
}

/// The direct reports of one job, as list items of closed nodes (their own reports load
/// when opened). Loaded by htmx when a node is first opened.
async fn reports_partial(
    State(state): State<AppState>,
    RequireMember(user): RequireMember,
    Path(job_id): Path<String>,
) -> AppResult<Response> {
    let token = if user.level >= crate::auth::AccessLevel::TechnicalOwner {
        Some(crate::auth::csrf::token(&user.session).await?)
    } else {
        None
    };
    if job_id.len() > MAX_ID_CHARS {
        return Err(AppError::NotFound);
    }
    let db = &state.db;
    let Some(job) = queries::tree_job(db, &job_id).await? else {
        return Err(AppError::NotFound);
    };
    let parent = queries::nodes(db, vec![job]).await?.remove(0);
    let reports = queries::direct_reports(db, &job_id, 0, REPORTS_PER_NODE).await?;
    let nodes: Vec<NodeView> = queries::nodes(db, reports)
        .await?
        .into_iter()
        .map(|n| NodeView::from_node(n).with_moves(token.as_deref()))
        .collect();
    let parent = NodeView::from_node(parent);
    render(&ReportsPartial {
        more: parent.reports - nodes.len() as i64,
        parent_id: parent.job_id,
        parent_label: parent.label,
        nodes,
    })
}
