//! What the people tests share: people and jobs built in code, written the way a sync
//! writes them, the Acme org they see, and readers for pages and JSON.

use crate::helpers::*;
use jiff::civil::date;
use orgsync::db::Db;
use orgsync::org::change::{ChangeKind, Entity, FieldChange, JobChange, PersonChange, Plan};
use orgsync::org::model::{
    Address, Compensation, Job, JobStatus, Person, PersonStatus, Phone, Source,
};
use orgsync::org::store::{apply_plan, load_org, refresh_headcounts};
use serde_json::Value;
use std::time::{Duration, Instant};

pub(crate) const RUN_ID: &str = "run-0001";

/// The sensitive values of Ana Souza; none may reach a Member or a Technical Owner.
pub(crate) const ANA_SECRETS: &[&str] = &[
    "160,000.00",
    "16000000",
    "1991-07-08",
    "Nonbinary",
    "Hispanic or Latino",
    "ana.home@example.com",
    "212 555 0101",
    "1 Main St",
    "150000.00 USD",
];

/// Mia Member's own sensitive values (she may see them; others may not).
pub(crate) const MIA_SECRETS: &[&str] = &["90,000.00", "1990-05-06", "mia.home@example.com"];

pub(crate) fn person(id: &str, name: &str, email: Option<&str>) -> Person {
    let (given, family) = name.split_once(' ').unwrap_or((name, ""));
    Person {
        justworks_id: Some(format!("jw-{id}")),
        given_name: Some(given.into()),
        family_name: Some(family.into()),
        work_email: email.map(str::to_owned),
        employment_type: Some("Full-time".into()),
        start_date: Some(date(2024, 2, 1)),
        ..Person::named(
            id.into(),
            Source::Justworks,
            PersonStatus::Active,
            name.into(),
        )
    }
}

pub(crate) fn job(
    id: &str,
    holder: Option<&str>,
    title: &str,
    group: (&str, &str),
    manager: Option<&str>,
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
        manager_job_id: manager.map(str::to_owned),
        compensation: None,
        start_date: Some(date(2024, 2, 1)),
        end_date: None,
        hand: Default::default(),
    }
}

pub(crate) fn salary(amount_minor: i64) -> Option<Compensation> {
    Some(Compensation {
        amount_minor,
        currency: "USD".into(),
        basis: Some("salary".into()),
        frequency: Some("semimonthly".into()),
    })
}

pub(crate) fn change(
    person: &Person,
    kind: ChangeKind,
    field: &'static str,
    old: &str,
    new: &str,
    sensitive: bool,
) -> FieldChange {
    FieldChange {
        entity: Entity::Person,
        entity_id: person.id.clone(),
        person_id: Some(person.id.clone()),
        person_name: person.name.clone(),
        kind,
        field,
        old: Some(old.into()),
        new: Some(new.into()),
        sensitive,
    }
}

/// Writes people, jobs and history as one sync run would, then the headcounts; returns
/// how long each took.
pub(crate) async fn write_org(
    app: &TestApp,
    people: Vec<Person>,
    jobs: Vec<Job>,
    history: Vec<FieldChange>,
) -> (Duration, Duration) {
    let db = Db::connect(app.config.database_url.expose())
        .await
        .expect("the app's database");
    let plan = Plan {
        people: people
            .into_iter()
            .map(|p| PersonChange::Create(Box::new(p)))
            .collect(),
        jobs: jobs
            .into_iter()
            .map(|j| JobChange::Create(Box::new(j)))
            .collect(),
        history,
        ..Plan::default()
    };
    let mut tx = db.begin().await.unwrap();
    sqlx::query(
        "INSERT INTO sync_runs (id, app, status, cause, queued_at, started_at, finished_at) \
         VALUES ($1, 'justworks', 'complete', 'manual', 1764136800000, 1764136800000, \
         1764136860000) ON CONFLICT (id) DO NOTHING",
    )
    .bind(RUN_ID)
    .execute(&mut *tx)
    .await
    .unwrap();
    let started = Instant::now();
    apply_plan(&mut tx, &plan, RUN_ID, 1_764_136_860_000)
        .await
        .expect("the plan applies");
    let applied = started.elapsed();
    let org = load_org(&mut tx).await.unwrap();
    refresh_headcounts(&mut tx, &org).await.unwrap();
    tx.commit().await.unwrap();
    db.close().await;
    (applied, started.elapsed() - applied)
}

