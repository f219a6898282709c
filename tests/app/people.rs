//! The people directory, the person page, the org chart and the people JSON API — above
//! all, who sees whose sensitive fields. The org is written the way a sync writes it
//! (`org::store::apply_plan`), straight into the app's database.

use crate::helpers::*;
use orgsync::db::Db;
use orgsync::org::change::{ChangeKind, Entity, FieldChange, JobChange, PersonChange, Plan};
use orgsync::org::model::{
    Address, Compensation, Job, JobStatus, Person, PersonStatus, Phone, Source,
};
use orgsync::org::store::{apply_plan, load_org, refresh_headcounts};
use serde_json::Value;
use std::time::{Duration, Instant};
use time::macros::date;

const RUN_ID: &str = "run-0001";

/// The sensitive values of Ana Souza; none may reach a Member or a Technical Owner.
const ANA_SECRETS: &[&str] = &[
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
const MIA_SECRETS: &[&str] = &["90,000.00", "1990-05-06", "mia.home@example.com"];

fn person(id: &str, name: &str, email: Option<&str>) -> Person {
    let (given, family) = name.split_once(' ').unwrap_or((name, ""));
    Person {
        id: id.into(),
        source: Source::Justworks,
        justworks_id: Some(format!("jw-{id}")),
        work_id: None,
        status: PersonStatus::Active,
        name: name.into(),
        given_name: Some(given.into()),
        family_name: Some(family.into()),
        preferred_name: None,
        work_email: email.map(str::to_owned),
        personal_email: None,
        phones: Vec::new(),
        home_address: None,
        birthdate: None,
        gender: None,
        ethnicity: None,
        employment_type: Some("Full-time".into()),
        start_date: Some(date!(2024 - 02 - 01)),
        end_date: None,
        sync_stopped: None,
    }
}

fn job(
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
        start_date: Some(date!(2024 - 02 - 01)),
        end_date: None,
    }
}

fn salary(amount_minor: i64) -> Option<Compensation> {
    Some(Compensation {
        amount_minor,
        currency: "USD".into(),
        basis: Some("salary".into()),
        frequency: Some("semimonthly".into()),
    })
}

