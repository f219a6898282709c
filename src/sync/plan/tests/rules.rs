//! The rules docs/justworks.md once left to chance, now decided, a table each: a scheduled
//! termination that disappears, an inactive member whose termination date is still to
//! come, people who report to an open job, and people who stop being synced. (A move to
//! remote: `groups.rs`; names and the org head: `head.rs`.)

use jiff::civil::Date;
use jiff::civil::date;

use super::support::*;
use crate::org::change::ChangeKind;
use crate::org::model::{JobStatus, Org, Person, PersonStatus, SyncStop};
use crate::org::roster::{EmploymentType, RosterMember};
use crate::sync::options::Departures;
use crate::sync::options::SyncOptions;

const SCHEDULED: Date = date(2026, 7, 1);

fn ana_leaving(on: Option<Date>) -> RosterMember {
    RosterMember {
        termination_date: on,
        ..report("m1", "Ana", "m0")
    }
}

/// Justworks' termination date now, dates synced, the end date after, and the new value
/// of the end date's history row (none when there is no row).
type Cancellation = (Option<Date>, bool, Option<Date>, Option<&'static str>);

#[test]
fn a_scheduled_termination_that_disappears_is_cancelled() {
    let cases: &[Cancellation] = &[
        (None, true, None, Some("Termination cancelled")),
        (
            Some(date(2026, 8, 1)),
            true,
            Some(date(2026, 8, 1)),
            Some("2026-08-01"),
        ),
        (Some(SCHEDULED), true, Some(SCHEDULED), None),
        (None, false, Some(SCHEDULED), None),
    ];
    for &(now, dates, end, row) in cases {
        let org = synced(vec![ceo(), ana_leaving(Some(SCHEDULED))]);
        assert_eq!(person(&org, "m1").end_date, Some(SCHEDULED));
        let mut opts = options();
        opts.sync_dates = dates;
        let (plan, after) = sync(&org, &roster(vec![ceo(), ana_leaving(now)]), &opts);
        let ana = person(&after, "m1");
        assert_eq!(ana.status, PersonStatus::Active, "{now:?}");
        assert_eq!(ana.end_date, end, "{now:?}");
        assert_eq!(seat(&after, "m1").status, JobStatus::Filled);
        let end_rows = rows(&plan, "end_date");
        match row {
            None => assert!(end_rows.is_empty(), "{now:?}: {end_rows:?}"),
            Some(new) => {
                assert_eq!(end_rows.len(), 1, "{now:?}");
                assert_eq!(end_rows[0].old.as_deref(), Some("2026-07-01"));
                assert_eq!(end_rows[0].new.as_deref(), Some(new));
                assert_eq!(end_rows[0].kind, ChangeKind::Other);
                assert_eq!(plan.counts.updated, 1);
            }
        }
    }
}

#[test]
fn only_a_scheduled_termination_is_cancelled_by_its_absence() {
    let gone = date(2026, 5, 31);
    let org = synced(vec![ceo(), report("m1", "Ana", "m0")]);
    let (_, departed) = sync(
        &org,
        &roster(vec![ceo(), ana_leaving(Some(gone))]),
        &options(),
    );
    // (Ana now, her status and end date after, the end date's row: new value and kind)
    let still_gone = RosterMember {
        active: false,
        ..ana_leaving(None)
    };
    let back = RosterMember {
        start_date: Some(date(2026, 6, 10)),
        ..ana_leaving(None)
    };
    let cases = [
        (still_gone, PersonStatus::Departed, Some(gone), None),
        (back, PersonStatus::Active, None, Some(ChangeKind::Rehire)),
    ];
    for (ana, status, end, row) in cases {
        let (plan, after) = sync(&departed, &roster(vec![ceo(), ana]), &options());
        assert_eq!(person(&after, "m1").status, status);
        assert_eq!(person(&after, "m1").end_date, end);
        let end_rows = rows(&plan, "end_date");
        assert_eq!(end_rows.first().map(|r| r.kind), row);
        assert!(end_rows.iter().all(|r| r.new.is_none()), "{end_rows:?}");
    }
}

#[test]
fn an_inactive_member_departs_now_though_their_termination_date_is_to_come() {
    let inactive = RosterMember {
        active: false,
        ..ana_leaving(Some(SCHEDULED))
    };
    let warning = "Ana Report (m1) is inactive in Justworks, but their termination date \
                   2026-07-01 is still to come; they departed now, on 2026-06-15";
    // (the org before, people created, people departed, Ana held a job)
    let cases = [
        (synced(vec![ceo(), report("m1", "Ana", "m0")]), 0, 1, true),
        (
            synced(vec![ceo(), ana_leaving(Some(SCHEDULED))]),
            0,
            1,
            true,
        ),
        (synced(vec![ceo()]), 1, 0, false),
    ];
    for (org, created, departed, held_a_job) in cases {
        let job = held_a_job.then(|| seat(&org, "m1").id.clone());
        let pull = roster(vec![ceo(), inactive.clone()]);
        let (plan, after) = sync(&org, &pull, &options());
        let ana = person(&after, "m1");
        assert_eq!(ana.status, PersonStatus::Departed);
        assert_eq!(ana.end_date, Some(TODAY));
        assert_eq!(
            (plan.counts.created, plan.counts.departed),
            (created, departed)
        );
        assert_eq!(plan.warnings, [warning]);
        if let Some(job) = job {
            let job = super::support::job(&after, &job);
            assert_eq!((job.status, job.end_date), (JobStatus::Open, Some(TODAY)));
        }
        // Days later, still before the date: nothing changes, nobody is warned again.
        let later = date(2026, 6, 20);
        let (plan, after) = sync_on(later, &after, &pull, &options());
        assert!(plan.is_empty() && plan.warnings.is_empty(), "{plan:#?}");
        // On the date, Justworks' date is the end date.
        let (plan, after) = sync_on(SCHEDULED, &after, &pull, &options());
        assert_eq!(person(&after, "m1").end_date, Some(SCHEDULED));
        assert_eq!(
            rows(&plan, "end_date")[0].old.as_deref(),
            Some("2026-06-15")
        );
        assert!(plan.warnings.is_empty(), "{:?}", plan.warnings);
    }
}

/// Ana manages Bo; Ana departs while Bo is, one way or another, not synced.
type NotSynced = fn(&mut Vec<RosterMember>, &mut SyncOptions);

const BO_NOT_SYNCED: &[(&str, NotSynced)] = &[
    ("not in the pull", |members, _| {
        members.retain(|m| m.id != "m2")
    }),
    ("excluded", |_, opts| {
        opts.exclude_ids = vec!["m2".to_owned()]
    }),
    ("a contractor once contractors are off", |members, opts| {
        members[2].employment_type = Some(EmploymentType::Contractor);
        opts.include_contractors = false;
    }),
];

#[test]
fn a_report_who_is_not_synced_stays_under_the_open_job_their_manager_left() {
    for &(how, not_synced) in BO_NOT_SYNCED {
        let team = vec![ceo(), report("m1", "Ana", "m0"), report("m2", "Bo", "m1")];
        let org = synced(team);
        let (ana_job, bo_job) = (seat(&org, "m1").id.clone(), seat(&org, "m2").id.clone());
        let mut members = vec![
            ceo(),
            ana_leaving(Some(date(2026, 6, 1))),
            report("m2", "Bo", "m1"),
        ];
        let mut opts = options();
        not_synced(&mut members, &mut opts);
        let (plan, after) = sync(&org, &roster(members.clone()), &opts);
        assert_eq!(job(&after, &ana_job).status, JobStatus::Open, "{how}");
        assert_eq!(
            job(&after, &bo_job).manager_job_id.as_deref(),
            Some(ana_job.as_str()),
            "{how}: Bo stays under the open job"
        );
        assert_eq!(person(&after, "m2").status, PersonStatus::Active, "{how}");
        assert!(!warned(&plan, "now reports to the org head"), "{how}");

        // With departures only, the job closes: Bo's job is mended to the org head.
        opts.departures = Departures::DeparturesOnly;
        let (plan, after) = sync(&org, &roster(members), &opts);
        assert_eq!(job(&after, &ana_job).status, JobStatus::Closed, "{how}");
        let head_job = seat(&after, "m0").id.clone();
        assert_eq!(job(&after, &bo_job).manager_job_id, Some(head_job), "{how}");
        assert!(
            warned(&plan, "Bo Report's job reported to a closed job"),
            "{how}: {:?}",
            plan.warnings
        );
    }
}

/// How Ana stops being synced, the mark her person gets, and the reason given.
type StopsSyncing = fn(&mut RosterMember, &mut SyncOptions);

const ANA_STOPS: &[(&str, StopsSyncing, SyncStop, &str)] = &[
    (
        "excluded by member id",
        |_, opts| opts.exclude_ids = vec!["m1".to_owned()],
        SyncStop::Excluded,
        "excluded",
    ),
    (
        "excluded by work id",
        |_, opts| opts.exclude_ids = vec!["E1".to_owned()],
        SyncStop::Excluded,
        "excluded",
    ),
    (
        "a contractor once contractors are off",
        |ana, opts| {
            ana.employment_type = Some(EmploymentType::Contractor);
            opts.include_contractors = false;
        },
        SyncStop::Contractor,
        "a contractor, and contractors are not included",
    ),
];

#[test]
fn someone_who_stops_being_synced_is_kept_frozen_and_warned_about_once() {
    for &(how, stops, mark, reason) in ANA_STOPS {
        let ana = RosterMember {
            work_id: Some("E1".to_owned()),
            job_title: Some("Engineer".to_owned()),
            ..report("m1", "Ana", "m0")
        };
        let org = synced(vec![ceo(), ana.clone()]);
        let mut promoted = RosterMember {
            job_title: Some("Chief Engineer".to_owned()),
            ..ana
        };
        let mut opts = options();
        stops(&mut promoted, &mut opts);
        let pull = roster(vec![ceo(), promoted.clone()]);
        let (plan, frozen) = sync(&org, &pull, &opts);
        let expected = Person {
            sync_stopped: Some(mark),
            ..person(&org, "m1").clone()
        };
        assert_eq!(person(&frozen, "m1"), &expected, "{how}");
        assert_eq!(seat(&frozen, "m1"), seat(&org, "m1"), "{how}");
        assert_eq!(
            plan.warnings,
            [format!(
                "Ana Report (m1) is no longer synced from Justworks: {reason}. Their person \
                 and job are kept as they were"
            )],
            "{how}"
        );
        assert_eq!((plan.counts.excluded, plan.counts.updated), (1, 0), "{how}");
        let stopped = rows(&plan, "sync_stopped");
        assert_eq!(plan.history.len(), 1, "{how}: {:#?}", plan.history);
        assert_eq!(
            (stopped[0].old.as_deref(), stopped[0].new.as_deref()),
            (None, Some(reason))
        );

        // The next run changes nothing and warns of nothing.
        let (again, _) = sync(&frozen, &pull, &opts);
        assert!(
            again.is_empty() && again.warnings.is_empty(),
            "{how}: {again:#?}"
        );

        // Synced again: the mark goes, and what changed meanwhile comes.
        let (back, after) = sync(&frozen, &pull, &options());
        assert_eq!(person(&after, "m1").sync_stopped, None, "{how}");
        assert_eq!(seat(&after, "m1").title.as_deref(), Some("Chief Engineer"));
        let resumed = rows(&back, "sync_stopped");
        assert_eq!(
            (resumed[0].old.as_deref(), resumed[0].new.as_deref()),
            (Some(reason), None)
        );
    }
}

#[test]
fn a_departed_person_who_stops_being_synced_is_marked_too() {
    let org = synced(vec![ceo(), ana_leaving(Some(date(2026, 1, 31)))]);
    let mut opts = options();
    opts.exclude_ids = vec!["m1".to_owned()];
    let (plan, after) = sync(&org, &roster(vec![ceo(), ana_leaving(None)]), &opts);
    assert_eq!(person(&after, "m1").sync_stopped, Some(SyncStop::Excluded));
    assert_eq!(person(&after, "m1").status, PersonStatus::Departed);
    assert_eq!(plan.warnings.len(), 1, "{:?}", plan.warnings);
    // Excluded from the start: never a person, so nothing to mark.
    let (plan, after) = sync(
        &Org::default(),
        &roster(vec![ceo(), ana_leaving(None)]),
        &opts,
    );
    assert!(plan.warnings.is_empty());
    assert_eq!(after.people.len(), 1);
}
