//! The roster: everything one pull read about a company and its people, in orgsync's own
//! words. It is **source-agnostic** — the sync engine plans against this type and knows
//! nothing of Justworks' JSON (that lives in `justworks::wire` and becomes a roster in
//! `justworks::convert`), so another payroll source would only need to produce a
//! `Roster`.
//!
//! The rule it carries from the contract (docs/justworks.md): an absent value is `None`
//! and means *unknown*, never *cleared*. Empty strings are treated as absent too.
//!
//! It serialises (serde) so that the last read can be kept, encrypted, for an
//! incremental read to be planned as a whole roster (`sync::snapshots`).

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// One pull: the company and every member, each exactly once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Roster {
    pub company: RosterCompany,
    pub members: Vec<RosterMember>,
    /// What the source's data needed to be kept at all (text cut to length, naming the
    /// member); the run reports them first among its warnings.
    pub warnings: Vec<String>,
}

/// The company with its departments and offices.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RosterCompany {
    pub id: String,
    pub name: String,
    pub departments: Vec<RosterRef>,
    pub offices: Vec<RosterOffice>,
}

/// A department or office as something points at it: an id and, when known, its name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterRef {
    pub id: String,
    pub name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterOffice {
    pub id: String,
    pub name: Option<String>,
    pub address: Option<RosterAddress>,
}

/// A postal address. `kind` is `None` for an office address.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterAddress {
    pub kind: Option<AddressKind>,
    pub line1: Option<String>,
    pub line2: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub postal_code: Option<String>,
    pub country: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AddressKind {
    Home,
    Mailing,
    Work,
    Other(String),
}

/// One person on the payroll, as the source describes them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RosterMember {
    /// The source's stable id for this person (the key for matching).
    pub id: String,
    /// The employee number.
    pub work_id: Option<String>,
    pub active: bool,
    pub name: PersonName,
    pub employment_type: Option<EmploymentType>,
    pub location_type: Option<LocationType>,
    pub job_title: Option<String>,
    pub department: Option<RosterRef>,
    pub office: Option<RosterRef>,
    /// The id of this member's manager (another member); `None` at the top.
    pub manager_id: Option<String>,
    pub start_date: Option<Date>,
    /// Set when terminated, or when a termination is scheduled (a future date).
    pub termination_date: Option<Date>,
    pub emails: Vec<RosterEmail>,
    pub phones: Vec<RosterPhone>,
    pub addresses: Vec<RosterAddress>,
    pub date_of_birth: Option<Date>,
    pub sex_assigned_at_birth: Option<String>,
    pub gender: Option<String>,
    /// EEO-1 race/ethnicity category, from which ethnicity is mapped.
    pub eeo1_race: Option<String>,
    pub pay: Option<RosterPay>,
    /// "weekly", "semimonthly", … as the source says it.
    pub pay_frequency: Option<String>,
    pub updated_at: Option<Timestamp>,
}

impl RosterMember {
    /// The work email: the primary one of kind *work*, else the first of kind *work*.
    pub fn work_email(&self) -> Option<&str> {
        self.email_of(&EmailKind::Work)
    }

    /// The personal email, chosen the same way.
    pub fn personal_email(&self) -> Option<&str> {
        self.email_of(&EmailKind::Personal)
    }

    /// The work email, to take it: a plan moves it into the person's row.
    pub fn work_email_mut(&mut self) -> Option<&mut String> {
        let i = self.email_at(&EmailKind::Work)?;
        Some(&mut self.emails[i].address)
    }

    /// The personal email, to take it.
    pub fn personal_email_mut(&mut self) -> Option<&mut String> {
        let i = self.email_at(&EmailKind::Personal)?;
        Some(&mut self.emails[i].address)
    }

    fn email_of(&self, kind: &EmailKind) -> Option<&str> {
        self.email_at(kind).map(|i| self.emails[i].address.as_str())
    }