fn change(
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
async fn write_org(
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
struct Acme {
    ceo: String,
    ceo_job: String,
    vp_eng_job: String,
    ana: String,
    mia: String,
    dan: String,
    manny: String,
    victor: String,
}

/// Cora (org head) ← Victor (VP Eng) ← Ana, Ben, an open Senior Engineer job, and Dan
/// (departed, closed job); Cora ← Sam (VP Sales) ← Mia (the Member's own person), Zed;
/// Manny, made in orgsync by hand, at the top of a second tree.
async fn seed_acme(app: &TestApp) -> Acme {
    let mut cora = person("p-cora", "Cora Chief", Some("cora@acme.test"));
    cora.birthdate = Some(date!(1970 - 01 - 02));
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
    ana.birthdate = Some(date!(1991 - 07 - 08));
    ana.gender = Some("Nonbinary".into());
    ana.ethnicity = Some("Hispanic or Latino".into());
    ana.work_id = Some("E-0042".into());
    let ben = person("p-ben", "Ben Li", Some("ben.li@acme.test"));
    let sam = person("p-sam", "Sam Seller", Some("sam@acme.test"));
    // The Member's own person: her work email differs from her login only by case.
    let mut mia = person("p-mia", "Mia Member", Some("Mia@Acme.test"));
    mia.birthdate = Some(date!(1990 - 05 - 06));
    mia.personal_email = Some("mia.home@example.com".into());
    let zed = person(
        "p-zed",
        "Zed <script>alert(1)</script> O'Brien",
        Some("zed@acme.test"),
    );
    let mut dan = person("p-dan", "Dan Departed", Some("dan@acme.test"));
    dan.status = PersonStatus::Departed;
    dan.end_date = Some(date!(2025 - 01 - 31));
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

fn json(page: &Page) -> Value {
    serde_json::from_str(&page.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", page.body))
}

fn keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v.as_object().expect("an object").keys().cloned().collect();
    k.sort();
    k
}

const PUBLIC_KEYS: &[&str] = &[
    "department",
    "employment_type",
    "end_date",
    "id",
    "justworks_id",
    "location",
    "manager_id",
    "manager_job_id",
    "name",
    "preferred_name",
    "start_date",
    "status",
    "title",
    "work_email",
];

const SENSITIVE_KEYS: &[&str] = &[
    "birthdate",
    "compensation",
    "ethnicity",
    "gender",
    "home_address",
    "personal_email",
    "phones",
];

fn public_keys() -> Vec<String> {
    PUBLIC_KEYS.iter().map(|k| k.to_string()).collect()
}

fn all_keys() -> Vec<String> {
    let mut k: Vec<String> = PUBLIC_KEYS
        .iter()
        .chain(SENSITIVE_KEYS)
        .map(|k| k.to_string())
        .collect();
    k.sort();
    k
}

/// Every link of a page, entities decoded.
fn hrefs(page: &Page) -> Vec<String> {
    tags(&page.body)
        .filter_map(|t| attr(t, "href"))
        .map(|h| html_text(&h))
        .collect()
}

/// The names in the directory's first column, in order.
fn listed_names(page: &Page) -> Vec<String> {
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

// ---------------------------------------------------------------------------------------
// The directory.
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn the_directory_lists_active_people_by_name_with_their_job_and_manager() {
    let app = spawn_app().await;
    seed_acme(&app).await;
    let member = app.member().await;
    let page = member.get("/people").await;
    page.expect(200);
    let text = page.text();
    for expected in [
        "Ana Souza",
        "(Annie)",
        "Software Engineer",
        "Engineering",
        "Remote",
        "Victor Vance",
        "Active",
        "2024-02-01",
        "1–8 of 8",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in {text}");
    }
    assert!(!page.says("Dan Departed"), "a departed person is listed");
    assert!(
        page.body.contains("href=\"/people/p-victor\""),
        "no manager link"
    );
    let names = listed_names(&page);
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "not sorted by name");
    assert!(page.has_id("people-q") && page.body.contains("<label for=\"people-q\">"));
}

#[tokio::test]
async fn search_finds_people_by_name_preferred_name_title_and_work_email() {
    let app = spawn_app().await;
    seed_acme(&app).await;
    let member = app.member().await;
    for (q, who) in [
        ("souza", "Ana Souza"),
        ("ANNIE", "Ana Souza"),
        ("staff eng", "Ben Li"),
        ("ben.li%40acme", "Ben Li"),
    ] {
        let page = member.get(&format!("/people?q={q}")).await;
        page.expect(200);
        assert!(page.says(who), "q={q} did not find {who}: {}", page.text());
        assert!(page.says("1–1 of 1"), "q={q}: {}", page.text());
        assert_eq!(
            page.input_value("q").as_deref(),
            Some(&*q.replace("%40", "@"))
        );
    }
    // A title shared by several people finds them all; LIKE's wildcards are literal.
    let engineers = member.get("/people?q=engineer").await;
    for who in ["Ana Souza", "Ben Li", "Zed"] {
        assert!(engineers.says(who), "{who} missing: {}", engineers.text());
    }
    // Victor's title is VP Engineering; Dan (QA Engineer) has left.
    assert!(engineers.says("1–4 of 4"), "{}", engineers.text());
    assert!(!listed_names(&engineers).contains(&"Cora Chief".to_owned()));
    let wildcard = member.get("/people?q=%25").await;
    assert!(wildcard.says("No one matches"), "{}", wildcard.text());
}

#[tokio::test]
async fn filters_narrow_the_directory_by_department_and_location() {
    let app = spawn_app().await;
    seed_acme(&app).await;
    let member = app.member().await;
    let all = member.get("/people").await;
    for option in ["Engineering", "Sales", "Executive", "Berlin", "London"] {
        assert!(
            all.body.contains(&format!("<option value=\"{option}\">")),
            "no {option} option"
        );
    }
    let sales = member.get("/people?department=Sales").await;
    assert!(sales.says("1–3 of 3") && sales.says("Mia Member") && !sales.says("Ana Souza"));
    assert!(sales.body.contains("<option value=\"Sales\" selected>"));
    let berlin = member.get("/people?location=Berlin").await;
    assert!(
        berlin.says("Ben Li") && berlin.says("1–1 of 1"),
        "{}",
        berlin.text()
    );
    let both = member
        .get("/people?department=Engineering&location=New%20York")
        .await;
    assert!(
        both.says("Victor Vance") && both.says("1–1 of 1"),
        "{}",
        both.text()
    );
}

#[tokio::test]
async fn departed_people_appear_only_behind_the_toggle() {
    let app = spawn_app().await;
    let acme = seed_acme(&app).await;
    let member = app.member().await;
    let page = member.get("/people").await;
    assert!(page.says("Show departed people"));
    assert!(!page.says("Dan Departed"));

    let all = member.get("/people?status=all").await;
    assert!(
        all.says("Dan Departed") && all.says("Ana Souza"),
        "{}",
        all.text()
    );
    assert!(
        all.says("Departed") && all.says("1–9 of 9"),
        "{}",
        all.text()
    );
    // A departed person keeps the title of their last job.
    assert!(all.says("QA Engineer"));
    assert!(
        all.body
            .contains("name=\"status\" type=\"checkbox\" value=\"all\" checked")
    );

    let departed = member.get("/people?status=departed").await;
    assert!(departed.says("Dan Departed") && !departed.says("Ana Souza"));

    let profile = member.get(&format!("/people/{}", acme.dan)).await;
    profile.expect(200);
    assert!(profile.says("Departed") && profile.says("2025-01-31") && profile.says("Last job"));
}

#[tokio::test]
async fn the_directory_pages_fifty_at_a_time() {
    let app = spawn_app().await;
    let mut people = vec![person("p-head", "Aaron Head", Some("head@acme.test"))];
    let mut jobs = vec![job("j-head", Some("p-head"), "CEO", ("Exec", "NYC"), None)];
    for i in 0..120 {
        let id = format!("p-{i:03}");
        people.push(person(&id, &format!("Person {i:03}"), None));
        jobs.push(job(
            &format!("j-{i:03}"),
            Some(&id),
            "Analyst",
            ("Ops", "NYC"),
            Some("j-head"),
        ));
    }
    write_org(&app, people, jobs, Vec::new()).await;
    let member = app.member().await;

    let first = member.get("/people").await;
    assert!(first.says("1–50 of 121"), "{}", first.text());
    assert!(hrefs(&first).contains(&"/people?page=2".to_owned()));
    assert!(!first.body.contains("rel=\"prev\""));
    let third = member.get("/people?page=3").await;
    assert!(third.says("101–121 of 121"), "{}", third.text());
    assert!(third.says("Person 119") && !third.says("Person 049"));
    assert!(hrefs(&third).contains(&"/people?page=2".to_owned()));
    assert!(!third.body.contains("rel=\"next\""));
    // Filters survive paging.
    let q = member.get("/people?q=person&page=2").await;
    assert!(q.says("51–100 of 120"), "{}", q.text());
    assert!(
        hrefs(&q).contains(&"/people?q=person&page=3".to_owned()),
        "{:?}",
        hrefs(&q)
    );
}

#[tokio::test]
async fn bad_directory_input_is_refused_rather_than_cut() {
    let app = spawn_app().await;
    seed_acme(&app).await;
    let member = app.member().await;
    let long = "a".repeat(201);
    for path in [
        format!("/people?q={long}"),
        "/people?page=0".into(),
        "/people?page=two".into(),
        "/people?status=everyone".into(),
        format!("/people?department={long}"),
    ] {
        let page = member.get(&path).await;
        page.expect(400);
        assert!(
            page.says("That request could not be used"),
            "{}",
            page.text()
        );
    }
    member
        .get(&format!("/people?q={}", "a".repeat(200)))
        .await
        .expect(200);
}

#[tokio::test]
async fn an_empty_org_says_how_to_fill_it() {
    let app = spawn_app().await;
    let member = app.member().await;
    let page = member.get("/people").await;
    page.expect(200);
    assert!(page.says("No people yet"), "{}", page.text());
    assert!(!page.body.contains("href=\"/apps\""));
    let tech = app.technical_owner().await;
    let page = tech.get("/people").await;
    assert!(page.body.contains("<a class=\"button\" href=\"/apps\">"));
    let org = tech.get("/org").await;
    assert!(org.says("The org chart is empty"), "{}", org.text());
}

// ---------------------------------------------------------------------------------------
// The person page.
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn the_person_page_shows_the_job_reports_where_fields_came_from_and_history() {
    let app = spawn_app().await;
    let acme = seed_acme(&app).await;
    let member = app.member().await;

    let victor = member.get(&format!("/people/{}", acme.victor)).await;
    victor.expect(200);
    let text = victor.text();
    for expected in [
        "VP Engineering",
        "Engineering",
        "New York",
        "Cora Chief",
        "Direct reports (3)",
        "Ana Souza",
        "Ben Li",
        "Open job: Senior Engineer",
        "Open",
        "Justworks, synced 2025-11-26 06:01 UTC",
        "victor@acme.test",
        "Headcount",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in {text}");
    }
    assert!(
        victor
            .body
            .contains(&format!("href=\"/people/{}\"", acme.ceo))
    );
    assert!(victor.body.contains("href=\"/org?root=j-victor\""));
    // Dan's job is closed: not a report any more.
    assert!(!text.contains("Dan Departed"));

    let ana = member.get(&format!("/people/{}", acme.ana)).await;
    let text = ana.text();
    assert!(
        text.contains("Title change") && text.contains("Engineer → Software Engineer"),
        "{text}"
    );
    assert!(text.contains("E-0042") && text.contains("jw-p-ana"));

    let manny = member.get(&format!("/people/{}", acme.manny)).await;
    assert!(manny.says("Added in orgsync"), "{}", manny.text());
    assert!(!manny.says("Justworks, synced"));
}

#[tokio::test]
async fn run_links_in_history_are_shown_only_to_technical_owners_and_owners() {
    let app = spawn_app().await;
    let acme = seed_acme(&app).await;
    let path = format!("/people/{}", acme.ana);
    let link = format!("href=\"/syncs/{RUN_ID}\"");
    let member = app.member().await;
    assert!(!member.get(&path).await.body.contains(&link));
    let tech = app.technical_owner().await;
    assert!(tech.get(&path).await.body.contains(&link));
    let owner = app.owner().await;
    assert!(owner.get(&path).await.body.contains(&link));
}

// ---------------------------------------------------------------------------------------
// Who sees sensitive fields.
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn an_owner_sees_everyones_sensitive_fields_on_the_page_and_in_json() {
    let app = spawn_app().await;
    let acme = seed_acme(&app).await;
    let owner = app.owner().await;

    let page = owner.get(&format!("/people/{}", acme.ana)).await;
    page.expect(200);
    let text = page.text();
    for expected in [
        "Private details",
        "160,000.00 USD (salary, semimonthly)",
        "1991-07-08",
        "Nonbinary",
        "Hispanic or Latino",
        "ana.home@example.com",
        "+1 212 555 0101 (mobile)",
        "1 Main St, Brooklyn, NY 11201, US",
        // Sensitive history, values and all.
        "150000.00 USD (salary) → 160000.00 USD (salary)",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in {text}");
    }

    let one = json(
        owner
            .get(&format!("/api/v1/people/{}", acme.ana))
            .await
            .expect(200),
    );
    assert_eq!(keys(&one), all_keys());
    assert_eq!(one["compensation"]["amount"], 16_000_000);
    assert_eq!(one["compensation"]["currency"], "USD");
    assert_eq!(one["compensation"]["basis"], "salary");
    assert_eq!(one["compensation"]["frequency"], "semimonthly");
    assert_eq!(one["birthdate"], "1991-07-08");
    assert_eq!(one["gender"], "Nonbinary");
    assert_eq!(one["ethnicity"], "Hispanic or Latino");
    assert_eq!(one["personal_email"], "ana.home@example.com");
    assert_eq!(one["phones"][0]["number"], "+1 212 555 0101");
    assert_eq!(one["home_address"]["line1"], "1 Main St");
    assert_eq!(one["manager_id"], "p-victor");
    assert_eq!(one["title"], "Software Engineer");
    assert_eq!(one["status"], "active");

    let list = json(owner.get("/api/v1/people?status=all").await.expect(200));
    for item in list["items"].as_array().unwrap() {
        assert_eq!(keys(item), all_keys(), "{item}");
    }
}

#[tokio::test]
async fn members_and_technical_owners_see_nobody_elses_sensitive_fields() {
    let app = spawn_app().await;
    let acme = seed_acme(&app).await;
    let member = app.member().await;
    app.link_user_to_person(MEMBER_EMAIL, "p-mia").await;
    let tech = app.technical_owner().await;
    for (who, client) in [("member", &member), ("technical owner", &tech)] {
        for id in [&acme.ana, &acme.ceo] {
            let page = client.get(&format!("/people/{id}")).await;
            page.expect(200);
            for secret in ANA_SECRETS.iter().chain(MIA_SECRETS).chain(&[
                "1970-01-02",
                "30,000,000",
                "300,000.00",
            ]) {
                assert!(!page.body.contains(secret), "{who} sees {secret:?} on {id}");
            }
            // Not even the labels.
            for label in [
                "Private details",
                "<dt>Birthdate</dt>",
                "<dt>Personal email</dt>",
                "<dt>Compensation</dt>",
                "<dt>Gender</dt>",
                "<dt>Ethnicity</dt>",
                "<dt>Home address</dt>",
                "<dt>Phones</dt>",
            ] {
                assert!(
                    !page.body.contains(label),
                    "{who} sees the label {label:?} on {id}"
                );
            }
        }
        // Sensitive history: not the values, and not even that it changed, nor when.
        let ana = client.get(&format!("/people/{}", acme.ana)).await;
        assert!(ana.says("Title change"), "{}", ana.text());
        assert!(
            !ana.says("Compensation") && !ana.says("changed"),
            "{who}: {}",
            ana.text()
        );

        let one = client.get(&format!("/api/v1/people/{}", acme.ana)).await;
        one.expect(200);
        assert_eq!(keys(&json(&one)), public_keys(), "{who}");
        for secret in ANA_SECRETS {
            assert!(!one.body.contains(secret), "{who} gets {secret:?} in JSON");
        }
        // Everyone but the member's own entry (see the next test).
        let list = json(&client.get("/api/v1/people?status=all&limit=500").await);
        let others: Vec<&Value> = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| !(who == "member" && i["id"] == "p-mia"))
            .collect();
        assert_eq!(others.len(), if who == "member" { 8 } else { 9 });
        let others_text = serde_json::to_string(&others).unwrap();
        for item in &others {
            assert_eq!(keys(item), public_keys(), "{who}: {item}");
        }
        for secret in ANA_SECRETS.iter().chain(if who == "member" {
            &[][..]
        } else {
            MIA_SECRETS
        }) {
            assert!(
                !others_text.contains(secret),
                "{who} gets {secret:?} in the list"
            );
        }
    }
}

#[tokio::test]
async fn a_member_sees_their_own_sensitive_fields_and_history() {
    let app = spawn_app().await;
    let acme = seed_acme(&app).await;
    let member = app.member().await;
    app.link_user_to_person(MEMBER_EMAIL, "p-mia").await;

    let page = member.get(&format!("/people/{}", acme.mia)).await;
    page.expect(200);
    let text = page.text();
    for expected in [
        "This is you",
        "Private details",
        "90,000.00 USD (salary, semimonthly)",
        "1990-05-06",
        "mia.home@example.com",
        "85000.00 USD (salary) → 90000.00 USD (salary)",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in {text}");
    }
    let one = json(
        member
            .get(&format!("/api/v1/people/{}", acme.mia))
            .await
            .expect(200),
    );
    assert_eq!(keys(&one), all_keys());
    assert_eq!(one["compensation"]["amount"], 9_000_000);
    assert_eq!(one["birthdate"], "1990-05-06");
    // Fields she may see but which are empty are null, not absent.
    assert_eq!(one["gender"], Value::Null);

    // In the list, only her own entry carries them.
    let list = json(member.get("/api/v1/people?limit=500").await.expect(200));
    for item in list["items"].as_array().unwrap() {
        let expected = if item["id"] == "p-mia" {
            all_keys()
        } else {
            public_keys()
        };
        assert_eq!(keys(item), expected, "{item}");
    }

    // Someone else's page still shows her nothing private.
    let other = member.get(&format!("/people/{}", acme.ana)).await;
    assert!(!other.says("This is you") && !other.says("Private details"));
}

#[tokio::test]
async fn a_technical_owner_who_is_in_the_org_sees_only_their_own_private_details() {
    let app = spawn_app().await;
    let acme = seed_acme(&app).await;
    // Theo's own person, with his login's email.
    let mut theo = person("p-theo", "Theo Tech", Some(TECH_EMAIL));
    theo.gender = Some("Agender-theo".into());
    write_org(
        &app,
        vec![theo],
        vec![job(
            "j-theo",
            Some("p-theo"),
            "IT Lead",
            ("IT", "Remote"),
            Some("j-cora"),
        )],
        Vec::new(),
    )
    .await;
    let tech = app.technical_owner().await;
    // The same email alone opens nothing: only an Owner's link does.
    assert!(!tech.get("/people/p-theo").await.says("Agender-theo"));
    app.link_user_to_person(TECH_EMAIL, "p-theo").await;
    assert!(tech.get("/people/p-theo").await.says("Agender-theo"));
    let ana = tech.get(&format!("/people/{}", acme.ana)).await;
    assert!(!ana.body.contains("Nonbinary"));
}

// ---------------------------------------------------------------------------------------
// The org chart.
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn the_org_chart_starts_at_the_org_head_with_headcounts_and_open_jobs() {
    let app = spawn_app().await;
    let acme = seed_acme(&app).await;
    let member = app.member().await;
    let page = member.get("/org").await;
    page.expect(200);
    let body = &page.body;
    let text = page.text();
    // The Justworks org head first, then the hand-made root.
    let cora = text.find("Cora Chief").expect("the org head");
    let manny = text.find("Manny Manual").expect("the manual root");
    assert!(cora < manny, "the org head is not first");
    // Cora: Victor, Ana, Ben, Sam, Mia, Zed. Victor: Ana, Ben. Open and closed jobs
    // count nobody.
    assert!(
        text.contains("Cora Chief Chief Executive Officer Headcount: 6 · 2 direct reports"),
        "{text}"
    );
    assert!(
        text.contains("Victor Vance VP Engineering Headcount: 2 · 3 direct reports"),
        "{text}"
    );
    assert!(text.contains("Open Open job: Senior Engineer"), "{text}");
    assert!(body.contains("org-card org-card-open"));
    assert!(!text.contains("Dan Departed"));
    // The first two levels are open; deeper nodes with reports load on demand.
    assert_eq!(
        body.matches("<details class=\"org-node\" open>").count(),
        3,
        "{body}"
    );
    assert!(body.contains(&format!("href=\"/people/{}\"", acme.ana)));
    assert!(body.contains(&format!("href=\"/org?root={}\"", acme.vp_eng_job)));
    assert!(body.contains(&format!("href=\"/org?root={}\"", acme.ceo_job)));
    // No inline script or style (CSP).
    assert!(!body.contains("<script>") && !body.contains(" style=") && !body.contains("onclick"));
}

#[tokio::test]
async fn a_node_loads_its_reports_on_demand_and_a_subtree_links_back_up() {
    let app = spawn_app().await;
    let acme = seed_acme(&app).await;
    // One more level, so that /org shows a lazy node: Ana gets a report.
    write_org(
        &app,
        vec![person("p-ivy", "Ivy Intern", Some("ivy@acme.test"))],
        vec![job(
            "j-ivy",
            Some("p-ivy"),
            "Intern",
            ("Engineering", "Remote"),
            Some("j-ana"),
        )],
        Vec::new(),
    )
    .await;
    let member = app.member().await;
    let org = member.get("/org").await;
    assert!(
        org.body
            .contains("hx-get=\"/org/j-ana/reports\" hx-trigger=\"toggle once\""),
        "{}",
        org.body
    );
    assert!(
        !org.says("Ivy Intern"),
        "the fourth level is rendered at once"
    );
    assert!(
        org.body.contains("href=\"/org?root=j-ana\""),
        "no link for browsers without JavaScript"
    );

    let partial = member.get("/org/j-ana/reports").await;
    partial.expect(200);
    assert!(
        partial.says("Ivy Intern") && partial.says("Intern"),
        "{}",
        partial.body
    );
    assert!(!partial.body.contains("<html"), "a partial, not a page");
    let vp = member
        .get(&format!("/org/{}/reports", acme.vp_eng_job))
        .await;
    assert!(vp.says("Ana Souza") && vp.says("Open job: Senior Engineer") && vp.says("Ben Li"));
    assert!(vp.body.contains("hx-get=\"/org/j-ana/reports\""));

    let subtree = member.get("/org?root=j-ana").await;
    subtree.expect(200);
    assert!(subtree.says("Org chart: Ana Souza") && subtree.says("Ivy Intern"));
    let crumbs = subtree.text_of_id("org-breadcrumb").unwrap_or_default();
    assert!(
        crumbs.contains("Org chart Cora Chief Victor Vance Ana Souza"),
        "breadcrumb: {crumbs:?}"
    );
    assert!(subtree.body.contains("href=\"/org?root=j-victor\""));
    assert!(
        !subtree.says("Sam Seller"),
        "the subtree shows another branch"
    );
}

// ---------------------------------------------------------------------------------------
// The JSON API, 404s and sign-in.
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn the_json_api_pages_with_an_opaque_cursor_and_includes_departed_only_when_asked() {
    let app = spawn_app().await;
    seed_acme(&app).await;
    let member = app.member().await;
    let mut ids = Vec::new();
    let mut path = "/api/v1/people?limit=3".to_owned();
    loop {
        let page = json(member.get(&path).await.expect(200));
        let items = page["items"].as_array().unwrap();
        assert!(items.len() <= 3);
        ids.extend(items.iter().map(|i| i["id"].as_str().unwrap().to_owned()));
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/people?limit=3&cursor={cursor}"),
            None => break,
        }
    }
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!((ids.len(), unique.len()), (8, 8), "{ids:?}");
    assert!(!ids.contains(&"p-dan".to_owned()));

    let all = json(member.get("/api/v1/people?status=all").await.expect(200));
    let dan = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "p-dan")
        .expect("departed people with status=all");
    assert_eq!(dan["status"], "departed");
    assert_eq!(dan["end_date"], "2025-01-31");
    assert_eq!(all["next_cursor"], Value::Null);
    let cora = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "p-cora")
        .unwrap();
    assert_eq!(
        cora["manager_id"],
        Value::Null,
        "the org head has no manager"
    );

    let found = json(member.get("/api/v1/people?q=annie").await.expect(200));
    assert_eq!(found["items"].as_array().unwrap().len(), 1);

    for bad in [
        "/api/v1/people?limit=0",
        "/api/v1/people?limit=501",
        "/api/v1/people?cursor=nonsense!",
        "/api/v1/people?status=gone",
    ] {
        let page = member.get(bad).await;
        page.expect(400);
        assert!(json(&page)["message"].is_string(), "{bad}: {}", page.body);
    }
}

