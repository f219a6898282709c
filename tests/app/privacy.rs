//! Privacy by recipient (ISSUE 11, points 1 and 2): a user is "themself" for a person
//! only through an Owner's link — never through an email, whatever invitation tricks a
//! Technical Owner plays — and non-Owners learn nothing of sensitive fields of others:
//! not the values, not that they changed, not when (history, run pages, run JSON,
//! emails built for each recipient's level).

use crate::helpers::*;
use crate::mail::{Sandbox, app_on, eventually};
use serde_json::{Value, json};

/// The keys of a person's JSON that only Owners and the person themself get.
const SENSITIVE_KEYS: [&str; 7] = [
    "compensation",
    "birthdate",
    "gender",
    "ethnicity",
    "home_address",
    "personal_email",
    "phones",
];

fn json_of(page: &Page) -> Value {
    serde_json::from_str(&page.body).unwrap_or_else(|e| panic!("{e}: {}", page.body))
}

/// Every person as the Owner's JSON has them.
async fn people(owner: &TestClient) -> Vec<Value> {
    let list = json_of(
        owner
            .get("/api/v1/people?status=all&limit=500")
            .await
            .expect(200),
    );
    list["items"].as_array().expect("items").clone()
}

/// The one-time link on the Users page, just after an invitation was made or renewed.
fn invitation_token(page: &Page) -> String {
    let at = page
        .body
        .find("/invite?token=")
        .expect("an invitation link");
    page.body[at + "/invite?token=".len()..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

/// Invites `email` at `level` as `inviter`; the token of the link shown once.
async fn invite(inviter: &TestClient, name: &str, email: &str, level: &str) -> String {
    inviter
        .post(
            "/settings/users",
            &[("name", name), ("email", email), ("level", level)],
        )
        .await
        .expect(303);
    invitation_token(inviter.get("/settings/users").await.expect(200))
}

/// Accepts an invitation in a fresh browser: signed in as the invited user.
async fn accept(app: &TestApp, token: &str) -> TestClient {
    let client = app.client();
    client
        .get(&format!("/invite?token={token}"))
        .await
        .expect(200);
    client
        .post("/invite", &[("token", token), ("password", PASSWORD)])
        .await
        .expect(303);
    client
}

#[track_caller]
fn assert_nothing_private(person: &Value, who: &str) {
    for key in SENSITIVE_KEYS {
        assert!(person.get(key).is_none(), "{who} gets {key}: {person}");
    }
}

/// A synced company of 20, the Justworks app configured by the Technical Owner.
async fn synced() -> (Sandbox, TestApp, TestClient, TestClient) {
    let sandbox = Sandbox::start(20).await;
    let app = app_on(&sandbox, None).await;
    let owner = app.owner().await;
    let to = app.technical_owner().await;
    install_and_save(&to, &sandbox.settings()).await;
    let (_, run) = sandbox.sync(&to).await;
    assert!(run["error"].is_null(), "{run}");
    (sandbox, app, owner, to)
}

#[tokio::test]
async fn a_technical_owner_who_invites_someone_at_the_org_heads_email_gains_nothing_private() {
    let (sandbox, app, owner, to) = synced().await;
    let head_name = sandbox.running.org_head().expect("an org head");
    let head = people(&owner)
        .await
        .into_iter()
        .find(|p| p["name"] == head_name.as_str())
        .expect("the org head");
    let head_id = head["id"].as_str().unwrap().to_owned();
    let head_email = head["work_email"]
        .as_str()
        .expect("a work email")
        .to_owned();
    assert!(
        head.get("compensation").is_some(),
        "the Owner sees pay: {head}"
    );

    // The trick of the report: a user at the org head's work email, link shown to the TO.
    let token = invite(&to, "Helper", &head_email, "member").await;
    let helper = accept(&app, &token).await;
    let page = helper.get(&format!("/people/{head_id}")).await;
    page.expect(200);
    assert!(!page.says("This is you") && !page.says("Private details"));
    let one = json_of(
        helper
            .get(&format!("/api/v1/people/{head_id}"))
            .await
            .expect(200),
    );
    assert_nothing_private(&one, "a user at the head's email");
    let list = json_of(helper.get("/api/v1/people?limit=500").await.expect(200));
    for person in list["items"].as_array().unwrap() {
        assert_nothing_private(person, "a user at the head's email");
    }

    // The Owner is offered the match as a suggestion, and nothing more.
    let users = owner.get("/settings/users").await;
    assert!(
        users.says(&format!("Suggested: {head_name} (same work email)")),
        "{}",
        users.text()
    );
}

#[tokio::test]
async fn a_technical_owner_cannot_renew_an_owners_invitation_nor_one_for_a_linked_user() {
    let (_sandbox, app, owner, to) = synced().await;
    let someone = people(&owner).await.remove(3);
    let email = someone["work_email"]
        .as_str()
        .expect("a work email")
        .to_owned();

    // An invitation the Owner made: the TO may neither renew nor see a new link.
    invite(&owner, "Invited By Owner", &email, "member").await;
    let invited = app.user_id(&email).await;
    let renew = format!("/settings/users/{invited}/invitation");
    to.post(&renew, NO_FIELDS).await.expect(403);
    assert!(
        !to.get("/settings/users")
            .await
            .body
            .contains("/invite?token=")
    );
    // The Owner may.
    owner.post(&renew, NO_FIELDS).await.expect(303);

    // One the TO made may be renewed by the TO…
    let token = invite(&to, "Tech Invitee", "tech.invitee@acme.test", "member").await;
    let tech_invitee = app.user_id("tech.invitee@acme.test").await;
    let renew = format!("/settings/users/{tech_invitee}/invitation");
    to.post(&renew, NO_FIELDS).await.expect(303);
    let renewed = invitation_token(&to.get("/settings/users").await);
    assert_ne!(renewed, token, "a new link");
    // …until an Owner links that user to a person: then only an Owner may.
    owner
        .post(
            &format!("/settings/users/{tech_invitee}/person"),
            &[("person", someone["id"].as_str().unwrap())],
        )
        .await
        .expect(303);
    assert!(
        owner
            .get("/settings/users")
            .await
            .says("Their pending invitation link, made by a Technical Owner, no longer works")
    );
    to.post(&renew, NO_FIELDS).await.expect(403);
    // The link the TO still holds was withdrawn by the link: it opens nothing.
    let client = app.client();
    let page = client.get(&format!("/invite?token={renewed}")).await;
    assert!(
        page.says("This invitation link is not valid"),
        "{}",
        page.text()
    );
    client
        .post(
            "/invite",
            &[("token", renewed.as_str()), ("password", PASSWORD)],
        )
        .await
        .expect(400);
    client.get("/people").await.expect(303);
}

#[tokio::test]
async fn only_an_owners_link_makes_a_user_themself_and_unlinking_ends_it() {
    let (_sandbox, app, owner, to) = synced().await;
    let ana = people(&owner).await.remove(5);
    let ana_id = ana["id"].as_str().unwrap().to_owned();
    let ana_name = ana["name"].as_str().unwrap().to_owned();
    let email = ana["work_email"].as_str().expect("a work email").to_owned();
    let (member, member_id) = app.signed_in(&email, &ana_name, "member").await;

    // Same email, no link: nothing.
    let page = member.get(&format!("/people/{ana_id}")).await;
    assert!(!page.says("This is you"));
    assert_nothing_private(
        &json_of(&member.get(&format!("/api/v1/people/{ana_id}")).await),
        "an unlinked user",
    );

    // Technical Owners cannot link (nor unlink).
    let link = format!("/settings/users/{member_id}/person");
    to.post(&link, &[("person", ana_id.as_str())])
        .await
        .expect(403);
    to.post(&format!("/settings/users/{member_id}/unlink"), NO_FIELDS)
        .await
        .expect(403);
    assert!(!to.get("/settings/users").await.says("Suggested:"));

    // The Owner confirms the suggestion: now she is herself.
    let users = owner.get("/settings/users").await;
    assert!(users.says(&format!("Suggested: {ana_name} (same work email)")));
    owner
        .post(&link, &[("person", ana_id.as_str())])
        .await
        .expect(303);
    let users = owner.get("/settings/users").await;
    assert!(
        users.says(&format!("{ana_name} is linked to {ana_name}")),
        "{}",
        users.text()
    );
    let page = member.get(&format!("/people/{ana_id}")).await;
    assert!(page.says("This is you"), "{}", page.text());
    let me = json_of(&member.get(&format!("/api/v1/people/{ana_id}")).await);
    assert!(me.get("compensation").is_some(), "{me}");

    // A person is one user at most.
    let (_, other_id) = app
        .signed_in("someone.else@acme.test", "Someone Else", "member")
        .await;
    owner
        .post(
            &format!("/settings/users/{other_id}/person"),
            &[("person", email.as_str())],
        )
        .await
        .expect(303);
    assert!(
        owner
            .get("/settings/users")
            .await
            .says("is already linked to another user")
    );

    // Unlinked: private again.
    owner
        .post(&format!("/settings/users/{member_id}/unlink"), NO_FIELDS)
        .await
        .expect(303);
    assert!(
        !member
            .get(&format!("/people/{ana_id}"))
            .await
            .says("This is you")
    );

    let audit = owner.get("/settings/audit").await;
    assert!(audit.says("user.linked_to_person") && audit.says("user.unlinked_from_person"));
}

#[tokio::test]
async fn non_owners_learn_nothing_of_sensitive_changes_in_history_run_pages_json_or_emails() {
    let sandbox = Sandbox::start(20).await;
    let app = app_on(&sandbox, None).await;
    let owner = app.owner().await;
    let to = app.technical_owner().await;
    let (member, member_id) = app.signed_in("mel@acme.test", "Mel Member", "member").await;
    let theo = app.user_id(TECH_EMAIL).await;
    let olivia = app.user_id(OWNER_EMAIL).await;
    install_and_save(
        &to,
        &sandbox
            .settings()
            .add("notify_user_ids", &theo)
            .add("notify_user_ids", &olivia)
            .add("notify_user_ids", &member_id),
    )
    .await;
    let (_, first) = sandbox.sync(&to).await;
    assert!(first["error"].is_null(), "{first}");
    let mail_dir = app.dir.path().join("mail");
    let first_mails = eventually("the first summaries", || async {
        let n = std::fs::read_dir(&mail_dir).ok()?.count();
        (n >= 3).then_some(n)
    })
    .await;

    // A raise for one person; a new gender and a new title for another.
    let everyone = people(&owner).await;
    let head_name = sandbox.running.org_head().expect("an org head");
    let mut quiet = everyone
        .iter()
        .filter(|p| p["status"] == "active" && p["name"] != head_name.as_str());
    let raised = quiet.next().expect("someone").clone();
    let moved = quiet
        .find(|p| p["gender"].as_str() != Some("Agender"))
        .expect("someone else")
        .clone();
    let pay = raised["compensation"]["amount"]
        .as_i64()
        .unwrap_or(5_000_000)
        + 123_400;
    sandbox
        .patch(
            raised["justworks_id"].as_str().unwrap(),
            json!({"current_pay": {"amount": pay, "currency": "USD", "pay_basis": "salary"}}),
        )
        .await;
    sandbox
        .patch(
            moved["justworks_id"].as_str().unwrap(),
            json!({"gender": "Agender", "job_title": "Chief Listener"}),
        )
        .await;
    let (run_id, run) = sandbox.sync(&to).await;
    assert!(run["error"].is_null(), "{run}");
    let raised_name = raised["name"].as_str().unwrap();
    let warnings = run["warnings"].to_string();

    // The run page and JSON, for the Technical Owner.
    for path in [format!("/syncs/{run_id}"), format!("/syncs/{run_id}/live")] {
        let page = to.get(&path).await;
        page.expect(200);
        for unsaid in ["Compensation", "Gender", "Agender"] {
            assert!(!page.says(unsaid), "{path} says {unsaid}: {}", page.text());
        }
        if !warnings.contains(raised_name) {
            assert!(!page.says(raised_name), "{path} names {raised_name}");
        }
        assert!(page.says("Chief Listener"), "{}", page.text());
    }
    let page = to.get(&format!("/syncs/{run_id}")).await;
    assert!(page.says("1 person: changes to fields visible to Owners only."));
    assert_eq!(
        page.text_of_id("counts-heading").as_deref(),
        Some("1 other change")
    );
    let seen = json_of(&to.get(&format!("/api/v1/syncs/{run_id}")).await);
    assert_eq!(seen["counts"]["owner_only"], 1, "{seen}");
    assert_eq!(seen["counts"]["updated"], 1, "{seen}");
    let history = to.get("/syncs").await;
    assert!(!history.says("Compensation"));

    // The Owner sees both, with values.
    let page = owner.get(&format!("/syncs/{run_id}")).await;
    assert!(page.says("Compensation changes (1)") && page.says("Agender"));

    // A colleague's history, for the Member and the Technical Owner: the title change
    // only; of the raise, nothing at all.
    for (who, client) in [("member", &member), ("technical owner", &to)] {
        let page = client
            .get(&format!("/people/{}", moved["id"].as_str().unwrap()))
            .await;
        assert!(page.says("Chief Listener"), "{who}: {}", page.text());
        assert!(
            !page.says("Gender") && !page.says("Agender"),
            "{who}: {}",
            page.text()
        );
        let page = client
            .get(&format!("/people/{}", raised["id"].as_str().unwrap()))
            .await;
        assert!(!page.says("Compensation"), "{who}: {}", page.text());
        assert!(!page.says("changed"), "{who}: {}", page.text());
    }
    let page = owner
        .get(&format!("/people/{}", raised["id"].as_str().unwrap()))
        .await;
    assert!(page.says("Compensation change"), "{}", page.text());

    // The emails: each built for its reader.
    let mails = eventually("the second summaries", || async {
        let mut files: Vec<_> = std::fs::read_dir(&mail_dir)
            .ok()?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        files.sort();
        (files.len() >= first_mails + 3).then_some(files)
    })
    .await;
    let mut by_reader = std::collections::BTreeMap::new();
    for file in &mails {
        let mail = parse_mail(&std::fs::read(file).expect("the file"));
        if mail.text.contains(&format!("/syncs/{run_id}")) {
            by_reader.insert(mail.to[0].clone(), mail);
        }
    }
    assert_eq!(by_reader.len(), 3, "{:?}", by_reader.keys());
    let amount = format!("{}", pay / 100);
    for (reader, mail) in &by_reader {
        let all = format!("{}\n{}\n{}", mail.subject, mail.text, mail.html);
        assert!(!all.contains(&amount), "{reader} gets the amount");
        assert!(!all.contains("Agender"), "{reader} gets the gender");
        if reader == OWNER_EMAIL {
            assert!(all.contains("Compensation changes (1)"), "{all}");
            assert!(all.contains(raised_name), "{all}");
        } else {
            assert!(!all.contains("Compensation"), "{reader}: {all}");
            if !warnings.contains(raised_name) {
                assert!(!all.contains(raised_name), "{reader} is told who: {all}");
            }
            assert!(
                all.contains("1 person: changes to fields visible to Owners only."),
                "{reader}: {all}"
            );
        }
    }
}
