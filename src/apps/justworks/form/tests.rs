//! The form's rules, without a server.

use super::*;
use crate::apps::justworks::changed_fields;
use crate::apps::justworks::credentials::SecretChange;
use crate::auth::AccessLevel;
use axum::body::Body;
use axum::extract::FromRequest;
use axum::http::Request;

const SEED: &str = "JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP";

fn unsaved() -> Config {
    Config {
        settings: None,
        password_set: false,
        seed_set: false,
        client_secret_set: false,
        connection: None,
        webhook_secret_set: false,
        run_daily: false,
        daily_at: DailyAt::default(),
        notify_user_ids: vec![],
        installed_at: 0,
        updated_at: 0,
    }
}

fn user(id: &str, active: bool) -> User {
    User {
        id: id.into(),
        email: format!("{id}@acme.test"),
        name: format!("User {id}"),
        level: AccessLevel::Member,
        active,
        has_password: true,
        sessions_valid_after: 0,
        created_at: 0,
        person_id: None,
    }
}

fn good_form() -> SettingsForm {
    let mut form = SettingsForm::from(&unsaved());
    form.username = "orgsync@acme.test".into();
    form.password = SecretString::new("pw");
    form.totp_secret = SecretString::new(SEED);
    form.org_head = "Ana Souza".into();
    form
}

/// The form as the settings handler reads a posted body.
async fn posted(body: &'static str) -> SettingsForm {
    let request = Request::post("/apps/justworks/settings")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap();
    axum_extra::extract::Form::<SettingsForm>::from_request(request, &())
        .await
        .unwrap()
        .0
}

#[test]
fn a_complete_first_save_is_valid_with_every_sync_group_on() {
    let valid = validate(&good_form(), &unsaved(), &[]).unwrap();
    assert_eq!(valid.settings.org_head, "Ana Souza");
    assert!(valid.settings.sync_compensation && valid.settings.include_contractors);
    assert_eq!(valid.daily_at.to_string(), "06:00");
    assert!(valid.new_password.is_some() && valid.new_seed.is_some());
}

#[test]
fn the_four_credentials_are_required_on_first_save() {
    let errors = validate(&SettingsForm::default(), &unsaved(), &[]).unwrap_err();
    for field in ["username", "password", "totp_secret", "org_head"] {
        assert!(errors.contains_key(field), "{field} should be required");
    }
}

#[test]
fn blank_secrets_keep_the_stored_ones() {
    let stored = Config {
        settings: Some(Settings::default()),
        password_set: true,
        seed_set: true,
        client_secret_set: false,
        connection: None,
        ..unsaved()
    };
    let mut form = good_form();
    form.password = SecretString::default();
    form.totp_secret = SecretString::default();
    let valid = validate(&form, &stored, &[]).unwrap();
    assert!(valid.new_password.is_none() && valid.new_seed.is_none());
    assert!(!changed_fields(&Valid::stored(&stored), &valid).contains(&"password"));
}

#[test]
fn a_seed_that_is_not_base32_or_too_short_is_refused() {
    let mut form = good_form();
    form.totp_secret = SecretString::new("123456");
    assert!(
        validate(&form, &unsaved(), &[])
            .unwrap_err()
            .contains_key("totp_secret")
    );
    form.totp_secret = SecretString::new("JBSWY3DPEHPK3PXP");
    let errors = validate(&form, &unsaved(), &[]).unwrap_err();
    assert!(errors["totp_secret"].contains("too short"));
}

#[test]
fn an_org_head_of_only_spaces_is_refused() {
    let mut form = good_form();
    form.org_head = "   \t ".into();
    assert!(
        validate(&form, &unsaved(), &[])
            .unwrap_err()
            .contains_key("org_head")
    );
}

#[test]
fn recipients_must_be_active_users() {
    let users = [user("a", true), user("b", false)];
    let mut form = good_form();
    form.notify_user_ids = vec!["a".into(), "a".into()];
    assert_eq!(
        validate(&form, &unsaved(), &users).unwrap().notify_user_ids,
        ["a"]
    );
    form.notify_user_ids = vec!["b".into()];
    let errors = validate(&form, &unsaved(), &users).unwrap_err();
    assert!(errors["notify_user_ids"].contains("deactivated"));
    form.notify_user_ids = vec!["nobody".into()];
    assert!(
        validate(&form, &unsaved(), &users)
            .unwrap_err()
            .contains_key("notify_user_ids")
    );
}

