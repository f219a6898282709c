//! The Justworks form and Sync To Primary from the keyboard alone — Tab, Shift-Tab,
//! Space and Enter as WebDriver key actions, no clicks — with the focus visible at every
//! stop (an outline or a ring on the focused control).

use crate::driver::{Browser, BrowserOptions, browser_test};
use crate::flows::*;
use crate::server::{Sandbox, Server};
use anyhow::{Context, Result, bail, ensure};
use fantoccini::key::Key;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_justworks_form_and_sync_work_from_the_keyboard_alone() {
    browser_test("keyboard_only", BrowserOptions::default(), keyboard).await;
}

/// Whether the focused element shows that it has the focus (an outline or a ring).
async fn focus_is_visible(b: &Browser) -> Result<()> {
    let style = b
        .execute(
            "const e = document.activeElement, s = getComputedStyle(e);
             return { what: e.id || e.tagName, outline: s.outlineStyle,
                      width: parseFloat(s.outlineWidth) || 0, shadow: s.boxShadow };",
            vec![],
        )
        .await?;
    let outline = style["outline"].as_str().unwrap_or("none") != "none"
        && style["width"].as_f64().unwrap_or(0.0) >= 1.0;
    let ring = style["shadow"].as_str().unwrap_or("none") != "none";
    ensure!(outline || ring, "the focus is invisible on {style}");
    Ok(())
}

/// Presses Tab until `target` has the focus, checking at every stop that the focus can
/// be seen.
pub(crate) async fn tab_to(b: &Browser, target: &str) -> Result<()> {
    let mut path = Vec::new();
    for _ in 0..80 {
        b.tab().await?;
        let now = b.focused().await?;
        focus_is_visible(b)
            .await
            .with_context(|| format!("after Tab through {path:?}"))?;
        path.push(now.clone());
        if now == target {
            return Ok(());
        }
    }
    bail!("{target} never got the focus; Tab went through {path:?}")
}

/// Expects the focus on `target` now.
pub(crate) async fn focus_on(b: &Browser, target: &str) -> Result<()> {
    let now = b.focused().await?;
    ensure!(now == target, "the focus is on {now}, not {target}");
    focus_is_visible(b).await
}

async fn keyboard(b: Browser) -> Result<()> {
    let sandbox = Sandbox::start(10, 9).await?;
    let server = Server::on(&sandbox).await?;
    create_owner(&b, &server).await?;
    install_justworks(&b).await?;
    let copied = copy_sandbox_credentials(&b, &sandbox.url).await?;
    b.goto(&server.url("/apps/justworks")).await?;

    b.step("Tab reaches the skip link first, and it leads to the content");
    b.tab().await?;
    focus_on(&b, "a:Skip to content").await?;
    let (x, y, _, _) = b.find(".skip-link").await?.rectangle().await?;
    ensure!(x >= 0.0 && y >= 0.0, "the focused skip link is off screen");
    b.press(&[Key::Enter.into()]).await?;
    // The content (a landmark, not a control) takes the focus, so Tab goes on from there.
    let now = b.focused().await?;
    ensure!(now == "#main", "the skip link sent the focus to {now}");

    b.step("type every credential, field after field");
    tab_to(&b, "#username").await?;
    b.type_keys(&copied.username).await?;
    b.tab().await?;
    focus_on(&b, "#password").await?;
    b.type_keys(&copied.password).await?;
    b.tab().await?;
    focus_on(&b, "#totp_secret").await?;
    b.type_keys(&copied.totp_secret).await?;
    b.tab().await?;
    focus_on(&b, "#org_head").await?;
    b.type_keys(&copied.org_head).await?;
    for (field, typed) in [
        ("#username", &copied.username),
        ("#password", &copied.password),
        ("#totp_secret", &copied.totp_secret),
        ("#org_head", &copied.org_head),
    ] {
        let value = b.value(field).await?;
        ensure!(&value == typed, "{field} holds {value:?} after typing");
    }

    b.step("Space ticks a notification recipient");
    let me = b
        .find("input[name=notify_user_ids]")
        .await?
        .attr("id")
        .await?
        .context("a recipient checkbox id")?;
    tab_to(&b, &format!("#{me}")).await?;
    b.press(&[Key::Space.into()]).await?;
    ensure!(
        b.find(&format!("#{me}")).await?.is_selected().await?,
        "Space did not tick the checkbox"
    );

    b.step("Enter opens the advanced options");
    tab_to(&b, "summary:Advanced options").await?;
    b.press(&[Key::Enter.into()]).await?;
    ensure!(
        b.attr("details.advanced", "open").await?.is_some(),
        "Enter did not open Advanced options"
    );

    b.step("Enter on Test connection");
    tab_to(&b, "button:Test connection").await?;
    b.press(&[Key::Enter.into()]).await?;
    wait_for_connection_ok(&b, &copied.company).await?;
    focus_on(&b, "button:Test connection").await?;

    b.step("Shift-Tab back to Save Settings, and Space saves");
    b.shift_tab().await?;
    focus_on(&b, "button:Save Settings").await?;
    b.press(&[Key::Space.into()]).await?;
    wait_for_saved(&b).await?;
    ensure!(
        b.find(&format!("#{me}")).await?.is_selected().await?,
        "the recipient ticked with Space was not saved"
    );

    b.step("Tab to Sync To Primary, and Enter syncs");
    tab_to(&b, "button:Sync To Primary").await?;
    sandbox.forget_used_codes();
    b.press(&[Key::Enter.into()]).await?;
    b.wait_for_path("a run's page", |p| p.starts_with("/syncs/"))
        .await?;
    wait_for_run_end(&b).await?;
    Ok(())
}
