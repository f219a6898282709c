//! The person page: job, reports, where fields came from, history.

use super::support::*;
use crate::helpers::*;

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