    /// Where the email of `kind` is: the primary one of that kind, else the first.
    fn email_at(&self, kind: &EmailKind) -> Option<usize> {
        let of_kind = || {
            self.emails
                .iter()
                .enumerate()
                .filter(|(_, e)| e.kind.as_ref() == Some(kind))
        };
        of_kind()
            .find(|(_, e)| e.primary)
            .or_else(|| of_kind().next())
            .map(|(i, _)| i)
    }

    /// The first address of kind *home*.
    pub fn home_address(&self) -> Option<&RosterAddress> {
        self.addresses.iter().find(|a| a.is_home())
    }

    /// The home address, to take its parts.
    pub fn home_address_mut(&mut self) -> Option<&mut RosterAddress> {
        self.addresses.iter_mut().find(|a| a.is_home())
    }
}

impl RosterAddress {
    fn is_home(&self) -> bool {
        self.kind == Some(AddressKind::Home)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonName {
    pub given: Option<String>,
    pub family: Option<String>,
    pub preferred: Option<String>,
    pub full_preferred: Option<String>,
    pub additional: Vec<String>,
}

impl PersonName {
    /// "Given Family", from whichever parts are known.
    pub fn full(&self) -> Option<String> {
        let parts: Vec<&str> = [self.given.as_deref(), self.family.as_deref()]
            .into_iter()
            .flatten()
            .collect();
        (!parts.is_empty()).then(|| parts.join(" "))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum EmploymentType {
    Employee,
    Contractor,
    InternationalEmployee,
    EmployeeEor,
    Other(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum LocationType {
    Office,
    Remote,
    Other(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterEmail {
    pub address: String,
    pub kind: Option<EmailKind>,
    pub primary: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum EmailKind {
    Work,
    Personal,
    Other(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterPhone {
    pub number: String,
    /// "mobile", "home", "work", … as the source says it.
    pub kind: Option<String>,
}

/// Current pay. Present only when both the amount and the currency are known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterPay {
    /// In minor units of `currency`: 4500 USD is $45.00.
    pub amount_minor: i64,
    /// ISO 4217 code, e.g. "USD".
    pub currency: String,
    pub basis: Option<PayBasis>,
    pub effective_date: Option<Date>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PayBasis {
    Salary,
    Hourly,
    Other(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn email(address: &str, kind: EmailKind, primary: bool) -> RosterEmail {
        RosterEmail {
            address: address.to_owned(),
            kind: Some(kind),
            primary,
        }
    }

    #[test]
    fn the_email_taken_is_the_email_read() {
        let mut member = RosterMember {
            id: "mem_1".to_owned(),
            work_id: None,
            active: true,
            name: PersonName::default(),
            employment_type: None,
            location_type: None,
            job_title: None,
            department: None,
            office: None,
            manager_id: None,
            start_date: None,
            termination_date: None,
            emails: vec![
                email("old@acme.test", EmailKind::Work, false),
                email("me@home.test", EmailKind::Personal, false),
                email("ana@acme.test", EmailKind::Work, true),
            ],
            phones: Vec::new(),
            addresses: vec![RosterAddress {
                kind: Some(AddressKind::Home),
                city: Some("Brooklyn".to_owned()),
                ..RosterAddress::default()
            }],
            date_of_birth: None,
            sex_assigned_at_birth: None,
            gender: None,
            eeo1_race: None,
            pay: None,
            pay_frequency: None,
            updated_at: None,
        };
        assert_eq!(member.work_email(), Some("ana@acme.test"));
        assert_eq!(member.personal_email(), Some("me@home.test"));
        assert_eq!(
            std::mem::take(member.work_email_mut().unwrap()),
            "ana@acme.test"
        );
        assert_eq!(
            std::mem::take(member.personal_email_mut().unwrap()),
            "me@home.test"
        );
        let home = member.home_address_mut().unwrap();
        assert_eq!(home.city.take().as_deref(), Some("Brooklyn"));
    }
}
