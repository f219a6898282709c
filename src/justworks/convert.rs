//! From Justworks' wire types to the source-agnostic roster.
//!
//! Empty strings become `None` (the contract omits empty scalars; an empty one means the
//! same). A date that is not `YYYY-MM-DD`, or an `updated_at` that is not RFC 3339, makes
//! the whole page unreadable: the returned message names the member and the field, never
//! the value (which may be sensitive). Every text is cleaned and capped first (`clean`),
//! and what had to be cut comes back as a warning naming the member.

use super::clean;
use super::wire::*;
use crate::org::roster::*;
use jiff::Timestamp;
use jiff::civil::Date;

/// What was wrong with a record, for the log. Holds ids and field names only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversionError(pub String);

/// The company, and a warning for each part of it that had to be cut.
pub fn company(mut w: WireCompany) -> (RosterCompany, Vec<String>) {
    let warnings = clean::company(&mut w);
    let company = RosterCompany {
        id: w.id,
        name: w.name,
        departments: w.departments.into_iter().map(reference).collect(),
        offices: w
            .offices
            .into_iter()
            .map(|o| RosterOffice {
                id: o.id,
                name: text(o.name),
                address: o.address.map(address),
            })
            .collect(),
    };
    (company, warnings)
}

/// A member, and the warning naming them when something had to be cut.
pub fn member(mut w: WireMember) -> Result<(RosterMember, Option<String>), ConversionError> {
    let cuts = clean::member(&mut w);
    let member = convert_member(w)?;
    let warning = cuts.warning(&label(&member));
    Ok((member, warning))
}

/// "Ana Souza (mem_8f2c)", as the plan's warnings name a member.
fn label(m: &RosterMember) -> String {
    let name = m
        .name
        .full()
        .or_else(|| m.name.full_preferred.clone())
        .or_else(|| m.name.preferred.clone());
    match name {
        Some(name) => format!("{name} ({})", m.id),
        None => m.id.clone(),
    }
}

fn convert_member(w: WireMember) -> Result<RosterMember, ConversionError> {
    let date_field = |value: Option<String>, field: &str| {
        date(value).map_err(|()| {
            ConversionError(format!("member {}: {field} is not a YYYY-MM-DD date", w.id))
        })
    };
    let start_date = date_field(w.employment_start_date, "employment_start_date")?;
    let termination_date =
        date_field(w.employment_termination_date, "employment_termination_date")?;
    let date_of_birth = date_field(w.date_of_birth, "date_of_birth")?;
    let pay = match w.current_pay {
        Some(p) => {
            let effective_date = date_field(p.effective_date, "current_pay.effective_date")?;
            match (p.amount, text(p.currency)) {
                (Some(amount_minor), Some(currency)) => Some(RosterPay {
                    amount_minor,
                    currency,
                    basis: text(p.pay_basis).map(|b| match b.as_str() {
                        "salary" => PayBasis::Salary,
                        "hourly" => PayBasis::Hourly,
                        _ => PayBasis::Other(b),
                    }),
                    effective_date,
                }),
                _ => None,
            }
        }
        None => None,
    };
    let updated_at = match text(w.updated_at) {
        Some(s) => Some(s.parse::<Timestamp>().map_err(|_| {
            ConversionError(format!(
                "member {}: updated_at is not an RFC 3339 time",
                w.id
            ))
        })?),
        None => None,
    };
    let name = w.name.unwrap_or_default();
    Ok(RosterMember {
        work_id: text(w.work_id),
        active: w.active,
        name: PersonName {
            given: text(name.given_name),
            family: text(name.family_name),
            preferred: text(name.preferred_name),
            full_preferred: text(name.full_preferred_name),
            additional: name
                .additional_names
                .into_iter()
                .filter(|n| !n.trim().is_empty())
                .collect(),
        },
        employment_type: text(w.kind).map(|k| match k.as_str() {
            "employee" => EmploymentType::Employee,
            "contractor" => EmploymentType::Contractor,
            "international_employee" => EmploymentType::InternationalEmployee,
            "employee_eor" => EmploymentType::EmployeeEor,
            _ => EmploymentType::Other(k),
        }),
        location_type: text(w.employment_location_type).map(|l| match l.as_str() {
            "office" => LocationType::Office,
            "remote" => LocationType::Remote,
            _ => LocationType::Other(l),
        }),
        job_title: text(w.job_title),
        department: w.department.map(reference),
        office: w.office.map(reference),
        manager_id: w.manager.and_then(|m| text(m.id)),
        start_date,
        termination_date,
        emails: exact(w.emails.into_iter().filter_map(|e| {
            Some(RosterEmail {
                address: text(e.address)?,
                kind: text(e.kind).map(|k| match k.as_str() {
                    "work" => EmailKind::Work,
                    "personal" => EmailKind::Personal,
                    _ => EmailKind::Other(k),
                }),
                primary: e.primary.unwrap_or(false),
            })
        })),
        phones: exact(w.phones.into_iter().filter_map(|p| {
            Some(RosterPhone {
                number: text(p.number)?,
                kind: text(p.kind),
            })
        })),
        addresses: exact(w.addresses.into_iter().map(address)),
        date_of_birth,
        sex_assigned_at_birth: text(w.sex_assigned_at_birth),
        gender: text(w.gender),
        eeo1_race: text(w.eeo1_race),
        pay,
        pay_frequency: text(w.current_pay_frequency),
        updated_at,
        id: w.id,
    })
}

