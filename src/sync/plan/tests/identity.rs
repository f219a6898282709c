//! Who is who: the link, the work email, never the name; duplicates, exclusions,
//! contractors, people who vanish, and people not from Justworks.

use super::props_cases::manual_part;
use super::support::*;
use crate::org::change::{ChangeKind, PersonChange, PlanError};
use crate::org::model::{Org, Person, PersonStatus, Source, SyncStop};
use crate::org::roster::{EmploymentType, RosterMember};

#[test]
fn a_member_is_matched_by_id() {
    let org = synced(vec![ceo(), report("m1", "Ana", "m0")]);
    let before = person(&org, "m1").clone();
    // A new name and a new work email: still the same person, by the link.
    let renamed = RosterMember {
        emails: vec![work_email("ana.souza@acme.test")],
        ..report("m1", "Aninha", "m0")
    };
    let (plan, after) = sync(&org, &roster(vec![ceo(), renamed]), &options());
    let now = person(&after, "m1");
    assert_eq!(now.id, before.id);
    assert_eq!(now.name, "Aninha Report");
    assert_eq!(now.work_email.as_deref(), Some("ana.souza@acme.test"));
    assert_eq!(after.people.len(), org.people.len());
    assert_eq!(plan.counts.created, 0);
    assert_eq!(plan.counts.updated, 1);
    assert_eq!(plan.counts.unchanged, 1);
}

#[test]
fn a_member_is_matched_by_work_email_case_insensitively_and_linked() {
    let mut org = synced(vec![ceo(), report("m1", "Ana", "m0")]);
    // Imported before links existed: no member id, the email in another case.
    let ana = person_mut(&mut org, "m1");
    ana.justworks_id = None;
    ana.work_email = Some("  ANA@Acme.Test ".to_owned());
    let ana_id = ana.id.clone();
    let (plan, after) = sync(
        &org,
        &roster(vec![ceo(), report("m1", "Ana", "m0")]),
        &options(),
    );
    assert_eq!(person(&after, "m1").id, ana_id);
    assert_eq!(after.people.len(), 2);
    let link = rows(&plan, "justworks_id");
    assert_eq!(link.len(), 1);
    assert_eq!(link[0].old, None);
    assert_eq!(link[0].new.as_deref(), Some("m1"));
    assert_eq!(link[0].kind, ChangeKind::Other);
}

#[test]
fn a_work_email_never_takes_a_person_linked_to_another_member_of_the_pull() {
    let org = synced(vec![ceo(), report("m1", "Ana", "m0")]);
    // A second member claims Ana's address; Ana is still in the pull under her own id.
    let impostor = RosterMember {
        emails: vec![work_email("ana@acme.test")],
        ..report("m2", "Bo", "m0")
    };
    let ana = RosterMember {
        emails: vec![work_email("ana.new@acme.test")],
        ..report("m1", "Ana", "m0")
    };
    let (plan, after) = sync(&org, &roster(vec![ceo(), ana, impostor]), &options());
    assert_eq!(plan.counts.created, 1);
    assert_ne!(person(&after, "m2").id, person(&after, "m1").id);
}

#[test]
fn a_name_only_match_creates_a_new_person_with_a_possible_duplicate_warning() {
    let mut org = synced(vec![ceo()]);
    org.people.push(manual_person(
        "hand-1",
        "ana  REPORT",
        Some("someone@else.test"),
    ));
    let (plan, after) = sync(
        &org,
        &roster(vec![ceo(), report("m1", "Ana", "m0")]),
        &options(),
    );
    assert_eq!(plan.counts.created, 1);
    assert!(
        warned(&plan, "possible duplicate: Ana Report (m1)"),
        "{:?}",
        plan.warnings
    );
    assert!(warned(&plan, "hand-1"));
    assert_eq!(after.people.len(), 3);
    assert_ne!(person(&after, "m1").id, "hand-1");
}

#[test]
fn duplicate_member_ids_fail_before_changing_anything() {
    let org = synced(vec![ceo()]);
    let twice = roster(vec![
        ceo(),
        report("m1", "Ana", "m0"),
        report("m1", "Bo", "m0"),
    ]);
    assert_eq!(
        try_plan(&org, &twice, &options()),
        Err(PlanError::DuplicateMemberId("m1".to_owned()))
    );
}

