//! *Connect with Justworks* in a real browser (issue 14), as a newcomer does it on the
//! embedded default: the sandbox's front page gives the client ID and secret and takes
//! orgsync's redirect URI; the Justworks page switches to the Partner API, saves,
//! connects; the sandbox's consent page says Allow; orgsync says it is connected, and a
//! sync through the Partner API completes.

use crate::browser::xpath_literal;
use crate::driver::{Browser, BrowserOptions, browser_test};
use crate::flows::*;
use crate::server::Server;
use anyhow::{Result, ensure};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connect_with_justworks_through_the_sandboxs_consent_page() {
    browser_test("oauth_connect", BrowserOptions::default(), connect).await;
}

async fn connect(b: Browser) -> Result<()> {
    let server = Server::embedded(12).await?;
    create_owner(&b, &server).await?;
    install_justworks(&b).await?;
    let sandbox = b.attr(".sandbox-hint a", "href").await?.unwrap_or_default();
    let sandbox = sandbox.trim_end_matches('/').to_owned();
    ensure!(
        sandbox.starts_with("http://127.0.0.1:"),
        "sandbox at {sandbox:?}"
    );

    b.step("choose the Partner API: its fields replace the service user's");
    b.click("#connection-partner_api").await?;
    ensure!(
        !b.find("#username").await?.is_displayed().await?,
        "the service user's fields are hidden"
    );
    let redirect = b.value("#redirect_uri").await?;
    ensure!(
        redirect == server.url("/apps/justworks/oauth/callback"),
        "the redirect URI shown is {redirect:?}"
    );

    b.step("the sandbox's front page: copy the client, register the redirect URI");
    let back = b.open_tab(&format!("{sandbox}/")).await?;
    let shown = async |label: &str| -> Result<String> {
        let xpath = format!(
            "//dt[normalize-space()={}]/following-sibling::dd[1]/code",
            xpath_literal(label)
        );
        Ok(b.find_xpath(&xpath).await?.text().await?.trim().to_owned())
    };
    let client_id = shown("Client ID").await?;
    let client_secret = shown("Client secret").await?;
    let org_head = shown("Name Org Head").await?;
    let company = b.text("main h2").await?;
    b.fill("#redirect_uri", &redirect).await?;
    b.click_text("Register").await?;
    b.wait_for_text("main", "the redirect URI registered", |t| {
        t.contains(&redirect)
    })
    .await?;
    b.close_tab(back).await?;

    b.step("save the Partner API settings and connect");
    b.fill("#client_id", &client_id).await?;
    b.fill("#client_secret", &client_secret).await?;
    b.fill("#org_head", &org_head).await?;
    save_settings(&b).await?;
    b.click("#connect-justworks").await?;
    b.wait_for_path("the sandbox's consent page", |p| {
        p.starts_with("/oauth/authorize")
    })
    .await?;
    ensure!(
        b.text("body").await?.contains("orgsync"),
        "the consent page names the app"
    );
    b.click("button.allow").await?;
    b.wait_for_path("back on the Justworks page", |p| p == "/apps/justworks")
        .await?;
    let flash = b.text(".flash").await?;
    ensure!(
        flash.contains(&format!("Connected to Justworks — company {company}")),
        "after Allow the page says {flash:?}"
    );
    ensure!(b.text("#link-state").await?.contains("Connected"));

    b.step("a sync through the Partner API");
    press_sync(&b).await?;
    let status = wait_for_run_end(&b).await?;
    ensure!(status.contains("Complete"), "the sync {status:?}");
    Ok(())
}
