//! What replacing the whole roster (`PUT /sandbox/members`) changes, member by member:
//! a member that is new or differs from the one it replaces gets `updated_at` = now and
//! an event; one that is the same keeps its `updated_at` and says nothing. A member given
//! with its own `updated_at` keeps that one (tests set it on purpose).

use jiff::Timestamp;
use serde_json::Value;

use super::roster::{Roster, rfc3339};
use super::webhook::{EventType, MemberEvent};

/// Stamps `updated_at` on the incoming `members` against the `current` roster, and
/// returns the events the replacement makes.
pub(crate) fn stamp_replacement(
    current: &Roster,
    members: &mut [Value],
    now: Timestamp,
) -> Vec<MemberEvent> {
    let mut events = Vec::new();
    for member in members {
        let Value::Object(object) = member else {
            continue;
        };
        let id = object.get("id").and_then(Value::as_str).map(str::to_string);
        let previous = id
            .as_deref()
            .and_then(|id| current.get(id))
            .map(|m| m.to_value());
        let given = object.contains_key("updated_at");
        let kind = match &previous {
            Some(previous) if same_but_updated_at(previous, object) => {
                if let (false, Some(at)) = (given, previous.get("updated_at")) {
                    object.insert("updated_at".into(), at.clone());
                }
                continue;
            }
            Some(_) => EventType::Updated,
            None => EventType::Created,
        };
        if !given {
            object.insert("updated_at".into(), Value::String(rfc3339(now)));
        }
        if let Some(member_id) = id {
            events.push(MemberEvent { kind, member_id });
        }
    }
    events
}

fn same_but_updated_at(previous: &Value, incoming: &serde_json::Map<String, Value>) -> bool {
    let Value::Object(previous) = previous else {
        return false;
    };
    let without = |object: &serde_json::Map<String, Value>| {
        object
            .iter()
            .filter(|(k, _)| k.as_str() != "updated_at")
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect::<serde_json::Map<_, _>>()
    };
    without(previous) == without(incoming)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_replacement_moves_updated_at_of_changed_and_new_members_only() {
        let mut roster = Roster::new(json!({}), Vec::new());
        let earlier: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
        let mut first = vec![
            json!({"id": "same", "job_title": "CEO"}),
            json!({"id": "changed", "job_title": "COO"}),
        ];
        stamp_replacement(&roster, &mut first, earlier);
        roster.replace(None, &first).unwrap();

        let now: Timestamp = "2026-02-01T00:00:00Z".parse().unwrap();
        let mut second = vec![
            json!({"id": "same", "job_title": "CEO"}),
            json!({"id": "changed", "job_title": "President"}),
            json!({"id": "new"}),
            json!({"id": "dated", "updated_at": "2025-05-05T05:05:05Z"}),
        ];
        let events = stamp_replacement(&roster, &mut second, now);
        let at = |i: usize| second[i]["updated_at"].as_str().unwrap().to_string();
        assert_eq!(at(0), "2026-01-01T00:00:00Z", "unchanged: kept");
        assert_eq!(at(1), "2026-02-01T00:00:00Z");
        assert_eq!(at(2), "2026-02-01T00:00:00Z");
        assert_eq!(at(3), "2025-05-05T05:05:05Z", "given: kept");
        let named: Vec<_> = events
            .iter()
            .map(|e| (e.kind, e.member_id.as_str()))
            .collect();
        assert_eq!(
            named,
            [
                (EventType::Updated, "changed"),
                (EventType::Created, "new"),
                (EventType::Created, "dated"),
            ]
        );
    }
}
