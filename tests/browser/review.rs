//! Reviewing a sync from the keyboard alone (issue 13): the first sync stops for review
//! and is applied; *Preview changes* plans a title change and waits; **Apply these
//! changes** is reached with Tab and pressed with Enter, the focus visible at every stop;
//! the review page passes axe.

use crate::a11y::check_page;
use crate::driver::{Browser, BrowserOptions, browser_test};
use crate::flows::*;
use crate::keyboard::tab_to;
use crate::server::{Sandbox, Server};
use anyhow::{Result, ensure};
use fantoccini::key::Key;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_preview_is_reviewed_and_applied_from_the_keyboard() {
    browser_test("review_keyboard", BrowserOptions::default(), review).await;
}

async fn review(b: Browser) -> Result<()> {
    let sandbox = Sandbox::start(12, 4).await?;
    let server = Server::on(&sandbox).await?;
    create_owner(&b, &server).await?;
    install_justworks(&b).await?;
    let copied = copy_sandbox_credentials(&b, &sandbox.url).await?;
    fill_credentials(&b, &copied).await?;
    save_settings(&b).await?;
    sandbox.forget_used_codes();

    b.step("the first sync waits for review");
    press_sync(&b).await?;
    let status = wait_for_run_stop(&b).await?;
    ensure!(
        status.contains("Waiting for review"),
        "the first sync {status:?}"
    );
    let heading = b.find("#counts-heading").await?.text().await?;
    ensure!(
        heading.starts_with("Initial import: 12 people"),
        "the first sync reads {heading:?}"
    );
    check_page(&b, "a first sync waiting for review").await?;
    let run = b.path().await?;
    b.goto(&server.url("/people")).await?;
    ensure!(
        b.texts("table.people-table td:first-child a")
            .await?
            .is_empty(),
        "nothing is written before the review"
    );
    b.find(".review-notice").await?;
    b.goto(&server.url(&run)).await?;
    b.click("#apply-plan").await?;
    let status = wait_for_run_stop(&b).await?;
    ensure!(status.contains("Complete"), "applied: {status:?}");

    b.step("a preview of a title change, applied from the keyboard");
    b.goto(&server.url("/people")).await?;
    let person = b
        .texts("table.people-table td:first-child a")
        .await?
        .into_iter()
        .find(|n| n != &copied.org_head)
        .expect("someone besides the org head");
    open_person(&b, &person).await?;
    let member = fact(&b, "Justworks member ID").await?;
    sandbox
        .patch_member(
            &member,
            serde_json::json!({"job_title": "Keyboard Reviewer"}),
        )
        .await?;
    sandbox.forget_used_codes();
    open_justworks(&b).await?;
    tab_to(&b, "button:Preview changes").await?;
    b.press(&[Key::Enter.into()]).await?;
    b.wait_for_path("the preview's page", |p| p.starts_with("/syncs/"))
        .await?;
    let status = wait_for_run_stop(&b).await?;
    ensure!(
        status.contains("Waiting for review"),
        "the preview {status:?}"
    );
    let changes = b.texts(".change-group ins").await?;
    ensure!(
        changes.iter().any(|c| c == "Keyboard Reviewer"),
        "the planned title is listed: {changes:?}"
    );
    check_page(&b, "a preview waiting for review").await?;
    tab_to(&b, "#apply-plan").await?;
    b.press(&[Key::Enter.into()]).await?;
    b.wait_for_text(".flash", "the apply's result", |t| t.contains("Applied"))
        .await?;
    let status = wait_for_run_stop(&b).await?;
    ensure!(status.contains("Complete"), "applied: {status:?}");
    ensure!(
        b.find("#run-decision")
            .await?
            .text()
            .await?
            .contains("Applied after review by"),
        "the decision is on the run"
    );
    check_page(&b, "an applied run with its Revert button").await?;
    Ok(())
}
