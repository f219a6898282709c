//! Text from Justworks is data (point 5): NULs (which PostgreSQL refuses in text, failing
//! every sync), control characters, line breaks and bidirectional overrides are removed
//! on the way in, overlong text is cut with a warning naming the member — never quoting
//! a value, nor naming a field visible to Owners only — and a line break in a name adds
//! no line to the text email.

use super::*;
use orgsync::config::DeliveryPolicy;
use orgsync::sandbox::SandboxOptions;
use orgsync::secrets::SecretString;

const SECRET_STREET: &str = "1 Secret Street";

/// The roster served: an org head, and members whose text is hostile in one way each.
fn hostile_roster() -> Value {
    let member = |id: &str, given: &str, family: &str, extra: Value| {
        let mut m = json!({
            "id": id, "company_id": "cmp_1", "active": true,
            "name": {"given_name": given, "family_name": family, "additional_names": []},
            "type": "employee", "employment_location_type": "office",
            "job_title": "Engineer",
            "department": {"id": "dep_1", "name": "Engineering"},
            "office": {"id": "off_1", "name": "New York HQ"},
            "manager": {"id": "mem_head"},
            "employment_start_date": "2021-03-01",
            "emails": [], "phones": [], "addresses": []
        });
        for (k, v) in extra.as_object().unwrap() {
            m[k] = v.clone();
        }
        m
    };
    json!({
        "company": {"id": "cmp_1", "name": "Acme Corp",
                    "departments": [{"id": "dep_1", "name": "Engineering"}],
                    "offices": [{"id": "off_1", "name": "New York HQ"}]},
        "members": [
            member("mem_head", "Ada", "Lovelace", json!({"manager": null})),
            // A NUL in the id, the name, the title and the department.
            member("mem_n\u{0}ul", "Gr\u{0}ace", "Hopper", json!({
                "job_title": "Rear\u{0} Admiral",
                "department": {"id": "dep_1", "name": "Engi\u{0}neering"}
            })),
            // Line breaks in the name, reporting to the member with a NUL in their id.
            member("mem_crlf", "Eve\r\nBcc: all@acme.test", "Smith", json!({
                "manager": {"id": "mem_n\u{0}ul"}
            })),
            // A bidirectional override, and a title far too long.
            member("mem_bidi", "\u{202E}nilam", "Doe", json!({
                "job_title": format!("\u{202E}{}", "T".repeat(400))
            })),
            // A home address far too long: visible to Owners only.
            member("mem_addr", "Hal", "Addr", json!({
                "addresses": [{"type": "home",
                               "line1": format!("{SECRET_STREET} {}", "9".repeat(1_200)),
                               "city": "Brooklyn"}]
            })),
        ]
    })
}

