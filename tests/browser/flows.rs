//! What a person does in orgsync, one small function per thing, shared by the browser
//! tests: first start, signing in and out, installing Justworks, copying the sandbox's
//! credentials from its front page, saving the settings and syncing.

use crate::browser::{Browser, xpath_literal};
use crate::server::Server;
use anyhow::{Context, Result, bail, ensure};
use std::time::Duration;

pub const PASSWORD: &str = "correct horse battery staple";
pub const OWNER_NAME: &str = "Olivia Owner";
pub const OWNER_EMAIL: &str = "olivia@acme.test";
pub const MEMBER_NAME: &str = "Mia Member";
pub const MEMBER_EMAIL: &str = "mia@acme.test";

/// How long a sync may take (the sandbox is slowed down in some tests).
pub const RUN_DEADLINE: Duration = Duration::from_secs(90);

/// First start: opens the setup link, creates the Owner and lands signed in.
pub async fn create_owner(b: &Browser, server: &Server) -> Result<()> {
    b.goto(&server.setup_link()?).await?;
    b.fill("#name", OWNER_NAME).await?;
    b.fill("#email", OWNER_EMAIL).await?;
    b.fill("#password", PASSWORD).await?;
    b.click_text("Create Owner and sign in").await?;
    b.wait_for_path("/apps", |p| p == "/apps").await?;
    let me = b.text(".whoami-name").await?;
    ensure!(me == OWNER_NAME, "signed in as {me:?}, not {OWNER_NAME:?}");
    Ok(())
}

/// Signs in on the sign-in page; lands on People.
pub async fn sign_in(b: &Browser, server: &Server, email: &str, name: &str) -> Result<()> {
    b.goto(&server.url("/login")).await?;
    b.fill("#email", email).await?;
    b.fill("#password", PASSWORD).await?;
    b.click_text("Sign in").await?;
    b.wait_for_path("/people", |p| p.starts_with("/people"))
        .await?;
    let me = b.text(".whoami-name").await?;
    ensure!(me == name, "signed in as {me:?}, not {name:?}");
    Ok(())
}

/// Presses Sign out in the top bar; lands on the sign-in page.
pub async fn sign_out(b: &Browser) -> Result<()> {
    b.click_text("Sign out").await?;
    b.wait_for_path("/login", |p| p.starts_with("/login"))
        .await?;
    ensure!(
        !b.exists(".whoami-name").await?,
        "the sign-in page still shows someone signed in"
    );
    Ok(())
}

/// Apps and Integrations → Install on the Justworks row; lands on the Justworks page.
pub async fn install_justworks(b: &Browser) -> Result<()> {
    b.click_text("Apps and Integrations").await?;
    b.wait_for_path("/apps", |p| p == "/apps").await?;
    b.click("button[aria-label='Install Justworks']").await?;
    b.wait_for_path("/apps/justworks", |p| p == "/apps/justworks")
        .await?;
    b.wait_for_text(".flash", "that Justworks is installed", |t| {
        t.contains("Justworks is installed")
    })
    .await?;
    Ok(())
}

/// What the sandbox's front page shows, as a person copies it.
#[derive(Debug, Clone)]
pub struct Copied {
    pub company: String,
    pub active_members: usize,
    pub username: String,
    pub password: String,
    pub totp_secret: String,
    pub org_head: String,
}

/// Opens the sandbox's front page in a new tab and copies the values shown there.
pub async fn copy_sandbox_credentials(b: &Browser, sandbox_url: &str) -> Result<Copied> {
    let back = b.open_tab(&format!("{sandbox_url}/")).await?;
    let copied = read_sandbox_page(b).await;
    b.close_tab(back).await?;
    copied
}

async fn read_sandbox_page(b: &Browser) -> Result<Copied> {
    let value = async |label: &str| -> Result<String> {
        let xpath = format!(
            "//dt[normalize-space()={}]/following-sibling::dd[1]/code",
            xpath_literal(label)
        );
        let text = b.find_xpath(&xpath).await?.text().await?;
        ensure!(!text.trim().is_empty(), "the sandbox page shows no {label}");
        Ok(text.trim().to_owned())
    };
    let members = b
        .find_xpath("//main/p[contains(., 'active members')]")
        .await?
        .text()
        .await?;
    Ok(Copied {
        company: b.text("main h2").await?,
        active_members: members
            .split_whitespace()
            .next()
            .and_then(|n| n.parse().ok())
            .with_context(|| format!("no member count in {members:?}"))?,
        username: value("JustWorks Username").await?,
        password: value("JustWorks Password").await?,
        totp_secret: value("JustWorks 2FA Code").await?,
        org_head: value("Name Org Head").await?,
    })
}

