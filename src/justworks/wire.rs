//! Justworks' JSON, exactly as `docs/justworks.md` writes it, as serde types.
//!
//! Unknown fields are ignored; arrays default to empty (also when `null`); scalars are
//! `Option` because an absent scalar means *unknown*. Only `id`, `company_id` and
//! `active` are required of a member — a member without them makes its page unreadable.
//! Dates stay strings here and are parsed in `convert.rs`, which names the bad field.
//! A members page is read with the number of members asked for as its limit: one member
//! more and the reading stops, so an oversized page never fills memory.

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use std::cell::Cell;
use std::fmt;

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
#[derive(Debug)]
pub struct MembersPage {
    pub items: Vec<WireMember>,
    pub next_cursor: Option<String>,
}

/// Why a members page could not be read.
#[derive(Debug)]
pub enum PageError {
    /// It listed more members than the `limit` asked for.
    TooManyItems,
    /// It is not the JSON of the contract.
    Json(serde_json::Error),
}

impl MembersPage {
    /// Reads a page of at most `limit` members. Reading stops at the first member past
    /// the limit, before it is parsed.
    pub fn read(body: &[u8], limit: usize) -> Result<Self, PageError> {
        let overflow = Cell::new(false);
        let mut de = serde_json::Deserializer::from_slice(body);
        let read = PageSeed {
            limit,
            overflow: &overflow,
        }
        .deserialize(&mut de)
        .and_then(|page| de.end().map(|()| page));
        match read {
            Ok(page) => Ok(page),
            Err(_) if overflow.get() => Err(PageError::TooManyItems),
            Err(e) => Err(PageError::Json(e)),
        }
    }
}

/// The page's fields; any other is ignored.
#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "snake_case")]
enum PageField {
    Items,
    NextCursor,
    #[serde(other)]
    Other,
}

/// Reads a page object, its `items` through [`ItemsSeed`].
struct PageSeed<'a> {
    limit: usize,
    overflow: &'a Cell<bool>,
}

impl<'de> DeserializeSeed<'de> for PageSeed<'_> {
    type Value = MembersPage;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<MembersPage, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for PageSeed<'_> {
    type Value = MembersPage;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a members page")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<MembersPage, A::Error> {
        let mut items = None;
        let mut next_cursor = None;
        while let Some(field) = map.next_key::<PageField>()? {
            match field {
                PageField::Items if items.is_some() => {
                    return Err(de::Error::duplicate_field("items"));
                }
                PageField::Items => {
                    items = Some(map.next_value_seed(ItemsSeed {
                        limit: self.limit,
                        overflow: self.overflow,
                    })?);
                }
                PageField::NextCursor => next_cursor = map.next_value::<Option<String>>()?,
                PageField::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(MembersPage {
            items: items.ok_or_else(|| de::Error::missing_field("items"))?,
            next_cursor,
        })
    }
}

/// Reads `items`, refusing the array at its `limit + 1`th element.
struct ItemsSeed<'a> {
    limit: usize,
    overflow: &'a Cell<bool>,
}

impl<'de> DeserializeSeed<'de> for ItemsSeed<'_> {
    type Value = Vec<WireMember>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Vec<WireMember>, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for ItemsSeed<'_> {
    type Value = Vec<WireMember>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at most {} members", self.limit)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<WireMember>, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(self.limit));
        loop {
            if items.len() == self.limit {
                if seq.next_element::<IgnoredAny>()?.is_some() {
                    self.overflow.set(true);
                    return Err(de::Error::custom("more members than asked for"));
                }
                return Ok(items);
            }
            match seq.next_element::<WireMember>()? {
                Some(member) => items.push(member),
                None => return Ok(items),
            }
        }
    }
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
        let page = MembersPage::read(
            br#"{"items":[{"id":"mem_1","company_id":"cmp_1","active":true,"shoe_size":44,
                "emails":null}],"next_cursor":null,"total":1}"#,
            100,
        )
        .unwrap();
        assert_eq!(page.items.len(), 1);
        assert!(page.items[0].emails.is_empty());
        assert!(page.items[0].phones.is_empty());
    }

    #[test]
    fn a_member_without_an_id_is_not_a_member() {
        let r = MembersPage::read(
            br#"{"items":[{"company_id":"cmp_1","active":true}],"next_cursor":null}"#,
            100,
        );
        assert!(matches!(r, Err(PageError::Json(_))));
    }

    #[test]
    fn a_page_without_items_is_not_a_page() {
        assert!(matches!(
            MembersPage::read(br#"{"next_cursor":null}"#, 100),
            Err(PageError::Json(_))
        ));
        assert!(matches!(
            MembersPage::read(br#"{"items":[]} trailing"#, 100),
            Err(PageError::Json(_))
        ));
    }

    #[test]
    fn a_page_with_more_members_than_asked_for_is_refused_at_the_first_one_too_many() {
        let member = r#"{"id":"m","company_id":"c","active":true}"#;
        let page = |n: usize| format!(r#"{{"items":[{}]}}"#, vec![member; n].join(","));
        assert_eq!(
            MembersPage::read(page(3).as_bytes(), 3)
                .unwrap()
                .items
                .len(),
            3
        );
        assert!(matches!(
            MembersPage::read(page(4).as_bytes(), 3),
            Err(PageError::TooManyItems)
        ));
        // The member past the limit is skipped over, not read as a member.
        let odd = format!(r#"{{"items":[{member},{{"not":"a member"}}]}}"#);
        assert!(matches!(
            MembersPage::read(odd.as_bytes(), 1),
            Err(PageError::TooManyItems)
        ));
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