#[test]
fn a_shared_work_email_warns_and_matches_by_id_only() {
    let mut org = synced(vec![ceo()]);
    // An unlinked person with the shared address would be an email match for either.
    let mut unlinked = manual_person("old-1", "Ana Report", Some("team@acme.test"));
    unlinked.source = Source::Justworks;
    org.people.push(unlinked);
    let shared = |id: &str, given: &str| RosterMember {
        emails: vec![work_email("team@acme.test")],
        ..report(id, given, "m0")
    };
    let (plan, after) = sync(
        &org,
        &roster(vec![ceo(), shared("m1", "Ana"), shared("m2", "Bo")]),
        &options(),
    );
    let warning: Vec<&String> = plan
        .warnings
        .iter()
        .filter(|w| w.contains("share the work email"))
        .collect();
    assert_eq!(warning.len(), 1, "{:?}", plan.warnings);
    assert!(warning[0].contains("Ana Report (m1) and Bo Report (m2)"));
    assert_eq!(plan.counts.created, 2);
    let old = after.people.iter().find(|p| p.id == "old-1").expect("kept");
    assert_eq!(old.justworks_id, None, "matched by email after all");
}

#[test]
fn people_not_from_justworks_are_never_matched_by_email() {
    let mut org = synced(vec![ceo()]);
    org.people.push(manual_person(
        "hand-1",
        "Someone Else",
        Some("ana@acme.test"),
    ));
    let (plan, after) = sync(
        &org,
        &roster(vec![ceo(), report("m1", "Ana", "m0")]),
        &options(),
    );
    assert_eq!(plan.counts.created, 1);
    assert_ne!(person(&after, "m1").id, "hand-1");
}

#[test]
fn excluded_ids_are_skipped_by_member_id_and_work_id() {
    let by_work_id = RosterMember {
        work_id: Some("E-7".to_owned()),
        ..report("m2", "Bo", "m0")
    };
    let members = vec![ceo(), report("m1", "Ana", "m0"), by_work_id];
    let mut opts = options();
    opts.exclude_ids = vec!["m1".to_owned(), " E-7 ".to_owned()];
    let (plan, after) = sync(&Org::default(), &roster(members), &opts);
    assert_eq!(plan.counts.excluded, 2);
    assert_eq!(plan.counts.created, 1);
    assert!(plan.warnings.is_empty(), "{:?}", plan.warnings);
    assert_eq!(after.people.len(), 1);
}

#[test]
fn an_excluded_member_s_person_is_left_untouched_but_marked() {
    let org = synced(vec![ceo(), report("m1", "Ana", "m0")]);
    let changed = RosterMember {
        job_title: Some("Chief Everything".to_owned()),
        active: false,
        ..report("m1", "Anabel", "m0")
    };
    let mut opts = options();
    opts.exclude_ids = vec!["m1".to_owned()];
    let (plan, after) = sync(&org, &roster(vec![ceo(), changed]), &opts);
    assert_eq!(plan.counts.excluded, 1);
    assert_eq!(plan.jobs, []);
    let frozen = Person {
        sync_stopped: Some(SyncStop::Excluded),
        ..person(&org, "m1").clone()
    };
    assert_eq!(person(&after, "m1"), &frozen);
    assert_eq!(seat(&after, "m1"), seat(&org, "m1"));
}

#[test]
fn contractors_are_excluded_when_not_included() {
    let contractor = RosterMember {
        employment_type: Some(EmploymentType::Contractor),
        ..report("m1", "Ana", "m0")
    };
    let mut opts = options();
    opts.include_contractors = false;
    let (plan, after) = sync(
        &Org::default(),
        &roster(vec![ceo(), contractor.clone()]),
        &opts,
    );
    assert_eq!(plan.counts.excluded, 1);
    assert_eq!(after.people.len(), 1);

    let (plan, after) = sync(
        &Org::default(),
        &roster(vec![ceo(), contractor]),
        &options(),
    );
    assert_eq!(plan.counts.excluded, 0);
    assert_eq!(
        person(&after, "m1").employment_type.as_deref(),
        Some("Contractor")
    );
}

