//! Putting a row back as it was before a run, column by column, for a revert: a value
//! the run changed goes back only if it still holds what the run wrote; one changed
//! since is left alone and named. Rows are compared through their serde form, so a
//! column added to `Person` or `Job` is covered without a line here (a test checks
//! that each column has a field name). Each column is one value (compensation, a home
//! address, the phones whole), but the hand marks are one per field ("pins.title",
//! "set.title"), so that a pin or mark made since on another field holds nothing back.

use std::collections::BTreeMap;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::org::fields;

/// A row's values by column key; a missing key is no value (no pin, no mark).
type Columns = BTreeMap<String, Value>;

/// `now` with every column the run changed (`before` → `after`) put back to `before`
/// where `now` still holds `after`, and the history field names of those it could not
/// put back (changed since to a third value), each once.
pub(super) fn put_back<T: Serialize + DeserializeOwned>(
    before: &T,
    after: &T,
    now: &T,
) -> (T, Vec<&'static str>) {
    let (before, after) = (columns(before), columns(after));
    let mut row = columns(now);
    let mut kept: Vec<&'static str> = Vec::new();
    for key in changed(&before, &after) {
        if row.get(key) == before.get(key) {
            // Back already (by hand, by a later run): nothing to write, nothing to tell.
            continue;
        }
        if row.get(key) == after.get(key) {
            match before.get(key) {
                Some(value) => row.insert(key.to_owned(), value.clone()),
                None => row.remove(key),
            };
        } else {
            let field = field_name(key);
            if !kept.contains(&field) {
                kept.push(field);
            }
        }
    }
    (from_columns(row), kept)
}

/// The history field names of the columns the run changed, each once (for a row that is
/// gone since).
pub(super) fn changed_fields<T: Serialize>(before: &T, after: &T) -> Vec<&'static str> {
    let (before, after) = (columns(before), columns(after));
    let mut names: Vec<&'static str> = Vec::new();
    for key in changed(&before, &after) {
        let field = field_name(key);
        if !names.contains(&field) {
            names.push(field);
        }
    }
    names
}

/// The keys whose value differs between two rows (present in either).
fn changed<'c>(before: &'c Columns, after: &'c Columns) -> Vec<&'c str> {
    let mut keys: Vec<&str> = before
        .keys()
        .chain(after.keys())
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    keys.dedup();
    keys.retain(|k| before.get(*k) != after.get(*k));
    keys
}

/// The columns of a person or job and the history field each is told as; the hand marks
/// are told as the field they mark.
const COLUMNS: &[(&str, &str)] = &[
    ("id", "id"),
    ("source", "source"),
    ("justworks_id", "justworks_id"),
    ("work_id", "work_id"),
    ("status", "status"),
    ("sync_stopped", "sync_stopped"),
    ("name", "name"),
    ("given_name", "given_name"),
    ("family_name", "family_name"),
    ("preferred_name", "preferred_name"),
    ("work_email", "work_email"),
    ("personal_email", "personal_email"),
    ("phones", "phones"),
    ("home_address", "home_address"),
    ("birthdate", "birthdate"),
    ("gender", "gender"),
    ("ethnicity", "ethnicity"),
    ("employment_type", "employment_type"),
    ("start_date", "start_date"),
    ("end_date", "end_date"),
    ("person_id", "person"),
    ("title", "title"),
    ("department", "department"),
    ("location", "location"),
    ("manager_job_id", "manager"),
    ("compensation", "compensation"),
];

/// What a column is called in history rows (`manager_job_id` → "manager"); "other" for
/// a column this table does not know.
fn field_name(key: &str) -> &'static str {
    let marked = key
        .strip_prefix(PINS)
        .or_else(|| key.strip_prefix(SET))
        .and_then(|field| fields::key_of(field).ok());
    marked
        .or_else(|| {
            COLUMNS
                .iter()
                .find(|(column, _)| *column == key)
                .map(|(_, f)| *f)
        })
        .unwrap_or("other")
}

const HAND: &str = "hand";
const PINS: &str = "pins.";
const SET: &str = "set.";

