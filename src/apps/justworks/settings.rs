//! The Justworks settings: the sync settings (stored as JSON, read by each sync), what one
//! Save Settings stores, and the one table of the page's fields — each field's key, its
//! label, and how to tell that a save changed it (for the audit log and the flash).

use super::credentials::SecretChange;
use super::{APP, credentials};
use crate::crypto::Crypto;
use crate::db::Tx;
use crate::justworks::TotpSeed;
use crate::org::fields::Group;
use crate::secrets::SecretString;
use crate::sync::daily_at::DailyAt;
pub use crate::sync::guards::{ApplyMode, Safeguards};
pub use crate::sync::options::{Departures, MissingLocation};
use serde::{Deserialize, Serialize};

/// How orgsync reaches Justworks (docs/design.md → *Connections and API access*).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConnectionMethod {
    /// A Justworks user of its own: username, password and 2FA seed.
    #[default]
    ServiceUser,
    /// The Partner API: a client id and secret Justworks issued, and OAuth tokens.
    PartnerApi,
}

impl ConnectionMethod {
    /// The form's value (`connection=partner_api`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ServiceUser => "service_user",
            Self::PartnerApi => "partner_api",
        }
    }

    /// The form's value; blank is the default (a service user).
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "service_user" | "" => Some(Self::ServiceUser),
            "partner_api" => Some(Self::PartnerApi),
            _ => None,
        }
    }
}

/// The settings that are not secret, as stored (JSON) and used by the sync.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// Stored before the Partner API existed: a service user.
    #[serde(default)]
    pub connection: ConnectionMethod,
    /// The Partner API client id (blank for a service user).
    #[serde(default)]
    pub client_id: String,
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
    /// Who owns each field group of Justworks people (stored before this setting
    /// existed: Justworks owns everything).
    #[serde(default)]
    pub owners: Owners,
    /// When a planned sync is applied (stored before this setting existed: `auto`).
    #[serde(default)]
    pub apply_mode: ApplyMode,
    /// The safeguards' limits (stored before they existed: the defaults).
    #[serde(default)]
    pub safeguards: Safeguards,
}

/// Who owns a group of fields of a person from Justworks: Justworks (a sync writes
/// Justworks' value, unless the field is pinned) or orgsync (Justworks' value is ignored
/// and a sync never writes the group).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Owner {
    #[default]
    Justworks,
    Orgsync,
}

impl Owner {
    /// The form's value (`own_titles=orgsync`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Justworks => "justworks",
            Self::Orgsync => "orgsync",
        }
    }

    /// The form's value; blank is the default (Justworks).
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "justworks" | "" => Some(Self::Justworks),
            "orgsync" => Some(Self::Orgsync),
            _ => None,
        }
    }
}

/// The owner of each field group (settings keys `own_titles`, …, `own_compensation`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Owners {
    pub titles: Owner,
    pub managers: Owner,
    pub groups: Owner,
    pub dates: Owner,
    pub contact: Owner,
    pub demographics: Owner,
    pub compensation: Owner,
}

impl Owners {
    pub fn of(&self, group: Group) -> Owner {
        *self.slot(group)
    }

    pub fn set(&mut self, group: Group, owner: Owner) {
        *self.slot_mut(group) = owner;
    }

    /// The groups orgsync owns.
    pub fn orgsync_owns(&self) -> impl Iterator<Item = Group> + '_ {
        Group::ALL
            .into_iter()
            .filter(|&g| self.of(g) == Owner::Orgsync)
    }

    fn slot(&self, group: Group) -> &Owner {
        match group {
            Group::Titles => &self.titles,
            Group::Managers => &self.managers,
            Group::Groups => &self.groups,
            Group::Dates => &self.dates,
            Group::Contact => &self.contact,
            Group::Demographics => &self.demographics,
            Group::Compensation => &self.compensation,
        }
    }

    fn slot_mut(&mut self, group: Group) -> &mut Owner {
        match group {
            Group::Titles => &mut self.titles,
            Group::Managers => &mut self.managers,
            Group::Groups => &mut self.groups,
            Group::Dates => &mut self.dates,
            Group::Contact => &mut self.contact,
            Group::Demographics => &mut self.demographics,
            Group::Compensation => &mut self.compensation,
        }
    }
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            connection: ConnectionMethod::default(),
            client_id: String::new(),
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
            owners: Owners::default(),
            apply_mode: ApplyMode::default(),
            safeguards: Safeguards::default(),
        }
    }
}

