//! `orgsync bench --pages N`: how fast the main pages answer with N people. It writes a
//! generated org (see `org.rs`) into a fresh database the way a sync writes it
//! (`org::store::apply_plan`, then the headcounts), serves the app on a loopback port,
//! signs in as an Owner over HTTP and prints min / median / max of 7 requests per page,
//! rendering included.

use super::{Target, fresh_database, org, tempfile_dir};
use crate::org::change::{JobChange, PersonChange, Plan};
use crate::org::store::{apply_plan, load_org, refresh_headcounts};
use crate::secrets::SecretString;
use crate::state::AppState;
use crate::{App, Config};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

const OWNER_EMAIL: &str = "bench.owner@example.com";
/// A throwaway password for a throwaway database, deleted after the run.
const OWNER_PASSWORD: &str = "bench-owner-password";
const TIMED: usize = 7;

/// The whole page benchmark at `people` people.
pub async fn run(people: usize, target: &Target) -> anyhow::Result<()> {
    anyhow::ensure!(
        people >= org::SMALLEST,
        "--pages needs at least {} people (the org's managers alone are that many)",
        org::SMALLEST
    );
    let dir = tempfile_dir()?;
    let mut config = Config::with_data_dir(&dir);
    // No sync runs here: the embedded sandbox only has to exist, not to be large.
    config.sandbox_members = 20;
    let database = match fresh_database(target, &mut config).await {
        Ok(database) => database,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&dir);
            return Err(e);
        }
    };
    let measured = measure_all(config, people, target).await;
    let _ = std::fs::remove_dir_all(&dir);
    // The database goes whatever happened.
    if let Some((server_url, name)) = database {
        crate::db::postgres::drop_database(&server_url, &name).await?;
    }
    measured
}

async fn measure_all(config: Config, people: usize, target: &Target) -> anyhow::Result<()> {
    let app = App::build(config.clone()).await?;
    crate::cli::create_user(
        &config,
        OWNER_EMAIL,
        "Bench Owner",
        "owner",
        SecretString::new(OWNER_PASSWORD.to_owned()),
    )
    .await?;
    let state = app.state.clone();
    let (apply, headcounts) = seed(&state, people).await?;
    println!(
        "orgsync page benchmark — {}, {people} people seeded: apply_plan {:.1} s, \
         headcounts {:.1} s",
        target.label(),
        apply.as_secs_f64(),
        headcounts.as_secs_f64()
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.serve(listener, async {
        let _ = stopped.await;
    }));
    let timed = time_pages(&base, people).await;
    let _ = stop.send(());
    server.await??;
    timed
}

/// Writes the generated org as one sync run would; returns how long the apply and the
/// headcounts took.
async fn seed(state: &AppState, people: usize) -> anyhow::Result<(Duration, Duration)> {
    let (people, jobs) = org::generate(people);
    let plan = Plan {
        people: people
            .into_iter()
            .map(|p| PersonChange::Create(Box::new(p)))
            .collect(),
        jobs: jobs
            .into_iter()
            .map(|j| JobChange::Create(Box::new(j)))
            .collect(),
        ..Plan::default()
    };
    let mut tx = state.db.begin().await?;
    let started = Instant::now();
    // No history rows, so no run row is needed for them to point at.
    apply_plan(&mut tx, &plan, "bench", state.clock.now_ms()).await?;
    let applied = started.elapsed();
    let org = load_org(&mut tx).await?;
    refresh_headcounts(&mut tx, &org).await?;
    tx.commit().await?;
    Ok((applied, started.elapsed() - applied))
}

/// The requests measured: the directory (first, deep and filtered pages, searches), a
/// person, the chart and its subtrees, and the JSON API.
fn paths(people: usize) -> Vec<String> {
    let middle = format!("p{:06}", people / 2);
    let last = people - 1;
    // 50 a page: about the middle of the active people, and of everyone.
    let active_page = people / 100;
    let all_page = people * 3 / 200;
    vec![
        "/people".into(),
        format!("/people?page={active_page}"),
        format!("/people?status=all&page={all_page}"),
        "/people?q=souza".into(),
        "/people?q=souza&page=20".into(),
        format!("/people?q=user{last}"),
        "/people?q=zzz-nobody".into(),
        "/people?department=Sales&location=Berlin".into(),
        format!("/people/{middle}"),
        "/org".into(),
        "/org?root=j000001".into(),
        "/org?root=j000111".into(),
        "/org/j000011/reports".into(),
        "/api/v1/people".into(),
        "/api/v1/people?limit=500".into(),
        "/api/v1/people?q=souza&limit=500".into(),
        format!("/api/v1/people/{middle}"),
    ]
}

