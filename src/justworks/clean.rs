//! Text from Justworks is data (docs/design.md "Privacy rules that hold everywhere"): every
//! string of a member and of the company is cleaned on the way in — NUL, other control
//! characters and bidirectional overrides removed, line breaks and tabs made spaces (no
//! field orgsync keeps is more than one line) — and capped: names and titles at
//! [`NAME_CHARS`] characters, anything else at [`TEXT_CHARS`], lists at [`LIST_ENTRIES`]
//! entries. What had to be cut is noted by field, never by value, so that the run can
//! name the member in a warning; a field visible to Owners only is not even named, since
//! the warning is read by Technical Owners.
//!
//! Dates and `updated_at` are left alone: `convert` parses them strictly and refuses a
//! page with a bad one.

use super::wire::{WireAddress, WireCompany, WireMember, WireRef};
use crate::text::clean_line;

/// The most characters kept of a name (of a person, department or office) or a title.
pub const NAME_CHARS: usize = 300;
/// The most characters kept of any other text.
pub const TEXT_CHARS: usize = 1_000;
/// The most entries kept of a member's emails, phones, addresses or other names: far
/// more than anyone has, few enough that a hostile source cannot grow one member without
/// end.
pub const LIST_ENTRIES: usize = 20;

/// A field as a warning names it, and how much of it is kept.
#[derive(Debug, Clone, Copy)]
struct Field {
    /// "the job title"; unused when `owners_only`.
    label: &'static str,
    max_chars: usize,
    /// Sensitive (docs/design.md): home address, personal email, phones, gender, ethnicity,
    /// birthdate, compensation.
    owners_only: bool,
}

const fn shown(label: &'static str, max_chars: usize) -> Field {
    Field {
        label,
        max_chars,
        owners_only: false,
    }
}

const OWNERS_ONLY: Field = Field {
    label: "",
    max_chars: TEXT_CHARS,
    owners_only: true,
};

/// What had to be cut from one record (a member, a department, the company).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Cuts {
    /// "the job title (to 300 characters)", each once, in the order met.
    shown: Vec<String>,
    /// Whether a field visible to Owners only was cut.
    owners_only: bool,
}

impl Cuts {
    pub fn is_empty(&self) -> bool {
        self.shown.is_empty() && !self.owners_only
    }

