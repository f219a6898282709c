//! The Justworks settings form as posted, and its rules (`docs/design.md` → *Config form
//! rules*): `TryFrom` turns the sync settings it holds into [`Settings`]; [`validate`]
//! adds what needs the stored state (secrets already set, who may be notified) and
//! answers a [`Valid`] save or a message per field.

use super::credentials::SecretChange;
use super::page::Config;
use super::settings::{
    ApplyMode, ConnectionMethod, Departures, MissingLocation, Owner, Owners, Safeguards, Settings,
    Valid,
};
use crate::auth::users::User;
use crate::justworks::{SeedError, TotpSeed};
use crate::org::fields::Group;
use crate::secrets::SecretString;
use crate::sync::daily_at::DailyAt;
use serde::{Deserialize, Deserializer};
use std::collections::BTreeMap;

const MAX_USERNAME_CHARS: usize = 254;
const MAX_PASSWORD_CHARS: usize = 256;
const MAX_SEED_CHARS: usize = 256;
const MAX_WEBHOOK_SECRET_CHARS: usize = 256;
const MAX_ORG_HEAD_CHARS: usize = 200;
const MAX_EXCLUDE_IDS: usize = 5_000;
const MAX_EXCLUDE_ID_CHARS: usize = 64;
const MAX_CLIENT_ID_CHARS: usize = 200;
const MAX_CLIENT_SECRET_CHARS: usize = 512;

/// The form as posted, before any rule is applied: `notify_user_ids` repeats, an
/// unticked box is absent, a missing field is blank. Secrets are kept out of `Debug`.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct SettingsForm {
    /// `service_user` (blank: the default) or `partner_api`.
    pub connection: String,
    pub client_id: String,
    pub client_secret: SecretString,
    pub username: String,
    pub password: SecretString,
    pub totp_secret: SecretString,
    pub org_head: String,
    #[serde(deserialize_with = "checkbox")]
    pub run_daily: bool,
    pub notify_user_ids: Vec<String>,
    pub exclude_ids: String,
    #[serde(deserialize_with = "checkbox")]
    pub sync_titles: bool,
    #[serde(deserialize_with = "checkbox")]
    pub sync_managers: bool,
    #[serde(deserialize_with = "checkbox")]
    pub sync_groups: bool,
    #[serde(deserialize_with = "checkbox")]
    pub sync_dates: bool,
    #[serde(deserialize_with = "checkbox")]
    pub sync_contact: bool,
    #[serde(deserialize_with = "checkbox")]
    pub sync_demographics: bool,
    #[serde(deserialize_with = "checkbox")]
    pub sync_compensation: bool,
    pub departures: String,
    pub missing_location: String,
    #[serde(deserialize_with = "checkbox")]
    pub include_contractors: bool,
    pub daily_at: String,
    /// Who owns each field group: `justworks` (blank: the default) or `orgsync`.
    pub own_titles: String,
    pub own_managers: String,
    pub own_groups: String,
    pub own_dates: String,
    pub own_contact: String,
    pub own_demographics: String,
    pub own_compensation: String,
    /// `auto` (blank: the default), `always_review` or `never_guard`.
    pub apply_mode: String,
    /// The safeguards' limits, whole percentages; blank is the default.
    pub guard_departures_pct: String,
    pub guard_managers_pct: String,
    pub guard_missing_pct: String,
    pub guard_swaps_pct: String,
    /// The signing secret Justworks gives for the webhook endpoint (write-only: blank
    /// keeps the stored one), and the box that removes the stored one.
    pub webhook_secret: SecretString,
    #[serde(deserialize_with = "checkbox")]
    pub remove_webhook_secret: bool,
}

/// A ticked box posts `on` (scripts may say `true` or `1`); any other value is unticked.
fn checkbox<'de, D: Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    let value = String::deserialize(deserializer)?;
    Ok(matches!(value.as_str(), "on" | "true" | "1"))
}

impl From<&Config> for SettingsForm {
    /// The form filled from what is stored (secrets blank: they are write-only).
    fn from(config: &Config) -> Self {
        let s = config.settings.clone().unwrap_or_default();
        SettingsForm {
            connection: s.connection.as_str().into(),
            client_id: s.client_id,
            client_secret: SecretString::default(),
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
            daily_at: config.daily_at.to_string(),
            own_titles: s.owners.titles.as_str().into(),
            own_managers: s.owners.managers.as_str().into(),
            own_groups: s.owners.groups.as_str().into(),
            own_dates: s.owners.dates.as_str().into(),
            own_contact: s.owners.contact.as_str().into(),
            own_demographics: s.owners.demographics.as_str().into(),
            own_compensation: s.owners.compensation.as_str().into(),
            apply_mode: s.apply_mode.as_str().into(),
            guard_departures_pct: s.safeguards.departures_pct.to_string(),
            guard_managers_pct: s.safeguards.managers_pct.to_string(),
            guard_missing_pct: s.safeguards.missing_pct.to_string(),
            guard_swaps_pct: s.safeguards.swaps_pct.to_string(),
            webhook_secret: SecretString::default(),
            remove_webhook_secret: false,
        }
    }
}

