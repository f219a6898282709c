//! orgsync with JavaScript switched off in Chromium (the content setting a person or an
//! administrator can set): every form posts and redirects as plain HTML, Test connection
//! answers with the whole page, and a run's page reaches its final state by refreshing
//! (its `<noscript>` refresh, or the person pressing reload).

use crate::driver::{Browser, BrowserOptions, browser_test};
use crate::flows::*;
use crate::server::{Sandbox, Server};
use anyhow::{Context, Result, ensure};
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_form_and_a_sync_work_without_javascript() {
    browser_test(
        "no_javascript",
        BrowserOptions::without_javascript(),
        without_javascript,
    )
    .await;
}

async fn without_javascript(b: Browser) -> Result<()> {
    let sandbox = Sandbox::start(30, 5).await?;
    let server = Server::on(&sandbox).await?;

    b.step("first start without JavaScript");
    create_owner(&b, &server).await?;

    b.step("sign out and sign in again");
    sign_out(&b).await?;
    sign_in(&b, &server, OWNER_EMAIL, OWNER_NAME).await?;

    b.step("install Justworks");
    install_justworks(&b).await?;
    let copied = copy_sandbox_credentials(&b, &sandbox.url).await?;

    b.step("Test connection answers with the whole page");
    fill_credentials(&b, &copied).await?;
    b.click_text("Test connection").await?;
    b.wait_for_path("/apps/justworks/test", |p| p == "/apps/justworks/test")
        .await?;
    wait_for_connection_ok(&b, &copied.company).await?;
    ensure!(
        b.value("#username").await? == copied.username
            && b.value("#org_head").await? == copied.org_head,
        "Test connection lost the typed username or org head"
    );
    // The secrets are never sent back to the browser: the page says to type them again.
    for field in ["password", "totp_secret"] {
        ensure!(
            b.value(&format!("#{field}")).await?.is_empty(),
            "the typed {field} came back into the page"
        );
        let help = b.text(&format!("#{field}-help")).await?;
        ensure!(
            help.contains("Type it again to save it"),
            "after Test connection, the {field} field does not ask for it again: {help:?}"
        );
    }

    b.step("Save Settings posts and comes back");
    b.fill("#password", &copied.password).await?;
    b.fill("#totp_secret", &copied.totp_secret).await?;
    save_settings(&b).await?;

    b.step("Sync To Primary, and refresh until the run is complete");
    sandbox.set_latency(700).await?;
    sandbox.forget_used_codes();
    press_sync(&b).await?;
    // A `<noscript>` in the head becomes elements only when scripts are off: this also
    // proves that the browser really runs without JavaScript.
    ensure!(
        b.exists("meta[http-equiv=refresh]").await?,
        "a live run's page has no refresh for browsers without JavaScript"
    );
    let first = b.text("#run-status").await?;
    ensure!(
        first.contains("Queued") || first.contains("Running"),
        "the run's page opened on {first:?}"
    );
    let deadline = Instant::now() + RUN_DEADLINE;
    let mut reloads = 0;
    let status = loop {
        let status = b.text("#run-status").await.unwrap_or_default();
        if status.contains("Complete") || status.contains("Failed") {
            break status;
        }
        // The first sync waits for review: Apply is a plain form, no script needed.
        if status.contains("Waiting for review") {
            b.click("#apply-plan").await?;
            b.wait_for_text(".flash", "the apply's result", |t| t.contains("Applied"))
                .await?;
            continue;
        }
        ensure!(
            Instant::now() < deadline,
            "the run is still {status:?} after {RUN_DEADLINE:?} of reloading"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
        b.refresh().await?;
        reloads += 1;
    };
    sandbox.set_latency(0).await?;
    eprintln!("    {status} after {reloads} reload(s)");
    ensure!(status.contains("Complete"), "the sync ended {status:?}");
    ensure!(
        !b.exists("meta[http-equiv=refresh]").await?,
        "a finished run's page still refreshes itself"
    );

    b.step("the org chart without JavaScript");
    b.click_text("Org chart").await?;
    b.wait_for_path("/org", |p| p == "/org").await?;
    let top = b.text("#org-tree .org-top .org-name").await?;
    ensure!(top == copied.org_head, "the org chart starts at {top:?}");
    // A branch whose reports htmx would load: opened, its link shows the chart from
    // that manager instead.
    let lazy = b
        .attr("details.org-node[hx-get]:not([open])", "hx-get")
        .await?
        .context("a branch loaded on demand")?;
    b.click(&format!("details[hx-get='{lazy}'] > summary"))
        .await?;
    b.click(&format!("details[hx-get='{lazy}'] .org-more a"))
        .await?;
    let chart = b
        .wait_for_path("the chart from a manager", |p| p.starts_with("/org?root="))
        .await?;
    ensure!(
        b.exists("#org-breadcrumb").await?,
        "{chart} shows no way back up the chart"
    );

    b.step("sign out");
    sign_out(&b).await?;
    Ok(())
}