async fn time_pages(base: &str, people: usize) -> anyhow::Result<()> {
    let browser = Browser::sign_in(base).await?;
    let org = browser.get("/org").await?;
    anyhow::ensure!(
        org.contains("Ana Souza 0"),
        "the chart does not start at the generated org head"
    );
    println!(
        "{:<45} {:>9} {:>9} {:>9}",
        "request", "min ms", "median", "max"
    );
    for path in paths(people) {
        browser.get(&path).await?;
        let mut times = Vec::with_capacity(TIMED);
        for _ in 0..TIMED {
            let started = Instant::now();
            browser.get(&path).await?;
            times.push(started.elapsed());
        }
        times.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        println!(
            "{path:<45} {:>9.1} {:>9.1} {:>9.1}",
            ms(times[0]),
            ms(times[TIMED / 2]),
            ms(times[TIMED - 1])
        );
    }
    Ok(())
}

/// Just enough of a browser to sign in and read pages: its cookies, sent back as they
/// were set (the benchmark talks only to its own loopback server).
struct Browser {
    http: reqwest::Client,
    base: String,
    cookies: std::sync::Mutex<BTreeMap<String, String>>,
}

impl Browser {
    async fn sign_in(base: &str) -> anyhow::Result<Self> {
        let browser = Self {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()?,
            base: base.to_owned(),
            cookies: Default::default(),
        };
        let login = browser.get("/login").await?;
        let token = csrf_token(&login)
            .ok_or_else(|| anyhow::anyhow!("the sign-in page has no CSRF token"))?;
        let answer = browser
            .send(
                browser
                    .http
                    .post(format!("{base}/login"))
                    .header("origin", base)
                    .form(&[
                        ("email", OWNER_EMAIL),
                        ("password", OWNER_PASSWORD),
                        ("csrf_token", &token),
                    ]),
            )
            .await?;
        anyhow::ensure!(
            answer.status() == reqwest::StatusCode::SEE_OTHER,
            "signing in answered {}",
            answer.status()
        );
        Ok(browser)
    }

    /// The body of `path`, which must answer 200.
    async fn get(&self, path: &str) -> anyhow::Result<String> {
        let response = self
            .send(self.http.get(format!("{}{path}", self.base)))
            .await?;
        anyhow::ensure!(
            response.status() == reqwest::StatusCode::OK,
            "GET {path} answered {}",
            response.status()
        );
        Ok(response.text().await?)
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> anyhow::Result<reqwest::Response> {
        let cookie = self
            .cookies
            .lock()
            .expect("the cookie jar")
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect::<Vec<_>>()
            .join("; ");
        let request = if cookie.is_empty() {
            request
        } else {
            request.header("cookie", cookie)
        };
        let response = request.send().await?;
        let mut jar = self.cookies.lock().expect("the cookie jar");
        for set in response.headers().get_all("set-cookie") {
            let pair = set.to_str().unwrap_or("").split(';').next().unwrap_or("");
            if let Some((name, value)) = pair.split_once('=') {
                jar.insert(name.trim().to_owned(), value.trim().to_owned());
            }
        }
        drop(jar);
        Ok(response)
    }
}

/// The value of the page's hidden `csrf_token` input.
fn csrf_token(page: &str) -> Option<String> {
    let at = page.find("name=\"csrf_token\"")?;
    let tag_start = page[..at].rfind('<')?;
    let tag = &page[tag_start..tag_start + page[tag_start..].find('>')?];
    let value = tag.split("value=\"").nth(1)?;
    Some(value[..value.find('"')?].to_owned())
}