/// The secrets typed, where "a blank secret keeps the stored one" is decided — for Save
/// Settings and for Test connection alike.
impl SettingsForm {
    /// The password typed; `None` when the field is empty (spaces are a password).
    pub fn typed_password(&self) -> Option<&SecretString> {
        (!self.password.is_empty()).then_some(&self.password)
    }

    /// The 2FA seed typed, as typed; `None` when the field is blank or only spaces.
    pub fn typed_seed(&self) -> Option<&str> {
        let seed = self.totp_secret.expose();
        (!seed.trim().is_empty()).then_some(seed)
    }

    /// The client secret typed; `None` when blank (spaces around it are not part of it).
    pub fn typed_client_secret(&self) -> Option<SecretString> {
        let secret = self.client_secret.expose().trim();
        (!secret.is_empty()).then(|| SecretString::new(secret))
    }

    /// The connection method posted; an unknown value reads as the default.
    pub fn method(&self) -> ConnectionMethod {
        ConnectionMethod::parse(&self.connection).unwrap_or_default()
    }

    /// The owner posted for a group (`own_titles`, …), and its form key.
    pub fn owner_field(&self, group: Group) -> (&'static str, &str) {
        match group {
            Group::Titles => ("own_titles", &self.own_titles),
            Group::Managers => ("own_managers", &self.own_managers),
            Group::Groups => ("own_groups", &self.own_groups),
            Group::Dates => ("own_dates", &self.own_dates),
            Group::Contact => ("own_contact", &self.own_contact),
            Group::Demographics => ("own_demographics", &self.own_demographics),
            Group::Compensation => ("own_compensation", &self.own_compensation),
        }
    }

    /// The typed seed, checked; `None` when the field is blank.
    pub fn parsed_seed(&self) -> Option<Result<TotpSeed, SeedError>> {
        self.typed_seed().map(TotpSeed::parse)
    }
}

/// A message per field, keyed by the form field's name.
pub type FieldErrors = BTreeMap<&'static str, String>;

/// The rules of the sync settings, which need nothing but the form.
impl TryFrom<&SettingsForm> for Settings {
    type Error = FieldErrors;

    fn try_from(form: &SettingsForm) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut check = |key: &'static str, checked: Result<(), String>| {
            if let Err(message) = checked {
                errors.insert(key, message);
            }
        };
        let connection = ConnectionMethod::parse(&form.connection).unwrap_or_else(|| {
            check("connection", Err("Choose one of the two ways in.".into()));
            ConnectionMethod::default()
        });
        let username = form.username.trim().to_owned();
        let client_id = form.client_id.trim().to_owned();
        match connection {
            ConnectionMethod::ServiceUser => check("username", check_username(&username)),
            ConnectionMethod::PartnerApi => {
                check("client_id", check_client_id(&client_id));
                // A username kept from the other method is still checked for what it holds.
                if !username.is_empty() {
                    check("username", check_username(&username));
                }
            }
        }
        let org_head = form
            .org_head
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        check("org_head", check_org_head(&form.org_head, &org_head));
        let exclude_ids = parse_exclude_ids(&form.exclude_ids)
            .map_err(|message| check("exclude_ids", Err(message)))
            .unwrap_or_default();
        let departures = match form.departures.as_str() {
            "backfill" | "" => Departures::Backfill,
            "departures_only" => Departures::DeparturesOnly,
            _ => {
                check("departures", Err("Choose one of the two options.".into()));
                Departures::Backfill
            }
        };
        let missing_location = match form.missing_location.as_str() {
            "remote" | "" => MissingLocation::Remote,
            "blank" => MissingLocation::Blank,
            _ => {
                check(
                    "missing_location",
                    Err("Choose one of the two options.".into()),
                );
                MissingLocation::Remote
            }
        };
        let mut owners = Owners::default();
        for group in Group::ALL {
            let (key, value) = form.owner_field(group);
            match Owner::parse(value) {
                Some(owner) => owners.set(group, owner),
                None => check(key, Err("Choose Justworks or orgsync.".into())),
            }
        }
        let apply_mode = match form.apply_mode.as_str() {
            "" => ApplyMode::default(),
            value => ApplyMode::parse(value).unwrap_or_else(|_| {
                check("apply_mode", Err("Choose one of the three options.".into()));
                ApplyMode::default()
            }),
        };
        let defaults = Safeguards::default();
        let mut pct = |key: &'static str, text: &str, default: u32| {
            parse_pct(text, default)
                .map_err(|message| check(key, Err(message)))
                .unwrap_or(default)
        };
        let safeguards = Safeguards {
            departures_pct: pct(
                "guard_departures_pct",
                &form.guard_departures_pct,
                defaults.departures_pct,
            ),
            managers_pct: pct(
                "guard_managers_pct",
                &form.guard_managers_pct,
                defaults.managers_pct,
            ),
            missing_pct: pct(
                "guard_missing_pct",
                &form.guard_missing_pct,
                defaults.missing_pct,
            ),
            swaps_pct: pct("guard_swaps_pct", &form.guard_swaps_pct, defaults.swaps_pct),
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Settings {
            connection,
            client_id,
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
            owners,
            apply_mode,
            safeguards,
        })
    }
}

