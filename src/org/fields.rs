//! The fields a person's page shows and a hand edit or a sync writes, in one table: each
//! field's key (as history rows, pins and the JSON name it), its label, the row that holds
//! it (the person, or their seat), the Advanced-options group it belongs to, and whether
//! it is sensitive. Who owns a group (Justworks or orgsync) is a setting; see
//! `docs/design.md` → *Editing the org by hand*.

use crate::org::model::UnknownValue;

/// The row a field lives on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holder {
    Person,
    /// The person's seat (their job), or an open job.
    Job,
}

/// A group of fields that the Justworks settings sync, and own, together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Group {
    Titles,
    Managers,
    /// Departments and locations.
    Groups,
    Dates,
    Contact,
    Demographics,
    Compensation,
}

impl Group {
    pub const ALL: [Group; 7] = [
        Group::Titles,
        Group::Managers,
        Group::Groups,
        Group::Dates,
        Group::Contact,
        Group::Demographics,
        Group::Compensation,
    ];

    /// The word in settings keys (`own_titles`) and in the JSON `sources` object.
    pub fn key(self) -> &'static str {
        match self {
            Self::Titles => "titles",
            Self::Managers => "managers",
            Self::Groups => "groups",
            Self::Dates => "dates",
            Self::Contact => "contact",
            Self::Demographics => "demographics",
            Self::Compensation => "compensation",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Titles => "Job titles",
            Self::Managers => "Managers",
            Self::Groups => "Departments and locations",
            Self::Dates => "Start and end dates",
            Self::Contact => "Emails, phones and home addresses",
            Self::Demographics => "Gender, ethnicity and birthdates",
            Self::Compensation => "Compensation",
        }
    }

    pub fn parse(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|g| g.key() == key)
    }

    /// Whether this group's fields are sensitive (the whole group is Owner-only).
    pub fn is_sensitive(self) -> bool {
        matches!(self, Self::Demographics | Self::Compensation)
    }
}

/// One field of a person as the org holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    pub key: &'static str,
    pub label: &'static str,
    pub holder: Holder,
    /// `None`: not in any group of Advanced options (names, employment type): a sync
    /// from Justworks always writes it, unless pinned.
    pub group: Option<Group>,
    /// Shown, and its changes told, to Owners (and the person) only.
    pub sensitive: bool,
}

const fn field(
    key: &'static str,
    label: &'static str,
    holder: Holder,
    group: Option<Group>,
    sensitive: bool,
) -> Field {
    Field {
        key,
        label,
        holder,
        group,
        sensitive,
    }
}

use Group as G;
use Holder::{Job, Person};

/// Every field a hand edit can change or pin, in the order the person page shows them.
pub const FIELDS: &[Field] = &[
    field("name", "Name", Person, None, false),
    field("preferred_name", "Preferred name", Person, None, false),
    field("title", "Title", Job, Some(G::Titles), false),
    field("department", "Department", Job, Some(G::Groups), false),
    field("location", "Location", Job, Some(G::Groups), false),
    field("manager", "Manager", Job, Some(G::Managers), false),
    field("work_email", "Work email", Person, Some(G::Contact), false),
    field("employment_type", "Employment type", Person, None, false),
    field("start_date", "Start date", Person, Some(G::Dates), false),
    field("end_date", "End date", Person, Some(G::Dates), false),
    field("phones", "Phones", Person, Some(G::Contact), true),
    field(
        "personal_email",
        "Personal email",
        Person,
        Some(G::Contact),
        true,
    ),
    field(
        "home_address",
        "Home address",
        Person,
        Some(G::Contact),
        true,
    ),
    field(
        "birthdate",
        "Birthdate",
        Person,
        Some(G::Demographics),
        true,
    ),
    field("gender", "Gender", Person, Some(G::Demographics), true),
    field(
        "ethnicity",
        "Ethnicity",
        Person,
        Some(G::Demographics),
        true,
    ),
    field(
        "compensation",
        "Compensation",
        Job,
        Some(G::Compensation),
        true,
    ),
];

/// The field named `key`, if orgsync has one.
pub fn find(key: &str) -> Option<&'static Field> {
    FIELDS.iter().find(|f| f.key == key)
}

/// The field's own key (a `'static` string), or an error naming the unknown word: a
/// stored pin or hand mark must name a field orgsync knows.
pub fn key_of(key: &str) -> Result<&'static str, UnknownValue> {
    find(key)
        .map(|f| f.key)
        .ok_or_else(|| UnknownValue::new("field", key))
}

/// The fields of one group.
pub fn of_group(group: Group) -> impl Iterator<Item = &'static Field> {
    FIELDS.iter().filter(move |f| f.group == Some(group))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::org::model::is_sensitive;

    #[test]
    fn the_table_agrees_with_the_sensitive_list_and_names_each_field_once() {
        for f in FIELDS {
            assert_eq!(f.sensitive, is_sensitive(f.key), "{}", f.key);
            assert_eq!(FIELDS.iter().filter(|g| g.key == f.key).count(), 1);
        }
        for group in Group::ALL {
            assert!(of_group(group).next().is_some(), "{group:?} has fields");
            assert_eq!(Group::parse(group.key()), Some(group));
            if group.is_sensitive() {
                assert!(of_group(group).all(|f| f.sensitive));
            }
        }
    }

    #[test]
    fn an_unknown_field_is_an_error_not_a_guess() {
        assert_eq!(key_of("title").ok(), Some("title"));
        assert!(key_of("salary").is_err());
    }
}
