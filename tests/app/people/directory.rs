//! The people directory: listing, search, filters, departed people, paging.

use super::support::*;
use crate::helpers::*;

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
