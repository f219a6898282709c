//! Accessibility in Chromium: axe-core (vendored under `vendor/`, injected over WebDriver
//! for the test only — never served) on every main page with zero serious or critical
//! violations; errors tied to their field; statuses that carry a symbol and a word, not
//! only a colour. The keyboard is in `keyboard`.

use crate::driver::{Browser, BrowserOptions, browser_test};
use crate::flows::*;
use crate::server::{Sandbox, Server};
use anyhow::{Context, Result, bail, ensure};
use serde::Deserialize;
use serde_json::{Value, json};

/// axe-core from npm (`axe-core`, MPL-2.0, its licence header kept in the file).
const AXE: &str = include_str!("vendor/axe.min.js");

#[derive(Debug, Deserialize)]
struct Violation {
    id: String,
    impact: Option<String>,
    help: String,
    nodes: Vec<ViolationNode>,
}

#[derive(Debug, Deserialize)]
struct ViolationNode {
    target: Value,
    summary: Option<String>,
}

/// Runs axe-core on the page shown; fails on any serious or critical violation (and
/// prints the lesser ones).
async fn axe(b: &Browser, page: &str) -> Result<()> {
    if b.execute("return typeof window.axe;", vec![]).await? != json!("object") {
        b.execute(AXE, vec![]).await.context("injecting axe-core")?;
    }
    let answer = b
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, { resultTypes: ['violations'] })
               .then(r => done(JSON.stringify(r.violations.map(v => ({
                 id: v.id, impact: v.impact, help: v.help,
                 nodes: v.nodes.map(n => ({ target: n.target, summary: n.failureSummary })),
               })))))
               .catch(e => done('axe failed: ' + e));",
            vec![],
        )
        .await?;
    let text = answer.as_str().unwrap_or_default();
    let violations: Vec<Violation> =
        serde_json::from_str(text).with_context(|| format!("axe on {page}: {text}"))?;
    let describe = |v: &Violation| {
        let nodes: Vec<String> = v
            .nodes
            .iter()
            .map(|n| {
                format!(
                    "      {} — {}",
                    n.target,
                    n.summary.as_deref().unwrap_or("").replace('\n', " ")
                )
            })
            .collect();
        format!(
            "  {} ({}): {}\n{}",
            v.id,
            v.impact.as_deref().unwrap_or("?"),
            v.help,
            nodes.join("\n")
        )
    };
    let (bad, minor): (Vec<&Violation>, Vec<&Violation>) = violations
        .iter()
        .partition(|v| matches!(v.impact.as_deref(), Some("serious" | "critical")));
    for v in &minor {
        eprintln!("    axe note on {page}:\n{}", describe(v));
    }
    if !bad.is_empty() {
        let list: Vec<String> = bad.iter().map(|v| describe(v)).collect();
        bail!(
            "axe found {} serious or critical violation(s) on {page}:\n{}",
            bad.len(),
            list.join("\n")
        );
    }
    Ok(())
}

/// Every status, result, message and error on the page says what it means with a
/// symbol and a word, so that colour is never the only signal.
async fn statuses_carry_a_symbol_and_a_word(b: &Browser, page: &str) -> Result<usize> {
    let answer = b
        .execute(
            "const checked = [], bad = [];
             for (const el of document.querySelectorAll(
                 '.status, .result, .flash, .form-error, .field-error')) {
               const symbol = el.querySelector('[aria-hidden=\"true\"]');
               const mark = symbol ? symbol.textContent.trim() : '';
               const words = el.textContent.replace(mark, '').trim();
               checked.push(el.className);
               if (!mark || !/\\p{L}{2,}/u.test(words)) bad.push(el.outerHTML.slice(0, 200));
             }
             return { checked: checked.length, bad };",
            vec![],
        )
        .await?;
    let bad = answer["bad"].as_array().cloned().unwrap_or_default();
    ensure!(
        bad.is_empty(),
        "on {page}, statuses shown by colour alone (no symbol or no word): {bad:?}"
    );
    Ok(answer["checked"].as_u64().unwrap_or(0) as usize)
}