fn columns<T: Serialize>(row: &T) -> Columns {
    let Ok(Value::Object(map)) = serde_json::to_value(row) else {
        unreachable!("a person or job serialises to an object");
    };
    let mut columns = Columns::new();
    for (key, value) in map {
        if key != HAND {
            columns.insert(key, value);
            continue;
        }
        let Value::Object(hand) = value else {
            unreachable!("hand marks serialise to an object");
        };
        if let Some(Value::Object(pins)) = hand.get("pins") {
            for (field, kept) in pins {
                columns.insert(format!("{PINS}{field}"), kept.clone());
            }
        }
        if let Some(Value::Array(set)) = hand.get("set") {
            for field in set.iter().filter_map(Value::as_str) {
                columns.insert(format!("{SET}{field}"), Value::Bool(true));
            }
        }
    }
    columns
}

fn from_columns<T: DeserializeOwned>(columns: Columns) -> T {
    let (mut row, mut pins, mut set) = (Map::new(), Map::new(), Vec::new());
    for (key, value) in columns {
        if let Some(field) = key.strip_prefix(PINS) {
            pins.insert(field.to_owned(), value);
        } else if let Some(field) = key.strip_prefix(SET) {
            set.push(Value::String(field.to_owned()));
        } else {
            row.insert(key, value);
        }
    }
    let hand = Map::from_iter([
        ("pins".to_owned(), Value::Object(pins)),
        ("set".to_owned(), Value::Array(set)),
    ]);
    row.insert(HAND.to_owned(), Value::Object(hand));
    // Every value came out of a row of the same type, column by column.
    serde_json::from_value(Value::Object(row)).expect("a row put back reads as a row")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::org::model::{Job, JobStatus, Person, PersonStatus, Source};

    fn ana() -> Person {
        Person::named(
            "p1".into(),
            Source::Justworks,
            PersonStatus::Active,
            "Ana Souza".into(),
        )
    }

    fn seat() -> Job {
        Job {
            id: "j1".into(),
            source: Source::Justworks,
            person_id: Some("p1".into()),
            status: JobStatus::Filled,
            title: Some("Engineer".into()),
            department: None,
            location: None,
            manager_job_id: Some("j0".into()),
            compensation: None,
            start_date: None,
            end_date: None,
            hand: Default::default(),
        }
    }

    #[test]
    fn every_column_of_a_person_and_a_job_has_a_history_field_name() {
        let mut person = ana();
        person.hand.pins.pin("gender");
        person.hand.set.mark("work_email");
        let mut job = seat();
        job.hand.pins.keep("manager", "Bo Li".into());
        let keys = columns(&person)
            .into_keys()
            .chain(columns(&job).into_keys());
        for key in keys {
            assert_ne!(field_name(&key), "other", "{key} has no field name");
        }
        assert_eq!(field_name("manager_job_id"), "manager");
        assert_eq!(field_name("person_id"), "person");
        assert_eq!(field_name("pins.manager"), "manager");
        assert_eq!(field_name("set.work_email"), "work_email");
        // Read back exactly, hand marks and all.
        assert_eq!(from_columns::<Person>(columns(&person)), person);
        assert_eq!(from_columns::<Job>(columns(&job)), job);
    }

    #[test]
    fn a_value_goes_back_only_where_it_still_holds_what_the_run_wrote() {
        let before = seat();
        let mut after = seat();
        after.title = Some("Manager".into());
        after.manager_job_id = Some("j9".into());
        let mut now = after.clone();
        now.title = Some("Director".into());
        let (row, kept) = put_back(&before, &after, &now);
        assert_eq!(row.title.as_deref(), Some("Director"));
        assert_eq!(row.manager_job_id.as_deref(), Some("j0"));
        assert_eq!(kept, ["title"]);
        assert_eq!(changed_fields(&before, &after), ["manager", "title"]);
        // Set back by hand since: nothing to do, nothing to tell.
        now.title = before.title.clone();
        let (row, kept) = put_back(&before, &after, &now);
        assert_eq!(row, before);
        assert!(kept.is_empty(), "{kept:?}");
    }

    #[test]
    fn a_hand_mark_goes_back_by_field_and_a_mark_made_since_elsewhere_stays() {
        // The run wrote the title over a hand edit, taking its mark away.
        let mut before = seat();
        before.title = Some("Lead".into());
        before.hand.set.mark("title");
        let after = seat();
        // Since, someone pinned the department by hand.
        let mut now = after.clone();
        now.hand.pins.pin("department");
        let (row, kept) = put_back(&before, &after, &now);
        assert!(kept.is_empty(), "{kept:?}");
        assert_eq!(row.title.as_deref(), Some("Lead"));
        assert!(row.hand.set.contains("title"));
        assert!(row.hand.pins.is_pinned("department"));
    }
}