/// Ids of the seeded org.
pub(crate) struct Acme {
    pub(crate) ceo: String,
    pub(crate) ceo_job: String,
    pub(crate) vp_eng_job: String,
    pub(crate) ana: String,
    pub(crate) mia: String,
    pub(crate) dan: String,
    pub(crate) manny: String,
    pub(crate) victor: String,
}

/// Cora (org head) ← Victor (VP Eng) ← Ana, Ben, an open Senior Engineer job, and Dan
/// (departed, closed job); Cora ← Sam (VP Sales) ← Mia (the Member's own person), Zed;
/// Manny, made in orgsync by hand, at the top of a second tree.
pub(crate) async fn seed_acme(app: &TestApp) -> Acme {
    let mut cora = person("p-cora", "Cora Chief", Some("cora@acme.test"));
    cora.birthdate = Some(date(1970, 1, 2));
    let victor = person("p-victor", "Victor Vance", Some("victor@acme.test"));
    let mut ana = person("p-ana", "Ana Souza", Some("ana.souza@acme.test"));
    ana.preferred_name = Some("Annie".into());
    ana.personal_email = Some("ana.home@example.com".into());
    ana.phones = vec![Phone {
        number: "+1 212 555 0101".into(),
        kind: Some("mobile".into()),
    }];
    ana.home_address = Some(Address {
        line1: Some("1 Main St".into()),
        city: Some("Brooklyn".into()),
        state: Some("NY".into()),
        postal_code: Some("11201".into()),
        country: Some("US".into()),
        ..Address::default()
    });
    ana.birthdate = Some(date(1991, 7, 8));
    ana.gender = Some("Nonbinary".into());
    ana.ethnicity = Some("Hispanic or Latino".into());
    ana.work_id = Some("E-0042".into());
    let ben = person("p-ben", "Ben Li", Some("ben.li@acme.test"));
    let sam = person("p-sam", "Sam Seller", Some("sam@acme.test"));
    // The Member's own person: her work email differs from her login only by case.
    let mut mia = person("p-mia", "Mia Member", Some("Mia@Acme.test"));
    mia.birthdate = Some(date(1990, 5, 6));
    mia.personal_email = Some("mia.home@example.com".into());
    let zed = person(
        "p-zed",
        "Zed <script>alert(1)</script> O'Brien",
        Some("zed@acme.test"),
    );
    let mut dan = person("p-dan", "Dan Departed", Some("dan@acme.test"));
    dan.status = PersonStatus::Departed;
    dan.end_date = Some(date(2025, 1, 31));
    let mut manny = person("p-manny", "Manny Manual", None);
    manny.source = Source::Manual;
    manny.justworks_id = None;

    let mut jobs = vec![
        job(
            "j-cora",
            Some("p-cora"),
            "Chief Executive Officer",
            ("Executive", "New York"),
            None,
        ),
        job(
            "j-victor",
            Some("p-victor"),
            "VP Engineering",
            ("Engineering", "New York"),
            Some("j-cora"),
        ),
        job(
            "j-ana",
            Some("p-ana"),
            "Software Engineer",
            ("Engineering", "Remote"),
            Some("j-victor"),
        ),
        job(
            "j-ben",
            Some("p-ben"),
            "Staff Engineer",
            ("Engineering", "Berlin"),
            Some("j-victor"),
        ),
        job(
            "j-open",
            None,
            "Senior Engineer",
            ("Engineering", "New York"),
            Some("j-victor"),
        ),
        job(
            "j-sam",
            Some("p-sam"),
            "VP Sales",
            ("Sales", "London"),
            Some("j-cora"),
        ),
        job(
            "j-mia",
            Some("p-mia"),
            "Account Executive",
            ("Sales", "London"),
            Some("j-sam"),
        ),
        job(
            "j-zed",
            Some("p-zed"),
            "Sales Engineer",
            ("Sales", "London"),
            Some("j-sam"),
        ),
        job(
            "j-dan",
            Some("p-dan"),
            "QA Engineer",
            ("Engineering", "New York"),
            Some("j-victor"),
        ),
        job(
            "j-manny",
            Some("p-manny"),
            "Board Advisor",
            ("Board", "Remote"),
            None,
        ),
    ];
    jobs[0].compensation = salary(30_000_000);
    jobs[2].compensation = salary(16_000_000);
    jobs[6].compensation = salary(9_000_000);
    jobs[8].status = JobStatus::Closed;
    jobs[9].source = Source::Manual;

    let history = vec![
        change(
            &ana,
            ChangeKind::TitleChange,
            "title",
            "Engineer",
            "Software Engineer",
            false,
        ),
        change(
            &ana,
            ChangeKind::CompensationChange,
            "compensation",
            "150000.00 USD (salary)",
            "160000.00 USD (salary)",
            true,
        ),
        change(
            &mia,
            ChangeKind::CompensationChange,
            "compensation",
            "85000.00 USD (salary)",
            "90000.00 USD (salary)",
            true,
        ),
    ];
    write_org(
        app,
        vec![cora, victor, ana, ben, sam, mia, zed, dan, manny],
        jobs,
        history,
    )
    .await;
    Acme {
        ceo: "p-cora".into(),
        ceo_job: "j-cora".into(),
        vp_eng_job: "j-victor".into(),
        ana: "p-ana".into(),
        mia: "p-mia".into(),
        dan: "p-dan".into(),
        manny: "p-manny".into(),
        victor: "p-victor".into(),
    }
}

