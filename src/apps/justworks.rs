//! The Justworks app's settings: what the form posts, the rules it must meet (DESIGN.md
//! "Config form rules"), and how it is stored — plain settings as JSON, the password
//! and 2FA seed encrypted and write-only.

use crate::apps::Install;
use crate::auth::users::User;
use crate::crypto::Crypto;
use crate::db::{Db, Tx, now_ms};
use crate::justworks::TotpSeed;
use crate::secrets::SecretString;
use crate::sync::options::{Departures, MissingLocation};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const APP: &str = "justworks";
const MAX_USERNAME_CHARS: usize = 254;
const MAX_PASSWORD_CHARS: usize = 256;
const MAX_SEED_CHARS: usize = 256;
const MAX_ORG_HEAD_CHARS: usize = 200;
const MAX_EXCLUDE_IDS: usize = 5_000;
const MAX_EXCLUDE_ID_CHARS: usize = 64;

/// The settings that are not secret, as stored (JSON) and used by the sync.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    pub username: String,
    pub org_head: String,
    pub exclude_ids: Vec<String>,
    pub sync_titles: bool,
    pub sync_managers: bool,
    pub sync_groups: bool,
    pub sync_dates: bool,
    pub sync_contact: bool,
    pub sync_demographics: bool,
    pub sync_compensation: bool,
    pub departures: Departures,
    pub missing_location: MissingLocation,
    pub include_contractors: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            username: String::new(),
            org_head: String::new(),
            exclude_ids: Vec::new(),
            sync_titles: true,
            sync_managers: true,
            sync_groups: true,
            sync_dates: true,
            sync_contact: true,
            sync_demographics: true,
            sync_compensation: true,
            departures: Departures::Backfill,
            missing_location: MissingLocation::Remote,
            include_contractors: true,
        }
    }
}

/// The installed app as the settings page shows it: settings, whether each secret is
/// set (never its value), Run Daily and the recipients.
#[derive(Debug, Clone)]
pub struct Config {
    /// `None` until the first Save Settings.
    pub settings: Option<Settings>,
    pub password_set: bool,
    pub seed_set: bool,
    pub run_daily: bool,
    pub daily_at: String,
    pub notify_user_ids: Vec<String>,
    pub installed_at: i64,
    pub updated_at: i64,
}

impl Config {
    pub fn is_configured(&self) -> bool {
        self.settings.is_some() && self.password_set && self.seed_set
    }
}

fn secret_aad(name: &str) -> Vec<u8> {
    format!("orgsync/app_secrets/{APP}/{name}").into_bytes()
}

pub async fn load(db: &Db, install: &Install) -> anyhow::Result<Config> {
    let settings = install
        .settings
        .as_deref()
        .map(serde_json::from_str::<Settings>)
        .transpose()?;
    let secrets: Vec<(String,)> = sqlx::query_as("SELECT name FROM app_secrets WHERE app = $1")
        .bind(APP)
        .fetch_all(db.pool())
        .await?;
    let has = |name: &str| secrets.iter().any(|(n,)| n == name);
    let notify: Vec<(String,)> = sqlx::query_as(
        "SELECT n.user_id FROM app_notify_users n JOIN users u ON u.id = n.user_id \
         WHERE n.app = $1 ORDER BY u.name",
    )
    .bind(APP)
    .fetch_all(db.pool())
    .await?;
    Ok(Config {
        settings,
        password_set: has("password"),
        seed_set: has("totp_seed"),
        run_daily: install.run_daily != 0,
        daily_at: install.daily_at.clone(),
        notify_user_ids: notify.into_iter().map(|(id,)| id).collect(),
        installed_at: install.installed_at,
        updated_at: install.updated_at,
    })
}

/// The stored credentials, decrypted at the moment of use (signing in to Justworks).
pub struct StoredCredentials {
    pub username: String,
    pub password: SecretString,
    pub seed: TotpSeed,
}

impl std::fmt::Debug for StoredCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredCredentials")
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

