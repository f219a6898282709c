//! What hand edits leave on a row besides its values: the fields **pinned** against
//! Justworks (a sync never writes them; when Justworks' value differs it reports a
//! conflict instead), each with the Justworks value last answered *Keep ours* — so the
//! same conflict is not raised again until Justworks' value changes again — and the
//! fields whose current value was **set by hand** (a sync that writes one takes the mark
//! away). Both are kept on the row that holds the field (`org::fields::Holder`) and
//! stored as JSON, NULL when empty.

use std::collections::{BTreeMap, BTreeSet};

use crate::org::fields::{self, Group, Holder};
use crate::org::model::UnknownValue;

/// What hand edits left on one row.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Hand {
    pub pins: Pins,
    /// Fields whose current value was set by hand.
    pub set: HandFields,
}

/// Pinned fields → the Justworks value (as shown) last kept over, if any.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pins(BTreeMap<&'static str, Option<String>>);

impl Pins {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn is_pinned(&self, field: &str) -> bool {
        self.0.contains_key(field)
    }

    /// The Justworks value last answered *Keep ours* for a pinned field.
    pub fn kept(&self, field: &str) -> Option<&str> {
        self.0.get(field).and_then(|k| k.as_deref())
    }

    /// Pins a field (keeping what was kept over, if it was pinned already). False if it
    /// was pinned already.
    pub fn pin(&mut self, field: &'static str) -> bool {
        if self.0.contains_key(field) {
            return false;
        }
        self.0.insert(field, None);
        true
    }

    /// False if it was not pinned.
    pub fn unpin(&mut self, field: &str) -> bool {
        self.0.remove(field).is_some()
    }

    /// *Keep ours*: the field stays pinned, and Justworks' `theirs` is not raised again.
    pub fn keep(&mut self, field: &'static str, theirs: String) {
        self.0.insert(field, Some(theirs));
    }

    pub fn fields(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.0.keys().copied()
    }

    /// As stored: NULL when nothing is pinned.
    pub fn to_json(&self) -> Option<String> {
        (!self.0.is_empty()).then(|| serde_json::to_string(&self.0).expect("json"))
    }

    /// From the stored column; a field orgsync does not know is an error.
    pub fn from_json(json: Option<&str>) -> Result<Self, UnknownValue> {
        let Some(json) = json else {
            return Ok(Self::default());
        };
        let read: BTreeMap<String, Option<String>> =
            serde_json::from_str(json).map_err(|_| UnknownValue::new("pins", json))?;
        read.into_iter()
            .map(|(k, v)| Ok((fields::key_of(&k)?, v)))
            .collect::<Result<_, _>>()
            .map(Self)
    }
}

/// Fields whose current value was set by hand.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HandFields(BTreeSet<&'static str>);

impl HandFields {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn contains(&self, field: &str) -> bool {
        self.0.contains(field)
    }

    pub fn mark(&mut self, field: &'static str) {
        self.0.insert(field);
    }

    /// False if the field was not marked.
    pub fn clear(&mut self, field: &str) -> bool {
        self.0.remove(field)
    }

    pub fn fields(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.0.iter().copied()
    }

    /// As stored: NULL when none.
    pub fn to_json(&self) -> Option<String> {
        (!self.0.is_empty()).then(|| serde_json::to_string(&self.0).expect("json"))
    }

    pub fn from_json(json: Option<&str>) -> Result<Self, UnknownValue> {
        let Some(json) = json else {
            return Ok(Self::default());
        };
        let read: Vec<String> =
            serde_json::from_str(json).map_err(|_| UnknownValue::new("hand fields", json))?;
        read.iter()
            .map(|k| fields::key_of(k))
            .collect::<Result<_, _>>()
            .map(Self)
    }
}

/// Where each field group's current values came from, as the JSON says it: `"hand"` for
/// a person added here, or a group with a field pinned or set by hand; else
/// `"justworks"`. A reader who may not see sensitive fields learns only of the others:
/// groups made only of sensitive fields are left out, and a mixed group is judged by its
/// other fields alone.
pub fn group_sources(
    hand_added: bool,
    person: &Hand,
    job: Option<&Hand>,
    see_sensitive: bool,
) -> BTreeMap<&'static str, &'static str> {
    let mut sources = BTreeMap::new();
    for group in Group::ALL {
        let mut fields = fields::of_group(group)
            .filter(|f| see_sensitive || !f.sensitive)
            .peekable();
        if fields.peek().is_none() {
            continue;
        }
        let by_hand = hand_added
            || fields.any(|f| {
                let hand = match f.holder {
                    Holder::Person => Some(person),
                    Holder::Job => job,
                };
                hand.is_some_and(|h| h.pins.is_pinned(f.key) || h.set.contains(f.key))
            });
        sources.insert(group.key(), if by_hand { "hand" } else { "justworks" });
    }
    sources
}

/// The pinned fields of a person and their seat, in the field table's order (sensitive
/// ones only for a reader who may see them).
pub fn pinned_fields(person: &Hand, job: Option<&Hand>, see_sensitive: bool) -> Vec<&'static str> {
    fields::FIELDS
        .iter()
        .filter(|f| see_sensitive || !f.sensitive)
        .filter(|f| match f.holder {
            Holder::Person => person.pins.is_pinned(f.key),
            Holder::Job => job.is_some_and(|h| h.pins.is_pinned(f.key)),
        })
        .map(|f| f.key)
        .collect()
}

/// As the stored plan and a run's undo record keep them: the same JSON as the columns
/// (an empty map or list when none).
impl serde::Serialize for Pins {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl<'de> serde::Deserialize<'de> for Pins {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let read = BTreeMap::<String, Option<String>>::deserialize(d)?;
        read.into_iter()
            .map(|(k, v)| Ok((fields::key_of(&k).map_err(serde::de::Error::custom)?, v)))
            .collect::<Result<_, _>>()
            .map(Self)
    }
}

impl serde::Serialize for HandFields {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl<'de> serde::Deserialize<'de> for HandFields {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let read = Vec::<String>::deserialize(d)?;
        read.iter()
            .map(|k| fields::key_of(k).map_err(serde::de::Error::custom))
            .collect::<Result<_, _>>()
            .map(Self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_and_what_was_kept_read_back_as_stored() {
        let mut pins = Pins::default();
        assert_eq!(pins.to_json(), None);
        assert!(pins.pin("title"));
        assert!(!pins.pin("title"));
        pins.keep("department", "Sales".into());
        let json = pins.to_json();
        assert_eq!(Pins::from_json(json.as_deref()), Ok(pins.clone()));
        assert!(pins.is_pinned("title") && pins.kept("title").is_none());
        assert_eq!(pins.kept("department"), Some("Sales"));
        assert!(pins.unpin("title") && !pins.unpin("title"));
    }

    #[test]
    fn hand_marks_read_back_and_an_unknown_field_is_an_error() {
        let mut hand = HandFields::default();
        hand.mark("title");
        hand.mark("work_email");
        assert_eq!(HandFields::from_json(hand.to_json().as_deref()), Ok(hand));
        assert!(HandFields::from_json(Some(r#"["salary"]"#)).is_err());
        assert!(Pins::from_json(Some(r#"{"title": null, "bonus": "x"}"#)).is_err());
        assert!(Pins::from_json(Some("not json")).is_err());
    }
}
