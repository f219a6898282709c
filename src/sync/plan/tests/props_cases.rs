//! The random cases the property tests run on: rosters (managers with loops,
//! terminations in the past and future, exclusions, contractors, shared names and emails)
//! and prior orgs, and the checks they share.

use std::collections::{HashMap, HashSet};

use jiff::ToSpan;
use proptest::prelude::*;

use super::support::*;
use crate::org::change::{JobChange, PersonChange, Plan};
use crate::org::model::{JobStatus, Org, Source};
use crate::org::roster::{EmploymentType, LocationType, Roster, RosterMember};
use crate::sync::options::SyncOptions;
use crate::sync::options::{Departures, MissingLocation};
use crate::sync::plan::{PlanInput, plan};

pub(super) const NAMES: &[(&str, &str)] = &[
    ("Ana", "Souza"),
    ("Bo", "Li"),
    ("Cy", "Young"),
    ("Zoë", "Ångström"),
    ("ana", "SOUZA"),
    ("Di", "Prince"),
];
pub(super) const EMAILS: &[&str] = &["shared@acme.test", "SHARED@acme.test ", "other@acme.test"];
pub(super) const TITLES: &[&str] = &["Engineer", "Manager", "Designer"];

#[derive(Debug, Clone)]
pub(super) struct Attrs {
    pub(super) name: usize,
    /// An index into EMAILS, else the member's own address.
    pub(super) email: Option<usize>,
    pub(super) manager: Option<usize>,
    pub(super) active: bool,
    pub(super) termination: Option<i64>,
    pub(super) start: Option<i64>,
    pub(super) contractor: bool,
    pub(super) title: Option<usize>,
    pub(super) department: Option<usize>,
    pub(super) office: Option<usize>,
    pub(super) remote: bool,
    pub(super) pay: Option<i64>,
}

pub(super) fn attrs() -> impl Strategy<Value = Attrs> {
    (
        (0..NAMES.len(), prop::option::weighted(0.2, 0..EMAILS.len())),
        prop::option::weighted(0.8, 0..45usize),
        (
            prop::bool::weighted(0.85),
            prop::option::weighted(0.3, -60i64..60),
        ),
        prop::option::weighted(0.8, -3000i64..0),
        prop::bool::weighted(0.15),
        (
            prop::option::of(0..TITLES.len()),
            prop::option::of(0..3usize),
            prop::option::of(0..2usize),
            any::<bool>(),
        ),
        prop::option::of(1_000i64..30_000_000),
    )
        .prop_map(
            |((name, email), manager, (active, termination), start, contractor, place, pay)| {
                let (title, department, office, remote) = place;
                Attrs {
                    name,
                    email,
                    manager,
                    active,
                    termination,
                    start,
                    contractor,
                    title,
                    department,
                    office,
                    remote,
                    pay,
                }
            },
        )
}

/// One member over two pulls: attributes in each, and whether each pull lists them.
#[derive(Debug, Clone)]
pub(super) struct Spec {
    pub(super) first: Attrs,
    pub(super) second: Attrs,
    pub(super) keep: bool,
    pub(super) in_first: bool,
    pub(super) in_second: bool,
}

pub(super) fn specs() -> impl Strategy<Value = Vec<Spec>> {
    prop::collection::vec(
        (
            attrs(),
            attrs(),
            any::<bool>(),
            prop::bool::weighted(0.8),
            prop::bool::weighted(0.85),
        ),
        0..40,
    )
    .prop_map(|v| {
        v.into_iter()
            .map(|(first, second, keep, in_first, in_second)| Spec {
                first,
                second,
                keep,
                in_first,
                in_second,
            })
            .collect()
    })
}

pub(super) fn options_strategy() -> impl Strategy<Value = SyncOptions> {
    (
        prop::collection::vec(any::<bool>(), 10),
        prop::collection::vec((1..45usize, any::<bool>()), 0..4),
    )
        .prop_map(|(b, excluded)| {
            let mut o = options();
            o.sync_titles = b[0];
            o.sync_managers = b[1] || b[9];
            o.sync_groups = b[2];
            o.sync_dates = b[3];
            o.sync_contact = b[4];
            o.sync_demographics = b[5];
            o.sync_compensation = b[6];
            o.departures = if b[7] {
                Departures::Backfill
            } else {
                Departures::DeparturesOnly
            };
            o.missing_location = if b[8] {
                MissingLocation::Remote
            } else {
                MissingLocation::Blank
            };
            o.include_contractors = b[9] || b[0];
            o.exclude_ids = excluded
                .into_iter()
                .map(|(i, by_work_id)| {
                    if by_work_id {
                        format!("E{i}")
                    } else {
                        format!("m{i}")
                    }
                })
                .collect();
            o
        })
}

