//! One Chromium window as a test drives it: steps (named, for the artefacts of a failure),
//! navigation, elements found by waiting for them, texts that are waited for until they
//! say what is expected (htmx may replace an element meanwhile), and the keyboard.

use crate::driver::WAIT;
use anyhow::{Context, Result, anyhow, bail, ensure};
use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::elements::Element;
use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use serde_json::Value;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How often a condition is looked at again.
const POLL: Duration = Duration::from_millis(100);

/// One Chromium window, driven over WebDriver. Cheap to clone (the same session).
#[derive(Clone)]
pub struct Browser {
    client: Client,
    steps: Arc<Mutex<Steps>>,
}

#[derive(Default)]
struct Steps {
    number: usize,
    current: String,
}

impl Browser {
    pub(crate) fn new(client: Client) -> Self {
        Self {
            client,
            steps: Arc::default(),
        }
    }

    /// Ends the WebDriver session (Chromium quits).
    pub(crate) async fn close(&self) {
        let _ = self.client.clone().close().await;
    }

    // ----- steps and artefacts -----

    /// Names the step the test is at (printed, and used for the artefacts' names).
    pub fn step(&self, what: &str) {
        let mut steps = self.steps.lock().unwrap_or_else(|e| e.into_inner());
        steps.number += 1;
        steps.current = format!("{:02} {what}", steps.number);
        eprintln!("  step {}", steps.current);
    }

    pub(crate) fn current_step(&self) -> String {
        let steps = self.steps.lock().unwrap_or_else(|e| e.into_inner());
        if steps.current.is_empty() {
            "00 start".into()
        } else {
            steps.current.clone()
        }
    }

    pub(crate) async fn save_artefacts(&self, dir: &std::path::Path, step: &str, message: &str) {
        if let Err(e) = std::fs::create_dir_all(dir) {
            eprintln!("could not create {}: {e}", dir.display());
            return;
        }
        let stem = file_name(step);
        let url = match self.client.current_url().await {
            Ok(url) => url.to_string(),
            Err(e) => format!("(unknown: {e})"),
        };
        match self.client.screenshot().await {
            Ok(png) => {
                let _ = std::fs::write(dir.join(format!("{stem}.png")), png);
            }
            Err(e) => eprintln!("no screenshot: {e}"),
        }
        if let Ok(html) = self.client.source().await {
            let _ = std::fs::write(dir.join(format!("{stem}.html")), html);
        }
        let _ = std::fs::write(
            dir.join("failure.txt"),
            format!("step: {step}\naddress: {url}\n\n{message}\n"),
        );
        let _ = std::fs::write(dir.join("server.log"), crate::captured_logs());
    }

