//! What the hand-edit forms and the person page's pin list show: each input with the
//! value stored (or sent back after a refusal), its help and its message; and, per
//! field of a person from Justworks, whether it is pinned and whether the next sync will
//! put Justworks' value back over one set by hand.

use crate::org::edit::{FieldErrors, JobForm, PersonForm};
use crate::org::fields::{self, Field, Holder};
use crate::org::model::{Person, Source};
use crate::org::queries::PersonRecord;
use crate::org::store::date_text;
use crate::sync::options::SyncOptions;

/// One input of the person form.
pub(super) struct InputView {
    pub key: &'static str,
    pub label: &'static str,
    /// "text", "email", "date" or "textarea".
    pub kind: &'static str,
    pub value: String,
    pub help: Option<String>,
    pub error: Option<String>,
}

/// The fields the person form shows this user, in the page's order.
fn form_fields(owner: bool, adding: bool) -> impl Iterator<Item = &'static Field> {
    fields::FIELDS.iter().filter(move |f| {
        f.key != "manager"
            && (owner || !f.sensitive)
            && !(adding && matches!(f.key, "end_date" | "compensation"))
    })
}

fn kind_of(key: &str) -> &'static str {
    match key {
        "work_email" | "personal_email" => "email",
        "start_date" | "end_date" | "birthdate" => "date",
        "phones" => "textarea",
        _ => "text",
    }
}

/// The text an input starts with: what is stored (or what was sent, after a refusal).
fn stored_text(key: &str, record: Option<&PersonRecord>) -> String {
    let Some(r) = record else {
        return String::new();
    };
    let p = &r.person;
    let job = r.job.as_ref();
    let text = match key {
        "name" => Some(p.name.clone()),
        "preferred_name" => p.preferred_name.clone(),
        "work_email" => p.work_email.clone(),
        "personal_email" => p.personal_email.clone(),
        "employment_type" => p.employment_type.clone(),
        "gender" => p.gender.clone(),
        "ethnicity" => p.ethnicity.clone(),
        "start_date" => date_text(p.start_date),
        "end_date" => date_text(p.end_date),
        "birthdate" => date_text(p.birthdate),
        "phones" => Some(
            p.phones
                .iter()
                .map(|ph| match &ph.kind {
                    Some(kind) => format!("{kind}: {}", ph.number),
                    None => ph.number.clone(),
                })
                .collect::<Vec<_>>()
                .join("\n"),
        ),
        "home_address" => p.home_address.as_ref().map(|a| a.one_line()),
        "title" => job.and_then(|j| j.title.clone()),
        "department" => job.and_then(|j| j.department.clone()),
        "location" => job.and_then(|j| j.location.clone()),
        "compensation" => job
            .and_then(|j| j.compensation.as_ref())
            .map(|c| c.amount_text()),
        "compensation_currency" => job
            .and_then(|j| j.compensation.as_ref())
            .map(|c| c.currency.clone()),
        _ => None,
    };
    text.unwrap_or_default()
}

/// What the form sent for `key` (the compensation input sends its amount).
fn sent_text(key: &str, form: &PersonForm) -> Option<String> {
    let v = match key {
        "name" => &form.name,
        "preferred_name" => &form.preferred_name,
        "title" => &form.title,
        "department" => &form.department,
        "location" => &form.location,
        "work_email" => &form.work_email,
        "phones" => &form.phones,
        "start_date" => &form.start_date,
        "end_date" => &form.end_date,
        "employment_type" => &form.employment_type,
        "birthdate" => &form.birthdate,
        "gender" => &form.gender,
        "ethnicity" => &form.ethnicity,
        "home_address" => &form.home_address,
        "personal_email" => &form.personal_email,
        "compensation" => &form.compensation_amount,
        "compensation_currency" => &form.compensation_currency,
        _ => return None,
    };
    v.clone()
}

fn help_of(f: &Field) -> Option<String> {
    match f.key {
        "phones" => Some("One a line; a kind first if you like: “mobile: +1 212 555 0101”.".into()),
        "compensation" => {
            Some("The amount and the currency, e.g. “185,000.00 USD”; blank clears it.".into())
        }
        "start_date" | "end_date" | "birthdate" => Some("YYYY-MM-DD".into()),
        _ => None,
    }
}