/// A safeguard's limit as typed: a whole percentage from 1 to 100; blank is `default`.
fn parse_pct(text: &str, default: u32) -> Result<u32, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(default);
    }
    text.parse::<u32>()
        .ok()
        .filter(|pct| (1..=100).contains(pct) && text.bytes().all(|b| b.is_ascii_digit()))
        .ok_or_else(|| {
            format!(
                "Enter a whole number from 1 to 100 (a percentage), or leave it blank for \
                 the default, {default}."
            )
        })
}

fn check_client_id(client_id: &str) -> Result<(), String> {
    if client_id.is_empty() {
        Err("Enter the client ID Justworks gave you for orgsync.".into())
    } else if client_id.chars().count() > MAX_CLIENT_ID_CHARS {
        Err(format!("Use at most {MAX_CLIENT_ID_CHARS} characters."))
    } else if client_id
        .chars()
        .any(|c| c.is_whitespace() || c.is_control())
    {
        Err("A client ID has no spaces or control characters: paste it again.".into())
    } else {
        Ok(())
    }
}

fn check_username(username: &str) -> Result<(), String> {
    if username.is_empty() {
        Err("Enter the Justworks service user's username.".into())
    } else if username.chars().count() > MAX_USERNAME_CHARS {
        Err(format!("Use at most {MAX_USERNAME_CHARS} characters."))
    } else if username.chars().any(char::is_control) {
        Err("The username cannot contain control characters.".into())
    } else {
        Ok(())
    }
}

/// `typed` is the name as posted, `tidy` with its spaces tidied.
fn check_org_head(typed: &str, tidy: &str) -> Result<(), String> {
    if tidy.is_empty() {
        Err("Enter the name of the person at the top of the org, as Justworks has it.".into())
    } else if tidy.chars().count() > MAX_ORG_HEAD_CHARS {
        Err(format!("Use at most {MAX_ORG_HEAD_CHARS} characters."))
    } else if typed.chars().any(char::is_control) {
        // Checked on what was typed, before spaces are tidied: a tab or a new line
        // inside a name is as wrong as an escape sequence.
        Err("The name cannot contain control characters (tabs, new lines, escape codes).".into())
    } else {
        Ok(())
    }
}

