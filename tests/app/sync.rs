//! Sync To Primary end to end over HTTP: the real app, its real database and a
//! real Justworks sandbox (ISSUE 4, "End to end over HTTP with the sandbox").
//!
//! Most tests run their own sandbox in this process and point the app at it
//! (`justworks_url`), so that they can patch members, inject faults and — above all —
//! let the sandbox forget the TOTP codes it has seen: a second sign-in inside one
//! 30-second step would otherwise wait for the next step. The first test uses the
//! embedded sandbox, learning its credentials and roster from a twin started with the
//! same seed and size (the sandbox is deterministic for both).

use crate::helpers::*;
use orgsync::sandbox::{RunningSandbox, SandboxOptions};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

/// How long a run may take before a test gives up on it.
pub(crate) const RUN_DEADLINE: Duration = Duration::from_secs(60);

/// The sentence a run fails with when orgsync's own database refuses (pipeline.rs).
const DATABASE_FAILURE: &str = "orgsync could not read or save its own data (a database error); \
    nothing was changed. Try again; if it keeps happening, check the server's log.";

// ---------------------------------------------------------------------------------------
// The sandbox, driven from the test.
// ---------------------------------------------------------------------------------------

/// A Justworks sandbox serving in this process, and its admin surface.
pub(crate) struct Sandbox {
    pub(crate) running: RunningSandbox,
    pub(crate) url: String,
    pub(crate) http: reqwest::Client,
}

impl Sandbox {
    pub(crate) async fn start(members: usize, seed: u64) -> Sandbox {
        init();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a loopback port");
        let running = orgsync::sandbox::start(listener, SandboxOptions { members, seed })
            .await
            .expect("the sandbox starts");
        Sandbox {
            url: running.base_url(),
            running,
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .expect("an HTTP client"),
        }
    }

    /// The Justworks settings a person would paste from the sandbox's front page.
    pub(crate) fn settings(&self) -> SettingsForm {
        let credentials = self.running.credentials();
        SettingsForm::valid()
            .set("username", &credentials.username)
            .set("password", &credentials.password)
            .set("totp_secret", &credentials.totp_secret)
            .set("org_head", &self.running.org_head().expect("an org head"))
    }

    /// As if a new TOTP step had begun: the app may sign in again at once.
    fn forget_used_codes(&self) {
        self.running.forget_used_codes();
    }

    /// Every member as `/v1/members` serves it, read as an independent client would
    /// (password, a TOTP code of our own, bearer token, cursors).
    async fn members(&self) -> Vec<Value> {
        self.forget_used_codes();
        let credentials = self.running.credentials();
        let login: Value = self
            .json_post(
                "/v1/auth/login",
                &json!({"username": credentials.username, "password": credentials.password}),
            )
            .await;
        let key = data_encoding::BASE32_NOPAD
            .decode(credentials.totp_secret.replace(' ', "").as_bytes())
            .expect("a base32 seed");
        let totp = totp_rs::Builder::new()
            .with_algorithm(totp_rs::Algorithm::SHA1)
            .with_digits(6)
            .with_step_duration(30)
            .with_secret(key.as_slice())
            .build()
            .expect("a TOTP generator");
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let token: Value = self
            .json_post(
                "/v1/auth/mfa",
                &json!({"challenge_id": login["challenge_id"], "code": totp.generate(now).to_string()}),
            )
            .await;
        let bearer = token["access_token"].as_str().expect("a token").to_owned();
        self.forget_used_codes();
        let mut members = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let mut query = vec![("limit", "100")];
            if let Some(c) = &cursor {
                query.push(("cursor", c));
            }
            let query = serde_urlencoded::to_string(&query).expect("a query");
            let page: Value = self
                .http
                .get(format!("{}/v1/members?{query}", self.url))
                .bearer_auth(&bearer)
                .send()
                .await
                .expect("the sandbox answers")
                .json()
                .await
                .expect("a members page");
            members.extend(page["items"].as_array().expect("items").iter().cloned());
            match page["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_owned()),
                None => return members,
            }
        }
    }

    pub(crate) async fn json_post(&self, path: &str, body: &Value) -> Value {
        let response = self
            .http
            .post(format!("{}{path}", self.url))
            .json(body)
            .send()
            .await
            .unwrap_or_else(|e| panic!("POST {path}: {e}"));
        let status = response.status();
        let answer: Value = response.json().await.expect("a JSON answer");
        assert!(status.is_success(), "POST {path}: {status} {answer}");
        answer
    }

    /// Merges a JSON patch into one member (`null` removes a key).
    pub(crate) async fn patch(&self, id: &str, patch: Value) {
        self.json_post(&format!("/sandbox/members/{id}"), &patch)
            .await;
    }

    /// Adds a member (a new hire).
    async fn put(&self, id: &str, member: Value) {
        let response = self
            .http
            .put(format!("{}/sandbox/members/{id}", self.url))
            .json(&member)
            .send()
            .await
            .expect("the sandbox answers");
        assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
    }

    /// Sets the faults to exactly `faults` (`{}` clears them).
    async fn faults(&self, faults: Value) {
        self.json_post("/sandbox/faults", &faults).await;
    }

    /// Presses Sync To Primary and waits for the run to end; see [`sync_and_wait`].
    pub(crate) async fn sync(&self, client: &TestClient) -> (String, Value) {
        self.forget_used_codes();
        sync_and_wait(client).await
    }
}

/// An app whose Justworks is `sandbox`, with `tweak` applied to its configuration.
pub(crate) async fn app_on(sandbox: &Sandbox, tweak: impl FnOnce(&mut orgsync::Config)) -> TestApp {
    let url = sandbox.url.clone();
    spawn_app_with(move |config| {
        config.justworks_url = Some(url);
        tweak(config);
    })
    .await
}

/// A sandbox company of `members`, an app on it with Justworks installed and configured
/// by a signed-in Technical Owner (returned).
async fn configured(members: usize) -> (Sandbox, TestApp, TestClient) {
    let sandbox = Sandbox::start(members, 7).await;
    let app = app_on(&sandbox, |_| {}).await;
    let to = app.technical_owner().await;
    install_and_save(&to, &sandbox.settings()).await;
    (sandbox, app, to)
}

// ---------------------------------------------------------------------------------------
// Runs.
// ---------------------------------------------------------------------------------------

/// Presses Sync To Primary: answered 303 to the run's page, which opens. The run's id.
pub(crate) async fn press_sync(client: &TestClient) -> String {
    let page = client.post("/apps/justworks/sync", NO_FIELDS).await;
    page.expect(303);
    let location = page.location.clone().expect("a Location");
    let id = location
        .strip_prefix("/syncs/")
        .unwrap_or_else(|| panic!("Sync To Primary led to {location}"))
        .to_owned();
    client.get(&location).await.expect(200);
    id
}