#[tokio::test]
async fn unknown_people_and_jobs_are_not_found() {
    let app = spawn_app().await;
    seed_acme(&app).await;
    let member = app.member().await;
    for path in [
        "/people/p-nobody",
        "/org?root=j-nobody",
        "/org?root=j-dan", // closed: not in the tree
        "/org/j-nobody/reports",
    ] {
        member.get(path).await.expect(404);
    }
    let api = member.get("/api/v1/people/p-nobody").await;
    api.expect(404);
    assert!(json(&api)["error"].is_string());
}

#[tokio::test]
async fn anonymous_callers_are_sent_to_sign_in_or_get_a_401() {
    let app = spawn_app().await;
    seed_acme(&app).await;
    let anonymous = app.client();
    anonymous
        .get("/people/p-ana")
        .await
        .expect_redirect("/login?next=/people/p-ana");
    anonymous.get("/org?root=j-cora").await.expect(303);
    anonymous.get("/org/j-cora/reports").await.expect(303);
    for path in ["/api/v1/people", "/api/v1/people/p-ana"] {
        let page = anonymous.get(path).await;
        page.expect(401);
        assert!(json(&page)["error"].is_string());
        assert!(!page.body.contains("Ana"));
    }
}

#[tokio::test]
async fn names_render_as_text_everywhere() {
    let app = spawn_app().await;
    seed_acme(&app).await;
    let member = app.member().await;
    for path in [
        "/people",
        "/people/p-zed",
        "/org",
        "/org/j-sam/reports",
        "/people/p-sam",
    ] {
        let page = member.get(path).await;
        page.expect(200);
        assert!(
            !page.body.contains("<script>alert(1)"),
            "{path} renders markup"
        );
        assert!(
            page.body
                .contains("Zed &#60;script&#62;alert(1)&#60;/script&#62; O&#39;Brien")
                || page
                    .body
                    .contains("Zed &lt;script&gt;alert(1)&lt;/script&gt; O&#39;Brien"),
            "{path}: {}",
            page.body
        );
    }
}

