//! Sync emails and *Send a test email* (ISSUE 5, points 3 and 4), end to end: the real
//! app on port 0 with its real database and mailer, a Justworks sandbox in this
//! process, and a real SMTP server on a socket (`helpers/smtp.rs`) — or, with no SMTP
//! configured, the `.eml` files in the data directory.

use crate::helpers::*;
use crate::sync::{has_stopped, press_sync, wait_for_run};
use orgsync::Config;
use orgsync::config::DeliveryPolicy;
use orgsync::sandbox::{RunningSandbox, SandboxOptions};
use orgsync::secrets::SecretString;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

/// How long a run, or a mail, may take before a test gives up on it.
const DEADLINE: Duration = Duration::from_secs(60);

// ---------------------------------------------------------------------------------------
// The sandbox and runs.
// ---------------------------------------------------------------------------------------

/// A Justworks sandbox serving in this process, and its admin surface.
pub(crate) struct Sandbox {
    pub(crate) running: RunningSandbox,
    url: String,
    http: reqwest::Client,
}

impl Sandbox {
    pub(crate) async fn start(members: usize) -> Sandbox {
        init();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a loopback port");
        let running = orgsync::sandbox::start(listener, SandboxOptions { members, seed: 5 })
            .await
            .expect("the sandbox starts");
        Sandbox {
            url: running.base_url(),
            running,
            http: reqwest::Client::new(),
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

    /// Merges a JSON patch into one member; the whole member after it.
    pub(crate) async fn patch(&self, id: &str, patch: Value) -> Value {
        let response = self
            .http
            .post(format!("{}/sandbox/members/{id}", self.url))
            .json(&patch)
            .send()
            .await
            .expect("the sandbox answers");
        assert!(response.status().is_success(), "patch {id}");
        response.json().await.expect("a member")
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

    /// Presses Sync To Primary and waits until the run ends: its id and JSON. The first
    /// sync of an install waits for review: this applies it, as the person who pressed
    /// would (its review notice is sent before its summary).
    pub(crate) async fn sync(&self, client: &TestClient) -> (String, Value) {
        // As if a new TOTP step had begun: the app may sign in again at once.
        self.running.forget_used_codes();
        let page = client.post("/apps/justworks/sync", NO_FIELDS).await;
        page.expect(303);
        let id = page
            .location
            .as_deref()
            .and_then(|l| l.strip_prefix("/syncs/"))
            .expect("the run's page")
            .to_owned();
        let deadline = Instant::now() + DEADLINE;
        loop {
            let page = client.get(&format!("/api/v1/syncs/{id}")).await;
            page.expect(200);
            let run: Value = serde_json::from_str(&page.body).expect("a run");
            if run["status"] == "needs_review" && run["waits_for"] == "first_sync" {
                client
                    .post(&format!("/syncs/{id}/apply"), NO_FIELDS)
                    .await
                    .expect(303);
                continue;
            }
            if matches!(
                run["status"].as_str(),
                Some("complete" | "complete_with_warnings" | "failed")
            ) {
                return (id, run);
            }
            assert!(Instant::now() < deadline, "run {id} did not end: {run}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// Mail delivery on a schedule of a test: retries within half a second.
pub(crate) fn quick_delivery(config: &mut Config) {
    config.mail_delivery = DeliveryPolicy {
        poll: Duration::from_millis(100),
        first_retry: Duration::from_millis(100),
        max_retry: Duration::from_millis(500),
        ..DeliveryPolicy::default()
    };
}

/// An app on `sandbox` sending mail to `smtp_url` (none: `.eml` files), on the quick
/// delivery schedule.
pub(crate) async fn app_on(sandbox: &Sandbox, smtp_url: Option<String>) -> TestApp {
    let url = sandbox.url.clone();
    spawn_app_with(move |config| {
        config.justworks_url = Some(url);
        config.smtp_url = smtp_url.map(SecretString::new);
        quick_delivery(config);
    })
    .await
}

#[track_caller]
fn assert_completed(run: &Value) {
    assert!(
        matches!(
            run["status"].as_str(),
            Some("complete" | "complete_with_warnings")
        ),
        "the run did not complete: {run}"
    );
}

// ---------------------------------------------------------------------------------------
// The outbox and the run page.
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
struct OutboxRow {
    id: String,
    status: String,
    attempts: i64,
    last_error: Option<String>,
    recipients: String,
}

async fn outbox(app: &TestApp, run_id: Option<&str>) -> Vec<OutboxRow> {
    let pool = app.db().await;
    let rows: Vec<(String, String, i64, Option<String>, String)> = sqlx::query_as(
        "SELECT id, status, attempts, last_error, recipients FROM mail_outbox \
         WHERE ($1 IS NULL AND run_id IS NULL) OR run_id = $1 ORDER BY recipients",
    )
    .bind(run_id)
    .fetch_all(&pool)
    .await
    .expect("the outbox");
    pool.close().await;
    rows.into_iter()
        .map(|(id, status, attempts, last_error, recipients)| OutboxRow {
            id,
            status,
            attempts,
            last_error,
            recipients,
        })
        .collect()
}

/// Polls `check` until it gives `Some` (at most [`DEADLINE`]).
pub(crate) async fn eventually<T, F: std::future::Future<Output = Option<T>>>(
    what: &str,
    mut check: impl FnMut() -> F,
) -> T {
    let deadline = Instant::now() + DEADLINE;
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(Instant::now() < deadline, "not within {DEADLINE:?}: {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// What the run's page says about its email.
async fn delivery_on_page(client: &TestClient, run_id: &str) -> String {
    let page = client.get(&format!("/syncs/{run_id}")).await;
    page.expect(200);
    page.text_of_id("mail-delivery")
        .unwrap_or_else(|| panic!("no email line on the run page: {}", page.text()))
}

/// Waits until the run's page says `expected` about its email.
async fn wait_for_delivery(client: &TestClient, run_id: &str, expected: &str) {
    let mut last = String::new();
    let deadline = Instant::now() + DEADLINE;
    loop {
        let said = delivery_on_page(client, run_id).await;
        if said == expected {
            return;
        }
        if said != last {
            last = said;
        }
        assert!(
            Instant::now() < deadline,
            "the run page says {last:?}, not {expected:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

// ---------------------------------------------------------------------------------------
// Sensitive values.
// ---------------------------------------------------------------------------------------

/// Every sensitive value the org holds, in the forms a page or mail could show it.
#[derive(Default)]
struct Sensitive {
    /// Looked for anywhere.
    values: BTreeSet<String>,
    /// Looked for as whole words (short values such as "Man" are parts of other words).
    words: BTreeSet<String>,
    /// Every name a mail may list, taken out of a mail before looking (a family name
    /// may be a word such as "White").
    names: BTreeSet<String>,
}

impl Sensitive {
    /// Adds everything sensitive the app's database holds now (the sandbox's data, as
    /// synced) and every name.
    async fn add_from(&mut self, app: &TestApp) {
        let pool = app.db().await;
        #[allow(clippy::type_complexity)]
        let people: Vec<(
            String,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
        )> = sqlx::query_as(
            "SELECT name, birthdate, gender, ethnicity, home_address, personal_email, phones \
             FROM people",
        )
        .fetch_all(&pool)
        .await
        .expect("people");
        let pay: Vec<(i64,)> =
            sqlx::query_as("SELECT comp_amount FROM jobs WHERE comp_amount IS NOT NULL")
                .fetch_all(&pool)
                .await
                .expect("jobs");
        let history_names: Vec<(String,)> =
            sqlx::query_as("SELECT DISTINCT person_name FROM history")
                .fetch_all(&pool)
                .await
                .expect("history");
        pool.close().await;
        for (name, birthdate, gender, ethnicity, address, personal_email, phones) in people {
            self.names.insert(name);
            if let Some(d) = birthdate {
                // 1987-11-29, and as 11/29/1987.
                let parts: Vec<&str> = d.split('-').collect();
                if let [y, m, day] = parts[..] {
                    self.values.insert(format!("{m}/{day}/{y}"));
                }
                self.values.insert(d);
            }
            self.words.extend(gender);
            self.words.extend(ethnicity);
            if let Some(address) = address {
                let address: Value = serde_json::from_str(&address).expect("an address");
                for key in ["line1", "line2", "postal_code"] {
                    if let Some(v) = address[key].as_str().filter(|v| v.len() >= 4) {
                        self.values.insert(v.to_owned());
                    }
                }
            }
            self.values.extend(personal_email);
            if let Some(phones) = phones {
                let phones: Value = serde_json::from_str(&phones).expect("phones");
                for phone in phones.as_array().into_iter().flatten() {
                    if let Some(number) = phone["number"].as_str() {
                        self.values.insert(number.to_owned());
                        let digits: String = number.chars().filter(char::is_ascii_digit).collect();
                        if digits.len() >= 7 {
                            self.values.insert(digits);
                        }
                    }
                }
            }
        }
        for (minor,) in pay {
            self.values.extend(amount_forms(minor));
        }
        self.names
            .extend(history_names.into_iter().map(|(name,)| name));
        // Sex as Justworks records it, too.
        self.words.extend(["Male".to_owned(), "Female".to_owned()]);
    }

    /// Panics if `text` (names and ids taken out) shows any sensitive value.
    #[track_caller]
    fn assert_absent(&self, what: &str, text: &str, ids: &[&str]) {
        let mut rest = text.to_owned();
        // Longest first, so a name is never half removed by a shorter one inside it.
        let mut names: Vec<&String> = self.names.iter().collect();
        names.sort_by_key(|n| std::cmp::Reverse(n.len()));
        for name in names {
            rest = rest.replace(name.as_str(), " ");
        }
        for id in ids {
            rest = rest.replace(id, " ");
        }
        for value in &self.values {
            assert!(
                !rest.contains(value.as_str()),
                "{what} shows {value:?}:\n{text}"
            );
        }
        for word in &self.words {
            assert!(!has_word(&rest, word), "{what} shows {word:?}:\n{text}");
        }
    }
}

/// Whether `word` occurs in `text` with no letter or digit just before or after it.
fn has_word(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

#[track_caller]
fn assert_mail_free_of(sensitive: &Sensitive, mail: &ParsedMail, ids: &[&str]) {
    sensitive.assert_absent("the subject", &mail.subject, ids);
    sensitive.assert_absent("the text body", &mail.text, ids);
    sensitive.assert_absent("the HTML body", &mail.html, ids);
}

// ---------------------------------------------------------------------------------------
// The people the tests change.
// ---------------------------------------------------------------------------------------

/// `(Justworks id, name)` of people who may change alone: active, a manager above them,
/// nobody below, paid, with a birthdate, no end date.
async fn quiet_people(app: &TestApp) -> Vec<(String, String)> {
    let pool = app.db().await;
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT p.justworks_id, p.name FROM people p JOIN jobs j ON j.person_id = p.id \
         WHERE p.status = 'active' AND p.end_date IS NULL AND p.birthdate IS NOT NULL \
         AND j.status = 'filled' AND j.manager_job_id IS NOT NULL AND j.comp_amount IS NOT NULL \
         AND NOT EXISTS (SELECT 1 FROM jobs r WHERE r.manager_job_id = j.id AND r.status = 'filled') \
         ORDER BY p.name",
    )
    .fetch_all(&pool)
    .await
    .expect("people");
    pool.close().await;
    rows
}

async fn org_head_member(app: &TestApp) -> String {
    let pool = app.db().await;
    let (id,): (String,) = sqlx::query_as(
        "SELECT p.justworks_id FROM people p JOIN jobs j ON j.person_id = p.id \
         WHERE j.status = 'filled' AND j.manager_job_id IS NULL",
    )
    .fetch_one(&pool)
    .await
    .expect("the org head");
    pool.close().await;
    id
}

/// The names of the active people, as a sync lists new hires.
async fn active_names(app: &TestApp) -> Vec<String> {
    let pool = app.db().await;
    let rows: Vec<(String,)> =
        sqlx::query_as("SELECT name FROM people WHERE status = 'active' ORDER BY name")
            .fetch_all(&pool)
            .await
            .expect("people");
    pool.close().await;
    rows.into_iter().map(|(n,)| n).collect()
}

const HIRE_NAME: &str = "Zoë Þórsdóttir-O'Brien";

/// A new hire starting today, reporting to the org head (`head` as the sandbox has it).
fn new_hire(id: &str, head: &Value) -> Value {
    let today = jiff::tz::TimeZone::UTC
        .to_datetime(jiff::Timestamp::now())
        .date()
        .to_string();
    json!({
        "id": id,
        "company_id": head["company_id"],
        "active": true,
        "work_id": "E9902",
        "name": {"given_name": "Zoë", "family_name": "Þórsdóttir-O'Brien", "additional_names": []},
        "type": "employee",
        "employment_location_type": "office",
        "job_title": "Support Engineer",
        "department": head["department"],
        "office": head["office"],
        "manager": {"id": head["id"]},
        "employment_start_date": today,
        "emails": [
            {"address": "zoe.mail@acme-e2e.test", "type": "work", "primary": true},
            {"address": "zoe.private@example-home.test", "type": "personal", "primary": false}
        ],
        "phones": [{"number": "+1 415 555 0199", "type": "mobile"}],
        "addresses": [{"type": "home", "line1": "77 Secret Garden Lane", "city": "Oakland",
                       "state": "CA", "postal_code": "94610", "country": "US"}],
        "date_of_birth": "1994-02-03",
        "gender": "Woman",
        "eeo1_race": "Hispanic or Latino",
        "current_pay": {"amount": 9_137_500, "currency": "USD", "pay_basis": "salary",
                        "effective_date": today},
        "current_pay_frequency": "semimonthly",
        "updated_at": "2030-01-01T00:00:00Z"
    })
}

fn recipients_of(mails: &[ReceivedMail]) -> Vec<Vec<String>> {
    let mut all: Vec<Vec<String>> = mails.iter().map(|m| m.rcpt_to.clone()).collect();
    all.sort();
    all
}

// ---------------------------------------------------------------------------------------
// The tests.
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn after_a_sync_each_chosen_person_gets_a_summary_with_counts_names_and_the_link_but_no_sensitive_value()
 {
    let sink = SmtpSink::start().await;
    let sandbox = Sandbox::start(60).await;
    let app = app_on(&sandbox, Some(sink.url())).await;
    let to = app.technical_owner().await;
    let owner = app.owner().await;
    let owner_id = app.user_id(OWNER_EMAIL).await;
    let zoe_id = app
        .create_user("zoe.user@acme.test", "Zoë Ærøskøbing", "member")
        .await;
    let gone_id = app
        .create_user("gone@acme.test", "Gone Person", "technical-owner")
        .await;
    // Theo, who saves the settings, is not on the list.
    let settings = sandbox
        .settings()
        .add("notify_user_ids", &owner_id)
        .add("notify_user_ids", &zoe_id)
        .add("notify_user_ids", &gone_id);
    install_and_save(&to, &settings).await;
    owner
        .post(&format!("/settings/users/{gone_id}/deactivate"), NO_FIELDS)
        .await
        .expect(303);
    let expected_recipients = vec![
        vec![OWNER_EMAIL.to_owned()],
        vec!["zoe.user@acme.test".to_owned()],
    ];

    // The first sync waits for review (a notice to each), then Theo applies it: everyone
    // is new, listed up to 50 names, then "and N more"; the summary says who approved.
    let (first_id, first) = sandbox.sync(&to).await;
    assert_completed(&first);
    let (notices, mails): (Vec<ReceivedMail>, Vec<ReceivedMail>) = sink
        .wait_for(4, DEADLINE)
        .await
        .into_iter()
        .partition(|m| m.parsed().subject == "A Justworks sync is waiting for review");
    assert_eq!(recipients_of(&notices), expected_recipients);
    assert_eq!(recipients_of(&mails), expected_recipients);
    let live = active_names(&app).await;
    assert!(live.len() > 50, "{} active people", live.len());
    for mail in &mails {
        let mail = mail.parsed();
        assert!(
            mail.subject.starts_with(&format!(
                "Justworks sync complete: {} new hires",
                live.len()
            )),
            "{}",
            mail.subject
        );
        assert!(
            mail.text
                .contains(&format!("Applied after review by {TECH_NAME}.")),
            "{}",
            mail.text
        );
        let listed = live
            .iter()
            .filter(|n| mail.text.contains(n.as_str()))
            .count();
        assert!(listed >= 50, "{listed} names listed:\n{}", mail.text);
        assert!(
            mail.text
                .contains(&format!("... and {} more", live.len() - 50)),
            "{}",
            mail.text
        );
    }
    let mut sensitive = Sensitive::default();
    sensitive.add_from(&app).await;
    for mail in mails.iter().chain(&notices) {
        assert_mail_free_of(&sensitive, &mail.parsed(), &[&first_id]);
    }
    // The run page speaks of the latest of its two mails.
    wait_for_delivery(&to, &first_id, "Summary emailed to 2 people.").await;
    sink.clear();

    // Changes in Justworks: a hire, a departure, a new title, a raise, a birthdate.
    let quiet = quiet_people(&app).await;
    let [promoted, leaver, raised, reborn] = [&quiet[0], &quiet[1], &quiet[2], &quiet[3]];
    let head = sandbox.patch(&org_head_member(&app).await, json!({})).await;
    sandbox
        .patch(&promoted.0, json!({"job_title": "Principal Cartographer"}))
        .await;
    let yesterday = (jiff::tz::TimeZone::UTC
        .to_datetime(jiff::Timestamp::now())
        .date()
        - jiff::ToSpan::days(1))
    .to_string();
    sandbox
        .patch(
            &leaver.0,
            json!({"active": false, "employment_termination_date": yesterday}),
        )
        .await;
    let was = sandbox.patch(&raised.0, json!({})).await;
    let raise = was["current_pay"]["amount"].as_i64().expect("pay") + 1_234_500;
    sandbox
        .patch(&raised.0, json!({"current_pay": {"amount": raise}}))
        .await;
    sandbox
        .patch(&reborn.0, json!({"date_of_birth": "1987-11-29"}))
        .await;
    sandbox
        .put("mem_mail_new_hire", new_hire("mem_mail_new_hire", &head))
        .await;

    let (run_id, run) = sandbox.sync(&to).await;
    assert_completed(&run);
    let mails = sink.wait_for(2, DEADLINE).await;
    sensitive.add_from(&app).await;
    assert!(sensitive.values.contains("1987-11-29"));
    assert!(sensitive.values.iter().any(|v| v.starts_with("91,375")));
    assert!(sensitive.values.contains("77 Secret Garden Lane"));

    // One message per chosen, active person: not Theo, not the deactivated one.
    assert_eq!(recipients_of(&mails), expected_recipients);
    let rows = outbox(&app, Some(&run_id)).await;
    assert_eq!(rows.len(), 2, "{rows:?}");
    let link = format!("{}/syncs/{run_id}", app.base);
    for received in &mails {
        let mail = received.parsed();
        assert_eq!(mail.to, received.rcpt_to, "the To header is the envelope's");
        assert_eq!(received.mail_from, "orgsync@localhost", "ORGSYNC_SMTP_FROM");
        // Each email is built for its reader: the Owner's names the people under the
        // sensitive kinds (never a value); the Member's says nothing of them.
        let for_owner = mail.to == [OWNER_EMAIL];
        let (subject, lines, unsaid): (&str, Vec<String>, Vec<String>) = if for_owner {
            (
                "Justworks sync complete: 1 new hire, 1 departure, 3 other changes",
                vec![
                    "Title changes: 1".into(),
                    "Compensation changes: 1".into(),
                    "Other changes: 1".into(),
                    format!("Compensation changes (1)\n  - {}\n", raised.1),
                    format!("Other changes (1)\n  - {}\n", reborn.1),
                ],
                vec!["visible to Owners only".into()],
            )
        } else {
            (
                "Justworks sync complete: 1 new hire, 1 departure, 1 other change",
                vec![
                    "Title changes: 1".into(),
                    "Other changes: 0".into(),
                    "2 people: changes to fields visible to Owners only.".into(),
                ],
                vec!["Compensation".into(), raised.1.clone(), reborn.1.clone()],
            )
        };
        assert_eq!(mail.subject, subject);
        let common = [
            "New hires: 1".to_owned(),
            "Departures: 1".into(),
            "Rehires: 0".into(),
            "Manager changes: 0".into(),
            "Department and location changes: 0".into(),
            format!("New hires (1)\n  - {HIRE_NAME}\n"),
            format!("Departures (1)\n  - {}\n", leaver.1),
            format!("Title changes (1)\n  - {}\n", promoted.1),
            format!("See the whole run: {link}"),
        ];
        for line in common.iter().chain(&lines) {
            assert!(
                mail.text.contains(line.as_str()),
                "no {line:?} in:\n{}",
                mail.text
            );
        }
        for line in &unsaid {
            assert!(
                !mail.text.contains(line.as_str()),
                "{line:?} in:\n{}",
                mail.text
            );
            assert!(
                !mail.html.contains(line.as_str()),
                "{line:?} in:\n{}",
                mail.html
            );
        }
        assert!(
            mail.html.contains(&format!("href=\"{link}\"")),
            "{}",
            mail.html
        );
        assert!(
            mail.html.contains("Zoë Þórsdóttir-O&#39;Brien"),
            "the name, HTML-escaped: {}",
            mail.html
        );
        // A stable Message-ID, from the outbox row that was sent.
        let row = rows
            .iter()
            .find(|r| r.recipients.contains(&received.rcpt_to[0]))
            .expect("its outbox row");
        assert_eq!(mail.message_id, format!("{}@localhost", row.id));
        assert_mail_free_of(&sensitive, &mail, &[&run_id, &row.id]);
    }
    wait_for_delivery(&to, &run_id, "Summary emailed to 2 people.").await;
    sink.assert_stays_at(2, Duration::from_millis(500)).await;
}

#[tokio::test]
async fn the_first_sync_of_an_install_emails_that_it_waits_for_review_with_the_import_and_the_link()
{
    let sink = SmtpSink::start().await;
    let sandbox = Sandbox::start(20).await;
    let app = app_on(&sandbox, Some(sink.url())).await;
    let to = app.technical_owner().await;
    app.owner().await;
    let (theo, owner_id) = (
        app.user_id(TECH_EMAIL).await,
        app.user_id(OWNER_EMAIL).await,
    );
    let settings = sandbox
        .settings()
        .add("notify_user_ids", &theo)
        .add("notify_user_ids", &owner_id);
    install_and_save(&to, &settings).await;

    // It stops before writing anything, and says so to the list.
    let run_id = press_sync(&to).await;
    let run = wait_for_run(&to, &run_id, has_stopped).await;
    assert_eq!(
        (run["status"].as_str(), run["waits_for"].as_str()),
        (Some("needs_review"), Some("first_sync")),
        "{run}"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM people").await, 0);
    let mails = sink.wait_for(2, DEADLINE).await;
    assert_eq!(
        recipients_of(&mails),
        vec![vec![OWNER_EMAIL.to_owned()], vec![TECH_EMAIL.to_owned()]]
    );
    let import = to
        .get(&format!("/syncs/{run_id}"))
        .await
        .text_of_id("counts-heading")
        .expect("the run's heading");
    assert!(
        import.starts_with("Initial import: 20 people — "),
        "{import}"
    );
    let link = format!("{}/syncs/{run_id}", app.base);
    for received in &mails {
        let mail = received.parsed();
        assert_eq!(mail.subject, "A Justworks sync is waiting for review");
        for said in [
            import.as_str(),
            "The first sync of Justworks always waits for review",
            "Nothing has been written to the org.",
            "If no one decides by ",
            &format!("Started by {TECH_NAME} (Sync To Primary)."),
            &format!("Review it: {link}"),
        ] {
            assert!(mail.text.contains(said), "no {said:?} in:\n{}", mail.text);
        }
        assert!(
            mail.html.contains(&format!("href=\"{link}\"")),
            "{}",
            mail.html
        );
    }
    wait_for_delivery(&to, &run_id, "Review notice emailed to 2 people.").await;
    sink.assert_stays_at(2, Duration::from_millis(300)).await;

    // Applied: nothing those notices said was a sensitive value of anyone now in the org.
    to.post(&format!("/syncs/{run_id}/apply"), NO_FIELDS)
        .await
        .expect(303);
    let mut sensitive = Sensitive::default();
    sensitive.add_from(&app).await;
    assert!(!sensitive.values.is_empty());
    for received in &mails {
        assert_mail_free_of(&sensitive, &received.parsed(), &[&run_id]);
    }
}

#[tokio::test]
async fn a_failed_sync_emails_the_reason_and_the_link() {
    let sink = SmtpSink::start().await;
    let sandbox = Sandbox::start(20).await;
    let app = app_on(&sandbox, Some(sink.url())).await;
    let to = app.technical_owner().await;
    let theo = app.user_id(TECH_EMAIL).await;
    let settings = sandbox
        .settings()
        .set("org_head", "Nobody Atall")
        .add("notify_user_ids", &theo);
    install_and_save(&to, &settings).await;

    let (run_id, run) = sandbox.sync(&to).await;
    assert_eq!(run["status"], "failed", "{run}");
    let reason = run["error"].as_str().expect("a reason").to_owned();
    assert!(reason.contains("Nobody Atall"), "{reason}");

    let mails = sink.wait_for(1, DEADLINE).await;
    assert_eq!(recipients_of(&mails), vec![vec![TECH_EMAIL.to_owned()]]);
    let mail = mails[0].parsed();
    assert_eq!(mail.subject, "Justworks sync failed");
    let link = format!("{}/syncs/{run_id}", app.base);
    assert!(mail.text.contains(&reason), "{}", mail.text);
    assert!(mail.text.contains(&link), "{}", mail.text);
    assert!(mail.html.contains(&format!("href=\"{link}\"")));
    wait_for_delivery(&to, &run_id, "Failure notice emailed to 1 person.").await;
}

#[tokio::test]
async fn a_sync_without_changes_emails_no_changes_and_with_nobody_chosen_nothing_is_sent() {
    let sink = SmtpSink::start().await;
    let sandbox = Sandbox::start(15).await;
    let app = app_on(&sandbox, Some(sink.url())).await;
    let to = app.technical_owner().await;
    install_and_save(&to, &sandbox.settings()).await;

    // Nobody chosen: no mail, and the run page says why.
    let (first_id, first) = sandbox.sync(&to).await;
    assert_completed(&first);
    assert_eq!(
        delivery_on_page(&to, &first_id).await,
        "No one is set to receive sync emails."
    );
    assert!(outbox(&app, Some(&first_id)).await.is_empty());

    let theo = app.user_id(TECH_EMAIL).await;
    to.post(
        "/apps/justworks/settings",
        sandbox.settings().add("notify_user_ids", &theo).fields(),
    )
    .await
    .expect_redirect("/apps/justworks");
    let (run_id, run) = sandbox.sync(&to).await;
    assert_completed(&run);
    let mails = sink.wait_for(1, DEADLINE).await;
    let mail = mails[0].parsed();
    assert_eq!(mail.subject, "Justworks sync complete: no changes");
    assert!(mail.text.contains("No changes"), "{}", mail.text);
    assert!(!mail.text.contains("New hires"), "{}", mail.text);
    wait_for_delivery(&to, &run_id, "Summary emailed to 1 person.").await;
    sink.assert_stays_at(1, Duration::from_millis(300)).await;
}

#[tokio::test]
async fn with_smtp_down_the_sync_completes_and_its_summary_arrives_exactly_once_when_smtp_is_back()
{
    let port = free_port();
    let sandbox = Sandbox::start(15).await;
    let app = app_on(&sandbox, Some(format!("smtp://127.0.0.1:{port}"))).await;
    let to = app.technical_owner().await;
    let theo = app.user_id(TECH_EMAIL).await;
    // The first sync (it waits for review, then is applied) with nobody to tell; then
    // Theo is on the list, and a title changes.
    install_and_save(&to, &sandbox.settings()).await;
    assert_completed(&sandbox.sync(&to).await.1);
    to.post(
        "/apps/justworks/settings",
        sandbox.settings().add("notify_user_ids", &theo).fields(),
    )
    .await
    .expect_redirect("/apps/justworks");
    let promoted = quiet_people(&app).await[0].0.clone();
    sandbox
        .patch(&promoted, json!({"job_title": "Principal Cartographer"}))
        .await;

    let (run_id, run) = sandbox.sync(&to).await;
    assert_completed(&run);
    assert_eq!(run["counts"]["updated"], 1, "{run}");
    // Tried, failed, and due again — still pending, with our sentence.
    let refused =
        format!("The mail server at 127.0.0.1:{port} refused the connection (is it running?).");
    let row = eventually("a failed attempt", || async {
        outbox(&app, Some(&run_id))
            .await
            .into_iter()
            .find(|r| r.attempts >= 2)
    })
    .await;
    assert_eq!(row.status, "pending", "{row:?}");
    assert_eq!(row.last_error.as_deref(), Some(refused.as_str()));
    let said = delivery_on_page(&to, &run_id).await;
    assert_eq!(said, format!("Email failed, retrying: {refused}"));
    // While the mail is on its way the page keeps looking.
    let live = to.get(&format!("/syncs/{run_id}/live")).await;
    assert!(
        live.body.contains("hx-trigger=\"every 3s\""),
        "{}",
        live.body
    );

    // SMTP comes back on that port: the mail arrives, once.
    let sink = SmtpSink::start_on(port, None).await;
    let mails = sink.wait_for(1, DEADLINE).await;
    assert_eq!(recipients_of(&mails), vec![vec![TECH_EMAIL.to_owned()]]);
    let heading = to
        .get(&format!("/syncs/{run_id}"))
        .await
        .text_of_id("counts-heading")
        .expect("the run's counts");
    assert_eq!(
        mails[0].parsed().subject,
        format!("Justworks sync complete: {heading}")
    );
    // Longer than several retry periods: a second copy would have come by now.
    sink.assert_stays_at(1, Duration::from_secs(2)).await;
    wait_for_delivery(&to, &run_id, "Summary emailed to 1 person.").await;
    let rows = outbox(&app, Some(&run_id)).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].status, "sent");
    assert_eq!(rows[0].last_error, None);
    let live = to.get(&format!("/syncs/{run_id}/live")).await;
    assert!(!live.body.contains("hx-trigger"), "{}", live.body);
}

#[tokio::test]
async fn without_smtp_the_summary_is_an_eml_file_in_the_data_directory_and_one_log_line() {
    let sandbox = Sandbox::start(20).await;
    let app = app_on(&sandbox, None).await;
    let to = app.technical_owner().await;
    let theo = app.user_id(TECH_EMAIL).await;
    let owner_id = app.create_user(OWNER_EMAIL, OWNER_NAME, "owner").await;
    install_and_save(
        &to,
        &sandbox
            .settings()
            .add("notify_user_ids", &theo)
            .add("notify_user_ids", &owner_id),
    )
    .await;

    let (run_id, run) = sandbox.sync(&to).await;
    assert_completed(&run);
    let dir = app.dir.path().join("mail");
    // The first sync waited for review: a notice to each, then a summary to each.
    let files = eventually("four .eml files", || async {
        let files: Vec<std::path::PathBuf> = std::fs::read_dir(&dir)
            .ok()?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "eml"))
            .collect();
        (files.len() >= 4).then_some(files)
    })
    .await;
    assert_eq!(files.len(), 4, "{files:?}");
    let (notices, files): (Vec<_>, Vec<_>) = files.into_iter().partition(|file| {
        parse_mail(&std::fs::read(file).expect("the file")).subject
            == "A Justworks sync is waiting for review"
    });
    assert_eq!(
        (notices.len(), files.len()),
        (2, 2),
        "{notices:?} {files:?}"
    );
    let mut sensitive = Sensitive::default();
    sensitive.add_from(&app).await;
    let rows = outbox(&app, Some(&run_id)).await;
    let mut to_headers = Vec::new();
    for file in &files {
        let mail = parse_mail(&std::fs::read(file).expect("the file"));
        assert!(
            mail.subject.starts_with("Justworks sync complete: ")
                && mail.subject.contains("new hire"),
            "{}",
            mail.subject
        );
        assert!(mail.text.contains(&format!("{}/syncs/{run_id}", app.base)));
        let mut ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
        ids.push(&run_id);
        assert_mail_free_of(&sensitive, &mail, &ids);
        to_headers.extend(mail.to);

        // One log line per file: its path, the number of recipients, the subject.
        let logs = captured_logs();
        let line = logs
            .lines()
            .find(|l| l.contains(&file.display().to_string()))
            .unwrap_or_else(|| panic!("no log line names {}", file.display()));
        assert!(line.contains("recipients=1"), "{line}");
        assert!(line.contains(&mail.subject), "{line}");
        assert!(!line.contains("See the whole run"), "{line}");
    }
    to_headers.sort();
    assert_eq!(
        to_headers,
        vec![OWNER_EMAIL.to_owned(), TECH_EMAIL.to_owned()]
    );
    wait_for_delivery(&to, &run_id, "Summary emailed to 2 people.").await;
    assert!(
        !captured_logs().contains("No changes: the people in orgsync"),
        "a body in the logs"
    );
}

/// Percent-encodes everything but letters and digits (for a password in a URL).
fn percent_encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[tokio::test]
async fn the_test_email_goes_to_the_signed_in_user_and_says_why_when_it_cannot_without_the_password()
 {
    const SMTP_USER: &str = "orgsync@acme.test";
    const SMTP_PASSWORD: &str = "smtp-Pässwörd/7&x?#1";
    let sink = SmtpSink::start_on(0, Some(SMTP_PASSWORD)).await;
    let port = sink.port();
    let url = format!(
        "smtp://{}:{}@127.0.0.1:{port}",
        percent_encode(SMTP_USER),
        percent_encode(SMTP_PASSWORD)
    );
    let app = spawn_app_with({
        let url = url.clone();
        move |config| {
            config.smtp_url = Some(SecretString::new(url));
            quick_delivery(config);
        }
    })
    .await;
    let to = app.technical_owner().await;
    install_justworks(&to).await;
    let mut pages = Vec::new();

    // Only a Technical Owner or above may send one.
    let member = app.member().await;
    let refused = member.post("/apps/justworks/test-email", NO_FIELDS).await;
    refused.expect(403);
    assert!(refused.says("needs at least"), "{}", refused.text());
    assert!(sink.mails().is_empty());

    // It reaches the signed-in user, through the server, signed in with the credentials.
    let page = to.get("/apps/justworks").await;
    assert!(page.body.contains("action=\"/apps/justworks/test-email\""));
    assert!(page.says("Send a test email"));
    to.post("/apps/justworks/test-email", NO_FIELDS)
        .await
        .expect_redirect("/apps/justworks");
    let page = to.get("/apps/justworks").await;
    assert!(
        page.says(&format!(
            "Test email sent to {TECH_EMAIL} via smtp 127.0.0.1:{port}."
        )),
        "{}",
        page.text()
    );
    pages.push(page.body);
    let mails = sink.wait_for(1, DEADLINE).await;
    assert_eq!(recipients_of(&mails), vec![vec![TECH_EMAIL.to_owned()]]);
    let mail = mails[0].parsed();
    assert_eq!(mail.subject, "orgsync test email");
    assert!(mail.text.contains(TECH_NAME), "{}", mail.text);
    assert_eq!(
        sink.auths(),
        vec![(SMTP_USER.to_owned(), SMTP_PASSWORD.to_owned())]
    );
    let sent = outbox(&app, None).await;
    assert_eq!(
        (sent.len(), sent[0].status.as_str()),
        (1, "sent"),
        "{sent:?}"
    );

    // SMTP down: the page says so, in our words.
    drop(sink);
    to.post("/apps/justworks/test-email", NO_FIELDS)
        .await
        .expect_redirect("/apps/justworks");
    let page = to.get("/apps/justworks").await;
    let down = format!(
        "The test email could not be sent: The mail server at 127.0.0.1:{port} refused the \
         connection (is it running?)."
    );
    assert!(page.says(&down), "{}", page.text());
    pages.push(page.body);

    // A server that refuses the password: said, without the password.
    let strict = SmtpSink::start_on(port, Some("another password")).await;
    to.post("/apps/justworks/test-email", NO_FIELDS)
        .await
        .expect_redirect("/apps/justworks");
    let page = to.get("/apps/justworks").await;
    let rejected = format!(
        "The test email could not be sent: The mail server at 127.0.0.1:{port} did not accept \
         orgsync's user name and password (SMTP 535)."
    );
    assert!(page.says(&rejected), "{}", page.text());
    pages.push(page.body);
    assert!(strict.mails().is_empty());
    assert_eq!(strict.auths().len(), 1, "it tried once");
    let failed: Vec<OutboxRow> = outbox(&app, None)
        .await
        .into_iter()
        .filter(|r| r.status == "failed")
        .collect();
    assert_eq!(failed.len(), 2, "{failed:?}");

    // The password is nowhere: not in pages, stored errors or logs, in any form.
    let plain_auth =
        data_encoding::BASE64.encode(format!("\0{SMTP_USER}\0{SMTP_PASSWORD}").as_bytes());
    let forms = [
        SMTP_PASSWORD.to_owned(),
        percent_encode(SMTP_PASSWORD),
        url.clone(),
        plain_auth,
        data_encoding::BASE64.encode(SMTP_PASSWORD.as_bytes()),
    ];
    let stored: String = outbox(&app, None)
        .await
        .iter()
        .map(|r| format!("{r:?}"))
        .collect();
    let logs = captured_logs();
    assert!(
        logs.contains(&format!("127.0.0.1:{port}")),
        "the log names the server"
    );
    for form in &forms {
        for (i, page) in pages.iter().enumerate() {
            assert!(!page.contains(form.as_str()), "page {i} shows {form}");
        }
        assert!(!stored.contains(form.as_str()), "the outbox holds {form}");
        assert!(!logs.contains(form.as_str()), "the log holds {form}");
    }
}

#[tokio::test]
async fn a_mail_that_cannot_be_queued_never_undoes_a_sync_nor_hides_a_failure() {
    let sink = SmtpSink::start().await;
    let sandbox = Sandbox::start(12).await;
    let app = app_on(&sandbox, Some(sink.url())).await;
    let to = app.technical_owner().await;
    let theo = app.user_id(TECH_EMAIL).await;
    let settings = sandbox.settings().add("notify_user_ids", &theo);
    install_and_save(&to, &settings).await;
    let pool = app.db().await;
    fail_inserts_into(&pool, "mail_outbox").await;
    pool.close().await;

    let (_, run) = sandbox.sync(&to).await;
    assert_completed(&run);
    assert_eq!(app.count("SELECT COUNT(*) FROM people").await, 12);

    to.post(
        "/apps/justworks/settings",
        settings.set("org_head", "Nobody Atall").fields(),
    )
    .await
    .expect_redirect("/apps/justworks");
    let (_, run) = sandbox.sync(&to).await;
    assert_eq!(run["status"], "failed", "{run}");
    assert!(
        run["error"]
            .as_str()
            .is_some_and(|e| e.contains("Nobody Atall")),
        "{run}"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM mail_outbox").await, 0);
    assert!(sink.mails().is_empty());
    assert!(captured_logs().contains("could not queue the sync email"));
}
