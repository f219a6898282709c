//! What a plan tells the safeguards (`GuardFacts`): one table per fact, each case a
//! prior org and a pull.

use super::support::*;
use crate::org::change::GuardFacts;
use crate::org::model::{Org, SyncStop};
use crate::org::roster::RosterMember;

/// Grace heads Ana and Bo; Cy reports to Ana. Each has an employee ID (E0…E3).
fn company() -> Vec<RosterMember> {
    vec![
        numbered(ceo(), "E0"),
        numbered(report("m1", "Ana", "m0"), "E1"),
        numbered(report("m2", "Bo", "m0"), "E2"),
        numbered(report("m3", "Cy", "m1"), "E3"),
    ]
}

fn numbered(member: RosterMember, work_id: &str) -> RosterMember {
    RosterMember {
        work_id: Some(work_id.to_owned()),
        ..member
    }
}

/// `members` with one member changed.
fn with(
    mut members: Vec<RosterMember>,
    id: &str,
    change: impl FnOnce(&mut RosterMember),
) -> Vec<RosterMember> {
    change(
        members
            .iter_mut()
            .find(|m| m.id == id)
            .expect("the member is in the pull"),
    );
    members
}

/// `members` without some of them (absent from the pull).
fn without(mut members: Vec<RosterMember>, ids: &[&str]) -> Vec<RosterMember> {
    members.retain(|m| !ids.contains(&m.id.as_str()));
    members
}

fn gone(member: &mut RosterMember) {
    member.active = false;
}

fn manager(id: &'static str) -> impl FnOnce(&mut RosterMember) {
    move |member| member.manager_id = Some(id.to_owned())
}

fn email(address: &'static str) -> impl FnOnce(&mut RosterMember) {
    move |member| member.emails = vec![work_email(address)]
}

fn empty() -> Org {
    Org::default()
}

fn company_synced() -> Org {
    synced(company())
}

/// The company after Bo left.
fn bo_departed() -> Org {
    let pull = with(company(), "m2", gone);
    sync(&company_synced(), &roster(pull), &options()).1
}

/// The company, with Dee (m4, dee@acme.test) who left.
fn dee_departed() -> Org {
    let dee = numbered(report("m4", "Dee", "m0"), "E4");
    let mut members = company();
    members.push(dee);
    let org = synced(members.clone());
    sync(&org, &roster(with(members, "m4", gone)), &options()).1
}

fn dee_still_gone() -> Vec<RosterMember> {
    let mut members = company();
    members.push(RosterMember {
        active: false,
        ..numbered(report("m4", "Dee", "m0"), "E4")
    });
    members
}