pub(crate) fn json(page: &Page) -> Value {
    serde_json::from_str(&page.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", page.body))
}

pub(crate) fn keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v.as_object().expect("an object").keys().cloned().collect();
    k.sort();
    k
}

pub(crate) const PUBLIC_KEYS: &[&str] = &[
    "department",
    "employment_type",
    "end_date",
    "id",
    "justworks_id",
    "location",
    "manager_id",
    "manager_job_id",
    "name",
    "pinned",
    "preferred_name",
    "sources",
    "start_date",
    "status",
    "title",
    "work_email",
];

pub(crate) const SENSITIVE_KEYS: &[&str] = &[
    "birthdate",
    "compensation",
    "ethnicity",
    "gender",
    "home_address",
    "personal_email",
    "phones",
];

pub(crate) fn public_keys() -> Vec<String> {
    PUBLIC_KEYS.iter().map(|k| k.to_string()).collect()
}

pub(crate) fn all_keys() -> Vec<String> {
    let mut k: Vec<String> = PUBLIC_KEYS
        .iter()
        .chain(SENSITIVE_KEYS)
        .map(|k| k.to_string())
        .collect();
    k.sort();
    k
}

/// Every link of a page, entities decoded.
pub(crate) fn hrefs(page: &Page) -> Vec<String> {
    tags(&page.body)
        .filter_map(|t| attr(t, "href"))
        .map(|h| html_text(&h))
        .collect()
}

/// The names in the directory's first column, in order.
pub(crate) fn listed_names(page: &Page) -> Vec<String> {
    page.body
        .split("<tr")
        .filter(|row| row.contains("<td>"))
        .filter_map(|row| {
            let s = &row[row.find("<a href=\"/people/")?..];
            let s = &s[s.find('>')? + 1..];
            Some(html_text(&s[..s.find("</a>")?]))
        })
        .collect()
}
