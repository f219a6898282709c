//! The roster the sandbox serves: the company and its members.
//!
//! Each member is kept as the JSON text it is served as — a page is a concatenation of
//! slices, never a re-serialisation — next to the few fields that paging, filtering and
//! the org head need. A roster replaced through the admin surface is stored exactly as
//! given (unknown fields, odd values and duplicate ids included: the client's tests need
//! a source that misbehaves).

use std::collections::HashMap;

use jiff::{RoundMode, Timestamp, TimestampRound, Unit};
use serde_json::{Map, Value};

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub(crate) enum RosterError {
    #[error("members[{0}] is not a JSON object")]
    NotAnObject(usize),
    #[error("no member has the id {0:?}")]
    NotFound(String),
    #[error("a member patch must be a JSON object (RFC 7386 merge patch)")]
    PatchNotAnObject,
}

pub(crate) struct StoredMember {
    id: Option<Box<str>>,
    active: Option<bool>,
    updated_at: Option<Timestamp>,
    /// Active with no manager: the top of the tree.
    top: bool,
    json: Box<str>,
}

impl StoredMember {
    /// A member the sandbox generated (its fields are known without parsing `json`).
    pub(crate) fn generated(
        id: &str,
        active: bool,
        has_manager: bool,
        updated_at: Timestamp,
        json: String,
    ) -> Self {
        Self {
            id: Some(id.into()),
            active: Some(active),
            updated_at: Some(updated_at),
            top: active && !has_manager,
            json: json.into_boxed_str(),
        }
    }

    /// A member given through the admin surface; `None` unless it is a JSON object.
    pub(crate) fn from_value(value: &Value) -> Option<Self> {
        let object = value.as_object()?;
        let active = object.get("active").and_then(Value::as_bool);
        let has_manager = object.get("manager").is_some_and(|m| !m.is_null());
        Some(Self {
            id: object.get("id").and_then(Value::as_str).map(Into::into),
            active,
            updated_at: object
                .get("updated_at")
                .and_then(Value::as_str)
                .and_then(|s| s.parse::<Timestamp>().ok()),
            top: active == Some(true) && !has_manager,
            json: value.to_string().into_boxed_str(),
        })
    }

    #[cfg(test)]
    pub(crate) fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    pub(crate) fn active(&self) -> Option<bool> {
        self.active
    }

    pub(crate) fn updated_at(&self) -> Option<Timestamp> {
        self.updated_at
    }

    /// The member exactly as served.
    pub(crate) fn json(&self) -> &str {
        &self.json
    }

    pub(crate) fn to_value(&self) -> Value {
        serde_json::from_str(&self.json).expect("a stored member is valid JSON")
    }
}

pub(crate) struct Roster {
    company: Value,
    members: Vec<StoredMember>,
    /// Id → position of the first member with that id.
    index: HashMap<Box<str>, usize>,
}

impl Roster {
    pub(crate) fn new(company: Value, members: Vec<StoredMember>) -> Self {
        let mut roster = Self {
            company,
            members,
            index: HashMap::new(),
        };
        roster.reindex();
        roster
    }

    fn reindex(&mut self) {
        self.index.clear();
        self.index.reserve(self.members.len());
        for (i, member) in self.members.iter().enumerate() {
            if let Some(id) = &member.id {
                self.index.entry(id.clone()).or_insert(i);
            }
        }
    }

    pub(crate) fn company(&self) -> &Value {
        &self.company
    }

    pub(crate) fn members(&self) -> &[StoredMember] {
        &self.members
    }

    /// The first member with this id.
    pub(crate) fn get(&self, id: &str) -> Option<&StoredMember> {
        self.index.get(id).map(|&at| &self.members[at])
    }

    pub(crate) fn active_count(&self) -> usize {
        self.members
            .iter()
            .filter(|m| m.active == Some(true))
            .count()
    }

    /// `PUT /sandbox/members`: a new member list, and a new company when one is given.
    pub(crate) fn replace(
        &mut self,
        company: Option<Value>,
        members: &[Value],
    ) -> Result<usize, RosterError> {
        let members = members
            .iter()
            .enumerate()
            .map(|(i, m)| StoredMember::from_value(m).ok_or(RosterError::NotAnObject(i)))
            .collect::<Result<Vec<_>, _>>()?;
        if let Some(company) = company {
            self.company = company;
        }
        self.members = members;
        self.reindex();
        Ok(self.members.len())
    }