pub(super) fn inputs(
    owner: bool,
    adding: bool,
    record: Option<&PersonRecord>,
    sent: Option<&PersonForm>,
    errors: &FieldErrors,
) -> Vec<InputView> {
    let mut inputs: Vec<InputView> = form_fields(owner, adding)
        .map(|f| {
            let error_key = if f.key == "compensation" {
                errors
                    .get("compensation_amount")
                    .or(errors.get("compensation_currency"))
            } else {
                errors.get(f.key)
            };
            InputView {
                key: if f.key == "compensation" {
                    "compensation_amount"
                } else {
                    f.key
                },
                label: f.label,
                kind: kind_of(f.key),
                value: sent
                    .and_then(|s| sent_text(f.key, s))
                    .unwrap_or_else(|| stored_text(f.key, record)),
                help: help_of(f),
                error: error_key.map(str::to_owned),
            }
        })
        .collect();
    if let Some(at) = inputs.iter().position(|i| i.key == "compensation_amount") {
        let currency = InputView {
            key: "compensation_currency",
            label: "Currency",
            kind: "text",
            value: sent
                .and_then(|s| sent_text("compensation_currency", s))
                .unwrap_or_else(|| stored_text("compensation_currency", record)),
            help: Some("Three letters, e.g. USD.".into()),
            error: errors.get("compensation_currency").map(str::to_owned),
        };
        inputs[at].error = errors.get("compensation_amount").map(str::to_owned);
        inputs.insert(at + 1, currency);
    }
    inputs
}

pub(super) fn manager_input(value: String, now: Option<String>, error: Option<&str>) -> InputView {
    InputView {
        key: "manager_id",
        label: "Manager",
        kind: "text",
        value,
        help: Some(match now {
            Some(name) => format!(
                "Now: {name}. Type a name and choose from the list; blank puts them at the top."
            ),
            None => "Type a name and choose from the list; blank puts them at the top.".into(),
        }),
        error: error.map(str::to_owned),
    }
}

pub(super) fn job_inputs(sent: &JobForm, errors: &FieldErrors) -> Vec<InputView> {
    let input = |key: &'static str, label: &'static str, kind: &'static str, v: &Option<String>| {
        InputView {
            key,
            label,
            kind,
            value: v.clone().unwrap_or_default(),
            help: (kind == "date").then(|| "YYYY-MM-DD; when the hire should start.".into()),
            error: errors.get(key).map(str::to_owned),
        }
    };
    vec![
        input("title", "Title", "text", &sent.title),
        input("department", "Department", "text", &sent.department),
        input("location", "Location", "text", &sent.location),
        input(
            "planned_start",
            "Planned start",
            "date",
            &sent.planned_start,
        ),
    ]
}

/// Which fields of this person the page offers to pin (people from Justworks only),
/// and for each whether it is pinned and whether it was set by hand.
pub(super) struct PinView {
    pub key: &'static str,
    pub label: &'static str,
    pub pinned: bool,
    /// Set by hand and not pinned: the next sync puts Justworks' value back.
    pub overwritten_next: bool,
}

/// `writes(group)`: whether the next sync writes a group's fields (`None`: a field in no
/// group, which Justworks always writes); `None` when Justworks is not set up.
pub(super) fn pin_views(
    record: &PersonRecord,
    may_see: bool,
    writes: Option<&SyncOptions>,
) -> Vec<PinView> {
    let p: &Person = &record.person;
    if p.source != Source::Justworks {
        return Vec::new();
    }
    fields::FIELDS
        .iter()
        .filter(|f| may_see || !f.sensitive)
        .filter_map(|f| {
            let hand = match f.holder {
                Holder::Person => &p.hand,
                Holder::Job => &record.job.as_ref()?.hand,
            };
            let pinned = hand.pins.is_pinned(f.key);
            Some(PinView {
                key: f.key,
                label: f.label,
                pinned,
                overwritten_next: !pinned
                    && hand.set.contains(f.key)
                    && writes.is_some_and(|o| f.group.is_none_or(|g| o.writes(g))),
            })
        })
        .collect()
}