/// What one Save Settings stores: a form that met every rule, or (with no new secret)
/// what is stored already.
#[derive(Debug, Clone, Default)]
pub struct Valid {
    pub settings: Settings,
    /// `None` keeps the stored value.
    pub new_password: Option<SecretString>,
    pub new_seed: Option<TotpSeed>,
    pub new_client_secret: Option<SecretString>,
    pub run_daily: bool,
    pub daily_at: DailyAt,
    /// Recipients of the sync emails (active users, each once).
    pub notify_user_ids: Vec<String>,
    /// The webhook signing secret: kept, replaced or removed.
    pub webhook_secret: SecretChange,
}

impl Valid {
    /// What is stored, as a save that types no new secret would store it.
    pub fn stored(config: &super::Config) -> Self {
        Self {
            settings: config.settings.clone().unwrap_or_default(),
            new_password: None,
            new_seed: None,
            new_client_secret: None,
            run_daily: config.run_daily,
            daily_at: config.daily_at,
            notify_user_ids: config.notify_user_ids.clone(),
            webhook_secret: SecretChange::Keep,
        }
    }
}

/// A field of the settings page: its form key, its label, and whether a save from one
/// value to the other changed it.
struct Field {
    key: &'static str,
    label: &'static str,
    changed: fn(&Valid, &Valid) -> bool,
}

/// Every field of the page, in the page's order (the order the audit log lists them).
const FIELDS: &[Field] = &[
    Field {
        key: "connection",
        label: "Connection method",
        changed: |a, b| a.settings.connection != b.settings.connection,
    },
    Field {
        key: "client_id",
        label: "Client ID",
        changed: |a, b| a.settings.client_id != b.settings.client_id,
    },
    Field {
        key: "client_secret",
        label: "Client secret",
        changed: |_, b| b.new_client_secret.is_some(),
    },
    Field {
        key: "username",
        label: "JustWorks Username",
        changed: |a, b| a.settings.username != b.settings.username,
    },
    Field {
        key: "password",
        label: "JustWorks Password",
        changed: |_, b| b.new_password.is_some(),
    },
    Field {
        key: "totp_secret",
        label: "JustWorks 2FA Code",
        changed: |_, b| b.new_seed.is_some(),
    },
    Field {
        key: "org_head",
        label: "Name Org Head",
        changed: |a, b| a.settings.org_head != b.settings.org_head,
    },
    Field {
        key: "run_daily",
        label: "Run Daily",
        changed: |a, b| a.run_daily != b.run_daily,
    },
    Field {
        key: "daily_at",
        label: "Daily sync time",
        changed: |a, b| a.daily_at != b.daily_at,
    },
    Field {
        key: "notify_user_ids",
        label: "Send Notification Email To",
        // The same people in another order are the same recipients.
        changed: |a, b| sorted(&a.notify_user_ids) != sorted(&b.notify_user_ids),
    },
    Field {
        key: "webhook_secret",
        label: "Webhook signing secret",
        changed: |_, b| b.webhook_secret.is_change(),
    },
    Field {
        key: "exclude_ids",
        label: "Exclude IDs",
        changed: |a, b| a.settings.exclude_ids != b.settings.exclude_ids,
    },
    Field {
        key: "sync_titles",
        label: "Sync job titles",
        changed: |a, b| a.settings.sync_titles != b.settings.sync_titles,
    },
    Field {
        key: "sync_managers",
        label: "Sync managers",
        changed: |a, b| a.settings.sync_managers != b.settings.sync_managers,
    },
    Field {
        key: "sync_groups",
        label: "Sync departments and locations",
        changed: |a, b| a.settings.sync_groups != b.settings.sync_groups,
    },
    Field {
        key: "sync_dates",
        label: "Sync start and end dates",
        changed: |a, b| a.settings.sync_dates != b.settings.sync_dates,
    },
    Field {
        key: "sync_contact",
        label: "Sync contact info",
        changed: |a, b| a.settings.sync_contact != b.settings.sync_contact,
    },
    Field {
        key: "sync_demographics",
        label: "Sync demographics",
        changed: |a, b| a.settings.sync_demographics != b.settings.sync_demographics,
    },
    Field {
        key: "sync_compensation",
        label: "Sync compensation",
        changed: |a, b| a.settings.sync_compensation != b.settings.sync_compensation,
    },
    own("own_titles", "Who owns job titles", Group::Titles),
    own("own_managers", "Who owns managers", Group::Managers),
    own(
        "own_groups",
        "Who owns departments and locations",
        Group::Groups,
    ),
    own("own_dates", "Who owns start and end dates", Group::Dates),
    own("own_contact", "Who owns contact info", Group::Contact),
    own(
        "own_demographics",
        "Who owns demographics",
        Group::Demographics,
    ),
    own(
        "own_compensation",
        "Who owns compensation",
        Group::Compensation,
    ),
    Field {
        key: "departures",
        label: "When someone leaves",
        changed: |a, b| a.settings.departures != b.settings.departures,
    },
    Field {
        key: "missing_location",
        label: "People with no office",
        changed: |a, b| a.settings.missing_location != b.settings.missing_location,
    },
    Field {
        key: "include_contractors",
        label: "Include contractors",
        changed: |a, b| a.settings.include_contractors != b.settings.include_contractors,
    },
    Field {
        key: "apply_mode",
        label: "When a sync has changes",
        changed: |a, b| a.settings.apply_mode != b.settings.apply_mode,
    },
    Field {
        key: "guard_departures_pct",
        label: "Departures safeguard",
        changed: |a, b| {
            a.settings.safeguards.departures_pct != b.settings.safeguards.departures_pct
        },
    },
    Field {
        key: "guard_managers_pct",
        label: "Manager changes safeguard",
        changed: |a, b| a.settings.safeguards.managers_pct != b.settings.safeguards.managers_pct,
    },
    Field {
        key: "guard_missing_pct",
        label: "Missing members safeguard",
        changed: |a, b| a.settings.safeguards.missing_pct != b.settings.safeguards.missing_pct,
    },
    Field {
        key: "guard_swaps_pct",
        label: "Work email and ID swaps safeguard",
        changed: |a, b| a.settings.safeguards.swaps_pct != b.settings.safeguards.swaps_pct,
    },
];