    /// `POST /sandbox/members/{id}`: merges `patch` into the member (RFC 7386) and, unless
    /// the patch sets it, moves `updated_at` to `now` as Justworks does on any change.
    pub(crate) fn patch(
        &mut self,
        id: &str,
        patch: &Value,
        now: Timestamp,
    ) -> Result<Value, RosterError> {
        if !patch.is_object() {
            return Err(RosterError::PatchNotAnObject);
        }
        let at = *self
            .index
            .get(id)
            .ok_or_else(|| RosterError::NotFound(id.to_string()))?;
        let mut member = self.members[at].to_value();
        merge_patch(&mut member, patch);
        if patch.get("updated_at").is_none() {
            member["updated_at"] = Value::String(rfc3339(now));
        }
        self.store(Some(at), &member);
        Ok(member)
    }

    /// `PUT /sandbox/members/{id}`: replaces that member, or adds it at the end of the
    /// roster (a new hire). Says whether it was added.
    pub(crate) fn put(
        &mut self,
        id: &str,
        member: Value,
        now: Timestamp,
    ) -> Result<(Value, bool), RosterError> {
        let Value::Object(mut object) = member else {
            return Err(RosterError::NotAnObject(0));
        };
        object.insert("id".into(), Value::String(id.to_string()));
        object
            .entry("updated_at")
            .or_insert_with(|| Value::String(rfc3339(now)));
        let member = Value::Object(object);
        let at = self.index.get(id).copied();
        self.store(at, &member);
        Ok((member, at.is_none()))
    }

    fn store(&mut self, at: Option<usize>, member: &Value) {
        let stored = StoredMember::from_value(member).expect("checked to be an object");
        match at {
            Some(at) => {
                let id_changed = self.members[at].id != stored.id;
                self.members[at] = stored;
                if id_changed {
                    self.reindex();
                }
            }
            None => {
                if let Some(id) = &stored.id {
                    self.index.entry(id.clone()).or_insert(self.members.len());
                }
                self.members.push(stored);
            }
        }
    }

    /// The full name of the one active member without a manager, if there is exactly one.
    pub(crate) fn org_head(&self) -> Option<String> {
        let mut tops = self.members.iter().filter(|m| m.top);
        let head = tops.next()?;
        if tops.next().is_some() {
            return None;
        }
        let value = head.to_value();
        let part = |key| value["name"][key].as_str().unwrap_or("").trim().to_string();
        let full = format!("{} {}", part("given_name"), part("family_name"));
        let full = full.trim();
        (!full.is_empty()).then(|| full.to_string())
    }
}

/// RFC 7386: objects merge key by key, `null` removes a key, anything else replaces.
pub(crate) fn merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(patch) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    let target = target.as_object_mut().expect("made an object above");
    for (key, value) in patch {
        if value.is_null() {
            target.remove(key);
        } else {
            merge_patch(target.entry(key.clone()).or_insert(Value::Null), value);
        }
    }
}

/// `2026-11-20T14:03:11Z`: UTC, whole seconds.
pub(crate) fn rfc3339(at: Timestamp) -> String {
    whole_seconds(at).to_string()
}

