//! The primary org's types, as the sync plans against them and the pages show them.
//! No I/O here: loading and saving live in `org::store`.

/// The calendar date every date field of the org holds.
pub use jiff::civil::Date;

use crate::org::pins::Hand;

pub use crate::db::UnknownValue;

/// Where a person or job came from. A Justworks sync never changes anything whose
/// source is not Justworks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Justworks,
    /// Made in orgsync by hand (or by another future integration).
    Manual,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Justworks => "justworks",
            Self::Manual => "manual",
        }
    }
    pub fn parse(s: &str) -> Result<Self, UnknownValue> {
        match s {
            "justworks" => Ok(Self::Justworks),
            "manual" => Ok(Self::Manual),
            _ => Err(UnknownValue::new("source", s)),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PersonStatus {
    Active,
    Departed,
}

impl PersonStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Departed => "departed",
        }
    }
    pub fn parse(s: &str) -> Result<Self, UnknownValue> {
        match s {
            "active" => Ok(Self::Active),
            "departed" => Ok(Self::Departed),
            _ => Err(UnknownValue::new("person status", s)),
        }
    }
}

/// Why a person from Justworks is no longer synced: their member is skipped now, so they
/// are kept as they were, frozen, until the member is synced again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncStop {
    /// Listed in *Exclude IDs*.
    Excluded,
    /// A contractor while contractors are not included.
    Contractor,
}

impl SyncStop {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Excluded => "excluded",
            Self::Contractor => "contractor",
        }
    }
    pub fn parse(s: &str) -> Result<Self, UnknownValue> {
        match s {
            "excluded" => Ok(Self::Excluded),
            "contractor" => Ok(Self::Contractor),
            _ => Err(UnknownValue::new("reason a sync stopped", s)),
        }
    }
    /// Why, as it ends "No longer synced from Justworks: …".
    pub fn reason(self) -> &'static str {
        match self {
            Self::Excluded => "excluded",
            Self::Contractor => "a contractor, and contractors are not included",
        }
    }
}

/// A phone number and its kind ("mobile", "home", …).
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Phone {
    pub number: String,
    pub kind: Option<String>,
}

/// A postal address.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Address {
    pub line1: Option<String>,
    pub line2: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub postal_code: Option<String>,
    pub country: Option<String>,
}

impl Address {
    /// One line, as people read it: "1 Main St, Apt 2, Brooklyn, NY 11201, US".
    pub fn one_line(&self) -> String {
        let state_zip = [self.state.as_deref(), self.postal_code.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        [
            self.line1.as_deref(),
            self.line2.as_deref(),
            self.city.as_deref(),
            (!state_zip.is_empty()).then_some(state_zip.as_str()),
            self.country.as_deref(),
        ]
        .into_iter()
        .flatten()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
    }
}

/// Pay of a job. Sensitive: Owners (and the person themself) only.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Compensation {
    /// Minor units of `currency` (18500000 USD = $185,000.00).
    pub amount_minor: i64,
    /// ISO 4217, e.g. "USD".
    pub currency: String,
    /// "salary" or "hourly".
    pub basis: Option<String>,
    /// "semimonthly", "weekly", …
    pub frequency: Option<String>,
}

impl Compensation {
    /// As people write it: "185,000.00 USD (salary, semimonthly)", with the currency's
    /// minor digits (JPY none, KWD three).
    pub fn display(&self) -> String {
        let digits = minor_digits(&self.currency);
        let unit = 10i64.pow(digits);
        let sign = if self.amount_minor < 0 { "-" } else { "" };
        let whole = thousands((self.amount_minor / unit).abs());
        let amount = if digits == 0 {
            format!("{sign}{whole}")
        } else {
            let width = digits as usize;
            format!("{sign}{whole}.{:0width$}", (self.amount_minor % unit).abs())
        };
        let terms: Vec<&str> = [self.basis.as_deref(), self.frequency.as_deref()]
            .into_iter()
            .flatten()
            .collect();
        if terms.is_empty() {
            format!("{amount} {}", self.currency)
        } else {
            format!("{amount} {} ({})", self.currency, terms.join(", "))
        }
    }
}

impl Compensation {
    /// The amount alone as a form shows it to be typed again: "185000.00" (the
    /// currency's minor digits, no separators).
    pub fn amount_text(&self) -> String {
        let digits = minor_digits(&self.currency);
        let unit = 10i64.pow(digits);
        let sign = if self.amount_minor < 0 { "-" } else { "" };
        let whole = (self.amount_minor / unit).abs();
        if digits == 0 {
            format!("{sign}{whole}")
        } else {
            let width = digits as usize;
            format!("{sign}{whole}.{:0width$}", (self.amount_minor % unit).abs())
        }
    }

    /// An amount as people type it ("185000", "185,000.00", "1 234,5" is not one) in
    /// minor units of `currency`; `None` when it is not a number with at most the
    /// currency's minor digits.
    pub fn parse_amount(text: &str, currency: &str) -> Option<i64> {
        let digits = minor_digits(currency) as usize;
        let plain: String = text.trim().chars().filter(|c| *c != ',').collect();
        let (negative, plain) = match plain.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, plain.as_str()),
        };
        let (whole, fraction) = plain.split_once('.').unwrap_or((plain, ""));
        let all_digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
        if whole.is_empty()
            || !all_digits(whole)
            || !all_digits(fraction)
            || fraction.len() > digits
        {
            return None;
        }
        let padded = format!("{fraction:0<digits$}");
        let minor: i64 = format!("{whole}{padded}").parse().ok()?;
        Some(if negative { -minor } else { minor })
    }
}