#[test]
fn a_vanished_member_is_a_warning_not_a_departure() {
    let org = synced(vec![ceo(), report("m1", "Ana", "m0")]);
    let (plan, after) = sync(&org, &roster(vec![ceo()]), &options());
    assert!(plan.is_empty());
    assert_eq!(plan.counts.departed, 0);
    assert!(
        warned(
            &plan,
            "Ana Report (m1) is no longer in the Justworks data; left as is"
        ),
        "{:?}",
        plan.warnings
    );
    assert_eq!(plan.counts.warnings, 1);
    assert_eq!(person(&after, "m1").status, PersonStatus::Active);
}

#[test]
fn people_not_from_justworks_are_untouched() {
    let mut org = synced(vec![ceo()]);
    let ceo_job = seat(&org, "m0").id.clone();
    // Same name and email as a member, in the tree under the CEO, and linked by hand.
    let mut twin = manual_person("hand-1", "Ana Report", Some("ana@acme.test"));
    twin.justworks_id = Some("m1".to_owned());
    org.people.push(twin);
    org.jobs
        .push(manual_job("hand-job", Some("hand-1"), Some(&ceo_job)));
    let manual_before = manual_part(&org);
    let leaving = RosterMember {
        active: false,
        ..ceo()
    };
    let members = vec![
        leaving,
        RosterMember {
            manager_id: None,
            ..report("m1", "Ana", "m0")
        },
    ];
    let mut opts = options();
    opts.org_head = "Ana Report".to_owned();
    let (plan, after) = sync(&org, &roster(members), &opts);
    for change in &plan.people {
        let p = match change {
            PersonChange::Create(p) => p,
            PersonChange::Update { after, .. } => after,
        };
        assert_eq!(p.source, Source::Justworks);
        assert_ne!(p.id, "hand-1");
    }
    assert!(
        plan.history
            .iter()
            .all(|r| r.entity_id != "hand-1" && r.entity_id != "hand-job")
    );
    assert_eq!(manual_part(&after), manual_before);
}

#[test]
fn two_people_linked_to_one_member_warn_and_only_the_first_is_synced() {
    let mut org = synced(vec![ceo(), report("m1", "Ana", "m0")]);
    let mut copy = person(&org, "m1").clone();
    copy.id = "copy".to_owned();
    org.people.push(copy);
    let renamed = report("m1", "Anabel", "m0");
    let plan = try_plan(&org, &roster(vec![ceo(), renamed]), &options()).expect("plans");
    assert!(
        warned(&plan, "are both linked to Justworks member m1"),
        "{:?}",
        plan.warnings
    );
    assert_eq!(plan.people.len(), 1);
    assert!(plan.history.iter().all(|r| r.entity_id != "copy"));
}

#[test]
fn a_work_email_shared_by_several_unlinked_people_matches_none_of_them() {
    let mut org = synced(vec![ceo()]);
    for id in ["old-1", "old-2"] {
        let mut unlinked = manual_person(id, "Ana Report", Some("ana@acme.test"));
        unlinked.source = Source::Justworks;
        org.people.push(unlinked);
    }
    let (plan, after) = sync(
        &org,
        &roster(vec![ceo(), report("m1", "Ana", "m0")]),
        &options(),
    );
    assert_eq!(plan.counts.created, 1);
    assert!(
        warned(&plan, "as do Ana Report (old-1) and Ana Report (old-2)"),
        "{:?}",
        plan.warnings
    );
    assert!(!["old-1", "old-2"].contains(&person(&after, "m1").id.as_str()));
}

#[test]
fn many_vanished_people_are_named_up_to_fifty_then_counted() {
    let mut members = vec![ceo()];
    members.extend((1..=60).map(|n| report(&format!("m{n}"), &format!("P{n}"), "m0")));
    let org = synced(members);
    let (plan, _) = sync(&org, &roster(vec![ceo()]), &options());
    assert_eq!(plan.warnings.len(), 51);
    assert!(
        plan.warnings[50].starts_with("10 more people from Justworks"),
        "{}",
        plan.warnings[50]
    );
}