/// A group's owner field. The comparison is one function per group (a `fn` pointer
/// cannot carry the group), picked here.
const fn own(key: &'static str, label: &'static str, group: Group) -> Field {
    Field {
        key,
        label,
        changed: match group {
            Group::Titles => |a, b| owner_changed(a, b, Group::Titles),
            Group::Managers => |a, b| owner_changed(a, b, Group::Managers),
            Group::Groups => |a, b| owner_changed(a, b, Group::Groups),
            Group::Dates => |a, b| owner_changed(a, b, Group::Dates),
            Group::Contact => |a, b| owner_changed(a, b, Group::Contact),
            Group::Demographics => |a, b| owner_changed(a, b, Group::Demographics),
            Group::Compensation => |a, b| owner_changed(a, b, Group::Compensation),
        },
    }
}

fn owner_changed(a: &Valid, b: &Valid, group: Group) -> bool {
    a.settings.owners.of(group) != b.settings.owners.of(group)
}

fn sorted(ids: &[String]) -> Vec<&String> {
    let mut ids: Vec<&String> = ids.iter().collect();
    ids.sort();
    ids
}

/// The keys of the fields a save from `old` to `new` changed, for the audit log (never
/// a value, of a secret or otherwise).
pub fn changed_fields(old: &Valid, new: &Valid) -> Vec<&'static str> {
    FIELDS
        .iter()
        .filter(|f| (f.changed)(old, new))
        .map(|f| f.key)
        .collect()
}

/// The label a person sees for a form field (for messages about what changed).
pub fn field_label(key: &str) -> &'static str {
    FIELDS
        .iter()
        .find(|f| f.key == key)
        .map_or("a setting", |f| f.label)
}

/// Writes a valid save inside the caller's transaction, at `now` (from the app's clock).
/// Switching Run Daily on records `now` as `run_daily_since`, so a daily time already
/// past today does not fire at once.
pub async fn save(
    tx: &mut Tx,
    crypto: &Crypto,
    valid: &Valid,
    now: jiff::Timestamp,
) -> anyhow::Result<()> {
    let settings = serde_json::to_string(&valid.settings)?;
    let updated = sqlx::query(
        "UPDATE app_installs SET settings = $1, run_daily = $2, daily_at = $3, updated_at = $4, \
         run_daily_since = CASE WHEN $2 = 0 THEN NULL \
         WHEN run_daily = 0 OR run_daily_since IS NULL THEN $4 ELSE run_daily_since END \
         WHERE app = $5",
    )
    .bind(settings)
    .bind(valid.run_daily as i64)
    .bind(valid.daily_at.to_string())
    .bind(now.as_millisecond())
    .bind(APP)
    .execute(&mut **tx)
    .await?;
    anyhow::ensure!(updated.rows_affected() == 1, "Justworks is not installed");
    credentials::store(
        tx,
        crypto,
        valid.new_password.as_ref(),
        valid.new_seed.as_ref(),
        valid.new_client_secret.as_ref(),
        now,
    )
    .await?;
    // Tokens belong to one client: another method or client id means connecting again
    // (a new secret for the same client keeps them, as Justworks does).
    if let Some(connection) = super::connection::load(tx).await? {
        let same_client = valid.settings.connection == ConnectionMethod::PartnerApi
            && valid.settings.client_id == connection.client_id;
        if !same_client {
            super::connection::disconnect(tx).await?;
        }
    }
    credentials::store_webhook_secret(tx, crypto, &valid.webhook_secret, now).await?;
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
