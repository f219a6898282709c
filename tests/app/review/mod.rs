//! Reviewable, guarded, reversible syncs (issue 13) end to end: the real app on port 0
//! with its real database, worker and outbox, a Justworks sandbox in this process whose
//! members the tests change over HTTP, and people pressing Preview, Sync To Primary,
//! Apply, Discard and Revert as a browser would.
//!
//! What they share is here: a [`Scene`] (a small sandbox company, Justworks configured
//! with the Technical Owner on the notification list), pressing the review buttons, and
//! reading what the database holds (the org, a run's emails, the audit log).

mod api;
mod decisions;
mod expiry;
mod first_sync;
mod interrupted;
mod notice;
mod revert;
mod safeguards;
mod stale;

use crate::helpers::*;
use crate::sync::support::*;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// The sandbox company every scene starts from (deterministic for a seed and size).
const SEED: u64 = 7;
/// Small, with enough quiet leaves to trip each safeguard, and 25 of them active: each
/// percentage point of a safeguard is exactly a quarter of a person, so a count can sit
/// exactly on a limit (4 people are exactly 16%).
const MEMBERS: usize = 26;

/// One test's world: a sandbox company, an app on it, and the Technical Owner who
/// configured Justworks and receives its sync emails.
pub(crate) struct Scene {
    pub(crate) sandbox: Sandbox,
    pub(crate) app: TestApp,
    pub(crate) to: TestClient,
    /// The settings as last saved.
    pub(crate) form: SettingsForm,
}

impl Scene {
    /// Justworks installed and configured (settings changed by `tweak`), the Technical
    /// Owner on the notification list; nothing synced yet.
    pub(crate) async fn configured(tweak: impl FnOnce(SettingsForm) -> SettingsForm) -> Scene {
        let sandbox = Sandbox::start(MEMBERS, SEED).await;
        let app = app_on(&sandbox, |_| {}).await;
        let (to, tech_id) = app
            .signed_in(TECH_EMAIL, TECH_NAME, "technical-owner")
            .await;
        let form = tweak(sandbox.settings().add("notify_user_ids", &tech_id));
        install_and_save(&to, &form).await;
        Scene {
            sandbox,
            app,
            to,
            form,
        }
    }

    /// [`Scene::configured`], and the first sync applied (as its admin would).
    pub(crate) async fn synced(tweak: impl FnOnce(SettingsForm) -> SettingsForm) -> Scene {
        let scene = Self::configured(tweak).await;
        let (_, first) = scene.sandbox.sync(&scene.to).await;
        assert_completed(&first);
        scene
    }

    /// Saves the settings as last saved, changed by `tweak`.
    pub(crate) async fn change_settings(
        &mut self,
        tweak: impl FnOnce(SettingsForm) -> SettingsForm,
    ) {
        let form = tweak(self.form.clone());
        self.to.get("/apps/justworks").await.expect(200);
        self.to
            .post("/apps/justworks/settings", form.fields())
            .await
            .expect_redirect("/apps/justworks");
        self.form = form;
    }

    /// Presses Sync To Primary and waits until the run has applied, failed or stopped
    /// for review (never approving it): its id and JSON.
    pub(crate) async fn sync(&self) -> (String, Value) {
        self.sandbox.forget_used_codes();
        let id = press_sync(&self.to).await;
        (id.clone(), wait_for_run(&self.to, &id, has_stopped).await)
    }

    /// Presses *Preview changes* and waits until the plan waits for review.
    pub(crate) async fn preview(&self) -> (String, Value) {
        self.sandbox.forget_used_codes();
        let id = press_to_run(&self.to, "/apps/justworks/preview").await;
        let run = wait_for_run(&self.to, &id, has_stopped).await;
        assert_eq!(run["status"], "needs_review", "{run}");
        assert_eq!(run["cause"], "preview", "{run}");
        assert_eq!(run["waits_for"], "preview", "{run}");
        (id, run)
    }

    /// Every member as Justworks serves them now.
    pub(crate) async fn members(&self) -> Vec<Value> {
        self.sandbox.members().await
    }

