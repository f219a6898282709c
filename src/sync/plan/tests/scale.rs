//! A large company: the first sync, a re-sync with nothing changed, and a re-sync with
//! 1% changed, checked for correctness (timings are printed, not asserted). 100 000
//! members in release builds, 20 000 in debug ones:
//! `cargo test --release --lib sync::plan -- --nocapture scale`.

use std::collections::HashMap;
use std::time::Instant;

use jiff::ToSpan;

use super::support::*;
use crate::org::change::Plan;
use crate::org::model::{JobStatus, Org, Source};
use crate::org::roster::{Roster, RosterMember};

fn company(n: usize) -> Roster {
    let members = (0..n)
        .map(|i| {
            let base = if i == 0 {
                ceo()
            } else {
                report(
                    &format!("m{i}"),
                    &format!("Given{i}"),
                    &format!("m{}", (i - 1) / 8),
                )
            };
            RosterMember {
                work_id: Some(format!("E{i}")),
                job_title: Some(format!("Title {}", i % 50)),
                department: Some(reference(if i % 2 == 0 { "dep_1" } else { "dep_2" }, None)),
                office: (i % 3 != 0).then(|| reference("off_1", None)),
                start_date: Some(TODAY - ((i % 3000) as i64).days()),
                emails: vec![
                    work_email(&format!("m{i}@acme.test")),
                    personal_email(&format!("m{i}@home.test")),
                ],
                phones: vec![phone(&format!("+1 212 555 {i:04}"))],
                addresses: vec![home(&format!("{i} Main St"), "Brooklyn")],
                date_of_birth: Some(TODAY - (9000 + (i % 5000) as i64).days()),
                gender: Some("Woman".to_owned()),
                eeo1_race: Some("Asian".to_owned()),
                pay: Some(salary(10_000_000 + i as i64, "USD")),
                pay_frequency: Some("semimonthly".to_owned()),
                ..base
            }
        })
        .collect();
    roster(members)
}

/// On-CPU time of this thread, where Linux tells it: wall time on a busy machine says
/// more about the neighbours than about the plan.
fn cpu_time() -> Option<std::time::Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanos = stat.split_whitespace().next()?.parse().ok()?;
    Some(std::time::Duration::from_nanos(nanos))
}

/// Plans, timing the plan alone: the roster is copied before.
fn timed(what: &str, org: &Org, roster: &Roster) -> Plan {
    let roster = roster.clone();
    let (wall, cpu) = (Instant::now(), cpu_time());
    let plan = try_plan_taking(org, roster, &options()).expect("plans");
    let cpu = cpu.zip(cpu_time()).map(|(before, after)| after - before);
    println!(
        "scale: {what}: {:?} wall, {cpu:?} on CPU ({} people, {} jobs, {} history rows)",
        wall.elapsed(),
        plan.people.len(),
        plan.jobs.len(),
        plan.history.len()
    );
    plan
}

#[test]
fn scale_a_large_company_syncs_in_one_pass_and_again_to_nothing() {
    let n = if cfg!(debug_assertions) {
        20_000
    } else {
        100_000
    };
    let roster = company(n);

    let first = timed("first sync", &Org::default(), &roster);
    assert_eq!(first.counts.created as usize, n);
    let mut org = Org::default();
    first.apply_to(&mut org);
    drop(first);

    // Everyone holds one seat, and every seat reaches the org head.
    let mut seats: HashMap<&str, usize> = HashMap::new();
    for job in org
        .jobs
        .iter()
        .filter(|j| j.source == Source::Justworks && j.status == JobStatus::Filled)
    {
        *seats
            .entry(job.person_id.as_deref().expect("held"))
            .or_default() += 1;
    }
    assert_eq!(seats.len(), n);
    assert!(seats.values().all(|&s| s == 1));
    let at: HashMap<&str, usize> = org
        .jobs
        .iter()
        .enumerate()
        .map(|(i, j)| (j.id.as_str(), i))
        .collect();
    let depth_ok = org.jobs.iter().all(|job| {
        let mut at_job = job;
        for _ in 0..64 {
            match at_job.manager_job_id.as_deref() {
                None => return true,
                Some(id) => at_job = &org.jobs[at[id]],
            }
        }
        false
    });
    assert!(depth_ok);

    let again = timed("re-sync, nothing changed", &org, &roster);
    assert!(again.is_empty() && again.history.is_empty());
    assert_eq!(again.counts.unchanged as usize, n);

    let mut changed = roster.clone();
    for m in changed.members.iter_mut().skip(1).step_by(100) {
        m.job_title = Some("Promoted".to_owned());
    }
    let one_percent = timed("re-sync, 1% changed", &org, &changed);
    assert_eq!(one_percent.counts.updated as usize, n.div_ceil(100));

    if let Ok(status) = std::fs::read_to_string("/proc/self/status")
        && let Some(peak) = status.lines().find(|l| l.starts_with("VmHWM"))
    {
        let peak = peak.trim_start_matches("VmHWM:").trim();
        println!("scale: peak memory of the test process: {peak}");
    }
}