fn reference(w: WireRef) -> RosterRef {
    RosterRef {
        id: w.id,
        name: text(w.name),
    }
}

fn address(w: WireAddress) -> RosterAddress {
    RosterAddress {
        kind: text(w.kind).map(|k| match k.as_str() {
            "home" => AddressKind::Home,
            "mailing" => AddressKind::Mailing,
            "work" => AddressKind::Work,
            _ => AddressKind::Other(k),
        }),
        line1: text(w.line1),
        line2: text(w.line2),
        city: text(w.city),
        state: text(w.state),
        postal_code: text(w.postal_code),
        country: text(w.country),
    }
}

/// The items in a `Vec` of exactly their number. serde reads a JSON array into a `Vec`
/// with room for four, and a `collect` of the same-sized roster type reuses that `Vec`,
/// room and all: at 100 000 members the spare slots behind the emails, phones and
/// addresses (most members have one address of 168 bytes) were ~70 MB.
fn exact<T>(items: impl Iterator<Item = T>) -> Vec<T> {
    let items: Vec<T> = items.collect();
    if items.len() == items.capacity() {
        return items;
    }
    // A fresh allocation: shrinking in place may keep the whole block.
    let mut exact = Vec::with_capacity(items.len());
    exact.extend(items);
    exact
}

/// An empty or blank string is as good as absent.
fn text(value: Option<String>) -> Option<String> {
    value.filter(|s| !s.trim().is_empty())
}