// ---------------------------------------------------------------------------------------
// Not a test: how fast the pages answer with 100 000 people.
// ---------------------------------------------------------------------------------------

/// 1 org head, 10 VPs, 100 directors, 1 000 managers and ~99 000 reports, with an open
/// job under every manager; then the time of the main pages. Run it in release:
/// `cargo test --release --test app people::bench -- --ignored --nocapture`.
#[tokio::test]
#[ignore = "a benchmark that prints figures (BENCHMARKS.md): run with --release -- --ignored --nocapture"]
async fn bench_100k_people() {
    // Seeding takes minutes: the seeded data directory is kept between runs (SQLite:
    // a database on PostgreSQL is not in it, and is seeded each time).
    // Kept per version of the migrations: a changed migration would not apply to it.
    let cache = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("people-bench-100k-{:016x}", migrations_hash()));
    let app = if !on_postgres() && cache.join("orgsync.db").exists() {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&cache, dir.path());
        let config = test_config(dir.path());
        println!("using the seeded org in {}", cache.display());
        spawn_app_in(dir, config).await
    } else {
        let app = spawn_app().await;
        app.create_user(OWNER_EMAIL, OWNER_NAME, "owner").await;
        let (people, jobs) = bench_org(100_000);
        let (apply, headcounts) = write_org(&app, people, jobs, Vec::new()).await;
        println!(
            "seeded 100000 people: apply_plan {:.1} s, headcounts {:.1} s",
            apply.as_secs_f64(),
            headcounts.as_secs_f64()
        );
        let config = app.config.clone();
        let dir = app.stop().await;
        if !on_postgres() {
            let partial = cache.with_extension("partial");
            let _ = std::fs::remove_dir_all(&partial);
            copy_dir(dir.path(), &partial);
            std::fs::rename(&partial, &cache).unwrap();
        }
        spawn_app_in(dir, config).await
    };
    let owner = app.client();
    owner.sign_in(OWNER_EMAIL, PASSWORD).await.expect(303);
    let org = owner.get("/org").await;
    assert!(org.says("Ana Souza 0 CEO Headcount:"), "{}", org.text());
    assert_eq!(
        org.body
            .matches("<details class=\"org-node\" open>")
            .count(),
        11
    );
    let paths = [
        "/people",
        "/people?page=1000",
        "/people?status=all&page=1500",
        "/people?q=souza",
        "/people?q=souza&page=20",
        "/people?q=user99999",
        "/people?q=zzz-nobody",
        "/people?department=Sales&location=Berlin",
        "/people/p050000",
        "/org",
        "/org?root=j000001",
        "/org?root=j000111",
        "/org/j000011/reports",
        "/api/v1/people",
        "/api/v1/people?limit=500",
        "/api/v1/people?q=souza&limit=500",
        "/api/v1/people/p050000",
    ];
    println!(
        "{:<45} {:>9} {:>9} {:>9}",
        "request", "min ms", "median", "max"
    );
    for path in paths {
        owner.get(path).await.expect(200);
        let mut times: Vec<Duration> = Vec::new();
        for _ in 0..7 {
            let t = Instant::now();
            let page = owner.get(path).await;
            times.push(t.elapsed());
            page.expect(200);
        }
        times.sort();
        println!(
            "{path:<45} {:>9.1} {:>9.1} {:>9.1}",
            times[0].as_secs_f64() * 1e3,
            times[times.len() / 2].as_secs_f64() * 1e3,
            times[times.len() - 1].as_secs_f64() * 1e3
        );
    }
}

