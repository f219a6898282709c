//! Editing the org by hand from the keyboard alone (issue 19): open a person's Edit
//! form, change their title, save; move them under another manager by typing a name;
//! pin the title — Tab, typing and Enter only, the focus visible at every stop — and
//! the person page, the edit form and the conflicts page pass axe.

use crate::a11y::check_page;
use crate::driver::{Browser, BrowserOptions, browser_test};
use crate::flows::*;
use crate::keyboard::{focus_on, tab_to};
use crate::server::{Sandbox, Server};
use anyhow::{Result, ensure};
use fantoccini::key::Key;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_is_edited_moved_and_pinned_from_the_keyboard() {
    browser_test("hand_edits_keyboard", BrowserOptions::default(), hand_edits).await;
}

async fn hand_edits(b: Browser) -> Result<()> {
    let sandbox = Sandbox::start(12, 4).await?;
    let server = Server::on(&sandbox).await?;
    create_owner(&b, &server).await?;
    install_justworks(&b).await?;
    let copied = copy_sandbox_credentials(&b, &sandbox.url).await?;
    fill_credentials(&b, &copied).await?;
    save_settings(&b).await?;
    sandbox.forget_used_codes();
    press_sync(&b).await?;
    wait_for_run_end(&b).await?;

    b.step("a person's page: Edit from the keyboard");
    b.goto(&server.url("/people")).await?;
    let first = b
        .texts("table.people-table td:first-child a")
        .await?
        .into_iter()
        .find(|n| n != &copied.org_head)
        .expect("someone besides the org head");
    open_person(&b, &first).await?;
    check_page(&b, "a person's page with its edit controls").await?;
    tab_to(&b, "a:Edit").await?;
    b.press(&[Key::Enter.into()]).await?;
    b.wait_for_path("the edit form", |p| p.ends_with("/edit"))
        .await?;
    check_page(&b, "the edit form").await?;
    tab_to(&b, "#title").await?;
    b.type_keys("Keyboard Cartographer").await?;
    b.press(&[Key::Enter.into()]).await?;
    b.wait_for_text("h1", "the person page again", |t| t.starts_with(&first))
        .await?;
    ensure!(fact(&b, "Title").await? == "Keyboard Cartographer");
    b.find("#pin-note-title").await?;

    b.step("move under the org head by typing their name");
    tab_to(&b, "#move-manager").await?;
    b.type_keys(&copied.org_head).await?;
    b.press(&[Key::Enter.into()]).await?;
    b.wait_for_text(".flash", "the move's result", |t| t.contains("Moved"))
        .await?;
    ensure!(fact(&b, "Manager").await? == copied.org_head);

    b.step("pin the title");
    tab_to(&b, "button:Pin Title").await?;
    b.press(&[Key::Enter.into()]).await?;
    b.wait_for_text(".flash", "the pin's result", |t| t.contains("Pinned"))
        .await?;
    tab_to(&b, "button:Unpin Title").await?;
    focus_on(&b, "button:Unpin Title").await?;
    check_page(&b, "a person's page with a pinned field").await?;

    b.step("the conflicts page");
    b.goto(&server.url("/people/conflicts")).await?;
    check_page(&b, "the conflicts page").await?;
    Ok(())
}