    /// Saves a screenshot of the window as it is now (for the README).
    pub async fn screenshot_to(&self, path: &std::path::Path) -> Result<()> {
        let png = self.client.screenshot().await.context("a screenshot")?;
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, png).with_context(|| format!("writing {}", path.display()))
    }

    /// Sizes the window so that the page itself (the viewport) is `width`×`height`.
    pub async fn set_viewport(&self, width: u32, height: u32) -> Result<()> {
        for _ in 0..3 {
            let inner = self
                .execute("return [window.innerWidth, window.innerHeight];", vec![])
                .await?;
            let (iw, ih) = (
                inner[0].as_i64().unwrap_or(0),
                inner[1].as_i64().unwrap_or(0),
            );
            if (iw, ih) == (i64::from(width), i64::from(height)) {
                return Ok(());
            }
            let (ow, oh) = self.client.get_window_size().await?;
            let w = (ow as i64 + i64::from(width) - iw).max(100) as u32;
            let h = (oh as i64 + i64::from(height) - ih).max(100) as u32;
            self.client.set_window_size(w, h).await?;
        }
        bail!("the page could not be made {width}×{height}")
    }

    // ----- navigation -----

    pub async fn goto(&self, url: &str) -> Result<()> {
        self.client
            .goto(url)
            .await
            .with_context(|| format!("opening {url}"))
    }

    pub async fn refresh(&self) -> Result<()> {
        self.client.refresh().await.context("reloading the page")
    }

    /// The path (and query) of the page shown.
    pub async fn path(&self) -> Result<String> {
        let url = self.client.current_url().await.context("the address")?;
        Ok(match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_owned(),
        })
    }

    /// Waits until the address's path satisfies `ok`; returns it.
    pub async fn wait_for_path(&self, what: &str, ok: impl Fn(&str) -> bool) -> Result<String> {
        let deadline = Instant::now() + WAIT;
        loop {
            let path = self.path().await.unwrap_or_default();
            if ok(&path) {
                return Ok(path);
            }
            if Instant::now() > deadline {
                bail!("the address never became {what} within {WAIT:?} (it is {path})");
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Opens `url` in a new tab and switches to it; returns the tab to come back to.
    pub async fn open_tab(&self, url: &str) -> Result<fantoccini::wd::WindowHandle> {
        let back = self.client.window().await?;
        let tab = self.client.new_window(true).await?;
        self.client.switch_to_window(tab.handle).await?;
        self.goto(url).await?;
        Ok(back)
    }

    /// Closes the current tab and switches to `back`.
    pub async fn close_tab(&self, back: fantoccini::wd::WindowHandle) -> Result<()> {
        self.client.close_window().await?;
        self.client.switch_to_window(back).await?;
        Ok(())
    }

    // ----- elements -----

    /// The element `css` matches, waiting for it to appear.
    pub async fn find(&self, css: &str) -> Result<Element> {
        let found = self
            .client
            .wait()
            .at_most(WAIT)
            .every(POLL)
            .for_element(Locator::Css(css))
            .await;
        match found {
            Ok(element) => Ok(element),
            Err(e) => Err(anyhow!(e).context(format!(
                "no element «{css}» on {} within {WAIT:?}",
                self.where_am_i().await
            ))),
        }
    }

    /// The element an XPath matches, waiting for it to appear.
    pub async fn find_xpath(&self, xpath: &str) -> Result<Element> {
        let found = self
            .client
            .wait()
            .at_most(WAIT)
            .every(POLL)
            .for_element(Locator::XPath(xpath))
            .await;
        match found {
            Ok(element) => Ok(element),
            Err(e) => Err(anyhow!(e).context(format!(
                "no element «{xpath}» on {} within {WAIT:?}",
                self.where_am_i().await
            ))),
        }
    }

    /// Every element `css` matches now (maybe none).
    pub async fn find_all(&self, css: &str) -> Result<Vec<Element>> {
        self.client
            .find_all(Locator::Css(css))
            .await
            .with_context(|| format!("looking for «{css}»"))
    }

    /// Whether `css` matches something now.
    pub async fn exists(&self, css: &str) -> Result<bool> {
        Ok(!self.find_all(css).await?.is_empty())
    }

    /// The visible text of the element `css` matches (waiting for it).
    pub async fn text(&self, css: &str) -> Result<String> {
        let element = self.find(css).await?;
        element
            .text()
            .await
            .with_context(|| format!("the text of «{css}»"))
    }

    /// The texts of every element `css` matches now.
    pub async fn texts(&self, css: &str) -> Result<Vec<String>> {
        let mut texts = Vec::new();
        for element in self.find_all(css).await? {
            texts.push(element.text().await?);
        }
        Ok(texts)
    }

    /// The current value of a form control.
    pub async fn value(&self, css: &str) -> Result<String> {
        let element = self.find(css).await?;
        Ok(element.prop("value").await?.unwrap_or_default())
    }

    pub async fn attr(&self, css: &str, name: &str) -> Result<Option<String>> {
        let element = self.find(css).await?;
        Ok(element.attr(name).await?)
    }

    /// Waits until the text of the element `css` satisfies `ok`, looking again and again
    /// (the element may be replaced meanwhile, as htmx does); returns that text.
    pub async fn wait_for_text(
        &self,
        css: &str,
        what: &str,
        ok: impl Fn(&str) -> bool,
    ) -> Result<String> {
        self.wait_for_text_within(css, what, WAIT, ok).await
    }

    pub async fn wait_for_text_within(
        &self,
        css: &str,
        what: &str,
        within: Duration,
        ok: impl Fn(&str) -> bool,
    ) -> Result<String> {
        let deadline = Instant::now() + within;
        let mut last = String::from("(not on the page)");
        loop {
            if let Ok(Some(element)) = self
                .client
                .find_all(Locator::Css(css))
                .await
                .map(|v| v.into_iter().next())
                && let Ok(text) = element.text().await
            {
                if ok(&text) {
                    return Ok(text);
                }
                last = text;
            }
            if Instant::now() > deadline {
                bail!(
                    "«{css}» never showed {what} within {within:?}; it shows: {last:?} on {}",
                    self.where_am_i().await
                );
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Types into a text field, replacing what was there.
    pub async fn fill(&self, css: &str, value: &str) -> Result<()> {
        let element = self.find(css).await?;
        element
            .clear()
            .await
            .with_context(|| format!("clearing «{css}»"))?;
        element
            .send_keys(value)
            .await
            .with_context(|| format!("typing into «{css}»"))
    }

    pub async fn click(&self, css: &str) -> Result<()> {
        let element = self.find(css).await?;
        element
            .click()
            .await
            .with_context(|| format!("clicking «{css}»"))
    }

    /// Clicks the link or button whose visible text is exactly `text`.
    pub async fn click_text(&self, text: &str) -> Result<()> {
        let xpath = format!(
            "//*[self::a or self::button][normalize-space()={}]",
            xpath_literal(text)
        );
        let element = self.find_xpath(&xpath).await?;
        element
            .click()
            .await
            .with_context(|| format!("clicking «{text}»"))
    }

    // ----- scripts and keys -----

    /// Runs `script` (a function body; `arguments` are `args`) in the page.
    pub async fn execute(&self, script: &str, args: Vec<Value>) -> Result<Value> {
        self.client
            .execute(script, args)
            .await
            .context("running a script in the page")
    }

    /// Runs an asynchronous script: it calls `arguments[arguments.length - 1]` with its
    /// answer.
    pub async fn execute_async(&self, script: &str, args: Vec<Value>) -> Result<Value> {
        self.client
            .execute_async(script, args)
            .await
            .context("running an asynchronous script in the page")
    }

    /// Presses and releases each key in turn, as a keyboard does (to the focused element).
    pub async fn press(&self, keys: &[char]) -> Result<()> {
        let mut actions = KeyActions::new("keyboard".into());
        for &key in keys {
            actions = actions
                .then(KeyAction::Down { value: key })
                .then(KeyAction::Up { value: key });
        }
        self.client
            .perform_actions(actions)
            .await
            .context("pressing keys")?;
        self.client
            .release_actions()
            .await
            .context("releasing keys")
    }

    pub async fn tab(&self) -> Result<()> {
        self.ready_for_keys().await?;
        self.press(&[Key::Tab.into()]).await
    }

    /// Waits until the page is loaded and its document has the keyboard focus, as it has
    /// for a person looking at it (the session emulates a focused window), so that no
    /// Tab is sent to a page that would lose it.
    async fn ready_for_keys(&self) -> Result<()> {
        let deadline = Instant::now() + WAIT;
        loop {
            let ready = self
                .execute(
                    "return document.readyState === 'complete' && document.hasFocus();",
                    vec![],
                )
                .await?;
            if ready.as_bool() == Some(true) {
                return Ok(());
            }
            ensure!(
                Instant::now() < deadline,
                "the page never got the keyboard focus within {WAIT:?}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub async fn shift_tab(&self) -> Result<()> {
        let shift: char = Key::Shift.into();
        let tab: char = Key::Tab.into();
        let actions = KeyActions::new("keyboard".into())
            .then(KeyAction::Down { value: shift })
            .then(KeyAction::Down { value: tab })
            .then(KeyAction::Up { value: tab })
            .then(KeyAction::Up { value: shift });
        self.client
            .perform_actions(actions)
            .await
            .context("pressing Shift-Tab")?;
        self.client
            .release_actions()
            .await
            .context("releasing keys")
    }

    /// Types `text` key by key into whatever has the focus.
    pub async fn type_keys(&self, text: &str) -> Result<()> {
        let keys: Vec<char> = text.chars().collect();
        self.press(&keys).await
    }

    /// `id`, or else a short description, of the element that has the focus.
    pub async fn focused(&self) -> Result<String> {
        let described = self
            .execute(
                "const e = document.activeElement; if (!e) return '';
                 if (e.id) return '#' + e.id;
                 const text = (e.getAttribute('aria-label') || e.textContent || '').trim().replace(/\\s+/g, ' ');
                 return e.tagName.toLowerCase() + ':' + text.slice(0, 60);",
                vec![],
            )
            .await?;
        Ok(described.as_str().unwrap_or_default().to_owned())
    }

    async fn where_am_i(&self) -> String {
        match self.client.current_url().await {
            Ok(url) => url.path().to_owned(),
            Err(_) => "(an unknown page)".into(),
        }
    }
}

/// `text` as an XPath string literal.
pub fn xpath_literal(text: &str) -> String {
    if !text.contains('\'') {
        format!("'{text}'")
    } else if !text.contains('"') {
        format!("\"{text}\"")
    } else {
        let parts: Vec<String> = text.split('\'').map(|p| format!("'{p}'")).collect();
        format!("concat({})", parts.join(", \"'\", "))
    }
}

/// A step's name as a file name: `03-save-the-settings`.
fn file_name(step: &str) -> String {
    step.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect::<String>()
        .split('-')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}