/// Fills the four credential fields of the Justworks form.
pub async fn fill_credentials(b: &Browser, copied: &Copied) -> Result<()> {
    b.fill("#username", &copied.username).await?;
    b.fill("#password", &copied.password).await?;
    b.fill("#totp_secret", &copied.totp_secret).await?;
    b.fill("#org_head", &copied.org_head).await?;
    Ok(())
}

/// Waits for *Test connection*'s answer to say it worked, naming the company.
pub async fn wait_for_connection_ok(b: &Browser, company: &str) -> Result<String> {
    let text = b
        .wait_for_text("#connection-result", "a result", |t| !t.trim().is_empty())
        .await?;
    ensure!(
        b.exists("#connection-result .result-ok").await?,
        "Test connection failed: {text}"
    );
    ensure!(
        text.contains("Connection works.") && text.contains(company),
        "Test connection says {text:?}, without the company {company:?}"
    );
    Ok(text)
}

/// Presses Save Settings and waits for the page to say it saved.
pub async fn save_settings(b: &Browser) -> Result<()> {
    b.click_text("Save Settings").await?;
    wait_for_saved(b).await
}

pub async fn wait_for_saved(b: &Browser) -> Result<()> {
    b.wait_for_text(".flash", "“Settings saved”", |t| {
        t.contains("Settings saved")
    })
    .await?;
    ensure!(
        b.path().await? == "/apps/justworks",
        "saving did not come back to the Justworks page"
    );
    Ok(())
}

/// Opens the Justworks page from the navigation (Apps and Integrations → Configure).
pub async fn open_justworks(b: &Browser) -> Result<()> {
    b.click_text("Apps and Integrations").await?;
    b.wait_for_path("/apps", |p| p == "/apps").await?;
    b.click_text("Configure").await?;
    b.wait_for_path("/apps/justworks", |p| p == "/apps/justworks")
        .await?;
    Ok(())
}

/// Presses Sync To Primary; lands on the run's page. Its path.
pub async fn press_sync(b: &Browser) -> Result<String> {
    b.click("form[action='/apps/justworks/sync'] button[type=submit]")
        .await?;
    b.wait_for_path("a run's page", |p| p.starts_with("/syncs/"))
        .await
}

/// Waits for the run's status (`#run-status`) to be final; returns it. The first sync
/// of an install waits for review: this presses **Apply these changes**, as its admin
/// would, and waits again.
pub async fn wait_for_run_end(b: &Browser) -> Result<String> {
    let mut status = wait_for_run_stop(b).await?;
    if status.contains("Waiting for review") {
        b.click("#apply-plan").await?;
        status = wait_for_run_stop(b).await?;
    }
    if !status.contains("Complete") {
        let error = b.texts(".run-summary .form-error").await?;
        bail!("the sync ended {status:?}: {error:?}");
    }
    Ok(status)
}

/// Waits until the run's status (`#run-status`) is final or waiting for review.
pub async fn wait_for_run_stop(b: &Browser) -> Result<String> {
    b.wait_for_text_within("#run-status", "a final status", RUN_DEADLINE, |t| {
        let t = t.trim();
        t.contains("Complete") || t.contains("Failed") || t.contains("Waiting for review")
    })
    .await
}

/// A person's row link on the People page (the first page), by their name.
pub async fn open_person(b: &Browser, name: &str) -> Result<()> {
    let xpath = format!(
        "//table[contains(@class,'people-table')]//td[1]/a[normalize-space()={}]",
        xpath_literal(name)
    );
    b.find_xpath(&xpath).await?.click().await?;
    b.wait_for_text("h1", "the person's name", |t| t.starts_with(name))
        .await?;
    Ok(())
}

/// The value of a fact (`<dt>label</dt><dd>value</dd>`) on the page.
pub async fn fact(b: &Browser, label: &str) -> Result<String> {
    let xpath = format!(
        "//dl/dt[normalize-space()={}]/following-sibling::dd[1]",
        xpath_literal(label)
    );
    Ok(b.find_xpath(&xpath).await?.text().await?.trim().to_owned())
}
