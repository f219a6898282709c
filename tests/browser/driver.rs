//! Chromium over WebDriver: a chromedriver of each test's own on a free port, a headless
//! Chromium session with the flags this machine needs (root, no network of its own), and
//! [`browser_test`], which runs a test's steps in a [`Browser`] and, when one fails, saves
//! what the browser showed (screenshot, HTML, address) and the server's log under
//! `test-artifacts/browser/<test>/`.
//!
//! Every wait here is for a condition, bounded by [`WAIT`]; nothing sleeps for a fixed
//! time hoping the page is ready.

pub use crate::browser::Browser;
use anyhow::{Context, Result, anyhow, bail};
use fantoccini::ClientBuilder;
use futures::FutureExt;
use serde_json::json;
use std::future::Future;
use std::io::{BufRead, BufReader};
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long any one condition may take before the test gives up (2 slow cores, argon2
/// and several Chromium processes at once).
pub const WAIT: Duration = Duration::from_secs(30);

const INSTALL_HINT: &str = "the browser tests need Chromium and its WebDriver: \
    `apt-get install -y chromium chromium-driver` (or set CHROMEDRIVER to a chromedriver)";

/// What kind of browser a test wants.
#[derive(Debug, Clone, Copy)]
pub struct BrowserOptions {
    pub javascript: bool,
    pub width: u32,
    pub height: u32,
}

impl Default for BrowserOptions {
    fn default() -> Self {
        Self {
            javascript: true,
            width: 1280,
            height: 900,
        }
    }
}

impl BrowserOptions {
    /// A browser with JavaScript switched off, as by a person's browser setting.
    pub fn without_javascript() -> Self {
        Self {
            javascript: false,
            ..Self::default()
        }
    }
}

// ---------------------------------------------------------------------------------------
// chromedriver
// ---------------------------------------------------------------------------------------

/// A chromedriver process listening on a loopback port it chose; killed when dropped.
struct Chromedriver {
    child: Child,
    port: u16,
}

impl Chromedriver {
    /// Starts chromedriver on a port it picks. A start that fails (chromedriver exits
    /// or stays silent — with `--port=0` it can lose a race for its port's IPv6 twin on
    /// a busy machine) is retried twice; the error then quotes what it printed.
    fn start() -> Result<Self> {
        let mut failures = Vec::new();
        for _ in 0..3 {
            match Self::start_once() {
                Ok(driver) => return Ok(driver),
                Err(e) => failures.push(format!("{e:#}")),
            }
        }
        bail!("{}", failures.join("\n--- then ---\n"))
    }

    fn start_once() -> Result<Self> {
        let program = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
        let mut child = Command::new(&program)
            .arg("--port=0")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| anyhow!("could not start `{program}` ({e}); {INSTALL_HINT}"))?;
        let stdout = child.stdout.take().expect("a piped stdout");
        let stderr = child.stderr.take().expect("a piped stderr");
        let printed = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let (tx, rx) = std::sync::mpsc::channel();
        // Reads the port, then keeps draining so chromedriver never blocks on a full pipe.
        let out = printed.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Some(port) = line
                    .split_once("started successfully on port ")
                    .and_then(|(_, rest)| rest.trim_end_matches('.').trim().parse::<u16>().ok())
                {
                    let _ = tx.send(port);
                }
                let mut out = out.lock().unwrap_or_else(|e| e.into_inner());
                if out.len() < 4096 {
                    out.push_str(&line);
                    out.push('\n');
                }
            }
        });
        let err = printed.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                let mut err = err.lock().unwrap_or_else(|e| e.into_inner());
                if err.len() < 4096 {
                    err.push_str(&line);
                    err.push('\n');
                }
            }
        });
        match rx.recv_timeout(WAIT) {
            Ok(port) if port != 0 => Ok(Self { child, port }),
            outcome => {
                let _ = child.kill();
                let status = child.wait().ok();
                let said = printed.lock().unwrap_or_else(|e| e.into_inner()).clone();
                let why = match outcome {
                    Ok(_) => "said port 0".to_owned(),
                    Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                        format!("did not say which port it listens on within {WAIT:?}")
                    }
                    Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                        format!("exited ({status:?}) before saying which port it listens on")
                    }
                };
                bail!("`{program}` {why}; it printed:\n{said}")
            }
        }
    }
}

impl Drop for Chromedriver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What [`browser_test`] keeps to close the session and clean up after the test.
struct Session {
    browser: Browser,
    _driver: Chromedriver,
    _profile: tempfile::TempDir,
}