/// Applies every rule. `existing` is what is stored (a blank secret keeps it); `users`
/// are orgsync's users, of whom only active ones may be notified.
pub fn validate(
    form: &SettingsForm,
    existing: &Config,
    users: &[User],
) -> Result<Valid, FieldErrors> {
    let (settings, mut errors) = match Settings::try_from(form) {
        Ok(settings) => (Some(settings), FieldErrors::new()),
        Err(errors) => (None, errors),
    };

    let service_user = form.method() == ConnectionMethod::ServiceUser;
    let new_password = match form.typed_password() {
        None if service_user && !existing.password_set => {
            Err("Enter the Justworks service user's password.".into())
        }
        None => Ok(None),
        Some(p) if p.expose().chars().count() > MAX_PASSWORD_CHARS => {
            Err(format!("Use at most {MAX_PASSWORD_CHARS} characters."))
        }
        Some(p) => Ok(Some(p.clone())),
    };
    let new_seed = match form.typed_seed() {
        None if service_user && !existing.seed_set => {
            Err("Enter the 2FA code: the long code shown under “Can't Scan Barcode?”.".into())
        }
        None => Ok(None),
        Some(s) if s.chars().count() > MAX_SEED_CHARS => {
            Err(format!("Use at most {MAX_SEED_CHARS} characters."))
        }
        Some(s) => TotpSeed::parse(s).map(Some).map_err(|e| e.to_string()),
    };
    let new_client_secret = match form.typed_client_secret() {
        None if !service_user && !existing.client_secret_set => {
            Err("Enter the client secret Justworks gave you with the client ID.".into())
        }
        None => Ok(None),
        Some(s) if s.expose().chars().count() > MAX_CLIENT_SECRET_CHARS => {
            Err(format!("Use at most {MAX_CLIENT_SECRET_CHARS} characters."))
        }
        Some(s) if s.expose().chars().any(char::is_control) => {
            Err("The client secret cannot contain control characters: paste it again.".into())
        }
        Some(s) => Ok(Some(s)),
    };
    let webhook_secret = webhook_secret_change(form, existing);
    let notify_user_ids = recipients(&form.notify_user_ids, users);
    let daily_at = parse_daily_at(&form.daily_at)
        .ok_or_else(|| "Enter a time of day as HH:MM, from 00:00 to 23:59.".to_owned());

    let new_password = take(&mut errors, "password", new_password);
    let new_seed = take(&mut errors, "totp_secret", new_seed);
    let new_client_secret = take(&mut errors, "client_secret", new_client_secret);
    let webhook_secret = take(&mut errors, "webhook_secret", webhook_secret);
    let notify_user_ids = take(&mut errors, "notify_user_ids", notify_user_ids);
    let daily_at = take(&mut errors, "daily_at", daily_at);
    // Each part is missing exactly when its field has a message.
    match (
        settings,
        new_password,
        new_seed,
        new_client_secret,
        notify_user_ids,
        daily_at,
        webhook_secret,
    ) {
        (
            Some(settings),
            Some(new_password),
            Some(new_seed),
            Some(new_client_secret),
            Some(notify_user_ids),
            Some(daily_at),
            Some(webhook_secret),
        ) => Ok(Valid {
            settings,
            new_password,
            new_seed,
            new_client_secret,
            run_daily: form.run_daily,
            daily_at,
            notify_user_ids,
            webhook_secret,
        }),
        _ => Err(errors),
    }
}

/// The webhook signing secret as posted: pasted (surrounding spaces dropped, as a paste
/// often brings them), removed, or kept. Optional: webhooks are off without one.
fn webhook_secret_change(form: &SettingsForm, existing: &Config) -> Result<SecretChange, String> {
    let typed = form.webhook_secret.expose().trim();
    match (typed.is_empty(), form.remove_webhook_secret) {
        (true, false) => Ok(SecretChange::Keep),
        (true, true) if existing.webhook_secret_set => Ok(SecretChange::Remove),
        (true, true) => Ok(SecretChange::Keep),
        (false, true) => Err("Either paste a new signing secret or tick Remove, not both.".into()),
        (false, false) if typed.chars().count() > MAX_WEBHOOK_SECRET_CHARS => Err(format!(
            "Use at most {MAX_WEBHOOK_SECRET_CHARS} characters."
        )),
        (false, false) if typed.chars().any(|c| c.is_whitespace() || c.is_control()) => {
            Err("Paste the signing secret exactly as Justworks shows it: it has no spaces.".into())
        }
        (false, false) => Ok(SecretChange::Set(SecretString::new(typed))),
    }
}

/// The value of a field that met its rule, or its message kept in `errors`.
fn take<T>(errors: &mut FieldErrors, key: &'static str, checked: Result<T, String>) -> Option<T> {
    checked.map_err(|message| errors.insert(key, message)).ok()
}

/// The chosen recipients, each once; each must be an active user.
fn recipients(chosen: &[String], users: &[User]) -> Result<Vec<String>, String> {
    let mut ids: Vec<String> = Vec::new();
    let mut refused = None;
    for id in chosen {
        match users.iter().find(|u| &u.id == id) {
            Some(u) if u.active => {
                if !ids.contains(&u.id) {
                    ids.push(u.id.clone());
                }
            }
            // The last refusal is the one shown.
            Some(u) => {
                refused = Some(format!(
                    "{} is deactivated and cannot receive sync emails.",
                    u.name
                ))
            }
            None => {
                refused =
                    Some("Choose people from the list: one of them is not an orgsync user.".into())
            }
        }
    }
    refused.map_or(Ok(ids), Err)
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

/// The daily time as typed; blank means the default, 06:00.
fn parse_daily_at(text: &str) -> Option<DailyAt> {
    if text.trim().is_empty() {
        return Some(DailyAt::default());
    }
    text.parse().ok()
}

#[cfg(test)]
mod tests;