pub(super) fn build(specs: &[Spec], second: bool) -> Roster {
    let mut members = vec![ceo()];
    for (k, spec) in specs.iter().enumerate() {
        let listed = if second {
            spec.in_second
        } else {
            spec.in_first
        };
        if !listed {
            continue;
        }
        let a = if second && !spec.keep {
            &spec.second
        } else {
            &spec.first
        };
        let id = k + 1;
        let (given, family) = NAMES[a.name];
        let email = a
            .email
            .map_or_else(|| format!("m{id}@acme.test"), |e| EMAILS[e].to_owned());
        members.push(RosterMember {
            work_id: Some(format!("E{id}")),
            active: a.active,
            employment_type: Some(if a.contractor {
                EmploymentType::Contractor
            } else {
                EmploymentType::Employee
            }),
            location_type: Some(if a.remote {
                LocationType::Remote
            } else {
                LocationType::Office
            }),
            job_title: a.title.map(|t| TITLES[t].to_owned()),
            department: a.department.map(|d| reference(&format!("dep_{d}"), None)),
            office: a.office.map(|o| reference(&format!("off_{o}"), None)),
            manager_id: a.manager.map(|m| format!("m{m}")),
            start_date: a.start.map(|d| TODAY + d.days()),
            termination_date: a.termination.map(|d| TODAY + d.days()),
            emails: vec![work_email(&email)],
            pay: a.pay.map(|p| salary(p, "USD")),
            ..member(&format!("m{id}"), given, family)
        });
    }
    roster(members)
}

#[derive(Debug, Clone)]
pub(super) struct Prior {
    pub(super) manual: Vec<(usize, Option<usize>, Option<usize>)>,
    pub(super) unlink: Vec<usize>,
    pub(super) scramble: Vec<(usize, usize)>,
}

pub(super) fn prior() -> impl Strategy<Value = Prior> {
    (
        prop::collection::vec(
            (
                0..NAMES.len(),
                prop::option::of(0..EMAILS.len()),
                prop::option::of(0..100usize),
            ),
            0..4,
        ),
        prop::collection::vec(0..100usize, 0..3),
        prop::collection::vec((0..100usize, 0..100usize), 0..3),
    )
        .prop_map(|(manual, unlink, scramble)| Prior {
            manual,
            unlink,
            scramble,
        })
}

/// The org after a first pull, then touched by hand.
pub(super) fn prior_org(first: &Roster, opts: &SyncOptions, prior: &Prior) -> Org {
    let mut org = Org::default();
    let first_plan = try_plan(&org, first, opts).expect("the first plan succeeds");
    first_plan.apply_to(&mut org);
    for (n, &(name, email, manager)) in prior.manual.iter().enumerate() {
        let (given, family) = NAMES[name];
        let id = format!("hand-{n}");
        let email = email.map(|e| EMAILS[e]);
        org.people
            .push(manual_person(&id, &format!("{given} {family}"), email));
        let manager = manager
            .and_then(|m| org.jobs.get(m % org.jobs.len().max(1)))
            .map(|j| j.id.clone());
        org.jobs.push(manual_job(
            &format!("hand-job-{n}"),
            Some(&id),
            manager.as_deref(),
        ));
    }
    for &p in &prior.unlink {
        let len = org.people.len();
        if let Some(person) = org.people.get_mut(p % len)
            && person.source == Source::Justworks
        {
            person.justworks_id = None;
        }
    }
    for &(a, b) in &prior.scramble {
        let len = org.jobs.len();
        let target = org.jobs[b % len].id.clone();
        let job = &mut org.jobs[a % len];
        if job.source == Source::Justworks {
            job.manager_job_id = Some(target);
        }
    }
    org
}

pub(super) fn manual_part(org: &Org) -> Org {
    Org {
        people: org
            .people
            .iter()
            .filter(|p| p.source == Source::Manual)
            .cloned()
            .collect(),
        jobs: org
            .jobs
            .iter()
            .filter(|j| j.source == Source::Manual)
            .cloned()
            .collect(),
    }
}