#[test]
fn too_long_fields_are_refused_not_truncated() {
    let mut form = good_form();
    form.username = "u".repeat(255);
    form.org_head = "o".repeat(201);
    let errors = validate(&form, &unsaved(), &[]).unwrap_err();
    assert!(errors.contains_key("username") && errors.contains_key("org_head"));
}

#[test]
fn exclude_ids_split_on_commas_and_new_lines() {
    assert_eq!(
        parse_exclude_ids("mem_1, E1042\nmem_2\r\n\n,mem_1").unwrap(),
        ["mem_1", "E1042", "mem_2"]
    );
    assert!(parse_exclude_ids("mem 1").is_err());
}

#[test]
fn the_daily_time_is_hours_and_minutes() {
    let parsed = |text| parse_daily_at(text).map(|at| at.to_string());
    assert_eq!(parsed("7:05").as_deref(), Some("07:05"));
    assert_eq!(parsed("").as_deref(), Some("06:00"));
    for bad in ["24:00", "12:60", "noon", "12", "12:5"] {
        assert_eq!(parsed(bad), None, "{bad}");
    }
}

#[tokio::test]
async fn the_form_parses_repeated_recipients_and_absent_checkboxes() {
    let form = posted("notify_user_ids=a&notify_user_ids=b&sync_titles=on").await;
    assert_eq!(form.notify_user_ids, ["a", "b"]);
    assert!(form.sync_titles && !form.sync_managers);
}

#[test]
fn debug_output_of_the_form_hides_the_secrets() {
    let debug = format!("{:?}", good_form());
    assert!(!debug.contains("JBSW") && !debug.contains("\"pw\""));
}

#[test]
fn a_save_names_each_changed_field_once_in_the_pages_order() {
    let stored = Config {
        settings: Some(Settings::default()),
        password_set: true,
        seed_set: true,
        client_secret_set: false,
        connection: None,
        notify_user_ids: vec!["a".into(), "b".into()],
        ..unsaved()
    };
    let users = [user("a", true), user("b", true)];
    let mut form = SettingsForm::from(&stored);
    form.notify_user_ids = vec!["b".into(), "a".into()];
    form.username = "orgsync@acme.test".into();
    form.org_head = "Ana Souza".into();
    form.daily_at = "7:30".into();
    form.sync_titles = false;
    form.password = SecretString::new("new");
    let valid = validate(&form, &stored, &users).unwrap();
    assert_eq!(
        changed_fields(&Valid::stored(&stored), &valid),
        [
            "username",
            "password",
            "org_head",
            "daily_at",
            "sync_titles"
        ]
    );
    assert_eq!(
        crate::apps::justworks::field_label("daily_at"),
        "Daily sync time"
    );
    assert_eq!(crate::apps::justworks::field_label("nonsense"), "a setting");
}

#[tokio::test]
async fn orgsync_may_own_a_field_group_and_justworks_owns_the_rest() {
    let mut form = posted("own_groups=orgsync&own_titles=justworks&sync_groups=on").await;
    form.username = "orgsync@acme.test".into();
    form.password = SecretString::new("pw");
    form.totp_secret = SecretString::new(SEED);
    form.org_head = "Ana Souza".into();
    let valid = validate(&form, &unsaved(), &[]).unwrap();
    let owners = valid.settings.owners;
    assert_eq!(owners.of(Group::Groups), Owner::Orgsync);
    assert_eq!(owners.of(Group::Titles), Owner::Justworks);
    assert_eq!(owners.of(Group::Compensation), Owner::Justworks);
    let options = crate::sync::options::SyncOptions::from(&valid.settings);
    assert!(
        !options.writes(Group::Groups),
        "synced, but orgsync owns it"
    );
    assert!(
        !options.writes(Group::Titles),
        "Justworks owns it, but it is not synced"
    );
    let stored = Config {
        settings: Some(Settings::default()),
        password_set: true,
        seed_set: true,
        client_secret_set: false,
        connection: None,
        ..unsaved()
    };
    let changed = changed_fields(&Valid::stored(&stored), &valid);
    assert!(changed.contains(&"own_groups") && !changed.contains(&"own_titles"));
    assert_eq!(
        crate::apps::justworks::field_label("own_groups"),
        "Who owns departments and locations"
    );
    // The form shows what is stored.
    let again = SettingsForm::from(&Config {
        settings: Some(valid.settings.clone()),
        ..stored
    });
    assert_eq!(
        (again.own_groups.as_str(), again.own_dates.as_str()),
        ("orgsync", "justworks")
    );
}