pub async fn load_credentials(
    db: &Db,
    crypto: &Crypto,
    settings: &Settings,
) -> anyhow::Result<Option<StoredCredentials>> {
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT name, ciphertext FROM app_secrets WHERE app = $1")
            .bind(APP)
            .fetch_all(db.pool())
            .await?;
    let get = |name: &str| -> anyhow::Result<Option<SecretString>> {
        rows.iter()
            .find(|(n, _)| n == name)
            .map(|(_, c)| crypto.decrypt_str(c, &secret_aad(name)))
            .transpose()
            .map_err(anyhow::Error::from)
    };
    let (Some(password), Some(seed)) = (get("password")?, get("totp_seed")?) else {
        return Ok(None);
    };
    let seed = TotpSeed::parse(seed.expose())
        .map_err(|_| anyhow::anyhow!("the stored 2FA seed is no longer valid"))?;
    Ok(Some(StoredCredentials {
        username: settings.username.clone(),
        password,
        seed,
    }))
}

/// The form as posted, before any rule is applied. Secrets are kept out of `Debug`.
#[derive(Debug, Default, Clone)]
pub struct Form {
    pub username: String,
    pub password: SecretString,
    pub totp_secret: SecretString,
    pub org_head: String,
    pub run_daily: bool,
    pub notify_user_ids: Vec<String>,
    pub exclude_ids: String,
    pub sync_titles: bool,
    pub sync_managers: bool,
    pub sync_groups: bool,
    pub sync_dates: bool,
    pub sync_contact: bool,
    pub sync_demographics: bool,
    pub sync_compensation: bool,
    pub departures: String,
    pub missing_location: String,
    pub include_contractors: bool,
    pub daily_at: String,
}

impl Form {
    /// From the posted pairs (repeated `notify_user_ids`; an unchecked box is absent).
    pub fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        let mut form = Form::default();
        for (key, value) in pairs {
            let on = value == "on" || value == "true" || value == "1";
            match key.as_str() {
                "username" => form.username = value,
                "password" => form.password = SecretString::new(value),
                "totp_secret" => form.totp_secret = SecretString::new(value),
                "org_head" => form.org_head = value,
                "run_daily" => form.run_daily = on,
                "notify_user_ids" => form.notify_user_ids.push(value),
                "exclude_ids" => form.exclude_ids = value,
                "sync_titles" => form.sync_titles = on,
                "sync_managers" => form.sync_managers = on,
                "sync_groups" => form.sync_groups = on,
                "sync_dates" => form.sync_dates = on,
                "sync_contact" => form.sync_contact = on,
                "sync_demographics" => form.sync_demographics = on,
                "sync_compensation" => form.sync_compensation = on,
                "departures" => form.departures = value,
                "missing_location" => form.missing_location = value,
                "include_contractors" => form.include_contractors = on,
                "daily_at" => form.daily_at = value,
                _ => {}
            }
        }
        form
    }

    /// The form filled from what is stored (secrets blank: they are write-only).
    pub fn from_config(config: &Config) -> Self {
        let s = config.settings.clone().unwrap_or_default();
        Form {
            username: s.username,
            password: SecretString::default(),
            totp_secret: SecretString::default(),
            org_head: s.org_head,
            run_daily: config.run_daily,
            notify_user_ids: config.notify_user_ids.clone(),
            exclude_ids: s.exclude_ids.join("\n"),
            sync_titles: s.sync_titles,
            sync_managers: s.sync_managers,
            sync_groups: s.sync_groups,
            sync_dates: s.sync_dates,
            sync_contact: s.sync_contact,
            sync_demographics: s.sync_demographics,
            sync_compensation: s.sync_compensation,
            departures: match s.departures {
                Departures::Backfill => "backfill".into(),
                Departures::DeparturesOnly => "departures_only".into(),
            },
            missing_location: match s.missing_location {
                MissingLocation::Remote => "remote".into(),
                MissingLocation::Blank => "blank".into(),
            },
            include_contractors: s.include_contractors,
            daily_at: config.daily_at.clone(),
        }
    }
}

/// A message per field, keyed by the form field's name.
pub type FieldErrors = BTreeMap<&'static str, String>;

/// A form that met every rule: ready to store.
#[derive(Debug)]
pub struct Valid {
    pub settings: Settings,
    /// `None` keeps the stored value.
    pub new_password: Option<SecretString>,
    pub new_seed: Option<TotpSeed>,
    pub run_daily: bool,
    pub daily_at: String,
    pub notify_user_ids: Vec<String>,
}

