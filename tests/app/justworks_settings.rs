//! The Justworks app's settings: the form rules (an inline message next to each bad
//! field, nothing saved), saving, and write-only secrets.

use crate::helpers::*;

/// One bad input: the field to change, the value, the id of the inline message and words
/// it must contain.
struct Bad {
    field: &'static str,
    value: String,
    error_id: &'static str,
    message: &'static str,
}

fn bad(field: &'static str, value: &str, error_id: &'static str, message: &'static str) -> Bad {
    Bad {
        field,
        value: value.to_owned(),
        error_id,
        message,
    }
}

/// The rules that apply whether or not settings were saved before.
fn always_bad(deactivated_id: &str) -> Vec<Bad> {
    vec![
        bad(
            "username",
            "",
            "username-error",
            "Enter the Justworks service user",
        ),
        bad(
            "username",
            "   ",
            "username-error",
            "Enter the Justworks service user",
        ),
        bad(
            "username",
            &"u".repeat(255),
            "username-error",
            "at most 254",
        ),
        bad(
            "password",
            &"p".repeat(257),
            "password-error",
            "at most 256",
        ),
        bad(
            "totp_secret",
            "123456",
            "totp_secret-error",
            "not a 2FA seed",
        ),
        bad(
            "totp_secret",
            "JBSWY3DPEHPK3PXP0189JBSWY3DPEHPK",
            "totp_secret-error",
            "not a 2FA seed",
        ),
        bad(
            "totp_secret",
            "hello world!",
            "totp_secret-error",
            "not a 2FA seed",
        ),
        bad(
            "totp_secret",
            "JBSWY3DPEHPK3PXP",
            "totp_secret-error",
            "too short",
        ),
        bad(
            "totp_secret",
            "jbsw y3dp ehpk 3pxp",
            "totp_secret-error",
            "too short",
        ),
        bad(
            "totp_secret",
            &"A".repeat(257),
            "totp_secret-error",
            "at most 256",
        ),
        bad(
            "org_head",
            "",
            "org_head-error",
            "Enter the name of the person",
        ),
        bad(
            "org_head",
            "     ",
            "org_head-error",
            "Enter the name of the person",
        ),
        bad(
            "org_head",
            "\t \n ",
            "org_head-error",
            "Enter the name of the person",
        ),
        bad(
            "org_head",
            &"o".repeat(201),
            "org_head-error",
            "at most 200",
        ),
        bad(
            "notify_user_ids",
            "no-such-user",
            "notify-error",
            "not an orgsync user",
        ),
        bad(
            "notify_user_ids",
            deactivated_id,
            "notify-error",
            "is deactivated",
        ),
        bad("daily_at", "24:00", "daily_at-error", "HH:MM"),
        bad("daily_at", "12:60", "daily_at-error", "HH:MM"),
        bad("daily_at", "noon", "daily_at-error", "HH:MM"),
        bad("daily_at", "7", "daily_at-error", "HH:MM"),
        bad("exclude_ids", "mem 1", "exclude_ids-error", "not an id"),
        bad(
            "exclude_ids",
            &"x".repeat(65),
            "exclude_ids-error",
            "too long",
        ),
    ]
}

