//! The README's screenshots, taken from the real pages: orgsync on its embedded defaults
//! (the built-in sandbox with a 250-person company), configured the way the README tells
//! it, in a 1280×900 page. Refresh them with
//!
//! ```sh
//! cargo test --test browser readme_screenshots -- --ignored
//! ```
//!
//! They are written to `docs/screenshots/{apps,justworks,run,org}.png`. Names in Chinese,
//! Japanese or Korean need a CJK font (`apt-get install -y fonts-noto-cjk`), or they show
//! as boxes.

use crate::driver::{Browser, BrowserOptions, browser_test};
use crate::flows::*;
use crate::server::Server;
use anyhow::{Context, Result, ensure};
use std::path::PathBuf;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "writes docs/screenshots; run it to refresh the README's pictures"]
async fn readme_screenshots() {
    browser_test("readme_screenshots", BrowserOptions::default(), take).await;
}

fn shot(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("docs")
        .join("screenshots")
        .join(format!("{name}.png"))
}

async fn take(b: Browser) -> Result<()> {
    let server = Server::embedded(250).await?;
    create_owner(&b, &server).await?;
    b.set_viewport(1280, 900).await?;
    install_justworks(&b).await?;

    b.step("copy the credentials from the sandbox the Justworks page links");
    let sandbox_url = b
        .attr(".sandbox-hint a", "href")
        .await?
        .context("the Justworks page links the embedded sandbox")?;
    let copied = copy_sandbox_credentials(&b, sandbox_url.trim_end_matches('/')).await?;

    b.step("the Justworks settings, tested");
    b.goto(&server.url("/apps/justworks")).await?;
    fill_credentials(&b, &copied).await?;
    b.click("input[name=notify_user_ids]").await?;
    b.click_text("Test connection").await?;
    wait_for_connection_ok(&b, &copied.company).await?;
    // The settings down to the connection's result.
    b.execute(
        "const result = document.getElementById('connection-result');
         window.scrollTo(0, result.getBoundingClientRect().bottom + window.scrollY
                            - window.innerHeight + 24);
         return true;",
        vec![],
    )
    .await?;
    b.screenshot_to(&shot("justworks")).await?;

    b.step("save and sync");
    save_settings(&b).await?;
    // The embedded sandbox takes each 2FA code once: the sync may wait for the next one.
    press_sync(&b).await?;
    // The first sync waits for review: the plan, then applied.
    let status = wait_for_run_stop(&b).await?;
    ensure!(
        status.contains("Waiting for review"),
        "the first sync {status:?}"
    );
    b.screenshot_to(&shot("review")).await?;
    wait_for_run_end(&b).await?;
    b.screenshot_to(&shot("run")).await?;

    b.step("the org chart");
    b.click_text("Org chart").await?;
    b.wait_for_path("/org", |p| p == "/org").await?;
    let top = b.text("#org-tree .org-top .org-name").await?;
    ensure!(top == copied.org_head, "the org chart starts at {top:?}");
    b.screenshot_to(&shot("org")).await?;

    b.step("Apps and Integrations");
    b.click_text("Apps and Integrations").await?;
    b.wait_for_path("/apps", |p| p == "/apps").await?;
    b.screenshot_to(&shot("apps")).await?;
    eprintln!("    written to {}", shot("").parent().unwrap().display());
    Ok(())
}