/// Plants an image without a text alternative: axe must call it critical, or this
/// harness would pass every page without really checking.
async fn axe_catches_an_image_without_alt(b: &Browser) -> Result<()> {
    b.execute(
        "const img = document.createElement('img'); img.src = '/static/none.png';
         img.id = 'planted'; document.querySelector('main').appendChild(img); return true;",
        vec![],
    )
    .await?;
    let found = axe(b, "a page with a planted image").await;
    b.execute(
        "document.getElementById('planted').remove(); return true;",
        vec![],
    )
    .await?;
    match found {
        Err(e) if e.to_string().contains("image-alt") => Ok(()),
        Err(e) => Err(e),
        Ok(()) => bail!("axe did not report an image without alt text"),
    }
}

/// axe and the status check on the page shown.
pub(crate) async fn check_page(b: &Browser, page: &str) -> Result<()> {
    axe(b, page).await?;
    let statuses = statuses_carry_a_symbol_and_a_word(b, page).await?;
    eprintln!("    {page}: axe clean, {statuses} status(es) with symbol and word");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_main_page_passes_axe_without_serious_or_critical_violations() {
    browser_test("axe_every_page", BrowserOptions::default(), every_page).await;
}

async fn every_page(b: Browser) -> Result<()> {
    let sandbox = Sandbox::start(30, 5).await?;
    let server = Server::on(&sandbox).await?;

    b.step("axe itself finds a planted violation");
    b.goto(&server.url("/login")).await?;
    axe_catches_an_image_without_alt(&b).await?;

    b.step("sign-in page");
    b.goto(&server.url("/login")).await?;
    check_page(&b, "the sign-in page").await?;
    b.fill("#email", OWNER_EMAIL).await?;
    b.fill("#password", "not the password at all").await?;
    b.click_text("Sign in").await?;
    b.find("#login-error").await?;
    check_page(&b, "the sign-in page with its error").await?;

    b.step("setup page");
    b.goto(&server.setup_link()?).await?;
    check_page(&b, "the setup page").await?;
    create_owner(&b, &server).await?;

    b.step("apps page before installing");
    check_page(&b, "Apps and Integrations").await?;

    b.step("Justworks settings");
    install_justworks(&b).await?;
    check_page(&b, "the Justworks page, just installed").await?;
    let copied = copy_sandbox_credentials(&b, &sandbox.url).await?;
    fill_credentials(&b, &copied).await?;
    b.click_text("Test connection").await?;
    wait_for_connection_ok(&b, &copied.company).await?;
    check_page(&b, "the Justworks page with a connection result").await?;
    save_settings(&b).await?;
    check_page(&b, "the Justworks page, saved").await?;
    b.click("details.advanced summary").await?;
    check_page(&b, "the Justworks page, advanced options open").await?;

    b.step("a run while it runs, and finished");
    sandbox.set_latency(700).await?;
    sandbox.forget_used_codes();
    press_sync(&b).await?;
    check_page(&b, "a run's page while it runs").await?;
    wait_for_run_end(&b).await?;
    sandbox.set_latency(0).await?;
    check_page(&b, "a finished run's page").await?;

    b.step("sync history");
    b.click_text("Sync history").await?;
    b.wait_for_path("/syncs", |p| p == "/syncs").await?;
    check_page(&b, "Sync history").await?;

    b.step("people, a person, the org chart");
    b.click_text("People").await?;
    b.wait_for_path("/people", |p| p == "/people").await?;
    check_page(&b, "People").await?;
    open_person(&b, &copied.org_head).await?;
    check_page(&b, "the org head's page").await?;
    b.click_text("Org chart").await?;
    b.wait_for_path("/org", |p| p == "/org").await?;
    check_page(&b, "the org chart").await?;
    // A branch whose reports htmx loads when it is opened.
    let lazy = b
        .attr("details.org-node[hx-get]:not([open])", "hx-get")
        .await?
        .context("a branch loaded on demand")?;
    b.click(&format!("details[hx-get='{lazy}'] > summary"))
        .await?;
    b.find(&format!("details[hx-get='{lazy}'] .org-children .org-item"))
        .await?;
    check_page(&b, "the org chart with a branch opened").await?;

    b.step("apps page installed");
    b.click_text("Apps and Integrations").await?;
    b.wait_for_path("/apps", |p| p == "/apps").await?;
    check_page(&b, "Apps and Integrations, installed").await?;

    b.step("users, with an invitation link");
    b.click_text("Users").await?;
    b.wait_for_path("/settings/users", |p| p == "/settings/users")
        .await?;
    check_page(&b, "Users").await?;
    b.fill("#name", MEMBER_NAME).await?;
    b.fill("#email", MEMBER_EMAIL).await?;
    b.find("#level").await?.select_by_value("member").await?;
    b.click_text("Invite").await?;
    let link = b.value("#invite-link").await?;
    check_page(&b, "Users with an invitation link").await?;

    b.step("org settings, account, audit log");
    for (label, path) in [
        ("Audit log", "/settings/audit"),
        ("Org settings", "/settings/org"),
        ("Your account", "/settings/account"),
    ] {
        b.click_text(label).await?;
        b.wait_for_path(path, |p| p == path).await?;
        check_page(&b, label).await?;
    }
    b.fill("#current_password", "wrong wrong wrong").await?;
    b.fill("#new_password", "a brand new passphrase").await?;
    b.fill("#confirm_password", "a different passphrase")
        .await?;
    b.click_text("Change password").await?;
    b.find(".field-error").await?;
    check_page(&b, "Your account with errors").await?;

    b.step("a page that does not exist");
    b.goto(&server.url("/no/such/page")).await?;
    check_page(&b, "the 404 page").await?;

    b.step("the invitation page and a Member's 403");
    b.goto(&server.url("/people")).await?;
    sign_out(&b).await?;
    b.goto(&link).await?;
    check_page(&b, "the invitation page").await?;
    b.fill("#password", PASSWORD).await?;
    b.click_text("Set password and sign in").await?;
    b.wait_for_path("/people", |p| p.starts_with("/people"))
        .await?;
    check_page(&b, "People, as a Member").await?;
    b.goto(&server.url("/apps")).await?;
    b.find(".error-page").await?;
    check_page(&b, "the 403 page").await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_seed_is_shown_at_its_field_and_tied_to_it() {
    browser_test(
        "bad_seed_tied_to_field",
        BrowserOptions::default(),
        bad_seed,
    )
    .await;
}

async fn bad_seed(b: Browser) -> Result<()> {
    let sandbox = Sandbox::start(10, 3).await?;
    let server = Server::on(&sandbox).await?;
    create_owner(&b, &server).await?;
    install_justworks(&b).await?;
    let copied = copy_sandbox_credentials(&b, &sandbox.url).await?;

    b.step("save with a 6-digit code as the seed");
    fill_credentials(&b, &copied).await?;
    b.fill("#totp_secret", "123456").await?;
    b.click_text("Save Settings").await?;
    let message = b.text("#totp_secret-error").await?;

    b.step("the message is tied to the field");
    let field = b.find("#totp_secret").await?;
    ensure!(
        field.attr("aria-invalid").await?.as_deref() == Some("true"),
        "the 2FA field is not marked invalid"
    );
    let described_by = field.attr("aria-describedby").await?.unwrap_or_default();
    ensure!(
        described_by
            .split_whitespace()
            .any(|id| id == "totp_secret-error"),
        "the 2FA field is described by {described_by:?}, not by its error"
    );
    // What a screen reader announces for the field: its label and, in its description,
    // the error.
    let description = b
        .execute(
            "const f = document.getElementById('totp_secret');
             return f.getAttribute('aria-describedby').split(/\\s+/)
               .map(id => document.getElementById(id).textContent.trim()).join(' ');",
            vec![],
        )
        .await?;
    ensure!(
        description
            .as_str()
            .is_some_and(|d| d.contains(message.trim_start_matches("! "))),
        "the field's description {description} lacks the error {message:?}"
    );
    let label = b.text("label[for=totp_secret]").await?;
    ensure!(
        label == "JustWorks 2FA Code",
        "the field's label is {label:?}"
    );
    for other in ["#username", "#org_head"] {
        ensure!(
            b.attr(other, "aria-invalid").await?.is_none(),
            "{other} is marked invalid though it is fine"
        );
    }
    let alert = b.attr("#form-errors", "role").await?;
    ensure!(
        alert.as_deref() == Some("alert"),
        "the summary is not announced"
    );
    check_page(&b, "the Justworks page with a bad seed").await?;

    b.step("nothing was saved");
    b.goto(&server.url("/apps/justworks")).await?;
    ensure!(
        b.value("#username").await?.is_empty() && !b.text("#password-help").await?.contains("set"),
        "a refused form saved something"
    );
    Ok(())
}
