//! The whole journey in Chromium, as the README tells it: first start, install and
//! configure Justworks with what the sandbox's front page shows, a refused bad seed, Sync
//! To Primary followed live on the run's page, People and the org chart, a change in
//! Justworks flowing through a second sync, and a Member who may not open Apps.

use crate::browser::xpath_literal;
use crate::driver::{Browser, BrowserOptions, browser_test};
use crate::flows::*;
use crate::server::{Sandbox, Server};
use anyhow::{Context, Result, ensure};
use serde_json::json;

/// The title the test gives a member in Justworks between the two syncs.
const NEW_TITLE: &str = "Chief Browser Officer";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_journey_from_first_start_to_a_members_sign_out() {
    browser_test("journey", BrowserOptions::default(), journey).await;
}

async fn journey(b: Browser) -> Result<()> {
    let sandbox = Sandbox::start(30, 11).await?;
    let server = Server::on(&sandbox).await?;

    b.step("first start: open the setup link and create the Owner");
    create_owner(&b, &server).await?;

    b.step("install Justworks from Apps and Integrations");
    install_justworks(&b).await?;
    ensure!(
        b.find_xpath("//button[normalize-space()='Sync To Primary']")
            .await?
            .attr("disabled")
            .await?
            .is_some(),
        "Sync To Primary is usable before any settings are saved"
    );

    b.step("copy the credentials from the sandbox's front page");
    let copied = copy_sandbox_credentials(&b, &sandbox.url).await?;

    b.step("fill every field and test the connection");
    fill_credentials(&b, &copied).await?;
    b.click_text("Test connection").await?;
    wait_for_connection_ok(&b, &copied.company).await?;
    ensure!(
        b.value("#password").await? == copied.password,
        "Test connection lost the typed password"
    );

    b.step("save the settings");
    save_settings(&b).await?;
    ensure!(
        b.text("#password-help")
            .await?
            .contains("A password is set")
            && b.text("#totp_secret-help")
                .await?
                .contains("A 2FA code is set"),
        "the saved password and 2FA code are not marked as set"
    );
    ensure!(
        b.value("#password").await?.is_empty() && b.value("#totp_secret").await?.is_empty(),
        "a saved secret came back into the page"
    );

    b.step("a bad seed shows the inline message and nothing is saved");
    b.fill("#org_head", "Somebody Else").await?;
    b.fill("#totp_secret", "123456").await?;
    b.click_text("Save Settings").await?;
    let error = b.text("#totp_secret-error").await?;
    ensure!(!error.is_empty(), "no message at the 2FA field");
    let summary = b.text("#form-errors").await?;
    ensure!(
        summary.contains("Nothing was saved"),
        "the form's summary says {summary:?}"
    );
    b.goto(&server.url("/apps/justworks")).await?;
    let head = b.value("#org_head").await?;
    ensure!(
        head == copied.org_head,
        "the refused form changed the org head to {head:?}"
    );

    b.step("Sync To Primary: the run's page follows it to Complete by itself");
    // Slowed down so that the page surely shows the run before it ends.
    sandbox.set_latency(700).await?;
    sandbox.forget_used_codes();
    let run = press_sync(&b).await?;
    let first = b.text("#run-status").await?;
    ensure!(
        first.contains("Queued") || first.contains("Running"),
        "the run's page opened on {first:?}, not Queued or Running"
    );
    b.execute("window.__orgsyncNotReloaded = true; return true;", vec![])
        .await?;
    // The first sync of an install stops for review — reached in place.
    let waiting = wait_for_run_stop(&b).await?;
    sandbox.set_latency(0).await?;
    ensure!(
        b.execute("return window.__orgsyncNotReloaded === true;", vec![])
            .await?
            == json!(true),
        "the run's page was reloaded; it should update itself in place"
    );
    ensure!(
        waiting.contains("Waiting for review"),
        "the first sync did not wait for review: {waiting:?}"
    );
    ensure!(b.path().await? == run, "the run's page moved away");
    let status = wait_for_run_end(&b).await?;
    ensure!(b.path().await? == run, "applying left the run's page");
    eprintln!("    first sync: {status}");
    let created = b
        .find_xpath("//ul[@class='counts']/li[contains(., 'created')]/span[@class='count']")
        .await?
        .text()
        .await?;

    b.step("People lists the company");
    b.click_text("People").await?;
    b.wait_for_path("/people", |p| p == "/people").await?;
    let range = b.text("#people-range").await?;
    let names = b
        .texts("table.people-table tbody td:first-child > a")
        .await?;
    let active = copied.active_members;
    ensure!(
        range == format!("1–{active} of {active}") && names.len() == active,
        "People shows {range:?} and {} rows; the sandbox has {active} active members",
        names.len()
    );
    ensure!(
        names.contains(&copied.org_head),
        "People does not list the org head {:?}",
        copied.org_head
    );
    // With the departed too, everyone the sync created.
    b.click("#people-departed").await?;
    b.click_text("Search").await?;
    b.wait_for_path("People with the departed", |p| p.contains("status=all"))
        .await?;
    let everyone = b.text("#people-range").await?;
    ensure!(
        everyone == format!("1–{created} of {created}"),
        "People with the departed shows {everyone:?}; the sync created {created}"
    );

    b.step("the org chart has the named org head at the top");
    b.click_text("Org chart").await?;
    b.wait_for_path("/org", |p| p == "/org").await?;
    let tops = b.texts("#org-tree > li.org-top > .org-card .org-name, #org-tree > li.org-top > .org-leaf .org-name").await?;
    ensure!(
        tops == [copied.org_head.clone()],
        "the top of the org chart is {tops:?}, not {:?}",
        copied.org_head
    );

    b.step("change a member in the sandbox");
    b.click_text("People").await?;
    let person = names
        .iter()
        .find(|n| **n != copied.org_head)
        .context("someone besides the org head")?
        .clone();
    open_person(&b, &person).await?;
    let member_id = fact(&b, "Justworks member ID").await?;
    let old_title = b
        .texts(".person-headline")
        .await?
        .into_iter()
        .next()
        .unwrap_or_default();
    sandbox
        .patch_member(&member_id, json!({ "job_title": NEW_TITLE }))
        .await?;

    b.step("sync again: the run shows the change");
    open_justworks(&b).await?;
    sandbox.forget_used_codes();
    press_sync(&b).await?;
    wait_for_run_end(&b).await?;
    let change = b
        .find_xpath(&format!(
            "//section[contains(@class,'change-group')]//li[a[normalize-space()={}]]",
            xpath_literal(&person)
        ))
        .await?
        .text()
        .await?;
    ensure!(
        change.contains(NEW_TITLE) && (old_title.is_empty() || change.contains(&old_title)),
        "the run lists {person} as {change:?}; expected {old_title:?} → {NEW_TITLE:?}"
    );

    b.step("the person's page has the new title and its history");
    b.find_xpath(&format!(
        "//section[contains(@class,'change-group')]//li/a[normalize-space()={}]",
        xpath_literal(&person)
    ))
    .await?
    .click()
    .await?;
    b.wait_for_text("h1", "the person's name", |t| t.starts_with(&person))
        .await?;
    let headline = b.text(".person-headline").await?;
    ensure!(headline == NEW_TITLE, "the person's title is {headline:?}");
    let history = b.text(".history-table").await?;
    ensure!(
        history.contains(NEW_TITLE),
        "the person's history does not show the new title: {history:?}"
    );

    b.step("the Owner invites a Member");
    b.click_text("Users").await?;
    b.fill("#name", MEMBER_NAME).await?;
    b.fill("#email", MEMBER_EMAIL).await?;
    b.find("#level").await?.select_by_value("member").await?;
    b.click_text("Invite").await?;
    let link = b.value("#invite-link").await?;
    ensure!(link.contains("/invite"), "the invitation link is {link:?}");

    b.step("the Owner signs out");
    sign_out(&b).await?;

    b.step("the Member chooses a password, signs out and signs in");
    b.goto(&link).await?;
    b.fill("#password", PASSWORD).await?;
    b.click_text("Set password and sign in").await?;
    b.wait_for_path("/people", |p| p.starts_with("/people"))
        .await?;
    sign_out(&b).await?;
    sign_in(&b, &server, MEMBER_EMAIL, MEMBER_NAME).await?;

    b.step("the Member has no Apps link, and /apps is refused");
    let nav = b.texts("nav.sidenav a").await?;
    ensure!(
        nav.contains(&"People".to_string()) && !nav.iter().any(|l| l.contains("Apps")),
        "a Member's navigation is {nav:?}"
    );
    b.goto(&server.url("/apps")).await?;
    let heading = b.text("h1").await?;
    let eyebrow = b.text(".eyebrow").await?;
    ensure!(
        heading == "You don't have access" && eyebrow.eq_ignore_ascii_case("Error 403"),
        "/apps showed {eyebrow:?} {heading:?} to a Member"
    );

    b.step("the Member signs out");
    b.goto(&server.url("/people")).await?;
    sign_out(&b).await?;
    b.goto(&server.url("/people")).await?;
    b.wait_for_path("the sign-in page", |p| p.starts_with("/login"))
        .await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_justworks_page_links_the_embedded_sandbox_whose_credentials_work() {
    browser_test(
        "embedded_sandbox_link",
        BrowserOptions::default(),
        embedded_sandbox,
    )
    .await;
}

/// On its embedded defaults (as `cargo run` starts it), the Justworks page links the
/// sandbox, and what its front page shows passes Test connection.
async fn embedded_sandbox(b: Browser) -> Result<()> {
    let server = Server::embedded(10).await?;
    create_owner(&b, &server).await?;
    install_justworks(&b).await?;

    b.step("follow the sandbox link on the Justworks page");
    let banner = b.text(".sandbox-banner").await?;
    ensure!(
        banner.contains("Justworks: sandbox (generated data)"),
        "the banner says {banner:?}"
    );
    let link = b
        .attr(".sandbox-hint a", "href")
        .await?
        .context("the Justworks page links the sandbox")?;
    let copied = copy_sandbox_credentials(&b, link.trim_end_matches('/')).await?;

    b.step("what the sandbox shows passes Test connection");
    fill_credentials(&b, &copied).await?;
    b.click_text("Test connection").await?;
    wait_for_connection_ok(&b, &copied.company).await?;
    Ok(())
}