    /// The whole org as stored (people, jobs, history, departments, locations).
    pub(crate) async fn org(&self) -> BTreeMap<&'static str, Vec<String>> {
        org_dump(self.app.dir.path()).await
    }

    /// The number of active people in the org (the base of most safeguards).
    pub(crate) async fn active_people(&self) -> u64 {
        let n = self
            .app
            .count("SELECT COUNT(*) FROM people WHERE status = 'active'")
            .await;
        u64::try_from(n).expect("a count")
    }

    /// The emails queued about a run.
    pub(crate) async fn mails_of(&self, run_id: &str) -> Vec<QueuedMail> {
        let pool = self.app.db().await;
        let rows: Vec<(String, String, String, String)> = sqlx::query_as(
            "SELECT kind, recipients, subject, text_body FROM mail_outbox WHERE run_id = $1 \
             ORDER BY created_at, id",
        )
        .bind(run_id)
        .fetch_all(&pool)
        .await
        .expect("the outbox");
        pool.close().await;
        rows.into_iter()
            .map(|(kind, recipients, subject, text)| QueuedMail {
                kind,
                recipients,
                subject,
                text,
            })
            .collect()
    }

    /// `(actor, details)` of each audit row of `action`, oldest first.
    pub(crate) async fn audit(&self, action: &str) -> Vec<(String, String)> {
        let pool = self.app.db().await;
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT actor_name, details FROM audit_log WHERE action = $1 ORDER BY at, id",
        )
        .bind(action)
        .fetch_all(&pool)
        .await
        .expect("the audit log");
        pool.close().await;
        rows
    }

    /// The title of the filled job of the person linked to `member`.
    pub(crate) async fn title_of(&self, member: &str) -> Option<String> {
        let pool = self.app.db().await;
        let title: Option<(Option<String>,)> = sqlx::query_as(
            "SELECT j.title FROM jobs j JOIN people p ON p.id = j.person_id \
             WHERE p.justworks_id = $1 AND j.status = 'filled'",
        )
        .bind(member)
        .fetch_optional(&pool)
        .await
        .expect("jobs");
        pool.close().await;
        title.and_then(|(t,)| t)
    }

    /// The Justworks id of the manager of the person linked to `member` (through their
    /// filled job).
    pub(crate) async fn manager_of(&self, member: &str) -> Option<String> {
        let pool = self.app.db().await;
        let manager: Option<(Option<String>,)> = sqlx::query_as(
            "SELECT mp.justworks_id FROM jobs j JOIN people p ON p.id = j.person_id \
             JOIN jobs mj ON mj.id = j.manager_job_id JOIN people mp ON mp.id = mj.person_id \
             WHERE p.justworks_id = $1 AND j.status = 'filled'",
        )
        .bind(member)
        .fetch_optional(&pool)
        .await
        .expect("jobs");
        pool.close().await;
        manager.and_then(|(m,)| m)
    }

    /// Replaces the sandbox's whole roster (members left out are gone from Justworks).
    pub(crate) async fn set_roster(&self, members: &[Value]) {
        let response = self
            .sandbox
            .http
            .put(format!("{}/sandbox/members", self.sandbox.url))
            .json(&json!({ "members": members }))
            .send()
            .await
            .expect("the sandbox answers");
        assert!(
            response.status().is_success(),
            "{}",
            response.text().await.unwrap_or_default()
        );
    }
}

/// One queued email.
#[derive(Debug, Clone)]
pub(crate) struct QueuedMail {
    pub(crate) kind: String,
    /// JSON array of addresses.
    pub(crate) recipients: String,
    pub(crate) subject: String,
    pub(crate) text: String,
}

/// Posts a button that answers 303 to a run's page; the run's id.
pub(crate) async fn press_to_run(client: &TestClient, path: &str) -> String {
    let answer = client.post(path, NO_FIELDS).await;
    answer.expect(303);
    let location = answer.location.clone().expect("a Location");
    location
        .strip_prefix("/syncs/")
        .unwrap_or_else(|| panic!("{path} led to {location}"))
        .to_owned()
}

/// Presses **Apply these changes** or **Discard** (`what`: `apply`, `discard`) on run
/// `id`; the page the answer leads to, as the browser then shows it (with its message).
pub(crate) async fn decide(client: &TestClient, id: &str, what: &str) -> (String, Page) {
    let answer = client.post(&format!("/syncs/{id}/{what}"), NO_FIELDS).await;
    answer.expect(303);
    let location = answer.location.clone().expect("a Location");
    let page = client.get(&location).await;
    page.expect(200);
    (location, page)
}

/// Terminates a member in Justworks as of today.
pub(crate) async fn terminate(sandbox: &Sandbox, member: &str) {
    let today = today().to_string();
    sandbox
        .patch(
            member,
            json!({"active": false, "employment_termination_date": today}),
        )
        .await;
}

/// Takes a termination back in Justworks (the member stays as they were).
pub(crate) async fn unterminate(sandbox: &Sandbox, member: &str) {
    sandbox
        .patch(
            member,
            json!({"active": true, "employment_termination_date": null}),
        )
        .await;
}

/// The whole percentage of `base` that is exactly `count` (so `count` changes sit on
/// the limit and one more is just above it).
pub(crate) fn pct_for(count: u64, base: u64) -> u64 {
    let pct = count * 100 / base;
    assert_eq!(
        pct * base,
        count * 100,
        "{count} of {base} is not a whole percentage: pick a count that is"
    );
    pct
}

/// "7 of 25 active people (28%)": a safeguard's share, rounded half up.
pub(crate) fn share(count: u64, base: u64, of: &str) -> String {
    let pct = (count * 200 + base) / (base * 2);
    format!("{count} of {base} {of} ({pct}%)")
}