/// Applies the form rules. `existing` is what is stored (a blank secret keeps it);
/// `users` are orgsync's users, of whom only active ones may be notified.
pub fn validate(form: &Form, existing: &Config, users: &[User]) -> Result<Valid, FieldErrors> {
    let mut errors = FieldErrors::new();

    let username = form.username.trim().to_owned();
    if username.is_empty() {
        errors.insert(
            "username",
            "Enter the Justworks service user's username.".into(),
        );
    } else if username.chars().count() > MAX_USERNAME_CHARS {
        errors.insert(
            "username",
            format!("Use at most {MAX_USERNAME_CHARS} characters."),
        );
    } else if username.chars().any(char::is_control) {
        errors.insert(
            "username",
            "The username cannot contain control characters.".into(),
        );
    }

    let new_password = if form.password.is_empty() {
        if !existing.password_set {
            errors.insert(
                "password",
                "Enter the Justworks service user's password.".into(),
            );
        }
        None
    } else if form.password.expose().chars().count() > MAX_PASSWORD_CHARS {
        errors.insert(
            "password",
            format!("Use at most {MAX_PASSWORD_CHARS} characters."),
        );
        None
    } else {
        Some(form.password.clone())
    };

    let new_seed = if form.totp_secret.expose().trim().is_empty() {
        if !existing.seed_set {
            errors.insert(
                "totp_secret",
                "Enter the 2FA code: the long code shown under “Can't Scan Barcode?”.".into(),
            );
        }
        None
    } else if form.totp_secret.expose().chars().count() > MAX_SEED_CHARS {
        errors.insert(
            "totp_secret",
            format!("Use at most {MAX_SEED_CHARS} characters."),
        );
        None
    } else {
        match TotpSeed::parse(form.totp_secret.expose()) {
            Ok(seed) => Some(seed),
            Err(e) => {
                errors.insert("totp_secret", e.to_string());
                None
            }
        }
    };

    let org_head = form
        .org_head
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if org_head.is_empty() {
        errors.insert(
            "org_head",
            "Enter the name of the person at the top of the org, as Justworks has it.".into(),
        );
    } else if org_head.chars().count() > MAX_ORG_HEAD_CHARS {
        errors.insert(
            "org_head",
            format!("Use at most {MAX_ORG_HEAD_CHARS} characters."),
        );
    } else if form.org_head.chars().any(char::is_control) {
        // Checked on what was typed, before spaces are tidied: a tab or a new line
        // inside a name is as wrong as an escape sequence.
        errors.insert(
            "org_head",
            "The name cannot contain control characters (tabs, new lines, escape codes).".into(),
        );
    }

    let mut notify_user_ids: Vec<String> = Vec::new();
    for id in &form.notify_user_ids {
        match users.iter().find(|u| &u.id == id) {
            Some(u) if u.active => {
                if !notify_user_ids.contains(&u.id) {
                    notify_user_ids.push(u.id.clone());
                }
            }
            Some(u) => {
                errors.insert(
                    "notify_user_ids",
                    format!("{} is deactivated and cannot receive sync emails.", u.name),
                );
            }
            None => {
                errors.insert(
                    "notify_user_ids",
                    "Choose people from the list: one of them is not an orgsync user.".into(),
                );
            }
        }
    }

    let exclude_ids = match parse_exclude_ids(&form.exclude_ids) {
        Ok(ids) => ids,
        Err(message) => {
            errors.insert("exclude_ids", message);
            Vec::new()
        }
    };

    let departures = match form.departures.as_str() {
        "backfill" | "" => Departures::Backfill,
        "departures_only" => Departures::DeparturesOnly,
        _ => {
            errors.insert("departures", "Choose one of the two options.".into());
            Departures::Backfill
        }
    };
    let missing_location = match form.missing_location.as_str() {
        "remote" | "" => MissingLocation::Remote,
        "blank" => MissingLocation::Blank,
        _ => {
            errors.insert("missing_location", "Choose one of the two options.".into());
            MissingLocation::Remote
        }
    };
    let daily_at = match parse_daily_at(&form.daily_at) {
        Some(t) => t,
        None => {
            errors.insert(
                "daily_at",
                "Enter a time of day as HH:MM, from 00:00 to 23:59.".into(),
            );
            String::new()
        }
    };

    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Valid {
        settings: Settings {
            username,
            org_head,
            exclude_ids,
            sync_titles: form.sync_titles,
            sync_managers: form.sync_managers,
            sync_groups: form.sync_groups,
            sync_dates: form.sync_dates,
            sync_contact: form.sync_contact,
            sync_demographics: form.sync_demographics,
            sync_compensation: form.sync_compensation,
            departures,
            missing_location,
            include_contractors: form.include_contractors,
        },
        new_password,
        new_seed,
        run_daily: form.run_daily,
        daily_at,
        notify_user_ids,
    })
}

