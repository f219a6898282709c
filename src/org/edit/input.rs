//! A hand edit's form as sent, and its text read into typed values. Only the fields sent
//! change: an absent field is `None`; a field sent blank clears the value (except the
//! name, which a person always has).

use super::FieldErrors;
use crate::org::model::{Address, Compensation, Phone};
use crate::org::store::parse_date;
use crate::text;

/// The longest text any field takes; a name or a title longer than this is a mistake.
pub(super) const MAX_TEXT: usize = 200;

/// The person form (`docs/design.md` → *Editing the org by hand*): `POST /people/new`
/// and `POST /people/{id}/edit` send these names.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct PersonForm {
    pub name: Option<String>,
    pub preferred_name: Option<String>,
    pub title: Option<String>,
    pub department: Option<String>,
    pub location: Option<String>,
    /// The manager's person id (or, for a seat under an open job, the job's id).
    pub manager_id: Option<String>,
    pub work_email: Option<String>,
    /// One number a line or a comma apart, each optionally "kind: number".
    pub phones: Option<String>,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    pub employment_type: Option<String>,
    pub birthdate: Option<String>,
    pub gender: Option<String>,
    pub ethnicity: Option<String>,
    /// One line.
    pub home_address: Option<String>,
    pub personal_email: Option<String>,
    /// "185000", "185,000.00".
    pub compensation_amount: Option<String>,
    /// ISO 4217, e.g. "USD".
    pub compensation_currency: Option<String>,
}

impl PersonForm {
    /// The sensitive fields this form sends (a Technical Owner may send none).
    pub fn sensitive_sent(&self) -> bool {
        [
            &self.birthdate,
            &self.gender,
            &self.ethnicity,
            &self.home_address,
            &self.personal_email,
            &self.phones,
            &self.compensation_amount,
            &self.compensation_currency,
        ]
        .iter()
        .any(|f| f.is_some())
    }
}

/// A sent text field: `None` not sent; `Some(None)` sent blank (clear); `Some(Some(_))`
/// the trimmed text. Too long is a message.
pub(super) fn text_field(
    errors: &mut FieldErrors,
    key: &'static str,
    sent: &Option<String>,
) -> Option<Option<String>> {
    let sent = sent.as_deref()?;
    let trimmed = sent.trim();
    if trimmed.chars().count() > MAX_TEXT {
        errors.add(key, format!("At most {MAX_TEXT} characters."));
        return None;
    }
    let clean = text::one_line(trimmed);
    Some(present(clean.trim()).map(str::to_owned))
}

/// A date field: YYYY-MM-DD, or blank to clear.
pub(super) fn date_field<D>(
    errors: &mut FieldErrors,
    key: &'static str,
    sent: &Option<String>,
    parse: impl Fn(Option<&str>) -> Option<D>,
) -> Option<Option<D>> {
    let sent = sent.as_deref()?.trim();
    if sent.is_empty() {
        return Some(None);
    }
    match parse(Some(sent)) {
        Some(d) => Some(Some(d)),
        None => {
            errors.add(key, "Enter a date as YYYY-MM-DD, e.g. 2027-01-15.");
            None
        }
    }
}

/// A stored date from form text.
pub(super) fn date(s: Option<&str>) -> Option<crate::org::model::Date> {
    parse_date(s)
}

/// An email address: one `@`, something either side, no spaces.
pub(super) fn email_field(
    errors: &mut FieldErrors,
    key: &'static str,
    sent: &Option<String>,
) -> Option<Option<String>> {
    let value = text_field(errors, key, sent)?;
    if let Some(email) = &value {
        let ok = email.split('@').count() == 2
            && !email.starts_with('@')
            && !email.ends_with('@')
            && !email.chars().any(char::is_whitespace);
        if !ok {
            errors.add(key, "Enter an email address, e.g. name@example.com.");
            return None;
        }
    }
    Some(value)
}

/// Phones: "mobile: +1 212 555 0101, +1 212 555 0199" (kind optional).
pub(super) fn phones_field(errors: &mut FieldErrors, sent: &Option<String>) -> Option<Vec<Phone>> {
    let sent = sent.as_deref()?;
    let mut phones = Vec::new();
    for part in sent
        .split([',', '\n'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let (kind, number) = match part.split_once(':') {
            Some((kind, number)) => (present(kind.trim()), number.trim()),
            None => (None, part),
        };
        let digits = number.chars().filter(char::is_ascii_digit).count();
        if digits < 3 || number.chars().count() > 40 {
            errors.add("phones", format!("“{part}” is not a phone number."));
            return None;
        }
        phones.push(Phone {
            number: number.to_owned(),
            kind: kind.map(str::to_owned),
        });
    }
    Some(phones)
}

/// A home address typed on one line is kept as its first line.
pub(super) fn address_field(
    errors: &mut FieldErrors,
    sent: &Option<String>,
) -> Option<Option<Address>> {
    let line = text_field(errors, "home_address", sent)?;
    Some(line.map(|line1| Address {
        line1: Some(line1),
        ..Address::default()
    }))
}

/// Compensation from an amount and a currency, sent together; both blank clears it.
/// `stored` gives the basis and frequency kept, and the currency when only the amount
/// is sent.
pub(super) fn compensation_field(
    errors: &mut FieldErrors,
    amount: &Option<String>,
    currency: &Option<String>,
    stored: Option<&Compensation>,
) -> Option<Option<Compensation>> {
    if amount.is_none() && currency.is_none() {
        return None;
    }
    let amount = amount.as_deref().map(str::trim).unwrap_or_default();
    let currency = match currency.as_deref().map(str::trim) {
        Some(c) if !c.is_empty() => c.to_ascii_uppercase(),
        _ => stored.map(|c| c.currency.clone()).unwrap_or_default(),
    };
    if amount.is_empty() {
        return Some(None);
    }
    if currency.len() != 3 || !currency.chars().all(|c| c.is_ascii_alphabetic()) {
        errors.add(
            "compensation_currency",
            "Enter a three-letter currency code, e.g. USD.",
        );
        return None;
    }
    let Some(amount_minor) = Compensation::parse_amount(amount, &currency) else {
        errors.add(
            "compensation_amount",
            "Enter an amount, e.g. 185000 or 185,000.00.",
        );
        return None;
    };
    Some(Some(Compensation {
        amount_minor,
        currency,
        basis: stored.and_then(|c| c.basis.clone()),
        frequency: stored.and_then(|c| c.frequency.clone()),
    }))
}

fn present(s: &str) -> Option<&str> {
    (!s.is_empty()).then_some(s)
}