/// ISO 4217 minor digits: most currencies have 2; these have 0 or 3.
fn minor_digits(currency: &str) -> u32 {
    match currency.to_ascii_uppercase().as_str() {
        "BIF" | "CLP" | "DJF" | "GNF" | "ISK" | "JPY" | "KMF" | "KRW" | "PYG" | "RWF" | "UGX"
        | "UYI" | "VND" | "VUV" | "XAF" | "XOF" | "XPF" => 0,
        "BHD" | "IQD" | "JOD" | "KWD" | "LYD" | "OMR" | "TND" => 3,
        _ => 2,
    }
}

/// "1,234,567".
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// Someone: who they are. Their place in the tree is their job.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Person {
    pub id: String,
    pub source: Source,
    /// The Justworks member id this person is linked to.
    pub justworks_id: Option<String>,
    /// The employee number.
    pub work_id: Option<String>,
    pub status: PersonStatus,
    /// Full name, "Given Family".
    pub name: String,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub preferred_name: Option<String>,
    pub work_email: Option<String>,
    /// Sensitive.
    pub personal_email: Option<String>,
    /// Sensitive.
    pub phones: Vec<Phone>,
    /// Sensitive.
    pub home_address: Option<Address>,
    /// Sensitive.
    pub birthdate: Option<Date>,
    /// Sensitive.
    pub gender: Option<String>,
    /// Sensitive (from the EEO-1 race category).
    pub ethnicity: Option<String>,
    /// "Full-time", "Contractor", …
    pub employment_type: Option<String>,
    pub start_date: Option<Date>,
    /// The departure date: past for a departed person, future when scheduled.
    pub end_date: Option<Date>,
    /// Set while their member is skipped (excluded, or a contractor while contractors
    /// are not included): the person is frozen, and the sync warned once.
    pub sync_stopped: Option<SyncStop>,
    /// Pins and the fields set by hand (`org::pins`).
    pub hand: Hand,
}

impl Person {
    /// Someone known by name only: everything else unknown (`None`, no phones).
    pub fn named(id: String, source: Source, status: PersonStatus, name: String) -> Self {
        Self {
            id,
            source,
            justworks_id: None,
            work_id: None,
            status,
            name,
            given_name: None,
            family_name: None,
            preferred_name: None,
            work_email: None,
            personal_email: None,
            phones: Vec::new(),
            home_address: None,
            birthdate: None,
            gender: None,
            ethnicity: None,
            employment_type: None,
            start_date: None,
            end_date: None,
            sync_stopped: None,
            hand: Hand::default(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobStatus {
    /// Someone holds it.
    Filled,
    /// Nobody holds it; it stays in the tree to be backfilled.
    Open,
    /// Gone from the tree (a departure with the *departures only* option).
    Closed,
}

impl JobStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Filled => "filled",
            Self::Open => "open",
            Self::Closed => "closed",
        }
    }
    pub fn parse(s: &str) -> Result<Self, UnknownValue> {
        match s {
            "filled" => Ok(Self::Filled),
            "open" => Ok(Self::Open),
            "closed" => Ok(Self::Closed),
            _ => Err(UnknownValue::new("job status", s)),
        }
    }
}

/// A seat in the tree. `manager_job_id` points at the job this one reports to; the org
/// head's job has none.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Job {
    pub id: String,
    pub source: Source,
    /// `None` for an open or closed job.
    pub person_id: Option<String>,
    pub status: JobStatus,
    pub title: Option<String>,
    pub department: Option<String>,
    pub location: Option<String>,
    pub manager_job_id: Option<String>,
    /// Sensitive.
    pub compensation: Option<Compensation>,
    pub start_date: Option<Date>,
    pub end_date: Option<Date>,
    /// Pins and the fields set by hand (`org::pins`).
    pub hand: Hand,
}

/// The whole primary org, as loaded for planning (a few set-based queries).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Org {
    pub people: Vec<Person>,
    pub jobs: Vec<Job>,
}

/// Fields that only Owners (and the person themself) may see, by history field name.
pub const SENSITIVE_FIELDS: &[&str] = &[
    "compensation",
    "birthdate",
    "gender",
    "ethnicity",
    "home_address",
    "personal_email",
    "phones",
];

pub fn is_sensitive(field: &str) -> bool {
    SENSITIVE_FIELDS.contains(&field)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_words_read_back_and_an_unknown_one_is_an_error_not_a_default() {
        for source in [Source::Justworks, Source::Manual] {
            assert_eq!(Source::parse(source.as_str()), Ok(source));
        }
        for status in [PersonStatus::Active, PersonStatus::Departed] {
            assert_eq!(PersonStatus::parse(status.as_str()), Ok(status));
        }
        for status in [JobStatus::Filled, JobStatus::Open, JobStatus::Closed] {
            assert_eq!(JobStatus::parse(status.as_str()), Ok(status));
        }
        for stop in [SyncStop::Excluded, SyncStop::Contractor] {
            assert_eq!(SyncStop::parse(stop.as_str()), Ok(stop));
        }
        // Each of these once became "manual", "active", "filled" or no mark at all.
        assert_eq!(
            Source::parse("workday"),
            Err(UnknownValue::new("source", "workday"))
        );
        assert!(PersonStatus::parse("on_leave").is_err());
        assert!(JobStatus::parse("").is_err());
        assert!(SyncStop::parse("paused").is_err());
    }
}