impl Session {
    async fn start(options: BrowserOptions) -> Result<Self> {
        let driver = Chromedriver::start()?;
        let profile = tempfile::tempdir().context("a Chromium profile directory")?;
        let mut args: Vec<String> = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--force-device-scale-factor=1",
            "--lang=en-US",
        ]
        .into_iter()
        .map(String::from)
        .collect();
        args.push(format!("--user-data-dir={}", profile.path().display()));
        args.push(format!(
            "--window-size={},{}",
            options.width, options.height
        ));
        let mut chrome = json!({ "args": args });
        if let Ok(binary) = std::env::var("CHROMIUM") {
            chrome["binary"] = json!(binary);
        } else if std::path::Path::new("/usr/bin/chromium").exists() {
            chrome["binary"] = json!("/usr/bin/chromium");
        }
        if !options.javascript {
            chrome["prefs"] = json!({ "profile.managed_default_content_settings.javascript": 2 });
        }
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("browserName".into(), json!("chrome"));
        capabilities.insert("goog:chromeOptions".into(), chrome);
        let url = format!("http://127.0.0.1:{}", driver.port);
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities)
            .connect(&url)
            .await
            .map_err(|e| anyhow!("Chromium did not start ({e}); {INSTALL_HINT}"))?;
        client
            .update_timeouts(fantoccini::wd::TimeoutConfiguration::new(
                Some(WAIT),
                Some(WAIT),
                Some(Duration::ZERO),
            ))
            .await
            .context("setting the WebDriver timeouts")?;
        // The tab keeps the keyboard focus as a browser window in front does, even when
        // other tabs were opened and closed (headless Chromium otherwise may leave it
        // unfocused, and key presses then go nowhere).
        client
            .issue_cmd(Cdp {
                cmd: "Emulation.setFocusEmulationEnabled",
                params: json!({ "enabled": true }),
            })
            .await
            .context("turning on focus emulation")?;
        Ok(Self {
            browser: Browser::new(client),
            _driver: driver,
            _profile: profile,
        })
    }

    async fn close(self) {
        let _ = tokio::time::timeout(WAIT, self.browser.close()).await;
    }
}

/// A Chrome DevTools Protocol command, through chromedriver's `goog/cdp/execute`.
#[derive(Debug)]
struct Cdp {
    cmd: &'static str,
    params: serde_json::Value,
}

impl fantoccini::wd::WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _url: &url::Url) -> (axum::http::Method, Option<String>) {
        let body = json!({ "cmd": self.cmd, "params": self.params });
        (axum::http::Method::POST, Some(body.to_string()))
    }
}

/// Runs `body` in a fresh browser. When it fails (an error or a panic), saves under
/// `test-artifacts/browser/<name>/` a screenshot and the HTML of the page at that moment,
/// its address, the step it was at and the server's log, then fails the test saying so.
pub async fn browser_test<F, Fut>(name: &str, options: BrowserOptions, body: F)
where
    F: FnOnce(Browser) -> Fut,
    Fut: Future<Output = Result<()>>,
{
    crate::init();
    let artefacts = artefacts_dir(name);
    let _ = std::fs::remove_dir_all(&artefacts);
    let session = match Session::start(options).await {
        Ok(session) => session,
        Err(e) => panic!("{name}: {e:#}"),
    };
    let browser = session.browser.clone();
    let started = Instant::now();
    let outcome = AssertUnwindSafe(body(browser.clone())).catch_unwind().await;
    let failure = match outcome {
        Ok(Ok(())) => None,
        Ok(Err(e)) => Some(format!("{e:#}")),
        Err(panic) => Some(
            panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "a panic".into()),
        ),
    };
    let step = browser.current_step();
    if let Some(message) = &failure {
        browser.save_artefacts(&artefacts, &step, message).await;
    }
    session.close().await;
    match failure {
        None => eprintln!("{name}: passed in {:.1} s", started.elapsed().as_secs_f64()),
        Some(message) => panic!(
            "{name} failed at step «{step}» after {:.1} s: {message}\n\
             screenshot, page and server log: {}",
            started.elapsed().as_secs_f64(),
            artefacts.display()
        ),
    }
}

/// `test-artifacts/browser/<name>` in the project (ignored by git).
fn artefacts_dir(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("test-artifacts")
        .join("browser")
        .join(name)
}