/// One case: the org before, the pull, and the number the fact must be.
type Case = (&'static str, fn() -> Org, fn() -> Vec<RosterMember>, u64);

/// Plans each case (checking that planning again changes nothing) and compares one fact.
fn check(cases: &[Case], fact: fn(&GuardFacts) -> u64) {
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|&(name, org, pull, want)| {
            let (plan, _) = sync(&org(), &roster(pull()), &options());
            let got = fact(&plan.facts);
            (got != want).then(|| format!("{name}: {got} instead of {want} ({:?})", plan.facts))
        })
        .collect();
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn active_people_before_the_plan_are_counted_from_every_source() {
    check(
        &[
            ("a first sync", empty, company, 0),
            ("the company as it was", company_synced, company, 4),
            (
                "Bo left in an earlier sync",
                bo_departed,
                || with(company(), "m2", gone),
                3,
            ),
            (
                "a person added by hand",
                || {
                    let mut org = company_synced();
                    org.people
                        .push(manual_person("hand-1", "Hal Hand", Some("hal@acme.test")));
                    org
                },
                company,
                5,
            ),
            ("Bo comes back", bo_departed, company, 3),
        ],
        |f| f.active_before,
    );
}

#[test]
fn departures_are_the_people_the_plan_departs() {
    check(
        &[
            ("no one leaves", company_synced, company, 0),
            (
                "Bo leaves",
                company_synced,
                || with(company(), "m2", gone),
                1,
            ),
            (
                "Bo and Cy leave",
                company_synced,
                || with(with(company(), "m2", gone), "m3", gone),
                2,
            ),
            (
                "Bo left before and is still gone",
                bo_departed,
                || with(company(), "m2", gone),
                0,
            ),
            (
                "a member seen for the first time has already left",
                company_synced,
                dee_still_gone,
                0,
            ),
        ],
        |f| f.departures,
    );
}

#[test]
fn manager_changes_count_people_who_stay_and_get_another_manager() {
    check(
        &[
            ("nothing changes", company_synced, company, 0),
            (
                "Bo moves under Ana",
                company_synced,
                || with(company(), "m2", manager("m1")),
                1,
            ),
            (
                "Bo moves under Ana and Cy under Grace",
                company_synced,
                || with(with(company(), "m2", manager("m1")), "m3", manager("m0")),
                2,
            ),
            (
                "Ana leaves: Cy moves to the org head, Ana's departure is not a manager change",
                company_synced,
                || with(company(), "m1", gone),
                1,
            ),
            (
                "a new hire under Ana",
                company_synced,
                || {
                    let mut members = company();
                    members.push(report("m9", "Eve", "m1"));
                    members
                },
                0,
            ),
            (
                "Bo is rehired under Ana",
                bo_departed,
                || with(company(), "m2", manager("m1")),
                0,
            ),
            (
                "Ana's title changes",
                company_synced,
                || with(company(), "m1", |m| m.job_title = Some("CTO".to_owned())),
                0,
            ),
        ],
        |f| f.manager_changes,
    );
}

#[test]
fn people_synced_before_count_linked_active_unfrozen_people_from_justworks() {
    check(
        &[
            ("a first sync", empty, company, 0),
            ("the company as it was", company_synced, company, 4),
            ("Bo left in an earlier sync", bo_departed, company, 3),
            (
                "Cy is excluded (frozen)",
                || {
                    let mut org = company_synced();
                    person_mut(&mut org, "m3").sync_stopped = Some(SyncStop::Excluded);
                    org
                },
                || without(company(), &["m3"]),
                3,
            ),
            (
                "a person added by hand",
                || {
                    let mut org = company_synced();
                    org.people
                        .push(manual_person("hand-1", "Hal Hand", Some("hal@acme.test")));
                    org
                },
                company,
                4,
            ),
        ],
        |f| f.synced_before,
    );
}

#[test]
fn missing_people_are_those_synced_before_whose_member_is_not_in_the_pull() {
    check(
        &[
            ("everyone is there", company_synced, company, 0),
            (
                "Bo is absent",
                company_synced,
                || without(company(), &["m2"]),
                1,
            ),
            (
                "Bo and Cy are absent",
                company_synced,
                || without(company(), &["m2", "m3"]),
                2,
            ),
            (
                "Bo is absent and Cy, frozen, too",
                || {
                    let mut org = company_synced();
                    person_mut(&mut org, "m3").sync_stopped = Some(SyncStop::Excluded);
                    org
                },
                || without(company(), &["m2", "m3"]),
                1,
            ),
            (
                "Bo, who left before, is absent",
                bo_departed,
                || without(company(), &["m2"]),
                0,
            ),
            (
                "Bo is there but leaving",
                company_synced,
                || with(company(), "m2", gone),
                0,
            ),
        ],
        |f| f.missing,
    );
}

#[test]
fn swaps_count_people_who_take_a_work_email_or_employee_id_someone_else_had() {
    check(
        &[
            ("nothing changes", company_synced, company, 0),
            (
                "Ana and Bo trade work emails",
                company_synced,
                || {
                    let members = with(company(), "m1", email("bo@acme.test"));
                    with(members, "m2", email("ana@acme.test"))
                },
                2,
            ),
            (
                "Ana takes Bo's work email in capitals, Bo gets a new one",
                company_synced,
                || {
                    let members = with(company(), "m1", email(" BO@Acme.test"));
                    with(members, "m2", email("bo.new@acme.test"))
                },
                1,
            ),
            (
                "Ana's work email changes case only",
                company_synced,
                || with(company(), "m1", email("ANA@acme.test")),
                0,
            ),
            (
                "Ana gets a work email no one had",
                company_synced,
                || with(company(), "m1", email("ana.souza@acme.test")),
                0,
            ),
            (
                "Ana takes Bo's employee ID, Bo gets a new one",
                company_synced,
                || {
                    let members = with(company(), "m1", |m| m.work_id = Some("E2".to_owned()));
                    with(members, "m2", |m| m.work_id = Some("E9".to_owned()))
                },
                1,
            ),
            (
                "Ana takes Bo's work email and employee ID: one person",
                company_synced,
                || {
                    with(company(), "m1", |m| {
                        m.emails = vec![work_email("bo@acme.test")];
                        m.work_id = Some("E2".to_owned());
                    })
                },
                1,
            ),
            (
                "Ana takes the work email of Dee, who left",
                dee_departed,
                || with(dee_still_gone(), "m1", email("dee@acme.test")),
                1,
            ),
            (
                "a new hire",
                company_synced,
                || {
                    let mut members = company();
                    members.push(numbered(report("m9", "Eve", "m1"), "E9"));
                    members
                },
                0,
            ),
        ],
        |f| f.swaps,
    );
}