/// The run's JSON as `client` reads it.
pub(crate) async fn run_json(client: &TestClient, id: &str) -> Value {
    let page = client.get(&format!("/api/v1/syncs/{id}")).await;
    page.expect(200);
    serde_json::from_str(&page.body).unwrap_or_else(|e| panic!("{e}: {}", page.body))
}

pub(crate) fn is_finished(run: &Value) -> bool {
    matches!(
        run["status"].as_str(),
        Some("complete" | "complete_with_warnings" | "failed")
    )
}

/// Polls the run's JSON until `until` holds (at most [`RUN_DEADLINE`]).
pub(crate) async fn wait_for_run(
    client: &TestClient,
    id: &str,
    until: impl Fn(&Value) -> bool,
) -> Value {
    let deadline = Instant::now() + RUN_DEADLINE;
    loop {
        let run = run_json(client, id).await;
        if until(&run) {
            return run;
        }
        assert!(
            Instant::now() < deadline,
            "run {id} not there within {RUN_DEADLINE:?}: {run}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Presses Sync To Primary, follows to the run's page and waits until the run ends.
/// The run's id and final JSON.
pub(crate) async fn sync_and_wait(client: &TestClient) -> (String, Value) {
    let id = press_sync(client).await;
    let run = wait_for_run(client, &id, is_finished).await;
    (id, run)
}

/// Panics unless the run ended well.
#[track_caller]
pub(crate) fn assert_completed(run: &Value) {
    assert!(
        matches!(
            run["status"].as_str(),
            Some("complete" | "complete_with_warnings")
        ) && run["error"].is_null(),
        "the run did not complete: {run}"
    );
}

pub(crate) fn count(run: &Value, name: &str) -> i64 {
    run["counts"][name]
        .as_i64()
        .unwrap_or_else(|| panic!("no count {name} in {run}"))
}

// ---------------------------------------------------------------------------------------
// The database.
// ---------------------------------------------------------------------------------------

/// Every row of the org's tables, every column quoted by the database itself (so NULL,
/// '' and 0 stay apart): equal dumps mean the org is as it was.
async fn org_dump(dir: &std::path::Path) -> BTreeMap<&'static str, Vec<String>> {
    let pool = open_db(dir).await;
    let mut dump = BTreeMap::new();
    for table in ["people", "jobs", "history", "departments", "locations"] {
        dump.insert(table, table_rows(&pool, table).await);
    }
    pool.close().await;
    dump
}

#[track_caller]
fn assert_same_org(
    before: &BTreeMap<&'static str, Vec<String>>,
    after: &BTreeMap<&'static str, Vec<String>>,
) {
    for (table, rows) in before {
        let now = &after[table];
        let first_difference = rows
            .iter()
            .zip(now.iter())
            .find(|(a, b)| a != b)
            .map(|(a, b)| format!("before: {a}\nafter:  {b}"));
        assert!(
            rows == now,
            "{table} changed ({} rows before, {} after)\n{}",
            rows.len(),
            now.len(),
            first_difference.unwrap_or_default()
        );
    }
}

/// One history row, with the Justworks id of who it is about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Row {
    pub(crate) member: Option<String>,
    pub(crate) kind: String,
    pub(crate) entity: String,
    pub(crate) field: String,
    pub(crate) old: Option<String>,
    pub(crate) new: Option<String>,
    pub(crate) sensitive: bool,
}

pub(crate) async fn history_of_run(app: &TestApp, run_id: &str) -> Vec<Row> {
    let pool = app.db().await;
    #[allow(clippy::type_complexity)]
    let rows: Vec<(
        Option<String>,
        String,
        String,
        String,
        Option<String>,
        Option<String>,
        i64,
    )> = sqlx::query_as(
        "SELECT p.justworks_id, h.kind, h.entity, h.field, h.old_value, h.new_value, h.sensitive \
         FROM history h LEFT JOIN people p ON p.id = h.person_id WHERE h.run_id = $1",
    )
    .bind(run_id)
    .fetch_all(&pool)
    .await
    .expect("history");
    pool.close().await;
    let mut rows: Vec<Row> = rows
        .into_iter()
        .map(|(member, kind, entity, field, old, new, sensitive)| Row {
            member,
            kind,
            entity,
            field,
            old,
            new,
            sensitive: sensitive != 0,
        })
        .collect();
    rows.sort();
    rows
}

/// `(person id, name, status)` of the person linked to a Justworks member.
pub(crate) async fn person_of(app: &TestApp, member_id: &str) -> (String, String, String) {
    let pool = app.db().await;
    let person: (String, String, String) =
        sqlx::query_as("SELECT id, name, status FROM people WHERE justworks_id = $1")
            .bind(member_id)
            .fetch_one(&pool)
            .await
            .unwrap_or_else(|e| panic!("no person for member {member_id}: {e}"));
    pool.close().await;
    person
}

/// The filled Justworks jobs: `(job id, person's member id, manager job id)`.
async fn filled_jobs(app: &TestApp) -> Vec<(String, String, Option<String>)> {
    let pool = app.db().await;
    let jobs: Vec<(String, String, Option<String>)> = sqlx::query_as(
        "SELECT j.id, p.justworks_id, j.manager_job_id FROM jobs j JOIN people p \
         ON p.id = j.person_id WHERE j.status = 'filled' AND j.source = p.source ORDER BY j.id",
    )
    .fetch_all(&pool)
    .await
    .expect("jobs");
    pool.close().await;
    jobs
}

// ---------------------------------------------------------------------------------------
// Members.
// ---------------------------------------------------------------------------------------

fn today() -> time::Date {
    time::OffsetDateTime::now_utc().date()
}

fn id(member: &Value) -> &str {
    member["id"].as_str().expect("a member id")
}

fn manager_id(member: &Value) -> Option<&str> {
    member["manager"]["id"].as_str()
}

fn termination(member: &Value) -> Option<&str> {
    member["employment_termination_date"].as_str()
}

/// Active and not (yet) terminated: in the tree after a sync.
fn is_live(member: &Value) -> bool {
    member["active"].as_bool() == Some(true)
        && termination(member).is_none_or(|d| d > today().to_string().as_str())
}

/// Live members, not the org head, nobody's manager, with no termination date at all:
/// changing one touches nobody else.
fn quiet_leaves(members: &[Value]) -> Vec<&Value> {
    let managers: HashSet<&str> = members
        .iter()
        .filter(|m| is_live(m))
        .filter_map(manager_id)
        .collect();
    members
        .iter()
        .filter(|m| is_live(m) && termination(m).is_none())
        .filter(|m| manager_id(m).is_some() && !managers.contains(id(m)))
        .collect()
}

fn org_head(members: &[Value]) -> &Value {
    let heads: Vec<&Value> = members
        .iter()
        .filter(|m| is_live(m) && manager_id(m).is_none())
        .collect();
    assert_eq!(heads.len(), 1, "the sandbox has one top: {heads:?}");
    heads[0]
}

/// The members the second-sync test changes, each change touching nobody else.
struct Cast<'m> {
    head: &'m Value,
    /// Gets a new title.
    promoted: &'m Value,
    /// Moves to `new_manager`.
    moved: &'m Value,
    new_manager: &'m Value,
    /// Is terminated.
    leaver: &'m Value,
    /// Departed before the first sync; comes back.
    returning: &'m Value,
    /// Gets a raise.
    raised: &'m Value,
}