#[test]
fn an_owner_other_than_justworks_or_orgsync_is_refused() {
    let mut form = good_form();
    form.own_compensation = "payroll".into();
    let errors = validate(&form, &unsaved(), &[]).unwrap_err();
    assert_eq!(errors.len(), 1);
    assert!(errors.contains_key("own_compensation"));
}

#[test]
fn settings_stored_before_owners_existed_read_as_justworks_owning_everything() {
    let mut json = serde_json::to_value(Settings::default()).unwrap();
    json.as_object_mut().unwrap().remove("owners");
    let read: Settings = serde_json::from_value(json).unwrap();
    assert_eq!(read.owners, Owners::default());
    assert!(
        Group::ALL
            .iter()
            .all(|&g| read.owners.of(g) == Owner::Justworks)
    );
}

#[test]
fn the_apply_mode_and_safeguards_default_when_blank_and_read_what_is_typed() {
    let valid = validate(&good_form(), &unsaved(), &[]).unwrap();
    assert_eq!(valid.settings.apply_mode, ApplyMode::Auto);
    assert_eq!(valid.settings.safeguards, Safeguards::default());

    let mut blank = good_form();
    blank.apply_mode = String::new();
    blank.guard_departures_pct = String::new();
    blank.guard_managers_pct = "  ".into();
    let valid = validate(&blank, &unsaved(), &[]).unwrap();
    assert_eq!(valid.settings.apply_mode, ApplyMode::Auto);
    assert_eq!(valid.settings.safeguards, Safeguards::default());

    let mut typed = good_form();
    typed.apply_mode = "always_review".into();
    typed.guard_departures_pct = "1".into();
    typed.guard_managers_pct = " 100 ".into();
    typed.guard_missing_pct = "33".into();
    typed.guard_swaps_pct = "7".into();
    let valid = validate(&typed, &unsaved(), &[]).unwrap();
    assert_eq!(valid.settings.apply_mode, ApplyMode::AlwaysReview);
    assert_eq!(
        valid.settings.safeguards,
        Safeguards {
            departures_pct: 1,
            managers_pct: 100,
            missing_pct: 33,
            swaps_pct: 7,
        }
    );
    // The form shows back what is stored.
    let again = SettingsForm::from(&Config {
        settings: Some(valid.settings.clone()),
        ..unsaved()
    });
    assert_eq!(
        (
            again.apply_mode.as_str(),
            again.guard_departures_pct.as_str(),
            again.guard_managers_pct.as_str(),
            again.guard_missing_pct.as_str(),
            again.guard_swaps_pct.as_str(),
        ),
        ("always_review", "1", "100", "33", "7")
    );
    typed.apply_mode = "never_guard".into();
    let valid = validate(&typed, &unsaved(), &[]).unwrap();
    assert_eq!(valid.settings.apply_mode, ApplyMode::NeverGuard);
}

