//! A Justworks that sends more than it should (point 6): a page larger than the `limit`
//! asked for, a roster without end, an id repeated early in a long pull. Each stops the
//! sync on the page that shows it — not after every page is in memory — with a sentence
//! naming what happened, and changes nothing.

use super::*;

/// An app on `justworks`, Justworks installed and configured by a signed-in Technical
/// Owner (returned).
async fn app_on(
    justworks: &HostileJustworks,
    tweak: impl FnOnce(&mut orgsync::Config),
) -> (TestApp, TestClient) {
    let url = justworks.url.clone();
    let app = spawn_app_with(move |config| {
        config.justworks_url = Some(url);
        tweak(config);
    })
    .await;
    let to = app.technical_owner().await;
    install_and_save(&to, &SettingsForm::valid()).await;
    (app, to)
}

#[tokio::test]
async fn a_page_with_more_members_than_asked_for_fails_the_sync_at_once_naming_the_page() {
    // Page 2 answers 5 000 members to a request for 100.
    let justworks = HostileJustworks::start(|page, limit| match page {
        1 => ((0..limit).map(member).collect(), true),
        _ => ((limit..limit + 5_000).map(member).collect(), true),
    })
    .await;
    let (app, to) = app_on(&justworks, |_| {}).await;

    let (_, run) = sync_and_wait(&to).await;

    assert_eq!(run["status"], "failed", "{run}");
    assert_eq!(
        run["error"],
        "Justworks sent more members than orgsync asked for (more than 100) while reading \
         members page 2; orgsync stopped rather than read an answer that large, and changed \
         nothing"
    );
    assert_eq!(justworks.pages_served(), 2, "no page is asked for after it");
    assert_eq!(app.count("SELECT COUNT(*) FROM people").await, 0);
}

#[tokio::test]
async fn a_roster_bigger_than_orgsync_max_members_fails_with_a_sentence() {
    // Pages of new members without end: only the limit stops the pull.
    let justworks = HostileJustworks::start(|page, limit| {
        let first = (page - 1) * limit;
        ((first..first + limit).map(member).collect(), true)
    })
    .await;
    let (app, to) = app_on(&justworks, |config| config.max_members = 250).await;

    let (_, run) = sync_and_wait(&to).await;

    assert_eq!(run["status"], "failed", "{run}");
    assert_eq!(
        run["error"],
        "Justworks listed more than 250 members, the most orgsync reads in one sync; orgsync \
         stopped before changing anything. If the company really is this large, raise \
         ORGSYNC_MAX_MEMBERS"
    );
    assert_eq!(
        justworks.pages_served(),
        3,
        "the page that passes the limit is the last one read"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM people").await, 0);
}

#[tokio::test]
async fn a_member_listed_twice_stops_the_sync_on_the_page_that_repeats_them() {
    // m5 again on page 2, then pages without end: the repeat is caught as it arrives,
    // not once the (endless) pull is over.
    let justworks = HostileJustworks::start(|page, limit| {
        let first = (page - 1) * limit;
        let mut items: Vec<_> = (first..first + limit).map(member).collect();
        if page == 2 {
            items[limit - 1] = member(5);
        }
        (items, true)
    })
    .await;
    let (app, to) = app_on(&justworks, |_| {}).await;

    let (_, run) = sync_and_wait(&to).await;

    assert_eq!(run["status"], "failed", "{run}");
    assert_eq!(
        run["error"],
        "Justworks listed member m5 twice in one pull; the data looks corrupt, so orgsync \
         stopped before changing anything"
    );
    assert_eq!(justworks.pages_served(), 2);
    assert_eq!(app.count("SELECT COUNT(*) FROM people").await, 0);
}