fn date(value: Option<String>) -> Result<Option<Date>, ()> {
    match text(value) {
        // `YYYY-MM-DD` only: jiff alone would also read `20210301` or a date with a time.
        Some(s) if s.len() == 10 => s.parse().map(Some).map_err(|_| ()),
        Some(_) => Err(()),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn wire(json: &str) -> WireMember {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn the_contract_example_member_converts_field_by_field() {
        let m = member(wire(
            r#"{
            "id": "mem_8f2c", "company_id": "cmp_1", "active": true, "work_id": "E1042",
            "name": {"given_name": "Ana", "family_name": "Souza", "preferred_name": "Aninha",
                     "full_preferred_name": "Aninha Souza", "additional_names": []},
            "type": "employee", "employment_location_type": "office",
            "job_title": "Staff Engineer",
            "department": {"id": "dep_1", "name": "Engineering"},
            "office": {"id": "off_1", "name": "New York HQ"},
            "manager": {"id": "mem_11aa"},
            "employment_start_date": "2021-03-01", "employment_termination_date": null,
            "emails": [{"address": "ana@acme.test", "type": "work", "primary": true},
                       {"address": "ana@example.test", "type": "personal", "primary": false}],
            "phones": [{"number": "+1 212 555 0101", "type": "mobile"}],
            "addresses": [{"type": "home", "line1": "1 Main St", "line2": "Apt 2",
                           "city": "Brooklyn", "state": "NY", "postal_code": "11201",
                           "country": "US"}],
            "date_of_birth": "1990-07-14", "sex_assigned_at_birth": "female",
            "gender": "Woman", "eeo1_race": "Hispanic or Latino",
            "current_pay": {"amount": 18500000, "currency": "USD", "pay_basis": "salary",
                            "effective_date": "2024-01-01"},
            "current_pay_frequency": "semimonthly", "updated_at": "2026-11-20T14:03:11Z"
        }"#,
        ))
        .unwrap()
        .0;
        assert_eq!(m.id, "mem_8f2c");
        assert_eq!(m.work_id.as_deref(), Some("E1042"));
        assert!(m.active);
        assert_eq!(m.name.preferred.as_deref(), Some("Aninha"));
        assert_eq!(m.name.full().as_deref(), Some("Ana Souza"));
        assert_eq!(m.employment_type, Some(EmploymentType::Employee));
        assert_eq!(m.location_type, Some(LocationType::Office));
        assert_eq!(
            m.department.as_ref().unwrap().name.as_deref(),
            Some("Engineering")
        );
        assert_eq!(m.office.as_ref().unwrap().id, "off_1");
        assert_eq!(m.manager_id.as_deref(), Some("mem_11aa"));
        assert_eq!(m.start_date, Some(date(2021, 3, 1)));
        assert_eq!(m.termination_date, None);
        assert_eq!(m.work_email(), Some("ana@acme.test"));
        assert_eq!(m.personal_email(), Some("ana@example.test"));
        assert_eq!(m.phones[0].kind.as_deref(), Some("mobile"));
        assert_eq!(m.home_address().unwrap().city.as_deref(), Some("Brooklyn"));
        assert_eq!(m.date_of_birth, Some(date(1990, 7, 14)));
        assert_eq!(m.eeo1_race.as_deref(), Some("Hispanic or Latino"));
        let pay = m.pay.unwrap();
        assert_eq!(pay.amount_minor, 18_500_000);
        assert_eq!(pay.currency, "USD");
        assert_eq!(pay.basis, Some(PayBasis::Salary));
        assert_eq!(pay.effective_date, Some(date(2024, 1, 1)));
        assert_eq!(m.pay_frequency.as_deref(), Some("semimonthly"));
        assert_eq!(m.updated_at, Some("2026-11-20T14:03:11Z".parse().unwrap()));
    }

    #[test]
    fn absent_and_empty_fields_are_unknown_not_cleared() {
        let m = member(wire(
            r#"{"id":"mem_1","company_id":"cmp_1","active":false,"job_title":"",
                "manager":{}}"#,
        ))
        .unwrap()
        .0;
        assert!(!m.active);
        assert_eq!(m.job_title, None);
        assert_eq!(m.manager_id, None);
        assert_eq!(m.name, PersonName::default());
        assert_eq!(m.employment_type, None);
        assert_eq!(m.start_date, None);
        assert_eq!(m.pay, None);
        assert_eq!(m.updated_at, None);
        assert!(m.emails.is_empty() && m.phones.is_empty() && m.addresses.is_empty());
    }

    #[test]
    fn unicode_names_and_addresses_come_through_untouched() {
        let m = member(wire(
            r#"{"id":"mem_2","company_id":"cmp_1","active":true,
                "name":{"given_name":"Zoë","family_name":"O'Brien-Łukasiewicz",
                        "preferred_name":"山田 花子"},
                "addresses":[{"type":"home","city":"São Paulo","country":"BR"}]}"#,
        ))
        .unwrap()
        .0;
        assert_eq!(m.name.family.as_deref(), Some("O'Brien-Łukasiewicz"));
        assert_eq!(m.name.preferred.as_deref(), Some("山田 花子"));
        assert_eq!(m.home_address().unwrap().city.as_deref(), Some("São Paulo"));
    }

    #[test]
    fn money_stays_in_minor_units_whatever_the_currency() {
        let m = member(wire(
            r#"{"id":"mem_3","company_id":"cmp_1","active":true,
                "current_pay":{"amount":4500,"currency":"JPY","pay_basis":"hourly"}}"#,
        ))
        .unwrap()
        .0;
        let pay = m.pay.unwrap();
        assert_eq!((pay.amount_minor, pay.currency.as_str()), (4500, "JPY"));
        assert_eq!(pay.basis, Some(PayBasis::Hourly));
        assert_eq!(pay.effective_date, None);
    }

    #[test]
    fn unknown_kinds_are_kept_rather_than_guessed() {
        let m = member(wire(
            r#"{"id":"mem_4","company_id":"cmp_1","active":true,"type":"intern",
                "employment_location_type":"hybrid",
                "emails":[{"address":"x@y.test","type":"alias"}]}"#,
        ))
        .unwrap()
        .0;
        assert_eq!(
            m.employment_type,
            Some(EmploymentType::Other("intern".into()))
        );
        assert_eq!(m.location_type, Some(LocationType::Other("hybrid".into())));
        assert_eq!(m.emails[0].kind, Some(EmailKind::Other("alias".into())));
        assert!(!m.emails[0].primary);
    }

    #[test]
    fn a_members_lists_have_no_spare_room() {
        // 100 000 members are held at once: room for four where one is used adds up.
        let m = member(wire(
            r#"{"id":"mem_6","company_id":"cmp_1","active":true,
                "emails":[{"address":"a@acme.test","type":"work"},{"address":""}],
                "phones":[{"number":"+1 212 555 0101"}],
                "addresses":[{"type":"home","city":"Brooklyn"}]}"#,
        ))
        .unwrap()
        .0;
        assert_eq!((m.emails.len(), m.emails.capacity()), (1, 1));
        assert_eq!((m.phones.len(), m.phones.capacity()), (1, 1));
        assert_eq!((m.addresses.len(), m.addresses.capacity()), (1, 1));
    }

    #[test]
    fn a_member_with_text_cut_is_named_by_name_and_id_in_a_warning() {
        let title = "T".repeat(301);
        let json = |name: &str| {
            format!(
                r#"{{"id":"mem_7","company_id":"cmp_1","active":true,"job_title":"{title}"
                    {name}}}"#
            )
        };
        let named = r#","name":{"given_name":"Ana\u0000","family_name":"Souza"}"#;
        let (m, warning) = member(wire(&json(named))).unwrap();
        assert_eq!(m.job_title.map(|t| t.len()), Some(300));
        assert_eq!(
            warning.as_deref(),
            Some(
                "Ana Souza (mem_7): Justworks sent more than orgsync keeps, so it was cut: the \
                 job title (to 300 characters)"
            )
        );
        let (_, warning) = member(wire(&json(""))).unwrap();
        assert!(warning.unwrap().starts_with("mem_7: "));
        let (_, warning) =
            member(wire(r#"{"id":"mem_8","company_id":"c","active":true}"#)).unwrap();
        assert_eq!(warning, None);
    }

    #[test]
    fn a_bad_date_names_the_member_and_field_but_not_the_value() {
        let err = member(wire(
            r#"{"id":"mem_5","company_id":"cmp_1","active":true,"date_of_birth":"14/07/1990"}"#,
        ))
        .unwrap_err();
        assert!(err.0.contains("mem_5") && err.0.contains("date_of_birth"));
        assert!(!err.0.contains("1990"));
    }

    #[test]
    fn the_company_keeps_its_departments_and_offices() {
        let (c, _) = company(
            serde_json::from_str(
                r#"{"id":"cmp_1","name":"Acme Corp",
                    "departments":[{"id":"dep_1","name":"Engineering"}],
                    "offices":[{"id":"off_1","name":"New York HQ",
                                "address":{"line1":"1 Broadway","city":"New York",
                                           "state":"NY","postal_code":"10001","country":"US"}}]}"#,
            )
            .unwrap(),
        );
        assert_eq!(c.name, "Acme Corp");
        assert_eq!(c.departments[0].name.as_deref(), Some("Engineering"));
        let addr = c.offices[0].address.as_ref().unwrap();
        assert_eq!(addr.city.as_deref(), Some("New York"));
        assert_eq!(addr.kind, None);
    }
}