/// Posts each bad form (a good form with one field spoiled) and checks the answer: 422,
/// the message next to the field, nothing stored.
async fn assert_each_is_refused(
    app: &TestApp,
    client: &TestClient,
    good: &SettingsForm,
    cases: &[Bad],
) {
    let before = app.justworks_rows().await;
    let mut failures = Vec::new();
    for case in cases {
        let form = good.clone().set(case.field, &case.value);
        let page = client.post("/apps/justworks/settings", form.fields()).await;
        let label = format!("{}={:?}", case.field, truncate(&case.value));
        if page.status != 422 {
            failures.push(format!("{label}: status {} instead of 422", page.status));
            continue;
        }
        match page.text_of_id(case.error_id) {
            Some(message) if message.contains(case.message) => {}
            Some(message) => failures.push(format!("{label}: message {message:?}")),
            None => failures.push(format!("{label}: no #{} on the page", case.error_id)),
        }
        if !page.is_described_by(case.error_id) {
            failures.push(format!(
                "{label}: #{} is not tied to its field",
                case.error_id
            ));
        }
        if !page.says("Nothing was saved") {
            failures.push(format!("{label}: the page does not say nothing was saved"));
        }
        if app.justworks_rows().await != before {
            failures.push(format!("{label}: the database changed"));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

fn truncate(s: &str) -> String {
    if s.chars().count() > 20 {
        format!(
            "{}… ({} chars)",
            s.chars().take(8).collect::<String>(),
            s.chars().count()
        )
    } else {
        s.to_owned()
    }
}

async fn app_with_a_deactivated_user() -> (TestApp, TestClient, String) {
    let app = spawn_app().await;
    let owner = app.owner().await;
    let gone = app
        .create_user("gone@acme.test", "Gus Gone", "member")
        .await;
    owner
        .post(&format!("/settings/users/{gone}/deactivate"), NO_FIELDS)
        .await
        .expect_redirect("/settings/users");
    (app, owner, gone)
}

#[tokio::test]
async fn each_bad_field_on_the_first_save_gets_a_message_next_to_it_and_nothing_is_saved() {
    let (app, owner, gone) = app_with_a_deactivated_user().await;
    install_justworks(&owner).await;
    let mut cases = always_bad(&gone);
    // Required on the first save.
    cases.push(bad(
        "password",
        "",
        "password-error",
        "Enter the Justworks service user's password",
    ));
    cases.push(bad(
        "totp_secret",
        "",
        "totp_secret-error",
        "Enter the 2FA code",
    ));
    cases.push(bad(
        "totp_secret",
        "   ",
        "totp_secret-error",
        "Enter the 2FA code",
    ));
    assert_each_is_refused(&app, &owner, &SettingsForm::valid(), &cases).await;

    let page = owner.get("/apps/justworks").await;
    assert_eq!(page.input_value("username").as_deref(), Some(""));
    assert!(!page.says("A password is set"));
    assert!(!page.says("A 2FA code is set"));
    let apps = owner.get("/apps").await;
    assert!(apps.says("Settings not saved yet"), "{}", apps.text());
}

#[tokio::test]
async fn each_bad_field_on_a_later_save_keeps_the_stored_settings() {
    let (app, owner, gone) = app_with_a_deactivated_user().await;
    install_and_save(&owner, &SettingsForm::valid()).await;
    // A later save may leave the secrets blank (they are kept)…
    let later = SettingsForm::valid()
        .set("password", "")
        .set("totp_secret", "");
    assert_each_is_refused(&app, &owner, &later, &always_bad(&gone)).await;
    // …and a bad form that also carries new secrets stores none of them.
    let with_new_secrets = SettingsForm::valid()
        .set("password", "a new password that must not be kept")
        .set("totp_secret", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
    assert_each_is_refused(
        &app,
        &owner,
        &with_new_secrets,
        &[bad("org_head", " ", "org_head-error", "Enter the name")],
    )
    .await;

    let page = owner.get("/apps/justworks").await;
    assert_eq!(
        page.input_value("username").as_deref(),
        Some(SERVICE_USERNAME)
    );
    assert_eq!(page.input_value("org_head").as_deref(), Some(ORG_HEAD));
    assert!(page.says("A password is set"));
    assert!(page.says("A 2FA code is set"));
}

#[tokio::test]
async fn the_choices_for_departures_and_missing_locations_are_checked_with_a_message_next_to_them()
{
    let app = spawn_app().await;
    let owner = app.owner().await;
    install_justworks(&owner).await;
    assert_each_is_refused(
        &app,
        &owner,
        &SettingsForm::valid(),
        &[
            bad(
                "departures",
                "delete_everyone",
                "departures-error",
                "Choose one",
            ),
            bad(
                "missing_location",
                "mars",
                "missing_location-error",
                "Choose one",
            ),
        ],
    )
    .await;
}

#[tokio::test]
async fn a_valid_save_shows_the_values_with_secrets_only_as_set_and_audits_the_field_names() {
    let app = spawn_app().await;
    let owner = app.owner().await;
    let member_id = app.create_user(MEMBER_EMAIL, MEMBER_NAME, "member").await;
    let owner_id = app.user_id(OWNER_EMAIL).await;
    install_justworks(&owner).await;
    let form = SettingsForm::valid()
        .set("org_head", "  Grace   Hopper ")
        .set("run_daily", "on")
        .set("daily_at", "7:30")
        .set("exclude_ids", "mem_1, E1042\nmem_2")
        .set("departures", "departures_only")
        .set("missing_location", "blank")
        .without("sync_compensation")
        .without("include_contractors")
        .add("notify_user_ids", &member_id)
        .add("notify_user_ids", &owner_id);
    let saved = owner.post("/apps/justworks/settings", form.fields()).await;
    saved.expect_redirect("/apps/justworks");

    let page = owner.get("/apps/justworks").await;
    page.expect(200);
    assert!(page.says("Settings saved"), "{}", page.text());
    assert_eq!(
        page.input_value("username").as_deref(),
        Some(SERVICE_USERNAME)
    );
    assert_eq!(
        page.input_value("org_head").as_deref(),
        Some("Grace Hopper")
    );
    assert_eq!(page.input_value("daily_at").as_deref(), Some("07:30"));
    assert!(page.says("A password is set"), "{}", page.text());
    assert!(page.says("A 2FA code is set"), "{}", page.text());
    assert_eq!(page.input_value("password").as_deref(), Some(""));
    assert_eq!(page.input_value("totp_secret").as_deref(), Some(""));
    assert!(!page.body.contains(SERVICE_PASSWORD));
    assert!(!page.body.contains(SEED));
    let checked = |id: &str| {
        tags(&page.body).any(|t| attr(t, "id").as_deref() == Some(id) && t.contains(" checked"))
    };
    assert!(checked("run_daily"));
    assert!(checked(&format!("notify-{member_id}")));
    assert!(checked(&format!("notify-{owner_id}")));
    assert!(checked("sync_titles"));
    assert!(!checked("sync_compensation"));
    assert!(!checked("include_contractors"));
    assert!(checked("departures-only"));
    assert!(checked("missing_location-blank"));
    assert!(page.body.contains("mem_1\nE1042\nmem_2"), "exclude ids");

    let apps = owner.get("/apps").await;
    assert!(apps.says("Run Daily: on"), "{}", apps.text());
    assert!(!apps.says("Settings not saved yet"));

    let audit = owner.get("/settings/audit").await;
    let text = audit.text();
    assert!(text.contains("app.settings_saved"), "{text}");
    for field in [
        "username",
        "password",
        "totp_secret",
        "org_head",
        "run_daily",
        "daily_at",
        "notify_user_ids",
    ] {
        assert!(text.contains(field), "{field} not in the audit log: {text}");
    }
    for value in [
        SERVICE_PASSWORD,
        SEED,
        SERVICE_USERNAME,
        "Grace Hopper",
        "mem_1",
    ] {
        assert!(
            !text.contains(value),
            "the audit log shows the value {value}"
        );
    }

    // Saving the same again changes nothing and says so.
    let again = form.clone().set("password", "").set("totp_secret", "");
    let before = app.justworks_rows().await;
    owner
        .post("/apps/justworks/settings", again.fields())
        .await
        .expect_redirect("/apps/justworks");
    let page = owner.get("/apps/justworks").await;
    assert!(page.says("nothing changed"), "{}", page.text());
    assert_eq!(
        secrets_of(&app.justworks_rows().await),
        secrets_of(&before),
        "blank secrets must keep the stored ones"
    );
}

/// The `secrets:` line of [`TestApp::justworks_rows`].
fn secrets_of(rows: &str) -> String {
    rows.lines()
        .find(|l| l.starts_with("secrets:"))
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn a_seed_in_groups_of_four_in_lower_case_is_accepted() {
    let app = spawn_app().await;
    let tech = app.technical_owner().await;
    install_justworks(&tech).await;
    let form = SettingsForm::valid().set("totp_secret", "jbsw y3dp ehpk 3pxp jbsw y3dp ehpk 3pxp");
    tech.post("/apps/justworks/settings", form.fields())
        .await
        .expect_redirect("/apps/justworks");
    assert!(tech.get("/apps/justworks").await.says("A 2FA code is set"));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM app_secrets WHERE name = 'totp_seed'")
            .await,
        1
    );
}

#[tokio::test]
async fn blank_secret_fields_on_a_later_save_keep_the_stored_password_and_seed() {
    let app = spawn_app().await;
    let tech = app.technical_owner().await;
    install_and_save(&tech, &SettingsForm::valid()).await;
    let before = secrets_of(&app.justworks_rows().await);
    assert!(
        before.contains("password") && before.contains("totp_seed"),
        "{before}"
    );

    let later = SettingsForm::valid()
        .set("password", "")
        .set("totp_secret", "")
        .set("org_head", "Grace Hopper");
    tech.post("/apps/justworks/settings", later.fields())
        .await
        .expect_redirect("/apps/justworks");
    let page = tech.get("/apps/justworks").await;
    assert_eq!(
        page.input_value("org_head").as_deref(),
        Some("Grace Hopper")
    );
    assert!(page.says("A password is set"));
    assert!(page.says("A 2FA code is set"));
    assert_eq!(secrets_of(&app.justworks_rows().await), before);

    // A new password replaces only the password.
    let replace = later.clone().set("password", "another service password");
    tech.post("/apps/justworks/settings", replace.fields())
        .await
        .expect_redirect("/apps/justworks");
    let after = secrets_of(&app.justworks_rows().await);
    assert_ne!(after, before);
    let seed_row = |s: &str| {
        s.split("), (")
            .find(|r| r.contains("totp_seed"))
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(seed_row(&after), seed_row(&before), "the seed must be kept");
}

#[tokio::test]
async fn names_that_look_like_html_are_shown_as_text() {
    let app = spawn_app().await;
    let owner = app.owner().await;
    let id = app
        .create_user("x@acme.test", "<script>alert(1)</script> O'Brien", "member")
        .await;
    install_justworks(&owner).await;
    let form = SettingsForm::valid()
        .set("org_head", "<img src=x> \"Bobby\" O'Brien")
        .add("notify_user_ids", &id);
    owner
        .post("/apps/justworks/settings", form.fields())
        .await
        .expect_redirect("/apps/justworks");
    let page = owner.get("/apps/justworks").await;
    assert!(!page.body.contains("<script>alert(1)"), "an unescaped name");
    assert!(!page.body.contains("<img src=x>"), "an unescaped org head");
    assert!(
        page.says("<script>alert(1)</script> O'Brien"),
        "{}",
        page.text()
    );
    assert_eq!(
        page.input_value("org_head").as_deref(),
        Some("<img src=x> \"Bobby\" O'Brien")
    );
}

/// Whether the page's `<option value=…>` is the selected one.
fn selected(page: &Page, value: &str) -> bool {
    tags(&page.body).any(|t| {
        t.starts_with("<option")
            && attr(t, "value").as_deref() == Some(value)
            && t.contains(" selected")
    })
}

#[tokio::test]
async fn the_apply_mode_and_safeguards_are_saved_and_shown_back_and_a_bad_percentage_saves_nothing()
{
    let app = spawn_app().await;
    let owner = app.owner().await;
    install_and_save(&owner, &SettingsForm::valid()).await;
    // Saved without them: the defaults.
    let page = owner.get("/apps/justworks").await;
    let limits = |page: &Page| {
        [
            "guard_departures_pct",
            "guard_managers_pct",
            "guard_missing_pct",
            "guard_swaps_pct",
        ]
        .map(|name| page.input_value(name).unwrap_or_default())
    };
    assert_eq!(limits(&page), ["10", "25", "10", "5"]);
    assert!(selected(&page, "auto"));
    assert!(page.says("The very first sync always waits for review"));

    let form = SettingsForm::valid()
        .set("password", "")
        .set("totp_secret", "")
        .set("apply_mode", "always_review")
        .set("guard_departures_pct", "15")
        .set("guard_managers_pct", "30")
        .set("guard_missing_pct", " 20 ")
        .set("guard_swaps_pct", "");
    owner
        .post("/apps/justworks/settings", form.fields())
        .await
        .expect_redirect("/apps/justworks");
    let page = owner.get("/apps/justworks").await;
    assert!(
        page.says(
            "Changed: When a sync has changes, Departures safeguard, Manager changes \
             safeguard, Missing members safeguard."
        ),
        "{}",
        page.text()
    );
    assert_eq!(limits(&page), ["15", "30", "20", "5"]);
    assert!(selected(&page, "always_review") && !selected(&page, "auto"));
    // The stored settings JSON, as the rows' debug text quotes it.
    let stored = app.justworks_rows().await.replace("\\\"", "\"");
    for part in [
        r#""apply_mode":"always_review""#,
        r#""departures_pct":15"#,
        r#""managers_pct":30"#,
        r#""missing_pct":20"#,
        r#""swaps_pct":5"#,
    ] {
        assert!(stored.contains(part), "{part} not in {stored}");
    }
    let audit = owner.get("/settings/audit").await.text();
    for field in [
        "apply_mode",
        "guard_departures_pct",
        "guard_managers_pct",
        "guard_missing_pct",
    ] {
        assert!(
            audit.contains(field),
            "{field} not in the audit log: {audit}"
        );
    }
    assert!(!audit.contains("guard_swaps_pct"), "{audit}");

    assert_each_is_refused(
        &app,
        &owner,
        &form,
        &[
            bad(
                "guard_departures_pct",
                "12.5",
                "guard_departures_pct-error",
                "a whole number from 1 to 100",
            ),
            bad(
                "guard_managers_pct",
                "250",
                "guard_managers_pct-error",
                "a whole number from 1 to 100",
            ),
            bad(
                "guard_missing_pct",
                "ten",
                "guard_missing_pct-error",
                "the default, 10",
            ),
            bad(
                "guard_swaps_pct",
                "0",
                "guard_swaps_pct-error",
                "a whole number from 1 to 100",
            ),
            bad(
                "apply_mode",
                "sometimes",
                "apply_mode-error",
                "Choose one of the three options",
            ),
        ],
    )
    .await;
    let refused = owner
        .post(
            "/apps/justworks/settings",
            form.clone().set("guard_swaps_pct", "101").fields(),
        )
        .await;
    assert!(
        refused.body.contains(r#"<details class="advanced" open>"#),
        "the advanced options open on the message"
    );
    assert_eq!(
        refused.input_value("guard_swaps_pct").as_deref(),
        Some("101"),
        "what was typed is shown back to be corrected"
    );
    let page = owner.get("/apps/justworks").await;
    assert_eq!(limits(&page), ["15", "30", "20", "5"]);
}