/// `at` with its fraction of a second dropped (towards the past, before 1970 too).
fn whole_seconds(at: Timestamp) -> Timestamp {
    at.round(
        TimestampRound::new()
            .smallest(Unit::Second)
            .mode(RoundMode::Floor),
    )
    .expect("flooring to a second stays in range")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_merge_patch_merges_nested_objects_and_null_removes_a_key() {
        let mut member = json!({
            "id": "m1", "job_title": "Engineer", "manager": {"id": "m0"},
            "name": {"given_name": "Ana", "family_name": "Souza", "preferred_name": "Aninha"},
            "emails": [{"address": "a@x.test"}], "x_custom": 1
        });
        merge_patch(
            &mut member,
            &json!({"job_title": "Staff Engineer", "name": {"preferred_name": null,
                    "given_name": "Anna"}, "emails": [], "office": {"id": "o1"}}),
        );
        assert_eq!(
            member,
            json!({
                "id": "m1", "job_title": "Staff Engineer", "manager": {"id": "m0"},
                "name": {"given_name": "Anna", "family_name": "Souza"},
                "emails": [], "x_custom": 1, "office": {"id": "o1"}
            })
        );
    }

    #[test]
    fn merge_patch_follows_the_rfc_7386_examples() {
        let cases = [
            (json!({"a": "b"}), json!({"a": "c"}), json!({"a": "c"})),
            (
                json!({"a": "b"}),
                json!({"b": "c"}),
                json!({"a": "b", "b": "c"}),
            ),
            (json!({"a": "b"}), json!({"a": null}), json!({})),
            (json!({"a": ["b"]}), json!({"a": "c"}), json!({"a": "c"})),
            (
                json!({"a": {"b": "c"}}),
                json!({"a": {"b": "d", "c": null}}),
                json!({"a": {"b": "d"}}),
            ),
            (
                json!({"a": [{"b": "c"}]}),
                json!({"a": [1]}),
                json!({"a": [1]}),
            ),
            (
                json!({"e": null}),
                json!({"a": 1}),
                json!({"e": null, "a": 1}),
            ),
            (
                json!([1, 2]),
                json!({"a": "b", "c": null}),
                json!({"a": "b"}),
            ),
            (
                json!({}),
                json!({"a": {"bb": {"ccc": null}}}),
                json!({"a": {"bb": {}}}),
            ),
        ];
        for (mut target, patch, expected) in cases {
            merge_patch(&mut target, &patch);
            assert_eq!(target, expected, "patch {patch}");
        }
    }

    fn roster() -> Roster {
        let mut roster = Roster::new(json!({"id": "c"}), Vec::new());
        let members = [
            json!({"id": "top", "active": true, "name": {"given_name": "Tó", "family_name": "Top"}}),
            json!({"id": "m2", "active": true, "manager": {"id": "top"}, "job_title": "COO"}),
        ];
        roster.replace(None, &members).unwrap();
        roster
    }

    #[test]
    fn patching_a_member_keeps_what_the_patch_does_not_name_and_bumps_updated_at() {
        let mut roster = roster();
        let now: Timestamp = "2026-11-20T14:03:11.5Z".parse().unwrap();
        let merged = roster
            .patch("m2", &json!({"job_title": "President"}), now)
            .unwrap();
        assert_eq!(merged["manager"], json!({"id": "top"}));
        assert_eq!(merged["updated_at"], "2026-11-20T14:03:11Z");
        assert_eq!(roster.members()[1].updated_at(), Some(whole_seconds(now)));
        assert_eq!(
            roster.patch("nobody", &json!({}), now),
            Err(RosterError::NotFound("nobody".into()))
        );
    }

    #[test]
    fn a_new_hire_can_be_added_at_the_end() {
        let mut roster = roster();
        let now = Timestamp::UNIX_EPOCH;
        let (member, added) = roster
            .put(
                "new",
                json!({"active": true, "manager": {"id": "top"}}),
                now,
            )
            .unwrap();
        assert!(added);
        assert_eq!(member["id"], "new");
        assert_eq!(roster.members().last().unwrap().id(), Some("new"));
        assert!(roster.patch("new", &json!({"active": false}), now).is_ok());
    }

    #[test]
    fn the_org_head_is_the_one_active_member_without_a_manager() {
        let mut roster = roster();
        assert_eq!(roster.org_head().as_deref(), Some("Tó Top"));
        let now = Timestamp::UNIX_EPOCH;
        roster.patch("m2", &json!({"manager": null}), now).unwrap();
        assert_eq!(roster.org_head(), None, "two tops: no single org head");
    }

    #[test]
    fn unknown_fields_survive_a_replace() {
        let mut roster = roster();
        let member = json!({"id": "x", "future_field": {"nested": [1, null]}, "active": null});
        roster.replace(None, std::slice::from_ref(&member)).unwrap();
        assert_eq!(roster.members()[0].to_value(), member);
        assert_eq!(
            roster.replace(None, &[json!(3)]),
            Err(RosterError::NotAnObject(0))
        );
    }
}