    /// The warning naming `who` ("Ana Souza (mem_8f2c)"), if anything was cut.
    pub fn warning(&self, who: &str) -> Option<String> {
        if self.is_empty() {
            return None;
        }
        let mut items = self.shown.clone();
        if self.owners_only {
            items.push("a field visible to Owners only".to_owned());
        }
        let listed = match items.as_slice() {
            [one] => one.clone(),
            [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
            [] => unreachable!("not empty"),
        };
        Some(format!(
            "{who}: Justworks sent more than orgsync keeps, so it was cut: {listed}"
        ))
    }

    fn note(&mut self, field: Field, what: String) {
        if field.owners_only {
            self.owners_only = true;
        } else if !self.shown.contains(&what) {
            self.shown.push(what);
        }
    }

    fn text(&mut self, value: &mut String, field: Field) {
        if clean_line(value, field.max_chars) {
            let max = crate::org::model::thousands(field.max_chars as i64);
            self.note(field, format!("{} (to {max} characters)", field.label));
        }
    }

    fn opt(&mut self, value: &mut Option<String>, field: Field) {
        if let Some(value) = value {
            self.text(value, field);
        }
    }

    fn list<T>(&mut self, list: &mut Vec<T>, field: Field) {
        if list.len() > LIST_ENTRIES {
            list.truncate(LIST_ENTRIES);
            self.note(field, format!("{} (to {LIST_ENTRIES})", field.label));
        }
    }

    fn reference(&mut self, r: &mut WireRef, id: Field, name: Field) {
        self.text(&mut r.id, id);
        self.opt(&mut r.name, name);
    }

    fn address(&mut self, a: &mut WireAddress, field: Field) {
        for part in [
            &mut a.kind,
            &mut a.line1,
            &mut a.line2,
            &mut a.city,
            &mut a.state,
            &mut a.postal_code,
            &mut a.country,
        ] {
            self.opt(part, field);
        }
    }
}

/// Cleans every text of a member in place; what was cut.
pub fn member(w: &mut WireMember) -> Cuts {
    let mut cuts = Cuts::default();
    cuts.text(&mut w.id, shown("the member id", TEXT_CHARS));
    if let Some(name) = &mut w.name {
        let field = shown("the name", NAME_CHARS);
        for part in [
            &mut name.given_name,
            &mut name.family_name,
            &mut name.preferred_name,
            &mut name.full_preferred_name,
        ] {
            cuts.opt(part, field);
        }
        cuts.list(&mut name.additional_names, shown("the other names", 0));
        for other in &mut name.additional_names {
            cuts.text(other, shown("the other names", NAME_CHARS));
        }
    }
    cuts.opt(&mut w.work_id, shown("the employee number", TEXT_CHARS));
    cuts.opt(&mut w.kind, shown("the employment type", TEXT_CHARS));
    cuts.opt(
        &mut w.employment_location_type,
        shown("the location type", TEXT_CHARS),
    );
    cuts.opt(&mut w.job_title, shown("the job title", NAME_CHARS));
    if let Some(d) = &mut w.department {
        let (id, name) = (
            shown("the department id", TEXT_CHARS),
            shown("the department", NAME_CHARS),
        );
        cuts.reference(d, id, name);
    }
    if let Some(o) = &mut w.office {
        let (id, name) = (
            shown("the office id", TEXT_CHARS),
            shown("the office", NAME_CHARS),
        );
        cuts.reference(o, id, name);
    }
    if let Some(m) = &mut w.manager {
        cuts.opt(&mut m.id, shown("the manager's member id", TEXT_CHARS));
    }
    // Only the work email is seen beyond Owners; any other may be a personal one.
    cuts.list(&mut w.emails, OWNERS_ONLY);
    for e in &mut w.emails {
        cuts.opt(&mut e.kind, OWNERS_ONLY);
        let field = if e.kind.as_deref() == Some("work") {
            shown("the work email", TEXT_CHARS)
        } else {
            OWNERS_ONLY
        };
        cuts.opt(&mut e.address, field);
    }
    cuts.list(&mut w.phones, OWNERS_ONLY);
    for p in &mut w.phones {
        cuts.opt(&mut p.number, OWNERS_ONLY);
        cuts.opt(&mut p.kind, OWNERS_ONLY);
    }
    cuts.list(&mut w.addresses, OWNERS_ONLY);
    for a in &mut w.addresses {
        cuts.address(a, OWNERS_ONLY);
    }
    for value in [
        &mut w.sex_assigned_at_birth,
        &mut w.gender,
        &mut w.eeo1_race,
        &mut w.current_pay_frequency,
    ] {
        cuts.opt(value, OWNERS_ONLY);
    }
    if let Some(pay) = &mut w.current_pay {
        cuts.opt(&mut pay.currency, OWNERS_ONLY);
        cuts.opt(&mut pay.pay_basis, OWNERS_ONLY);
    }
    cuts
}

/// Cleans every text of the company in place; a warning per department, office or the
/// company itself that had something cut (nothing in them is visible to Owners only).
pub fn company(w: &mut WireCompany) -> Vec<String> {
    let mut warnings = Vec::new();
    let mut company = Cuts::default();
    company.text(&mut w.id, shown("the company id", TEXT_CHARS));
    company.text(&mut w.name, shown("the company name", NAME_CHARS));
    warnings.extend(company.warning("The company"));
    for d in &mut w.departments {
        let mut cuts = Cuts::default();
        let (id, name) = (shown("its id", TEXT_CHARS), shown("its name", NAME_CHARS));
        cuts.reference(d, id, name);
        warnings.extend(cuts.warning(&format!("Department {}", d.id)));
    }
    for o in &mut w.offices {
        let mut cuts = Cuts::default();
        cuts.text(&mut o.id, shown("its id", TEXT_CHARS));
        cuts.opt(&mut o.name, shown("its name", NAME_CHARS));
        if let Some(a) = &mut o.address {
            cuts.address(a, shown("its address", TEXT_CHARS));
        }
        warnings.extend(cuts.warning(&format!("Office {}", o.id)));
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wire(json: serde_json::Value) -> WireMember {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn a_clean_member_has_nothing_cut() {
        let mut m = wire(serde_json::json!({
            "id": "mem_1", "company_id": "c", "active": true,
            "name": {"given_name": "Ana", "family_name": "Souza"},
            "job_title": "Staff Engineer",
            "phones": [{"number": "+1 212 555 0101", "type": "mobile"}]
        }));
        assert!(member(&mut m).is_empty());
        assert_eq!(m.job_title.as_deref(), Some("Staff Engineer"));
    }

    #[test]
    fn names_and_titles_stop_at_300_characters_and_other_text_at_1000() {
        let mut m = wire(serde_json::json!({
            "id": "mem_1", "company_id": "c", "active": true,
            "name": {"given_name": "A".repeat(301)},
            "job_title": "T".repeat(400),
            "work_id": "E".repeat(1_500)
        }));
        let cuts = member(&mut m);
        assert_eq!(m.name.unwrap().given_name.unwrap().chars().count(), 300);
        assert_eq!(m.job_title.unwrap().chars().count(), 300);
        assert_eq!(m.work_id.unwrap().chars().count(), 1_000);
        assert_eq!(
            cuts.warning("Ana (mem_1)").unwrap(),
            "Ana (mem_1): Justworks sent more than orgsync keeps, so it was cut: the name (to \
             300 characters), the employee number (to 1,000 characters) and the job title (to \
             300 characters)"
        );
    }

    #[test]
    fn a_cut_sensitive_field_is_neither_named_nor_quoted() {
        let secret = format!("{}Brooklyn", "9".repeat(1_200));
        let mut m = wire(serde_json::json!({
            "id": "mem_1", "company_id": "c", "active": true,
            "emails": [{"address": format!("{}@home.test", "p".repeat(1_100)),
                        "type": "personal"}],
            "addresses": [{"type": "home", "line1": secret}],
            "gender": "G".repeat(2_000)
        }));
        let warning = member(&mut m).warning("Ana (mem_1)").unwrap();
        assert_eq!(
            warning,
            "Ana (mem_1): Justworks sent more than orgsync keeps, so it was cut: a field \
             visible to Owners only"
        );
        assert_eq!(
            m.addresses[0].line1.as_ref().unwrap().chars().count(),
            1_000
        );
    }

    #[test]
    fn a_long_work_email_is_named_as_such() {
        let mut m = wire(serde_json::json!({
            "id": "mem_1", "company_id": "c", "active": true,
            "emails": [{"address": format!("{}@acme.test", "w".repeat(1_100)), "type": "work"}]
        }));
        let warning = member(&mut m).warning("Ana (mem_1)").unwrap();
        assert!(
            warning.ends_with("the work email (to 1,000 characters)"),
            "{warning}"
        );
    }

    #[test]
    fn long_lists_keep_their_first_entries() {
        let phones: Vec<_> = (0..50)
            .map(|i| serde_json::json!({"number": format!("+1 555 {i:04}")}))
            .collect();
        let others: Vec<_> = (0..30).map(|i| format!("N{i}")).collect();
        let mut m = wire(serde_json::json!({
            "id": "mem_1", "company_id": "c", "active": true,
            "name": {"additional_names": others}, "phones": phones
        }));
        let warning = member(&mut m).warning("mem_1").unwrap();
        assert_eq!(m.phones.len(), LIST_ENTRIES);
        assert_eq!(m.name.unwrap().additional_names.len(), LIST_ENTRIES);
        assert!(
            warning.ends_with("the other names (to 20) and a field visible to Owners only"),
            "{warning}"
        );
    }

    #[test]
    fn control_characters_go_without_a_warning() {
        let mut m = wire(serde_json::json!({
            "id": "mem\u{0}_1", "company_id": "c", "active": true,
            "name": {"given_name": "A\u{0}na\r\nBcc: x", "family_name": "\u{202E}azuoS"},
            "manager": {"id": "mem\u{0}_0"}
        }));
        assert!(member(&mut m).is_empty());
        let name = m.name.unwrap();
        assert_eq!(name.given_name.as_deref(), Some("Ana Bcc: x"));
        assert_eq!(name.family_name.as_deref(), Some("azuoS"));
        assert_eq!(m.id, "mem_1");
        assert_eq!(m.manager.unwrap().id.as_deref(), Some("mem_0"));
    }

    #[test]
    fn a_department_with_a_long_name_is_named_by_its_id() {
        let mut c: WireCompany = serde_json::from_value(serde_json::json!({
            "id": "cmp_1", "name": "Acme\u{0}",
            "departments": [{"id": "dep_1", "name": "D".repeat(301)}],
            "offices": [{"id": "off_1", "name": "NY"}]
        }))
        .unwrap();
        let warnings = company(&mut c);
        assert_eq!(c.name, "Acme");
        assert_eq!(
            warnings,
            [
                "Department dep_1: Justworks sent more than orgsync keeps, so it was cut: its \
              name (to 300 characters)"
            ]
        );
    }
}