#[tokio::test]
async fn text_from_justworks_is_cleaned_on_the_way_in_and_a_member_with_cut_text_is_named() {
    init();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let sandbox = orgsync::sandbox::start(
        listener,
        SandboxOptions {
            members: 5,
            seed: 3,
        },
    )
    .await
    .expect("the sandbox starts");
    let sandbox_url = sandbox.base_url();
    let answer = reqwest::Client::new()
        .put(format!("{sandbox_url}/sandbox/members"))
        .json(&hostile_roster())
        .send()
        .await
        .expect("the sandbox answers");
    assert!(
        answer.status().is_success(),
        "{}",
        answer.text().await.unwrap()
    );
    let sink = SmtpSink::start().await;
    let smtp_url = sink.url();
    let app = spawn_app_with(move |config| {
        config.justworks_url = Some(sandbox_url);
        config.smtp_url = Some(SecretString::new(smtp_url));
        config.mail_delivery = DeliveryPolicy {
            poll: Duration::from_millis(100),
            first_retry: Duration::from_millis(100),
            max_retry: Duration::from_millis(500),
            ..DeliveryPolicy::default()
        };
    })
    .await;
    let to = app.technical_owner().await;
    let theo = app.user_id(TECH_EMAIL).await;
    let credentials = sandbox.credentials();
    let settings = SettingsForm::valid()
        .set("username", &credentials.username)
        .set("password", &credentials.password)
        .set("totp_secret", &credentials.totp_secret)
        .set("org_head", "Ada Lovelace")
        .add("notify_user_ids", &theo);
    install_and_save(&to, &settings).await;

    let (run_id, run) = sync_and_wait(&to).await;

    // Before: on PostgreSQL the NUL failed the whole sync with "a database error".
    assert_eq!(run["status"], "complete_with_warnings", "{run}");
    assert_eq!(run["counts"]["created"], 5, "{run}");
    let warnings: Vec<&str> = run["warnings"]
        .as_array()
        .expect("warnings")
        .iter()
        .map(|w| w.as_str().unwrap())
        .collect();
    assert!(
        warnings.contains(
            &"nilam Doe (mem_bidi): Justworks sent more than orgsync keeps, so it was cut: the \
              job title (to 300 characters)"
        ),
        "{warnings:#?}"
    );
    assert!(
        warnings.contains(
            &"Hal Addr (mem_addr): Justworks sent more than orgsync keeps, so it was cut: a \
              field visible to Owners only"
        ),
        "{warnings:#?}"
    );
    for w in &warnings {
        assert!(!w.contains("Secret") && !w.contains("999"), "{w}");
    }
    let run_page = to.get(&format!("/syncs/{run_id}")).await;
    run_page.expect(200);
    assert!(run_page.says("Hal Addr (mem_addr)"));
    assert!(!run_page.body.contains(SECRET_STREET));

    // What was stored: ids, names, titles and groups clean, the title cut to 300.
    let pool = app.db().await;
    let people: Vec<(String, String, Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT p.justworks_id, p.name, j.title, j.department FROM people p \
         JOIN jobs j ON j.person_id = p.id ORDER BY p.justworks_id",
    )
    .fetch_all(&pool)
    .await
    .expect("people");
    pool.close().await;
    let by_id: HashMap<&str, (&str, Option<&str>, Option<&str>)> = people
        .iter()
        .map(|(id, name, title, dept)| {
            (
                id.as_str(),
                (name.as_str(), title.as_deref(), dept.as_deref()),
            )
        })
        .collect();
    assert_eq!(
        by_id["mem_nul"],
        ("Grace Hopper", Some("Rear Admiral"), Some("Engineering"))
    );
    assert_eq!(by_id["mem_crlf"].0, "Eve Bcc: all@acme.test Smith");
    assert_eq!(by_id["mem_bidi"].0, "nilam Doe");
    assert_eq!(by_id["mem_bidi"].1, Some("T".repeat(300).as_str()));
    for (id, name, title, dept) in &people {
        for text in [
            Some(id.as_str()),
            Some(name.as_str()),
            title.as_deref(),
            dept.as_deref(),
        ]
        .into_iter()
        .flatten()
        {
            assert!(
                !text.chars().any(|c| c.is_control() || c == '\u{202E}'),
                "{text:?}"
            );
        }
    }
    // The member whose id had a NUL in it is still Eve's manager.
    let eve: Value =
        serde_json::from_str(&to.get("/api/v1/people?q=Eve").await.expect(200).body).unwrap();
    let grace: Value =
        serde_json::from_str(&to.get("/api/v1/people?q=Grace").await.expect(200).body).unwrap();
    assert_eq!(eve["items"][0]["manager_id"], grace["items"][0]["id"]);

    // The emails (the first sync's review notice, then its summary): Eve's line break
    // added no line to them.
    let mails: Vec<_> = sink
        .wait_for(2, RUN_DEADLINE)
        .await
        .iter()
        .map(|m| m.parsed())
        .collect();
    let summary = mails
        .iter()
        .find(|m| m.subject.starts_with("Justworks sync complete"))
        .expect("the summary");
    assert!(
        summary.text.contains("Eve Bcc: all@acme.test Smith"),
        "{}",
        summary.text
    );
    for mail in &mails {
        for line in mail.text.lines() {
            assert!(!line.trim_start().starts_with("Bcc:"), "{}", mail.text);
        }
        assert!(!mail.text.contains(SECRET_STREET) && !mail.html.contains(SECRET_STREET));
    }
    sandbox.shutdown().await;
}