/// Member ids or work ids, separated by commas or new lines.
fn parse_exclude_ids(text: &str) -> Result<Vec<String>, String> {
    let mut ids: Vec<String> = Vec::new();
    for id in text
        .split([',', '\n', '\r'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        if id.chars().count() > MAX_EXCLUDE_ID_CHARS {
            return Err(format!(
                "“{}…” is too long for an id (at most {MAX_EXCLUDE_ID_CHARS} characters).",
                id.chars().take(20).collect::<String>()
            ));
        }
        if id.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(format!(
                "“{id}” is not an id: separate ids with commas or new lines."
            ));
        }
        if !ids.iter().any(|known| known == id) {
            ids.push(id.to_owned());
        }
    }
    if ids.len() > MAX_EXCLUDE_IDS {
        return Err(format!("List at most {MAX_EXCLUDE_IDS} ids."));
    }
    Ok(ids)
}

/// `H:MM` or `HH:MM`, 24-hour, normalised to `HH:MM`; blank means the default 06:00.
fn parse_daily_at(text: &str) -> Option<String> {
    let text = text.trim();
    if text.is_empty() {
        return Some("06:00".into());
    }
    let (h, m) = text.split_once(':')?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return None;
    }
    let h: u8 = h.parse().ok()?;
    let m: u8 = m.parse().ok()?;
    (h < 24 && m < 60).then(|| format!("{h:02}:{m:02}"))
}

/// The names of the fields a save changed, for the audit log (never a value of a secret).
pub fn changed_fields(existing: &Config, valid: &Valid) -> Vec<&'static str> {
    let old = existing.settings.clone().unwrap_or_default();
    let new = &valid.settings;
    let mut changed = Vec::new();
    let mut check = |name: &'static str, differs: bool| {
        if differs {
            changed.push(name);
        }
    };
    check(
        "username",
        existing.settings.is_none() || old.username != new.username,
    );
    check("password", valid.new_password.is_some());
    check("totp_secret", valid.new_seed.is_some());
    check(
        "org_head",
        existing.settings.is_none() || old.org_head != new.org_head,
    );
    check("run_daily", existing.run_daily != valid.run_daily);
    check("daily_at", existing.daily_at != valid.daily_at);
    let mut old_notify = existing.notify_user_ids.clone();
    let mut new_notify = valid.notify_user_ids.clone();
    old_notify.sort();
    new_notify.sort();
    check("notify_user_ids", old_notify != new_notify);
    check("exclude_ids", old.exclude_ids != new.exclude_ids);
    check("sync_titles", old.sync_titles != new.sync_titles);
    check("sync_managers", old.sync_managers != new.sync_managers);
    check("sync_groups", old.sync_groups != new.sync_groups);
    check("sync_dates", old.sync_dates != new.sync_dates);
    check("sync_contact", old.sync_contact != new.sync_contact);
    check(
        "sync_demographics",
        old.sync_demographics != new.sync_demographics,
    );
    check(
        "sync_compensation",
        old.sync_compensation != new.sync_compensation,
    );
    check("departures", old.departures != new.departures);
    check(
        "missing_location",
        old.missing_location != new.missing_location,
    );
    check(
        "include_contractors",
        old.include_contractors != new.include_contractors,
    );
    changed
}

/// The label a person sees for a form field (for messages about what changed).
pub fn field_label(field: &str) -> &'static str {
    match field {
        "username" => "JustWorks Username",
        "password" => "JustWorks Password",
        "totp_secret" => "JustWorks 2FA Code",
        "org_head" => "Name Org Head",
        "run_daily" => "Run Daily",
        "daily_at" => "Daily sync time",
        "notify_user_ids" => "Send Notification Email To",
        "exclude_ids" => "Exclude IDs",
        "sync_titles" => "Sync job titles",
        "sync_managers" => "Sync managers",
        "sync_groups" => "Sync departments and locations",
        "sync_dates" => "Sync start and end dates",
        "sync_contact" => "Sync contact info",
        "sync_demographics" => "Sync demographics",
        "sync_compensation" => "Sync compensation",
        "departures" => "When someone leaves",
        "missing_location" => "People with no office",
        "include_contractors" => "Include contractors",
        _ => "a setting",
    }
}

/// Writes a valid form inside the caller's transaction (with its audit entry).
pub async fn save(tx: &mut Tx, crypto: &Crypto, valid: &Valid) -> anyhow::Result<()> {
    save_at(tx, crypto, valid, now_ms()).await
}

