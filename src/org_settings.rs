//! The org's own settings (`/settings/org`): its name and its time zone. The zone is an
//! IANA name checked against the time-zone database; it decides what "today" is for a
//! sync and when Run Daily's `daily_at` falls. Until an Owner first saves, the org is
//! "Your org" in UTC.

use crate::audit::{self, Actor};
use crate::db::Db;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use sqlx::AnyConnection;
use std::collections::BTreeMap;

pub const DEFAULT_NAME: &str = "Your org";
pub const DEFAULT_TIME_ZONE: &str = "UTC";
const MAX_NAME_CHARS: usize = 100;

/// The org's settings, as stored (or the defaults).
#[derive(Debug, Clone)]
pub struct OrgSettings {
    pub name: String,
    pub time_zone: TimeZone,
    /// `None` until the first save.
    pub updated_at: Option<i64>,
}

impl OrgSettings {
    pub fn defaults() -> Self {
        Self {
            name: DEFAULT_NAME.into(),
            time_zone: TimeZone::UTC,
            updated_at: None,
        }
    }

    /// The zone's IANA name, e.g. `America/New_York`.
    pub fn zone_name(&self) -> &str {
        zone_name(&self.time_zone)
    }

    /// The org's date at `now` (the day a sync counts as "today").
    pub fn today(&self, now: Timestamp) -> jiff::civil::Date {
        now.to_zoned(self.time_zone.clone()).date()
    }
}

/// A zone's IANA name (every zone orgsync keeps has one).
pub fn zone_name(tz: &TimeZone) -> &str {
    tz.iana_name().unwrap_or(DEFAULT_TIME_ZONE)
}

/// Looks an IANA name up in the time-zone database (without regard to case). `None`
/// for anything that is not a named zone there.
pub fn find_zone(name: &str) -> Option<TimeZone> {
    let name = name.trim();
    if name.is_empty() || name.len() > 64 {
        return None;
    }
    let tz = jiff::tz::db().get(name).ok()?;
    // `Etc/Unknown` resolves, but is not a zone anyone lives in.
    tz.iana_name()?;
    Some(tz)
}

/// Every zone name the database offers, sorted (for the form's suggestions).
pub fn zone_names() -> Vec<String> {
    let mut names: Vec<String> = jiff::tz::db()
        .available()
        .map(|n| n.as_str().to_owned())
        .filter(|n| n == DEFAULT_TIME_ZONE || (n.contains('/') && !n.starts_with("Etc/")))
        .collect();
    names.sort();
    names.dedup();
    names
}

pub async fn load(conn: &mut AnyConnection) -> sqlx::Result<OrgSettings> {
    let row: Option<(String, String, i64)> =
        sqlx::query_as("SELECT name, time_zone, updated_at FROM org_settings WHERE id = 1")
            .fetch_optional(conn)
            .await?;
    let Some((name, zone, updated_at)) = row else {
        return Ok(OrgSettings::defaults());
    };
    let time_zone = find_zone(&zone).unwrap_or_else(|| {
        // Only a database update that dropped the zone gets here; UTC keeps syncs going.
        tracing::warn!(time_zone = %zone, "the org's time zone is not in the time-zone database; using UTC");
        TimeZone::UTC
    });
    Ok(OrgSettings {
        name,
        time_zone,
        updated_at: Some(updated_at),
    })
}

/// The stored settings (or the defaults), on a connection of their own.
pub async fn current(db: &Db) -> sqlx::Result<OrgSettings> {
    let mut conn = db.pool().acquire().await?;
    load(&mut conn).await
}

/// The org's date now, as the sync plan counts days.
pub async fn today(conn: &mut AnyConnection, now: Timestamp) -> sqlx::Result<jiff::civil::Date> {
    Ok(load(conn).await?.today(now))
}

/// Today in the org's zone, as YYYY-MM-DD (a form's default date).
pub async fn today_in(db: &crate::db::Db, now: Timestamp) -> sqlx::Result<String> {
    let mut conn = db.pool().acquire().await?;
    Ok(load(&mut conn).await?.today(now).to_string())
}

/// The form as posted.
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct Form {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub time_zone: String,
}

impl Form {
    pub fn from_settings(settings: &OrgSettings) -> Self {
        Self {
            name: settings.name.clone(),
            time_zone: settings.zone_name().to_owned(),
        }
    }
}

/// A message per field, keyed by the form field's name.
pub type FieldErrors = BTreeMap<&'static str, String>;

/// A form that met every rule.
#[derive(Debug, Clone)]
pub struct Valid {
    pub name: String,
    pub time_zone: TimeZone,
}

pub fn validate(form: &Form) -> Result<Valid, FieldErrors> {
    let mut errors = FieldErrors::new();
    let name = form.name.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        errors.insert("name", "Enter the org's name.".into());
    } else if name.chars().count() > MAX_NAME_CHARS {
        errors.insert("name", format!("Use at most {MAX_NAME_CHARS} characters."));
    } else if name.chars().any(char::is_control) {
        errors.insert("name", "The name cannot contain control characters.".into());
    }
    let time_zone = if form.time_zone.trim().is_empty() {
        errors.insert(
            "time_zone",
            "Choose a time zone, e.g. America/New_York or UTC.".into(),
        );
        None
    } else {
        let found = find_zone(&form.time_zone);
        if found.is_none() {
            errors.insert(
                "time_zone",
                "That is not a time zone orgsync knows. Use an IANA name such as \
                 America/New_York, Europe/London or UTC."
                    .into(),
            );
        }
        found
    };
    match time_zone {
        Some(time_zone) if errors.is_empty() => Ok(Valid { name, time_zone }),
        _ => Err(errors),
    }
}

