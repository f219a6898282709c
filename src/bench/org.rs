//! The generated org the page benchmark measures: 1 org head, 10 VPs, 100 directors,
//! 1 000 managers and the rest their reports, every 50th person departed (closed job),
//! an open job under every manager — the shape of a large company, deterministic so
//! that figures of two runs compare.

use crate::org::model::{Compensation, Job, JobStatus, Person, PersonStatus, Source};
use jiff::civil::date;

/// The fewest people the shape above needs (head, VPs, directors, managers, one report).
pub const SMALLEST: usize = 1_112;

const GIVEN: &[&str] = &[
    "Ana", "Ben", "Cora", "Dev", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jun", "Kai", "Lea", "Moe",
    "Nia", "Oto", "Pia", "Quin", "Rui", "Sol", "Tia",
];
const FAMILY: &[&str] = &[
    "Souza", "Li", "Okafor", "Novak", "Tanaka", "Garcia", "Smith", "Haddad", "Kim", "Rossi",
    "Ivanova", "Nguyen", "Brown", "Cohen", "Silva", "Khan", "Müller", "Dubois", "Lopez", "Jones",
];
const DEPARTMENTS: &[&str] = &[
    "Engineering",
    "Sales",
    "Support",
    "Finance",
    "People",
    "Ops",
];
const LOCATIONS: &[&str] = &["New York", "London", "Berlin", "Remote", "Austin"];
const TITLES: &[&str] = &[
    "Engineer",
    "Account Executive",
    "Analyst",
    "Designer",
    "Specialist",
];

/// Person `p{i:06}` holds job `j{i:06}`; the open jobs are `open{m:04}`.
pub fn generate(n: usize) -> (Vec<Person>, Vec<Job>) {
    let mut people = Vec::with_capacity(n);
    let mut jobs = Vec::with_capacity(n + 1_000);
    for i in 0..n {
        let id = format!("p{i:06}");
        let name = format!(
            "{} {} {i}",
            GIVEN[i % GIVEN.len()],
            FAMILY[(i / GIVEN.len()) % FAMILY.len()]
        );
        let departed = i % 50 == 49;
        people.push(person(&id, &name, &format!("user{i}@acme.test"), departed));
        let (title, manager) = match i {
            0 => ("CEO".to_owned(), None),
            1..=10 => ("VP".to_owned(), Some("j000000".to_owned())),
            11..=110 => (
                "Director".to_owned(),
                Some(format!("j{:06}", 1 + (i - 11) / 10)),
            ),
            111..=1110 => (
                "Manager".to_owned(),
                Some(format!("j{:06}", 11 + (i - 111) / 10)),
            ),
            _ => (
                TITLES[i % TITLES.len()].to_owned(),
                Some(format!("j{:06}", 111 + (i - 1111) % 1000)),
            ),
        };
        let mut j = job(
            &format!("j{i:06}"),
            Some(&id),
            &title,
            (
                DEPARTMENTS[i % DEPARTMENTS.len()],
                LOCATIONS[i % LOCATIONS.len()],
            ),
            manager,
        );
        if departed {
            j.status = JobStatus::Closed;
        }
        j.compensation = Some(Compensation {
            amount_minor: 10_000_000 + i as i64,
            currency: "USD".into(),
            basis: Some("salary".into()),
            frequency: Some("semimonthly".into()),
        });
        jobs.push(j);
    }
    for m in 0..1_000 {
        jobs.push(job(
            &format!("open{m:04}"),
            None,
            "Senior Engineer",
            ("Engineering", "Remote"),
            Some(format!("j{:06}", 111 + m)),
        ));
    }
    (people, jobs)
}

fn person(id: &str, name: &str, email: &str, departed: bool) -> Person {
    let (given, family) = name.split_once(' ').unwrap_or((name, ""));
    let status = if departed {
        PersonStatus::Departed
    } else {
        PersonStatus::Active
    };
    Person {
        justworks_id: Some(format!("jw-{id}")),
        given_name: Some(given.into()),
        family_name: Some(family.into()),
        work_email: Some(email.into()),
        birthdate: Some(date(1990, 1, 1)),
        employment_type: Some("Full-time".into()),
        start_date: Some(date(2024, 2, 1)),
        ..Person::named(id.into(), Source::Justworks, status, name.into())
    }
}

fn job(
    id: &str,
    holder: Option<&str>,
    title: &str,
    group: (&str, &str),
    manager: Option<String>,
) -> Job {
    Job {
        id: id.into(),
        source: Source::Justworks,
        person_id: holder.map(str::to_owned),
        status: if holder.is_some() {
            JobStatus::Filled
        } else {
            JobStatus::Open
        },
        title: Some(title.into()),
        department: Some(group.0.into()),
        location: Some(group.1.into()),
        manager_job_id: manager,
        compensation: None,
        start_date: Some(date(2024, 2, 1)),
        end_date: None,
        hand: Default::default(),
    }
}
