//! Justworks' JSON, exactly as `../shared/JUSTWORKS.md` writes it, as serde types.
//!
//! Unknown fields are ignored; arrays default to empty (also when `null`); scalars are
//! `Option` because an absent scalar means *unknown*. Only `id`, `company_id` and
//! `active` are required of a member — a member without them makes its page unreadable.
//! Dates stay strings here and are parsed in `convert.rs`, which names the bad field.

use serde::{Deserialize, Deserializer};

/// `POST /v1/auth/login` 200.
#[derive(Debug, Deserialize)]
pub struct LoginAnswer {
    #[serde(default)]
    pub mfa_required: bool,
    pub challenge_id: Option<String>,
}

/// `POST /v1/auth/mfa` 200. No `Debug`: it holds the bearer token.
#[derive(Deserialize)]
pub struct MfaAnswer {
    pub access_token: String,
    #[serde(default)]
    pub token_type: Option<String>,
}

/// Any error answer: `{"error": "invalid_credentials"}`.
#[derive(Debug, Deserialize)]
pub struct ErrorAnswer {
    pub error: String,
}

impl ErrorAnswer {
    /// The `error` code of a body, if it is an error answer at all.
    pub fn code_of(body: &[u8]) -> Option<String> {
        serde_json::from_slice::<ErrorAnswer>(body)
            .ok()
            .map(|e| e.error)
    }
}

/// `GET /v1/company`.
#[derive(Debug, Deserialize)]
pub struct WireCompany {
    pub id: String,
    pub name: String,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub departments: Vec<WireRef>,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub offices: Vec<WireOffice>,
}

#[derive(Debug, Deserialize)]
pub struct WireRef {
    pub id: String,
    pub name: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct WireOffice {
    pub id: String,
    pub name: Option<String>,
    pub address: Option<WireAddress>,
}

#[derive(Debug, Default, Deserialize)]
pub struct WireAddress {
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub line1: Option<String>,
    pub line2: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub postal_code: Option<String>,
    pub country: Option<String>,
}

/// `GET /v1/members` — one page.
#[derive(Debug, Deserialize)]
pub struct MembersPage {
    pub items: Vec<WireMember>,
    #[serde(default)]
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct WireMember {
    pub id: String,
    /// Required by the contract, so its absence makes the page unreadable; the value
    /// itself is not used.
    #[expect(dead_code, reason = "read only to require its presence")]
    pub company_id: String,
    pub active: bool,
    pub work_id: Option<String>,
    #[serde(default)]
    pub name: Option<WireName>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub employment_location_type: Option<String>,
    pub job_title: Option<String>,
    pub department: Option<WireRef>,
    pub office: Option<WireRef>,
    pub manager: Option<WireManager>,
    pub employment_start_date: Option<String>,
    pub employment_termination_date: Option<String>,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub emails: Vec<WireEmail>,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub phones: Vec<WirePhone>,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub addresses: Vec<WireAddress>,
    pub date_of_birth: Option<String>,
    pub sex_assigned_at_birth: Option<String>,
    pub gender: Option<String>,
    pub eeo1_race: Option<String>,
    pub current_pay: Option<WirePay>,
    pub current_pay_frequency: Option<String>,
    pub updated_at: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct WireName {
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub preferred_name: Option<String>,
    pub full_preferred_name: Option<String>,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub additional_names: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub struct WireManager {
    pub id: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct WireEmail {
    pub address: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    #[serde(default)]
    pub primary: Option<bool>,
}

#[derive(Debug, Deserialize)]
pub struct WirePhone {
    pub number: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct WirePay {
    pub amount: Option<i64>,
    pub currency: Option<String>,
    pub pay_basis: Option<String>,
    pub effective_date: Option<String>,
}

/// Arrays are always present per the contract; a `null` one is read as empty rather than
/// failing the page.
fn null_as_empty<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_fields_are_ignored_and_missing_arrays_are_empty() {
        let page: MembersPage = serde_json::from_str(
            r#"{"items":[{"id":"mem_1","company_id":"cmp_1","active":true,"shoe_size":44,
                "emails":null}],"next_cursor":null,"total":1}"#,
        )
        .unwrap();
        assert_eq!(page.items.len(), 1);
        assert!(page.items[0].emails.is_empty());
        assert!(page.items[0].phones.is_empty());
    }

    #[test]
    fn a_member_without_an_id_is_not_a_member() {
        let r: Result<MembersPage, _> = serde_json::from_str(
            r#"{"items":[{"company_id":"cmp_1","active":true}],"next_cursor":null}"#,
        );
        assert!(r.is_err());
    }

    #[test]
    fn a_page_without_items_is_not_a_page() {
        assert!(serde_json::from_str::<MembersPage>(r#"{"next_cursor":null}"#).is_err());
    }

    #[test]
    fn error_codes_are_read_from_error_answers_only() {
        assert_eq!(
            ErrorAnswer::code_of(br#"{"error":"token_expired"}"#).as_deref(),
            Some("token_expired")
        );
        assert_eq!(ErrorAnswer::code_of(b"<html>"), None);
    }
}
