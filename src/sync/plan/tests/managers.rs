//! Who reports to whom: the org head's own manager, missing, departed, excluded
//! managers, loops. (Finding the org head: `head.rs`.)

use jiff::civil::date;

use super::support::*;
use crate::org::change::ChangeKind;
use crate::org::model::Org;
use crate::org::roster::{EmploymentType, RosterMember};

#[test]
fn the_org_head_s_manager_is_dropped_with_a_warning() {
    let members = vec![
        RosterMember {
            manager_id: Some("m1".to_owned()),
            ..ceo()
        },
        report("m1", "Ana", "m0"),
    ];
    let (plan, after) = sync(&Org::default(), &roster(members), &options());
    assert_eq!(seat(&after, "m0").manager_job_id, None);
    assert_eq!(manager_of(&after, "m1").as_deref(), Some("m0"));
    assert!(
        warned(
            &plan,
            "The org head Grace Hopper (m0) reports to Ana Report (m1)"
        ),
        "{:?}",
        plan.warnings
    );
    assert_eq!(plan.warnings.len(), 1);
}

#[test]
fn a_member_without_a_manager_reports_to_the_org_head_without_a_warning() {
    let (plan, after) = sync(
        &Org::default(),
        &roster(vec![ceo(), member("m1", "Ana", "Souza")]),
        &options(),
    );
    assert_eq!(manager_of(&after, "m1").as_deref(), Some("m0"));
    assert!(plan.warnings.is_empty());
}

#[test]
fn a_missing_manager_reports_to_the_org_head_with_a_warning() {
    let (plan, after) = sync(
        &Org::default(),
        &roster(vec![ceo(), report("m1", "Ana", "m404")]),
        &options(),
    );
    assert_eq!(manager_of(&after, "m1").as_deref(), Some("m0"));
    assert!(
        warned(&plan, "Ana Report (m1) now reports to the org head"),
        "{:?}",
        plan.warnings
    );
    assert!(warned(&plan, "m404"));
}

#[test]
fn a_terminated_manager_s_reports_move_to_the_org_head_with_a_warning() {
    let org = synced(vec![
        ceo(),
        report("m1", "Ana", "m0"),
        report("m2", "Bo", "m1"),
    ]);
    assert_eq!(manager_of(&org, "m2").as_deref(), Some("m1"));
    let ana_gone = RosterMember {
        termination_date: Some(date(2026, 6, 1)),
        ..report("m1", "Ana", "m0")
    };
    let (plan, after) = sync(
        &org,
        &roster(vec![ceo(), ana_gone, report("m2", "Bo", "m1")]),
        &options(),
    );
    assert_eq!(manager_of(&after, "m2").as_deref(), Some("m0"));
    assert!(
        warned(&plan, "their manager Ana Report (m1) has left"),
        "{:?}",
        plan.warnings
    );
    let manager = rows(&plan, "manager");
    assert_eq!(manager.len(), 1);
    assert_eq!(manager[0].kind, ChangeKind::ManagerChange);
    assert_eq!(
        manager[0].old.as_deref(),
        Some("Ana Report"),
        "shown as it was"
    );
    assert_eq!(manager[0].new.as_deref(), Some("Grace Hopper"));
    assert_eq!(manager[0].person_name, "Bo Report");
    assert_eq!(plan.counts.updated, 1);
}

#[test]
fn an_excluded_manager_s_reports_move_to_the_org_head_with_a_warning() {
    let mut opts = options();
    opts.exclude_ids = vec!["m1".to_owned()];
    let members = vec![ceo(), report("m1", "Ana", "m0"), report("m2", "Bo", "m1")];
    let (plan, after) = sync(&Org::default(), &roster(members), &opts);
    assert_eq!(manager_of(&after, "m2").as_deref(), Some("m0"));
    assert!(
        warned(&plan, "their manager Ana Report (m1) is excluded"),
        "{:?}",
        plan.warnings
    );
}

#[test]
fn a_skipped_contractor_manager_s_reports_move_to_the_org_head_with_a_warning() {
    let mut opts = options();
    opts.include_contractors = false;
    let contractor = RosterMember {
        employment_type: Some(EmploymentType::Contractor),
        ..report("m1", "Ana", "m0")
    };
    let (plan, after) = sync(
        &Org::default(),
        &roster(vec![ceo(), contractor, report("m2", "Bo", "m1")]),
        &opts,
    );
    assert_eq!(manager_of(&after, "m2").as_deref(), Some("m0"));
    assert!(warned(&plan, "is a contractor"), "{:?}", plan.warnings);
}

#[test]
fn a_two_person_manager_loop_is_broken_at_the_earliest_start() {
    let members = vec![
        ceo(),
        RosterMember {
            start_date: Some(date(2022, 1, 1)),
            ..report("m1", "Ana", "m2")
        },
        RosterMember {
            start_date: Some(date(2020, 1, 1)),
            ..report("m2", "Bo", "m1")
        },
    ];
    let (plan, after) = sync(&Org::default(), &roster(members), &options());
    assert_eq!(
        manager_of(&after, "m2").as_deref(),
        Some("m0"),
        "Bo started first"
    );
    assert_eq!(manager_of(&after, "m1").as_deref(), Some("m2"));
    let loops: Vec<&String> = plan
        .warnings
        .iter()
        .filter(|w| w.contains("loop"))
        .collect();
    assert_eq!(loops.len(), 1, "{:?}", plan.warnings);
    assert!(
        loops[0].contains("Bo Report (m2) → Ana Report (m1) → Bo Report (m2)"),
        "{}",
        loops[0]
    );
}