/// The names of the fields a save changes, for the audit log.
pub fn changed_fields(existing: &OrgSettings, valid: &Valid) -> Vec<&'static str> {
    let mut changed = Vec::new();
    if existing.updated_at.is_none() || existing.name != valid.name {
        changed.push("name");
    }
    if existing.updated_at.is_none() || existing.zone_name() != zone_name(&valid.time_zone) {
        changed.push("time_zone");
    }
    changed
}

/// The label a person sees for a field.
pub fn field_label(field: &str) -> &'static str {
    match field {
        "name" => "Org name",
        "time_zone" => "Time zone",
        _ => "a setting",
    }
}

/// Stores a valid form (the first save creates the row).
pub async fn save(conn: &mut AnyConnection, valid: &Valid, now_ms: i64) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO org_settings (id, name, time_zone, updated_at) VALUES (1, $1, $2, $3) \
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, time_zone = excluded.time_zone, \
         updated_at = excluded.updated_at",
    )
    .bind(&valid.name)
    .bind(zone_name(&valid.time_zone))
    .bind(now_ms)
    .execute(conn)
    .await?;
    Ok(())
}

/// Saves a valid form for `actor` and records the fields it changed (if any) in the audit
/// log; returns those fields.
pub async fn save_recorded(
    db: &Db,
    actor: &Actor<'_>,
    valid: &Valid,
    now: Timestamp,
) -> sqlx::Result<Vec<&'static str>> {
    let stored = current(db).await?;
    let changed = changed_fields(&stored, valid);
    // The transaction starts with its write: on SQLite a read first could not be upgraded
    // once another write had committed.
    let mut tx = db.begin().await?;
    save(&mut tx, valid, now.as_millisecond()).await?;
    if !changed.is_empty() {
        audit::record(
            &mut tx,
            actor,
            "org.settings_saved",
            "Org settings",
            &format!("changed: {}", changed.join(", ")),
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(name: &str, zone: &str) -> Form {
        Form {
            name: name.into(),
            time_zone: zone.into(),
        }
    }

    #[test]
    fn a_zone_is_found_whatever_its_case_and_stored_by_its_canonical_name() {
        let valid = validate(&form("  Acme   Corp ", "america/new_york")).unwrap();
        assert_eq!(valid.name, "Acme Corp");
        assert_eq!(zone_name(&valid.time_zone), "America/New_York");
        assert_eq!(
            zone_name(&validate(&form("Acme", "UTC")).unwrap().time_zone),
            "UTC"
        );
    }

    #[test]
    fn what_is_not_an_iana_zone_is_refused() {
        for zone in ["Mars/Olympus_Mons", "Etc/Unknown", "+05:00", "", "   "] {
            let errors = validate(&form("Acme", zone)).unwrap_err();
            assert!(errors.contains_key("time_zone"), "{zone:?}");
        }
    }

    #[test]
    fn the_name_is_one_to_a_hundred_characters() {
        assert!(
            validate(&form("   ", "UTC"))
                .unwrap_err()
                .contains_key("name")
        );
        assert!(
            validate(&form(&"a".repeat(101), "UTC"))
                .unwrap_err()
                .contains_key("name")
        );
        assert!(validate(&form(&"a".repeat(100), "UTC")).is_ok());
    }

    #[test]
    fn the_first_save_changes_both_fields_and_later_ones_only_what_differs() {
        let defaults = OrgSettings::defaults();
        let valid = validate(&form(DEFAULT_NAME, "UTC")).unwrap();
        assert_eq!(changed_fields(&defaults, &valid), ["name", "time_zone"]);
        let stored = OrgSettings {
            updated_at: Some(1),
            ..defaults
        };
        assert!(changed_fields(&stored, &valid).is_empty());
        let valid = validate(&form(DEFAULT_NAME, "Europe/Paris")).unwrap();
        assert_eq!(changed_fields(&stored, &valid), ["time_zone"]);
    }

    #[test]
    fn today_is_the_date_in_the_org_zone() {
        let now: Timestamp = "2026-11-27T03:00:00Z".parse().unwrap();
        let org = OrgSettings {
            time_zone: find_zone("America/New_York").unwrap(),
            ..OrgSettings::defaults()
        };
        assert_eq!(org.today(now).to_string(), "2026-11-26");
        assert_eq!(OrgSettings::defaults().today(now).to_string(), "2026-11-27");
    }

    #[test]
    fn the_suggested_zones_include_the_common_ones() {
        let names = zone_names();
        for zone in ["UTC", "America/New_York", "Europe/London", "Asia/Tokyo"] {
            assert!(names.iter().any(|n| n == zone), "{zone}");
        }
    }
}