/// A hash of every migration file, to tell seeded databases apart.
fn migrations_hash() -> u64 {
    use std::hash::{Hash, Hasher};
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/sqlite");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    for file in files {
        std::fs::read(file).unwrap().hash(&mut hasher);
    }
    hasher.finish()
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

/// An org of `n` people: 1 org head, 10 VPs, 100 directors, 1 000 managers, the rest
/// their reports; every 50th person departed (closed job); an open job per manager.
fn bench_org(n: usize) -> (Vec<Person>, Vec<Job>) {
    const GIVEN: &[&str] = &[
        "Ana", "Ben", "Cora", "Dev", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jun", "Kai", "Lea",
        "Moe", "Nia", "Oto", "Pia", "Quin", "Rui", "Sol", "Tia",
    ];
    const FAMILY: &[&str] = &[
        "Souza", "Li", "Okafor", "Novak", "Tanaka", "Garcia", "Smith", "Haddad", "Kim", "Rossi",
        "Ivanova", "Nguyen", "Brown", "Cohen", "Silva", "Khan", "Müller", "Dubois", "Lopez",
        "Jones",
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
    let mut people = Vec::with_capacity(n);
    let mut jobs = Vec::with_capacity(n + 1_000);
    for i in 0..n {
        let id = format!("p{i:06}");
        let name = format!(
            "{} {} {i}",
            GIVEN[i % GIVEN.len()],
            FAMILY[(i / GIVEN.len()) % FAMILY.len()]
        );
        let mut p = person(&id, &name, Some(&format!("user{i}@acme.test")));
        p.birthdate = Some(date!(1990 - 01 - 01));
        if i % 50 == 49 {
            p.status = PersonStatus::Departed;
        }
        people.push(p);
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
            manager.as_deref(),
        );
        if i % 50 == 49 {
            j.status = JobStatus::Closed;
        }
        j.compensation = salary(10_000_000 + i as i64);
        jobs.push(j);
    }
    for m in 0..1_000 {
        jobs.push(job(
            &format!("open{m:04}"),
            None,
            "Senior Engineer",
            ("Engineering", "Remote"),
            Some(&format!("j{:06}", 111 + m)),
        ));
    }
    (people, jobs)
}