impl<'m> Cast<'m> {
    fn of(members: &'m [Value]) -> Self {
        let head = org_head(members);
        let leaves = quiet_leaves(members);
        let (promoted, moved, leaver) = (leaves[0], leaves[1], leaves[2]);
        let raised = leaves[3..]
            .iter()
            .copied()
            .find(|m| m["current_pay"]["amount"].is_i64())
            .expect("a paid member");
        let taken = [head, promoted, moved, leaver, raised].map(id);
        let new_manager = members
            .iter()
            .find(|m| {
                is_live(m)
                    && termination(m).is_none()
                    && !taken.contains(&id(m))
                    && Some(id(m)) != manager_id(moved)
            })
            .expect("someone to report to");
        let today = today().to_string();
        let returning = members
            .iter()
            .find(|m| {
                m["active"] == json!(false) && termination(m).is_some_and(|d| d < today.as_str())
            })
            .expect("a departed member in the generated company");
        Cast {
            head,
            promoted,
            moved,
            new_manager,
            leaver,
            returning,
            raised,
        }
    }
}

/// A whole member as Justworks lists a new hire starting today, reporting to `head`.
fn new_hire(id: &str, head: &Value) -> Value {
    let today = today().to_string();
    json!({
        "id": id,
        "company_id": head["company_id"],
        "active": true,
        "work_id": "E9901",
        "name": {"given_name": "Zoë", "family_name": "Þórsdóttir", "additional_names": []},
        "type": "employee",
        "employment_location_type": "office",
        "job_title": "Support Engineer",
        "department": head["department"],
        "office": head["office"],
        "manager": {"id": head["id"]},
        "employment_start_date": today,
        "emails": [{"address": "zoe.new@acme-e2e.test", "type": "work", "primary": true}],
        "phones": [],
        "addresses": [],
        "date_of_birth": "1994-02-03",
        "current_pay": {"amount": 9_100_000, "currency": "USD", "pay_basis": "salary",
                        "effective_date": today},
        "current_pay_frequency": "semimonthly",
        "updated_at": "2030-01-01T00:00:00Z"
    })
}

// ---------------------------------------------------------------------------------------
// The tests.
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn the_first_sync_creates_the_whole_company_with_the_org_head_at_the_root() {
    const MEMBERS: usize = 60;
    const SEED: u64 = 11;
    // The app's own embedded sandbox; a twin with the same seed and size tells the test
    // its credentials and roster.
    let twin = Sandbox::start(MEMBERS, SEED).await;
    let app = spawn_app_with(|config| {
        config.sandbox_members = MEMBERS;
        config.sandbox_seed = SEED;
    })
    .await;
    assert!(app.config.justworks_url.is_none(), "the embedded sandbox");
    let members = twin.members().await;
    assert_eq!(members.len(), MEMBERS);
    let head = org_head(&members);

    let to = app.technical_owner().await;
    install_and_save(&to, &twin.settings()).await;
    let (run_id, run) = sync_and_wait(&to).await;
    assert_completed(&run);
    assert_eq!(count(&run, "created"), MEMBERS as i64, "{run}");
    for name in ["updated", "departed", "rehired", "unchanged", "excluded"] {
        assert_eq!(count(&run, name), 0, "{name}: {run}");
    }
    assert_eq!(run["members_fetched"], json!(MEMBERS), "{run}");

    // Everyone is a person, with the status Justworks gives them.
    assert_eq!(
        app.count("SELECT COUNT(*) FROM people").await,
        MEMBERS as i64
    );
    let pool = app.db().await;
    let people: Vec<(String, String)> =
        sqlx::query_as("SELECT justworks_id, status FROM people WHERE source = 'justworks'")
            .fetch_all(&pool)
            .await
            .unwrap();
    pool.close().await;
    let status: HashMap<String, String> = people.into_iter().collect();
    for member in &members {
        let expected = if is_live(member) {
            "active"
        } else {
            "departed"
        };
        assert_eq!(
            status.get(id(member)).map(String::as_str),
            Some(expected),
            "{member}"
        );
    }

    // One filled job per live member, none for the departed; one root, the org head's;
    // every manager chain ends there.
    let jobs = filled_jobs(&app).await;
    let mut seats: HashMap<&str, usize> = HashMap::new();
    for (_, member, _) in &jobs {
        *seats.entry(member.as_str()).or_default() += 1;
    }
    for member in &members {
        let expected = usize::from(is_live(member));
        assert_eq!(
            seats.get(id(member)).copied().unwrap_or(0),
            expected,
            "filled jobs of {member}"
        );
    }
    let roots: Vec<&str> = jobs
        .iter()
        .filter(|(_, _, manager)| manager.is_none())
        .map(|(_, member, _)| member.as_str())
        .collect();
    assert_eq!(roots, vec![id(head)], "the root of the tree");
    let manager_of: HashMap<&str, Option<&str>> = jobs
        .iter()
        .map(|(job, _, manager)| (job.as_str(), manager.as_deref()))
        .collect();
    for (job, member, _) in &jobs {
        let mut at = job.as_str();
        for _ in 0..=jobs.len() {
            match manager_of.get(at).copied().flatten() {
                Some(up) => {
                    assert!(
                        manager_of.contains_key(up),
                        "{member}'s chain leaves the tree"
                    );
                    at = up;
                }
                None => break,
            }
        }
        assert!(manager_of[at].is_none(), "{member}'s chain has a loop");
    }

    // The run page lists every live member once, under New hires.
    let page = to.get(&format!("/syncs/{run_id}")).await;
    page.expect(200);
    let live = members.iter().filter(|m| is_live(m)).count();
    assert_eq!(
        page.text_of_id("group-new_hire"),
        Some(format!("New hires ({live})")),
        "{}",
        page.text()
    );
    let history = history_of_run(&app, &run_id).await;
    let new_hires: BTreeSet<&str> = history
        .iter()
        .filter(|r| r.kind == "new_hire")
        .filter_map(|r| r.member.as_deref())
        .collect();
    let expected: BTreeSet<&str> = members.iter().filter(|m| is_live(m)).map(id).collect();
    assert_eq!(new_hires, expected);
    assert!(
        to.get("/syncs")
            .await
            .text()
            .contains(&format!("{live} new hire")),
        "the history lists the run's summary"
    );
}

