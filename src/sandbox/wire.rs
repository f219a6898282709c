//! The member record as the sandbox writes it (the Member shape of docs/justworks.md).
//!
//! Only generation uses these types: a roster replaced through the admin surface is kept
//! as the JSON it came in, so fields this file does not know survive untouched. Empty
//! scalars are skipped, never written as `null`; the arrays are always written.

use serde::Serialize;

#[derive(Serialize)]
pub(crate) struct Member<'a> {
    pub id: &'a str,
    pub company_id: &'a str,
    pub active: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub work_id: Option<String>,
    pub name: MemberName,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub employment_location_type: &'static str,
    pub job_title: String,
    pub department: Reference<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub office: Option<Reference<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manager: Option<ManagerRef<'a>>,
    pub employment_start_date: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub employment_termination_date: Option<String>,
    pub emails: Vec<Email>,
    pub phones: Vec<Phone>,
    pub addresses: Vec<Address>,
    pub date_of_birth: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sex_assigned_at_birth: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gender: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eeo1_race: Option<&'static str>,
    pub current_pay: Pay,
    pub current_pay_frequency: &'static str,
    pub updated_at: String,
}

#[derive(Serialize)]
pub(crate) struct MemberName {
    pub given_name: String,
    pub family_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preferred_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub full_preferred_name: Option<String>,
    pub additional_names: Vec<String>,
}

#[derive(Serialize)]
pub(crate) struct Reference<'a> {
    pub id: &'a str,
    pub name: &'a str,
}

#[derive(Serialize)]
pub(crate) struct ManagerRef<'a> {
    pub id: &'a str,
}

#[derive(Serialize)]
pub(crate) struct Email {
    pub address: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub primary: bool,
}

#[derive(Serialize)]
pub(crate) struct Phone {
    pub number: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
}

#[derive(Serialize, Clone)]
pub(crate) struct Address {
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<&'static str>,
    pub line1: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line2: Option<String>,
    pub city: &'static str,
    #[serde(skip_serializing_if = "str::is_empty")]
    pub state: &'static str,
    pub postal_code: &'static str,
    pub country: &'static str,
}

#[derive(Serialize)]
pub(crate) struct Pay {
    /// Minor units: 4500 is 45.00.
    pub amount: u64,
    pub currency: &'static str,
    pub pay_basis: &'static str,
    pub effective_date: String,
}