#[test]
fn a_safeguard_that_is_not_a_whole_percentage_from_1_to_100_is_refused() {
    type Field = fn(&mut SettingsForm) -> &mut String;
    let fields: [(&str, Field); 4] = [
        ("guard_departures_pct", |f| &mut f.guard_departures_pct),
        ("guard_managers_pct", |f| &mut f.guard_managers_pct),
        ("guard_missing_pct", |f| &mut f.guard_missing_pct),
        ("guard_swaps_pct", |f| &mut f.guard_swaps_pct),
    ];
    let mut failures = Vec::new();
    for (key, field) in fields {
        for bad in [
            "0",
            "101",
            "-5",
            "+5",
            "12.5",
            "10%",
            "ten",
            "1e2",
            "99999999999",
        ] {
            let mut form = good_form();
            *field(&mut form) = bad.into();
            match validate(&form, &unsaved(), &[]) {
                Err(errors) if errors.len() == 1 && errors[key].contains("from 1 to 100") => {}
                other => failures.push(format!("{key}={bad:?}: {other:?}")),
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn an_apply_mode_other_than_the_three_is_refused() {
    let mut form = good_form();
    form.apply_mode = "yolo".into();
    let errors = validate(&form, &unsaved(), &[]).unwrap_err();
    assert_eq!(errors.len(), 1);
    assert!(errors["apply_mode"].contains("Choose one of the three"));
}

#[test]
fn changing_the_apply_mode_or_a_safeguard_is_named_in_the_audit_log() {
    let stored = Config {
        settings: Some(Settings::default()),
        password_set: true,
        seed_set: true,
        client_secret_set: false,
        connection: None,
        ..unsaved()
    };
    let mut form = SettingsForm::from(&stored);
    form.username = "orgsync@acme.test".into();
    form.org_head = "Ana Souza".into();
    let unchanged = validate(&form, &stored, &[]).unwrap();
    let names = changed_fields(&Valid::stored(&stored), &unchanged);
    assert!(
        !names
            .iter()
            .any(|n| n.starts_with("guard_") || *n == "apply_mode")
    );
    // A blank limit is its default: no change either.
    form.guard_swaps_pct = String::new();
    form.apply_mode = "never_guard".into();
    form.guard_missing_pct = "20".into();
    let valid = validate(&form, &stored, &[]).unwrap();
    let names = changed_fields(&Valid::stored(&stored), &valid);
    assert!(
        names.ends_with(&["apply_mode", "guard_missing_pct"]),
        "{names:?}"
    );
    assert_eq!(
        crate::apps::justworks::field_label("guard_missing_pct"),
        "Missing members safeguard"
    );
}

#[test]
fn settings_stored_before_the_safeguards_existed_read_as_the_defaults() {
    let mut json = serde_json::to_value(Settings::default()).unwrap();
    let object = json.as_object_mut().unwrap();
    object.remove("apply_mode");
    object.remove("safeguards");
    let read: Settings = serde_json::from_value(json).unwrap();
    assert_eq!(read.apply_mode, ApplyMode::Auto);
    assert_eq!(read.safeguards, Safeguards::default());
    assert_eq!(
        crate::sync::guards::ReviewOptions::from(&read),
        crate::sync::guards::ReviewOptions::default()
    );
}

#[test]
fn the_webhook_signing_secret_is_optional_trimmed_kept_when_blank_and_removable() {
    let stored = Config {
        settings: Some(Settings::default()),
        password_set: true,
        seed_set: true,
        ..unsaved()
    };
    let mut form = good_form();
    let change = |form: &SettingsForm, stored: &Config| validate(form, stored, &[]);
    assert!(matches!(
        change(&form, &stored).unwrap().webhook_secret,
        SecretChange::Keep
    ));
    form.webhook_secret = SecretString::new("  whsec_abc123\n");
    let valid = change(&form, &stored).unwrap();
    assert!(matches!(&valid.webhook_secret, SecretChange::Set(s) if s.expose() == "whsec_abc123"));
    assert!(changed_fields(&Valid::stored(&stored), &valid).contains(&"webhook_secret"));
    assert_eq!(
        crate::apps::justworks::field_label("webhook_secret"),
        "Webhook signing secret"
    );
    // Removing one that is not there changes nothing; removing a stored one does.
    form.webhook_secret = SecretString::default();
    form.remove_webhook_secret = true;
    assert!(matches!(
        change(&form, &stored).unwrap().webhook_secret,
        SecretChange::Keep
    ));
    let with_secret = Config {
        webhook_secret_set: true,
        ..stored.clone()
    };
    assert!(matches!(
        change(&form, &with_secret).unwrap().webhook_secret,
        SecretChange::Remove
    ));
    // Both at once, a secret with spaces inside, one too long: refused, said per field.
    form.webhook_secret = SecretString::new("whsec_abc");
    let both = change(&form, &with_secret).unwrap_err();
    assert!(both["webhook_secret"].contains("not both"), "{both:?}");
    form.remove_webhook_secret = false;
    form.webhook_secret = SecretString::new("whsec abc");
    assert!(
        change(&form, &stored)
            .unwrap_err()
            .contains_key("webhook_secret")
    );
    form.webhook_secret = SecretString::new("x".repeat(257));
    assert!(
        change(&form, &stored)
            .unwrap_err()
            .contains_key("webhook_secret")
    );
}