#[test]
fn a_five_person_loop_is_broken_once_naming_all_five() {
    // m1 → m2 → m3 → m4 → m5 → m1; m3 and m4 share the earliest date: the smaller id wins.
    let starts = [2023, 2022, 2019, 2019, 2024];
    let mut members = vec![ceo()];
    for (n, year) in (1..=5).zip(starts) {
        members.push(RosterMember {
            start_date: Some(date(year, 5, 1)),
            ..report(
                &format!("m{n}"),
                &format!("P{n}"),
                &format!("m{}", n % 5 + 1),
            )
        });
    }
    // Someone hanging under the loop stays where they are.
    members.push(report("m6", "Hang", "m2"));
    let (plan, after) = sync(&Org::default(), &roster(members), &options());
    assert_eq!(manager_of(&after, "m3").as_deref(), Some("m0"));
    for (who, boss) in [
        ("m4", "m5"),
        ("m5", "m1"),
        ("m1", "m2"),
        ("m2", "m3"),
        ("m6", "m2"),
    ] {
        assert_eq!(manager_of(&after, who).as_deref(), Some(boss), "{who}");
    }
    let loops: Vec<&String> = plan
        .warnings
        .iter()
        .filter(|w| w.contains("loop"))
        .collect();
    assert_eq!(loops.len(), 1, "{:?}", plan.warnings);
    for n in 1..=5 {
        assert!(loops[0].contains(&format!("(m{n})")), "{}", loops[0]);
    }
}

#[test]
fn a_member_who_manages_themself_reports_to_the_org_head() {
    let (plan, after) = sync(
        &Org::default(),
        &roster(vec![ceo(), report("m1", "Ana", "m1")]),
        &options(),
    );
    assert_eq!(manager_of(&after, "m1").as_deref(), Some("m0"));
    assert!(warned(&plan, "loop"));
}

#[test]
fn unknown_start_dates_break_loops_last() {
    let members = vec![
        ceo(),
        report("m1", "Ana", "m2"),
        RosterMember {
            start_date: Some(date(2024, 1, 1)),
            ..report("m2", "Bo", "m1")
        },
    ];
    let (_, after) = sync(&Org::default(), &roster(members), &options());
    assert_eq!(manager_of(&after, "m2").as_deref(), Some("m0"));
}

#[test]
fn a_new_org_head_becomes_the_single_root() {
    let org = synced(vec![ceo(), report("m1", "Ana", "m0")]);
    let members = vec![
        report("m0", "Grace", "m1"),
        RosterMember {
            manager_id: None,
            ..report("m1", "Ana", "m0")
        },
    ];
    let mut opts = options();
    opts.org_head = "Ana Report".to_owned();
    let (_, after) = sync(&org, &roster(members), &opts);
    assert_eq!(seat(&after, "m1").manager_job_id, None);
    assert_eq!(manager_of(&after, "m0").as_deref(), Some("m1"));
}

#[test]
fn an_open_job_under_a_closed_job_moves_to_the_org_head() {
    let gone = |id: &str, given: &str, manager: &str| RosterMember {
        termination_date: Some(date(2026, 6, 1)),
        ..report(id, given, manager)
    };
    let org = synced(vec![
        ceo(),
        report("m1", "Ana", "m0"),
        report("m2", "Bo", "m1"),
    ]);
    let bo_job = seat(&org, "m2").id.clone();
    // Bo leaves (his job stays open under Ana's), then Ana leaves with *departures only*.
    let (_, org) = sync(
        &org,
        &roster(vec![
            ceo(),
            report("m1", "Ana", "m0"),
            gone("m2", "Bo", "m1"),
        ]),
        &options(),
    );
    let mut opts = options();
    opts.departures = crate::sync::options::Departures::DeparturesOnly;
    let (plan, after) = sync(
        &org,
        &roster(vec![ceo(), gone("m1", "Ana", "m0"), gone("m2", "Bo", "m1")]),
        &opts,
    );
    let ceo_job = seat(&after, "m0").id.clone();
    assert_eq!(
        job(&after, &bo_job).manager_job_id.as_deref(),
        Some(ceo_job.as_str())
    );
    assert!(
        warned(
            &plan,
            "reported to a closed job; it now reports to the org head"
        ),
        "{:?}",
        plan.warnings
    );
    let manager = rows(&plan, "manager");
    assert_eq!(manager.len(), 1);
    assert_eq!(manager[0].person_id, None, "an open job");
    assert_eq!(manager[0].old.as_deref(), Some("Ana Report"));
}

#[test]
fn with_managers_off_the_old_top_goes_under_the_new_org_head() {
    let org = synced(vec![ceo(), report("m1", "Ana", "m0")]);
    let mut opts = options();
    opts.sync_managers = false;
    opts.org_head = "Ana Report".to_owned();
    let (plan, after) = sync(&org, &roster(vec![ceo(), report("m1", "Ana", "m0")]), &opts);
    assert_eq!(seat(&after, "m1").manager_job_id, None);
    assert_eq!(manager_of(&after, "m0").as_deref(), Some("m1"));
    assert!(
        warned(&plan, "Grace Hopper's job was a second top of the tree"),
        "{:?}",
        plan.warnings
    );
}