/// Members that belong in the tree: active, not departing, not skipped.
pub(super) fn live_ids<'r>(roster: &'r Roster, opts: &SyncOptions) -> Vec<&'r str> {
    let excluded: HashSet<&str> = opts.exclude_ids.iter().map(String::as_str).collect();
    roster
        .members
        .iter()
        .filter(|m| {
            !excluded.contains(m.id.as_str())
                && !m.work_id.as_deref().is_some_and(|w| excluded.contains(w))
                && (opts.include_contractors
                    || m.employment_type != Some(EmploymentType::Contractor))
                && m.active
                && m.termination_date.is_none_or(|d| d > TODAY)
        })
        .map(|m| m.id.as_str())
        .collect()
}

/// Members skipped: listed in *Exclude IDs*, or contractors while they are not included.
pub(super) fn skipped_ids(roster: &Roster, opts: &SyncOptions) -> HashSet<String> {
    let excluded: HashSet<&str> = opts.exclude_ids.iter().map(String::as_str).collect();
    roster
        .members
        .iter()
        .filter(|m| {
            excluded.contains(m.id.as_str())
                || m.work_id.as_deref().is_some_and(|w| excluded.contains(w))
                || (!opts.include_contractors
                    && m.employment_type == Some(EmploymentType::Contractor))
        })
        .map(|m| m.id.clone())
        .collect()
}

/// Every filled or open job from Justworks reaches the org head's job, the only root.
pub(super) fn check_tree(org: &Org, head_member: &str) -> Result<(), TestCaseError> {
    let at: HashMap<&str, usize> = org
        .jobs
        .iter()
        .enumerate()
        .map(|(i, j)| (j.id.as_str(), i))
        .collect();
    let head = seat(org, head_member);
    prop_assert_eq!(&head.manager_job_id, &None);
    for job in org
        .jobs
        .iter()
        .filter(|j| j.source == Source::Justworks && j.status != JobStatus::Closed)
    {
        let mut at_job = job;
        let mut steps = 0;
        while let Some(manager) = at_job.manager_job_id.as_deref() {
            let next = at.get(manager).map(|&k| &org.jobs[k]);
            prop_assert!(next.is_some(), "job {} reports to a missing job", at_job.id);
            at_job = next.unwrap();
            prop_assert!(
                at_job.status != JobStatus::Closed,
                "job {} reports through a closed job",
                job.id
            );
            steps += 1;
            prop_assert!(steps <= org.jobs.len(), "job {} is in a loop", job.id);
        }
        prop_assert_eq!(&at_job.id, &head.id, "job {} ends at another root", job.id);
    }
    Ok(())
}

pub(super) fn changed_ids(plan: &Plan) -> (Vec<&str>, Vec<&str>) {
    let people = plan
        .people
        .iter()
        .map(|c| match c {
            PersonChange::Create(p) | PersonChange::Update { after: p, .. } => p.id.as_str(),
        })
        .collect();
    let jobs = plan
        .jobs
        .iter()
        .map(|c| match c {
            JobChange::Create(j) | JobChange::Update { after: j, .. } => j.id.as_str(),
        })
        .collect();
    (people, jobs)
}

/// One random case: a prior org, and the second pull planned into it and applied.
#[derive(Debug, Clone)]
pub(super) struct Case {
    pub(super) org: Org,
    pub(super) roster: Roster,
    pub(super) options: SyncOptions,
    pub(super) plan: Plan,
    pub(super) after: Org,
}

pub(super) fn case() -> impl Strategy<Value = Case> {
    (specs(), options_strategy(), options_strategy(), prior()).prop_map(
        |(specs, first_options, options, prior)| {
            let org = prior_org(&build(&specs, false), &first_options, &prior);
            let roster = build(&specs, true);
            let plan = planned(&org, &roster, &options);
            let mut after = org.clone();
            plan.apply_to(&mut after);
            Case {
                org,
                roster,
                options,
                plan,
                after,
            }
        },
    )
}

/// Plans with ids "new-1", "new-2", …
pub(super) fn planned(org: &Org, roster: &Roster, options: &SyncOptions) -> Plan {
    let mut n = 0;
    let mut ids = || {
        n += 1;
        format!("new-{n}")
    };
    let input = PlanInput {
        org,
        roster: roster.clone(),
        options,
        today: TODAY,
    };
    plan(input, &mut ids).expect("the plan succeeds")
}