#[tokio::test]
async fn a_second_sync_records_exactly_the_changes_made_in_justworks() {
    let (sandbox, app, to) = configured(40).await;
    let owner = app.owner().await;
    let (_, first) = sandbox.sync(&to).await;
    assert_completed(&first);

    let members = sandbox.members().await;
    let Cast {
        head,
        promoted,
        moved,
        new_manager,
        leaver,
        returning,
        raised,
    } = Cast::of(&members);
    let old_manager = manager_id(moved).expect("a manager");
    let today = today().to_string();
    let yesterday = (self::today() - time::Duration::days(1)).to_string();

    // What changed in Justworks.
    let old_title = promoted["job_title"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let new_title = "Principal Cartographer";
    assert_ne!(old_title, new_title);
    sandbox
        .patch(id(promoted), json!({"job_title": new_title}))
        .await;
    sandbox
        .patch(id(moved), json!({"manager": {"id": id(new_manager)}}))
        .await;
    sandbox
        .patch(
            id(leaver),
            json!({"active": false, "employment_termination_date": yesterday}),
        )
        .await;
    sandbox
        .patch(
            id(returning),
            json!({"active": true, "employment_start_date": today, "employment_termination_date": null}),
        )
        .await;
    let old_pay = raised["current_pay"]["amount"].as_i64().unwrap();
    let new_pay = old_pay + 1_234_500;
    sandbox
        .patch(id(raised), json!({"current_pay": {"amount": new_pay}}))
        .await;
    let hire_id = "mem_e2e_new_hire";
    let hire = new_hire(hire_id, head);
    sandbox.put(hire_id, hire.clone()).await;

    let old_manager_name = person_of(&app, old_manager).await.1;
    let new_manager_name = person_of(&app, id(new_manager)).await.1;
    let leaver_name = person_of(&app, id(leaver)).await.1;
    let (run_id, run) = sandbox.sync(&to).await;
    assert_completed(&run);

    // Exactly these rows, about exactly these people.
    let history = history_of_run(&app, &run_id).await;
    let (pay_rows, history): (Vec<Row>, Vec<Row>) = history
        .into_iter()
        .partition(|r| r.kind == "compensation_change");
    let was_start = returning["employment_start_date"].as_str();
    let was_end = termination(returning);
    let (title, manager) = (old_title.as_str(), old_manager_name.as_str());
    #[rustfmt::skip]
    let expected = [
        (promoted, "title_change", "job", "title", Some(title), Some(new_title)),
        (moved, "manager_change", "job", "manager", Some(manager), Some(&new_manager_name)),
        (leaver, "departure", "person", "status", Some("active"), Some("departed")),
        (leaver, "departure", "person", "end_date", None, Some(&yesterday)),
        (leaver, "departure", "job", "status", Some("filled"), Some("open")),
        (leaver, "departure", "job", "person", Some(&leaver_name), None),
        (leaver, "departure", "job", "end_date", None, Some(&yesterday)),
        (returning, "rehire", "person", "status", Some("departed"), Some("active")),
        (returning, "rehire", "person", "start_date", was_start, Some(&today)),
        (returning, "rehire", "person", "end_date", was_end, None),
        (&hire, "new_hire", "person", "status", None, Some("active")),
    ];
    let mut expected: Vec<Row> = expected
        .into_iter()
        .map(|(member, kind, entity, field, old, new)| Row {
            member: Some(id(member).to_owned()),
            kind: kind.into(),
            entity: entity.into(),
            field: field.into(),
            old: old.map(str::to_owned),
            new: new.map(str::to_owned),
            sensitive: false,
        })
        .collect();
    expected.sort();
    assert_eq!(history, expected);
    assert_eq!(pay_rows.len(), 1, "{pay_rows:?}");
    let pay = &pay_rows[0];
    assert_eq!(
        (
            pay.member.as_deref(),
            pay.entity.as_str(),
            pay.field.as_str()
        ),
        (Some(id(raised)), "job", "compensation")
    );
    assert!(pay.sensitive, "compensation is sensitive");
    let old_shown = pay.old.clone().unwrap_or_default();
    let new_shown = pay.new.clone().unwrap_or_default();
    assert!(
        // History shows money grouped, as people write it: "71,000.00 USD (salary, …)".
        old_shown.starts_with(&format!("{} USD", amount_forms(old_pay)[1]))
            && new_shown.starts_with(&format!("{} USD", amount_forms(new_pay)[1])),
        "{old_pay} → {new_pay} shown as {old_shown} → {new_shown}"
    );

    let everyone = members.len() as i64 + 1;
    assert_eq!(
        (
            count(&run, "created"),
            count(&run, "departed"),
            count(&run, "rehired"),
            count(&run, "updated"),
            count(&run, "unchanged"),
            count(&run, "excluded"),
        ),
        // Read by a Technical Owner: the raise is counted apart, not as an update.
        (1, 1, 1, 2, everyone - 6, 0),
        "{run}"
    );
    assert_eq!(count(&run, "owner_only"), 1, "{run}");

    // The org now says so.
    assert_eq!(person_of(&app, id(leaver)).await.2, "departed");
    assert_eq!(person_of(&app, id(returning)).await.2, "active");
    assert_eq!(person_of(&app, hire_id).await.2, "active");
    let jobs = filled_jobs(&app).await;
    let job_of = |member: &str| {
        jobs.iter()
            .filter(|(_, m, _)| m == member)
            .collect::<Vec<_>>()
    };
    assert!(job_of(id(leaver)).is_empty());
    assert_eq!(job_of(id(returning)).len(), 1);
    assert_eq!(job_of(hire_id).len(), 1);
    assert_eq!(
        job_of(id(moved))[0].2.as_deref(),
        Some(job_of(id(new_manager))[0].0.as_str())
    );
    assert_eq!(
        job_of(hire_id)[0].2.as_deref(),
        Some(job_of(id(head))[0].0.as_str())
    );

    // The run's page groups them the way people read them.
    let page = owner.get(&format!("/syncs/{run_id}")).await;
    page.expect(200);
    assert_eq!(
        page.text_of_id("counts-heading").as_deref(),
        Some("1 new hire, 1 departure, 1 rehire, 3 other changes")
    );
    for (key, heading) in [
        ("new_hire", "New hires (1)"),
        ("departure", "Departures (1)"),
        ("rehire", "Rehires (1)"),
        ("title_change", "Title changes (1)"),
        ("manager_change", "Manager changes (1)"),
        ("compensation_change", "Compensation changes (1)"),
    ] {
        assert_eq!(
            page.text_of_id(&format!("group-{key}")).as_deref(),
            Some(heading)
        );
    }
    assert!(!page.has_id("group-group_change") && !page.has_id("group-other"));
    assert!(
        page.says(&format!("{old_title} → {new_title}")),
        "{}",
        page.text()
    );
    assert!(page.says(&format!("{old_manager_name} → {new_manager_name}")));

    // A third sync with nothing new changes nothing.
    let (quiet_id, quiet) = sandbox.sync(&to).await;
    assert_completed(&quiet);
    assert_eq!(history_of_run(&app, &quiet_id).await, Vec::<Row>::new());
    assert_eq!(
        (
            count(&quiet, "created"),
            count(&quiet, "updated"),
            count(&quiet, "departed"),
            count(&quiet, "rehired"),
            count(&quiet, "unchanged"),
        ),
        (0, 0, 0, 0, everyone),
        "{quiet}"
    );
    let page = to.get(&format!("/syncs/{quiet_id}")).await;
    assert_eq!(
        page.text_of_id("counts-heading").as_deref(),
        Some("No changes")
    );
    let list = to.get("/syncs").await;
    assert!(list.says("No changes"), "{}", list.text());
}

#[tokio::test]
async fn a_sync_against_a_failing_justworks_fails_with_the_clients_sentence_and_changes_nothing() {
    // Three pages of members; progress is recorded often, so the test sees page 1 land.
    let sandbox = Sandbox::start(250, 7).await;
    let app = app_on(&sandbox, |config| {
        config.run_heartbeat = Duration::from_millis(50);
    })
    .await;
    let to = app.technical_owner().await;
    install_and_save(&to, &sandbox.settings()).await;
    let (_, first) = sandbox.sync(&to).await;
    assert_completed(&first);
    // Changes a good pull would bring in.
    let members = sandbox.members().await;
    for member in quiet_leaves(&members).into_iter().take(3) {
        sandbox
            .patch(id(member), json!({"job_title": "Chief Patch Officer"}))
            .await;
    }
    let before = org_dump(app.dir.path()).await;
    assert!(before["people"].len() >= 250);

    // Slow, so that the second page can be spoiled once the first has been read.
    sandbox.faults(json!({"latency_ms": 1500})).await;
    sandbox.forget_used_codes();
    let run_id = press_sync(&to).await;
    let reading = wait_for_run(&to, &run_id, |r| {
        is_finished(r) || r["members_fetched"].as_i64().unwrap_or(0) >= 100
    })
    .await;
    assert_eq!(reading["status"], "running", "{reading}");
    sandbox.faults(json!({"corrupt_next_page": true})).await;
    let run = wait_for_run(&to, &run_id, is_finished).await;

    let sentence = "Justworks answered with data orgsync could not read (page 2)";
    assert_eq!(run["status"], "failed", "{run}");
    assert_eq!(run["error"].as_str(), Some(sentence), "{run}");
    let page = to.get(&format!("/syncs/{run_id}")).await;
    assert!(
        page.says("Failed") && page.says(sentence),
        "{}",
        page.text()
    );
    assert_same_org(&before, &org_dump(app.dir.path()).await);
}

#[tokio::test]
async fn a_failure_inside_apply_leaves_the_org_byte_for_byte_as_before() {
    let (sandbox, app, to) = configured(30).await;
    let (_, first) = sandbox.sync(&to).await;
    assert_completed(&first);
    let members = sandbox.members().await;
    let leaves = quiet_leaves(&members);
    let (promoted, leaver) = (leaves[0], leaves[1]);
    sandbox
        .patch(id(promoted), json!({"job_title": "Head of Rollbacks"}))
        .await;
    sandbox
        .patch(
            id(leaver),
            json!({"active": false, "employment_termination_date": today().to_string()}),
        )
        .await;

    let pool = app.db().await;
    fail_inserts_into(&pool, "history").await;
    pool.close().await;
    let before = org_dump(app.dir.path()).await;
    assert!(!before["history"].is_empty());

    let (run_id, run) = sandbox.sync(&to).await;
    assert_eq!(run["status"], "failed", "{run}");
    assert_eq!(run["error"].as_str(), Some(DATABASE_FAILURE), "{run}");
    let page = to.get(&format!("/syncs/{run_id}")).await;
    assert!(page.says(DATABASE_FAILURE), "{}", page.text());
    for leak in ["injected", "RAISE", "trigger", "SQLITE", "sqlx", "plpgsql"] {
        assert!(
            !page.body.contains(leak),
            "the page shows the driver's text"
        );
    }
    assert_same_org(&before, &org_dump(app.dir.path()).await);

    let pool = app.db().await;
    stop_failing_inserts_into(&pool, "history").await;
    pool.close().await;
    let (run_id, run) = sandbox.sync(&to).await;
    assert_completed(&run);
    assert_eq!(
        (count(&run, "updated"), count(&run, "departed")),
        (1, 1),
        "{run}"
    );
    let kinds: BTreeSet<(Option<String>, String)> = history_of_run(&app, &run_id)
        .await
        .into_iter()
        .map(|r| (r.member, r.kind))
        .collect();
    assert_eq!(
        kinds,
        BTreeSet::from([
            (Some(id(promoted).to_owned()), "title_change".to_owned()),
            (Some(id(leaver).to_owned()), "departure".to_owned()),
        ])
    );
}

#[tokio::test]
async fn twenty_concurrent_presses_make_one_run() {
    let (sandbox, app, to) = configured(20).await;
    let owner = app.owner().await;
    let (other, _) = app
        .signed_in("tara@acme.test", "Tara Tech", "technical-owner")
        .await;
    // Slow enough that the run is still under way when the last press lands.
    sandbox.faults(json!({"latency_ms": 1500})).await;
    sandbox.forget_used_codes();
    let clients = [&to, &owner, &other];
    let presses =
        (0..20).map(|i| clients[i % clients.len()].post("/apps/justworks/sync", NO_FIELDS));
    let answers = futures::future::join_all(presses).await;
    let locations: BTreeSet<Option<String>> = answers
        .iter()
        .map(|page| {
            page.expect(303);
            page.location.clone()
        })
        .collect();
    assert_eq!(locations.len(), 1, "{locations:?}");
    let location = locations.into_iter().next().flatten().unwrap();
    assert!(location.starts_with("/syncs/"), "{location}");
    assert_eq!(app.count("SELECT COUNT(*) FROM sync_runs").await, 1);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'sync.requested'")
            .await,
        1
    );
    sandbox.faults(json!({})).await;
    let run = wait_for_run(&to, &location["/syncs/".len()..], is_finished).await;
    assert_completed(&run);
    assert_eq!(app.count("SELECT COUNT(*) FROM sync_runs").await, 1);
}