/// [`save`] at `now` (UTC ms, from the app's clock). Switching Run Daily on records
/// `now` as `run_daily_since`, so a daily time already past today does not fire at once.
pub async fn save_at(tx: &mut Tx, crypto: &Crypto, valid: &Valid, now: i64) -> anyhow::Result<()> {
    let settings = serde_json::to_string(&valid.settings)?;
    let updated = sqlx::query(
        "UPDATE app_installs SET settings = $1, run_daily = $2, daily_at = $3, updated_at = $4, \
         run_daily_since = CASE WHEN $2 = 0 THEN NULL \
         WHEN run_daily = 0 OR run_daily_since IS NULL THEN $4 ELSE run_daily_since END \
         WHERE app = $5",
    )
    .bind(settings)
    .bind(valid.run_daily as i64)
    .bind(&valid.daily_at)
    .bind(now)
    .bind(APP)
    .execute(&mut **tx)
    .await?;
    anyhow::ensure!(updated.rows_affected() == 1, "Justworks is not installed");
    let secrets = [
        ("password", valid.new_password.as_ref().map(|p| p.expose())),
        (
            "totp_seed",
            valid.new_seed.as_ref().map(|s| s.expose_base32()),
        ),
    ];
    for (name, value) in secrets {
        let Some(value) = value else { continue };
        let ciphertext = crypto.encrypt(value.as_bytes(), &secret_aad(name));
        sqlx::query(
            "INSERT INTO app_secrets (app, name, ciphertext, updated_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (app, name) DO UPDATE SET ciphertext = excluded.ciphertext, \
             updated_at = excluded.updated_at",
        )
        .bind(APP)
        .bind(name)
        .bind(ciphertext)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    }
    sqlx::query("DELETE FROM app_notify_users WHERE app = $1")
        .bind(APP)
        .execute(&mut **tx)
        .await?;
    for user_id in &valid.notify_user_ids {
        sqlx::query("INSERT INTO app_notify_users (app, user_id) VALUES ($1, $2)")
            .bind(APP)
            .bind(user_id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::AccessLevel;

    const SEED: &str = "JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP";

    fn unsaved() -> Config {
        Config {
            settings: None,
            password_set: false,
            seed_set: false,
            run_daily: false,
            daily_at: "06:00".into(),
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

    fn good_form() -> Form {
        let mut form = Form::from_config(&unsaved());
        form.username = "orgsync@acme.test".into();
        form.password = SecretString::new("pw");
        form.totp_secret = SecretString::new(SEED);
        form.org_head = "Ana Souza".into();
        form
    }

    #[test]
    fn a_complete_first_save_is_valid_with_every_sync_group_on() {
        let valid = validate(&good_form(), &unsaved(), &[]).unwrap();
        assert_eq!(valid.settings.org_head, "Ana Souza");
        assert!(valid.settings.sync_compensation && valid.settings.include_contractors);
        assert_eq!(valid.daily_at, "06:00");
        assert!(valid.new_password.is_some() && valid.new_seed.is_some());
    }

    #[test]
    fn the_four_credentials_are_required_on_first_save() {
        let errors = validate(&Form::default(), &unsaved(), &[]).unwrap_err();
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
            ..unsaved()
        };
        let mut form = good_form();
        form.password = SecretString::default();
        form.totp_secret = SecretString::default();
        let valid = validate(&form, &stored, &[]).unwrap();
        assert!(valid.new_password.is_none() && valid.new_seed.is_none());
        assert!(!changed_fields(&stored, &valid).contains(&"password"));
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
        assert_eq!(parse_daily_at("7:05").as_deref(), Some("07:05"));
        assert_eq!(parse_daily_at("").as_deref(), Some("06:00"));
        for bad in ["24:00", "12:60", "noon", "12", "12:5"] {
            assert_eq!(parse_daily_at(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_form_parses_repeated_recipients_and_absent_checkboxes() {
        let form = Form::from_pairs(vec![
            ("notify_user_ids".into(), "a".into()),
            ("notify_user_ids".into(), "b".into()),
            ("sync_titles".into(), "on".into()),
        ]);
        assert_eq!(form.notify_user_ids, ["a", "b"]);
        assert!(form.sync_titles && !form.sync_managers);
    }

    #[test]
    fn debug_output_of_the_form_hides_the_secrets() {
        let debug = format!("{:?}", good_form());
        assert!(!debug.contains("JBSW") && !debug.contains("\"pw\""));
    }
}
