//! The org chart: from the org head, reports on demand, subtrees.

use super::support::*;
use crate::helpers::*;

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