/// The orgsync binary serving `dir` on a free loopback port, with Justworks at
/// `justworks`; its output goes to `log`.
pub(crate) struct Server {
    child: Option<std::process::Child>,
    pub(crate) base: String,
}

impl Server {
    /// On the database of `dir` (see [`database_url`]), with the key file in `dir`.
    pub(crate) async fn start(
        dir: &std::path::Path,
        justworks: &str,
        log: &std::path::Path,
    ) -> Server {
        Self::start_on(dir, &database_url(dir), justworks, log, &[]).await
    }

    /// On `database` (another instance's, say), with `env` set too.
    pub(crate) async fn start_on(
        dir: &std::path::Path,
        database: &str,
        justworks: &str,
        log: &std::path::Path,
        env: &[(&str, &str)],
    ) -> Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let output = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
            .unwrap();
        let child = std::process::Command::new(env!("CARGO_BIN_EXE_orgsync"))
            .env("ORGSYNC_DATA_DIR", dir)
            .env("ORGSYNC_DATABASE_URL", database)
            // Where several instances may share the database (PostgreSQL), a restarted
            // server finds a dead run by its silence: keep the wait short.
            .env("ORGSYNC_RUN_STALE_SECONDS", "3")
            .env("ORGSYNC_BIND", format!("127.0.0.1:{port}"))
            .env("ORGSYNC_JUSTWORKS_URL", justworks)
            .env_remove("ORGSYNC_SECRET_KEY")
            .env_remove("ORGSYNC_PUBLIC_URL")
            .envs(env.iter().copied())
            .stdin(std::process::Stdio::null())
            .stdout(output.try_clone().unwrap())
            .stderr(output)
            .spawn()
            .expect("the orgsync binary runs");
        let server = Server {
            child: Some(child),
            base: format!("http://127.0.0.1:{port}"),
        };
        let http = reqwest::Client::new();
        let deadline = Instant::now() + RUN_DEADLINE;
        loop {
            let up = http
                .get(format!("{}/healthz", server.base))
                .send()
                .await
                .is_ok_and(|r| r.status() == 200);
            if up {
                return server;
            }
            assert!(
                Instant::now() < deadline,
                "the server did not answer: {}",
                std::fs::read_to_string(log).unwrap_or_default()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// SIGKILL: no shutdown code runs.
    pub(crate) fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().expect("the server is killed");
            child.wait().expect("the killed server is reaped");
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A real server process (one that can be killed) on a data directory of its own, with
/// a Technical Owner signed in, Justworks configured and a first sync done.
struct Killable {
    sandbox: Sandbox,
    dir: tempfile::TempDir,
    log: std::path::PathBuf,
    server: Server,
    /// Where the Technical Owner's browser goes: moved to the restarted server.
    base: Arc<RwLock<String>>,
    to: TestClient,
}

async fn killable_after_a_first_sync() -> Killable {
    init();
    let sandbox = Sandbox::start(20, 7).await;
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("server.log");
    orgsync::cli::create_user(
        &test_config(dir.path()),
        TECH_EMAIL,
        TECH_NAME,
        "technical-owner",
        orgsync::secrets::SecretString::new(PASSWORD),
    )
    .await
    .expect("a Technical Owner");
    let server = Server::start(dir.path(), &sandbox.url, &log).await;
    let base = Arc::new(RwLock::new(server.base.clone()));
    let to = client_at(base.clone());
    to.sign_in(TECH_EMAIL, PASSWORD).await.expect(303);
    install_and_save(&to, &sandbox.settings()).await;
    let (_, first) = sandbox.sync(&to).await;
    assert_completed(&first);
    Killable {
        sandbox,
        dir,
        log,
        server,
        base,
        to,
    }
}

#[tokio::test]
async fn a_server_killed_during_a_run_marks_it_interrupted_at_restart_and_a_new_run_succeeds() {
    let Killable {
        sandbox,
        dir,
        log,
        mut server,
        base,
        to,
    } = killable_after_a_first_sync().await;
    let members = sandbox.members().await;
    let promoted = quiet_leaves(&members)[0];
    sandbox
        .patch(id(promoted), json!({"job_title": "Survivor"}))
        .await;
    let before = org_dump(dir.path()).await;

    // A run that takes its time, killed while it works.
    sandbox.faults(json!({"latency_ms": 2000})).await;
    sandbox.forget_used_codes();
    let killed = press_sync(&to).await;
    wait_for_run(&to, &killed, |r| r["status"] == "running").await;
    server.kill();
    let pool = open_db(dir.path()).await;
    let (status,): (String,) = sqlx::query_as("SELECT status FROM sync_runs WHERE id = $1")
        .bind(&killed)
        .fetch_one(&pool)
        .await
        .unwrap();
    pool.close().await;
    assert_eq!(status, "running", "the kill came while the run ran");
    assert_same_org(&before, &org_dump(dir.path()).await);

    sandbox.faults(json!({})).await;
    let server = Server::start(dir.path(), &sandbox.url, &log).await;
    *base.write().unwrap() = server.base.clone();
    // SQLite: marked at start; PostgreSQL: once its heartbeat is 3 s stale.
    let run = wait_for_run(&to, &killed, is_finished).await;
    assert_eq!(run["status"], "failed", "{run}");
    let error = run["error"].as_str().unwrap_or_default();
    assert!(error.contains("interrupted"), "{run}");
    let page = to.get(&format!("/syncs/{killed}")).await;
    assert!(page.says(error), "{}", page.text());
    assert_same_org(&before, &org_dump(dir.path()).await);

    let (run_id, run) = sandbox.sync(&to).await;
    assert_ne!(run_id, killed);
    assert_completed(&run);
    let rows = history_of_run_in(dir.path(), &run_id).await;
    assert_eq!(
        rows,
        vec![(
            id(promoted).to_owned(),
            "title_change".to_owned(),
            "Survivor".to_owned()
        )]
    );
    drop(server);
}

#[tokio::test]
async fn a_server_killed_inside_the_apply_transaction_leaves_the_org_as_it_was() {
    let Killable {
        sandbox,
        dir,
        log,
        mut server,
        base,
        to,
    } = killable_after_a_first_sync().await;
    let members = sandbox.members().await;
    let leaves = quiet_leaves(&members);
    sandbox
        .patch(id(leaves[0]), json!({"job_title": "Half Written"}))
        .await;
    sandbox
        .patch(
            id(leaves[1]),
            json!({"active": false, "employment_termination_date": today().to_string()}),
        )
        .await;
    let before = org_dump(dir.path()).await;

    // Writing a history row takes seconds (triggers cannot sleep, so it counts), which
    // holds the run inside its transaction after people and jobs are written.
    slow_down_history_writes(dir.path(), 800).await;

    sandbox.forget_used_codes();
    let killed = press_sync(&to).await;
    wait_until_a_write_holds_the_database(dir.path(), RUN_DEADLINE).await;
    server.kill();
    let pool = open_db(dir.path()).await;
    let (status,): (String,) = sqlx::query_as("SELECT status FROM sync_runs WHERE id = $1")
        .bind(&killed)
        .fetch_one(&pool)
        .await
        .unwrap();
    stop_slowing_history_writes(&pool).await;
    pool.close().await;
    assert_eq!(status, "running", "the kill came while the run ran");
    assert_same_org(&before, &org_dump(dir.path()).await);

    let server = Server::start(dir.path(), &sandbox.url, &log).await;
    *base.write().unwrap() = server.base.clone();
    // SQLite: marked at start; PostgreSQL: once its heartbeat is 3 s stale.
    let run = wait_for_run(&to, &killed, is_finished).await;
    assert_eq!(run["status"], "failed", "{run}");
    assert!(
        run["error"]
            .as_str()
            .unwrap_or_default()
            .contains("interrupted"),
        "{run}"
    );
    assert_same_org(&before, &org_dump(dir.path()).await);
    let (run_id, run) = sandbox.sync(&to).await;
    assert_completed(&run);
    let kinds: BTreeSet<(String, String)> = history_of_run_in(dir.path(), &run_id)
        .await
        .into_iter()
        .map(|(member, kind, _)| (member, kind))
        .collect();
    assert_eq!(
        kinds,
        BTreeSet::from([
            (id(leaves[0]).to_owned(), "title_change".to_owned()),
            (id(leaves[1]).to_owned(), "departure".to_owned()),
        ])
    );
    drop(server);
}

/// `(member, kind, new value)` of a run's history, read from a data directory.
async fn history_of_run_in(dir: &std::path::Path, run_id: &str) -> Vec<(String, String, String)> {
    let pool = open_db(dir).await;
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT p.justworks_id, h.kind, COALESCE(h.new_value, '') FROM history h \
         JOIN people p ON p.id = h.person_id WHERE h.run_id = $1 ORDER BY 1, 2",
    )
    .bind(run_id)
    .fetch_all(&pool)
    .await
    .unwrap();
    pool.close().await;
    rows
}

#[tokio::test]
async fn a_technical_owners_run_page_and_json_carry_no_compensation_or_birthdates_but_an_owners_do()
{
    let (sandbox, app, to) = configured(30).await;
    let owner = app.owner().await;
    let members = sandbox.members().await;
    let (first_id, first) = sandbox.sync(&to).await;
    assert_completed(&first);

    // Nobody's pay or birthdate on a Technical Owner's view of the first sync.
    let mut secrets: Vec<String> = Vec::new();
    for member in &members {
        if let Some(amount) = member["current_pay"]["amount"].as_i64() {
            let currency = member["current_pay"]["currency"].as_str().unwrap_or("USD");
            secrets.extend(
                amount_forms(amount)
                    .into_iter()
                    // "71000.00 USD", as history writes money; bare minor units.
                    .map(|form| {
                        if form.contains('.') {
                            format!("{form} {currency}")
                        } else {
                            form
                        }
                    }),
            );
        }
        if let Some(birthdate) = member["date_of_birth"].as_str() {
            secrets.push(birthdate.to_owned());
        }
    }
    assert!(secrets.len() > 30, "the company has pay and birthdates");
    for path in [
        format!("/syncs/{first_id}"),
        format!("/syncs/{first_id}/live"),
        format!("/api/v1/syncs/{first_id}"),
        "/api/v1/syncs".to_owned(),
        "/syncs".to_owned(),
    ] {
        let page = to.get(&path).await;
        page.expect(200);
        for secret in &secrets {
            assert!(
                !page.body.contains(secret.as_str()),
                "{path} shows {secret}"
            );
        }
    }

    // A raise and a corrected birthdate.
    let leaves = quiet_leaves(&members);
    let raised = *leaves
        .iter()
        .find(|m| m["current_pay"]["amount"].as_i64().is_some())
        .expect("a paid member");
    let reborn = *leaves
        .iter()
        .find(|m| id(m) != id(raised) && m["date_of_birth"].is_string())
        .expect("a member with a birthdate");
    let new_pay = raised["current_pay"]["amount"].as_i64().unwrap() + 777_700;
    sandbox
        .patch(id(raised), json!({"current_pay": {"amount": new_pay}}))
        .await;
    sandbox
        .patch(id(reborn), json!({"date_of_birth": "1987-11-29"}))
        .await;
    let (run_id, run) = sandbox.sync(&to).await;
    assert_completed(&run);

    let history = history_of_run(&app, &run_id).await;
    let sensitive: Vec<&Row> = history.iter().filter(|r| r.sensitive).collect();
    let fields: BTreeSet<(&str, &str)> = sensitive
        .iter()
        .map(|r| (r.member.as_deref().unwrap_or_default(), r.field.as_str()))
        .collect();
    assert_eq!(
        fields,
        BTreeSet::from([(id(raised), "compensation"), (id(reborn), "birthdate")]),
        "{history:?}"
    );
    let values: Vec<String> = sensitive
        .iter()
        .flat_map(|r| [r.old.clone(), r.new.clone()])
        .flatten()
        .collect();
    assert_eq!(values.len(), 4, "{sensitive:?}");
    assert!(values.iter().any(|v| v == "1987-11-29"));

    for path in [
        format!("/syncs/{run_id}"),
        format!("/syncs/{run_id}/live"),
        format!("/api/v1/syncs/{run_id}"),
        "/api/v1/syncs".to_owned(),
    ] {
        let page = to.get(&path).await;
        page.expect(200);
        for value in &values {
            assert!(!page.body.contains(value.as_str()), "{path} shows {value}");
        }
        for form in amount_forms(new_pay) {
            assert!(!page.body.contains(&form), "{path} shows {form}");
        }
    }
    // Not even that they changed: only how many people changed in such fields.
    let page = to.get(&format!("/syncs/{run_id}")).await;
    for unsaid in ["Compensation", "Birthdate"] {
        assert!(!page.says(unsaid), "{unsaid}: {}", page.text());
    }
    assert!(
        page.says("2 people: changes to fields visible to Owners only."),
        "{}",
        page.text()
    );
    assert_eq!(
        page.text_of_id("counts-heading").as_deref(),
        Some("Changes visible to Owners only")
    );
    // The JSON counts them apart from `updated`, for Technical Owners only.
    let seen_by_to = run_json(&to, &run_id).await;
    let seen_by_owner = run_json(&owner, &run_id).await;
    assert_eq!(seen_by_to["counts"]["owner_only"], 2, "{seen_by_to}");
    assert!(seen_by_owner["counts"].get("owner_only").is_none());
    assert_eq!(
        count(&seen_by_owner, "updated") - count(&seen_by_to, "updated"),
        2
    );

    let page = owner.get(&format!("/syncs/{run_id}")).await;
    page.expect(200);
    for value in &values {
        assert!(page.says(value), "the Owner does not see {value}");
    }
    assert!(!page.says("values visible to Owners only"));
}

#[tokio::test]
async fn while_a_run_saves_its_page_says_so_with_the_members_fetched() {
    let (sandbox, app, to) = configured(20).await;
    let (_, first) = sandbox.sync(&to).await;
    assert_completed(&first);
    let members = sandbox.members().await;
    sandbox
        .patch(
            id(quiet_leaves(&members)[0]),
            json!({"job_title": "Patient"}),
        )
        .await;
    // A history row that takes a few seconds to write (see `slow_down_history_writes`).
    slow_down_history_writes(app.dir.path(), 400).await;

    sandbox.forget_used_codes();
    let run_id = press_sync(&to).await;
    wait_until_a_write_holds_the_database(app.dir.path(), RUN_DEADLINE).await;
    let live = to.get(&format!("/syncs/{run_id}/live")).await;
    live.expect(200);
    let run = wait_for_run(&to, &run_id, is_finished).await;
    assert_completed(&run);
    assert!(
        live.says("Saving changes") && live.text_of_id("run-live").is_some(),
        "while the run saved, its page said: {}",
        live.text()
    );
    assert!(
        live.says(&format!("Members fetched {}", members.len())),
        "while the run saved, its page said: {}",
        live.text()
    );
}

#[tokio::test]
async fn a_member_cannot_see_sync_pages_or_json() {
    let (sandbox, app, to) = configured(20).await;
    let (run_id, run) = sandbox.sync(&to).await;
    assert_completed(&run);
    let member = app.member().await;
    for path in [
        "/syncs".to_owned(),
        format!("/syncs/{run_id}"),
        format!("/syncs/{run_id}/live"),
        "/api/v1/syncs".to_owned(),
        format!("/api/v1/syncs/{run_id}"),
    ] {
        let page = member.get(&path).await;
        assert_eq!(page.status, 403, "{path}: {}", page.text());
        assert!(!page.body.contains(&run_id), "{path} names the run");
    }
    // Pressing the button does nothing either.
    member
        .post("/apps/justworks/sync", NO_FIELDS)
        .await
        .expect(403);
    assert_eq!(app.count("SELECT COUNT(*) FROM sync_runs").await, 1);
}

#[tokio::test]
async fn sync_to_primary_is_refused_until_settings_are_saved() {
    let sandbox = Sandbox::start(20, 7).await;
    let app = app_on(&sandbox, |_| {}).await;
    let to = app.technical_owner().await;

    to.post("/apps/justworks/sync", NO_FIELDS)
        .await
        .expect_redirect("/apps");
    let page = to.get("/apps").await;
    assert!(page.says("Install Justworks first."), "{}", page.text());

    install_justworks(&to).await;
    to.post("/apps/justworks/sync", NO_FIELDS)
        .await
        .expect_redirect("/apps/justworks");
    let page = to.get("/apps/justworks").await;
    assert!(
        page.says("Save the Justworks settings (username, password, 2FA code and org head) before syncing."),
        "{}",
        page.text()
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM sync_runs").await, 0);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'sync.requested'")
            .await,
        0
    );

    to.post("/apps/justworks/settings", sandbox.settings().fields())
        .await
        .expect_redirect("/apps/justworks");
    let (_, run) = sandbox.sync(&to).await;
    assert_completed(&run);
    assert_eq!(app.count("SELECT COUNT(*) FROM sync_runs").await, 1);
}

#[tokio::test]
async fn the_run_page_refreshes_itself_until_the_run_ends() {
    let (sandbox, _app, to) = configured(20).await;
    sandbox.faults(json!({"latency_ms": 1000})).await;
    sandbox.forget_used_codes();
    let run_id = press_sync(&to).await;
    let live = format!("hx-get=\"/syncs/{run_id}/live\"");

    let page = to.get(&format!("/syncs/{run_id}")).await;
    page.expect(200);
    let run = run_json(&to, &run_id).await;
    assert!(
        !is_finished(&run),
        "the run ended too soon for this test: {run}"
    );
    assert!(page.body.contains(&live), "{}", page.body);
    assert!(page.body.contains("hx-trigger=\"every 1s\""));
    assert!(
        page.body.contains("<noscript><meta http-equiv=\"refresh\""),
        "no refresh without JavaScript"
    );
    let partial = to.get(&format!("/syncs/{run_id}/live")).await;
    partial.expect(200);
    assert!(partial.body.contains(&live) && partial.body.contains("hx-trigger=\"every 1s\""));
    assert!(
        partial.says("Running") || partial.says("Queued"),
        "{}",
        partial.text()
    );

    sandbox.faults(json!({})).await;
    let run = wait_for_run(&to, &run_id, is_finished).await;
    assert_completed(&run);
    let partial = to.get(&format!("/syncs/{run_id}/live")).await;
    partial.expect(200);
    assert!(partial.body.contains("id=\"run-live\""), "{}", partial.body);
    assert!(!partial.body.contains("hx-trigger"), "{}", partial.body);
    assert!(partial.says("Complete"), "{}", partial.text());
    let page = to.get(&format!("/syncs/{run_id}")).await;
    assert!(!page.body.contains("hx-trigger") && !page.body.contains("http-equiv=\"refresh\""));
}
