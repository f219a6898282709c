//! Sandbox members: the roster's shape (ids, managers, terminations) and the cast of
//! members a test changes.

use serde_json::{Value, json};
use std::collections::HashSet;

pub(crate) fn today() -> jiff::civil::Date {
    jiff::tz::TimeZone::UTC
        .to_datetime(jiff::Timestamp::now())
        .date()
}

pub(crate) fn id(member: &Value) -> &str {
    member["id"].as_str().expect("a member id")
}

pub(crate) fn manager_id(member: &Value) -> Option<&str> {
    member["manager"]["id"].as_str()
}

pub(crate) fn termination(member: &Value) -> Option<&str> {
    member["employment_termination_date"].as_str()
}

/// Active and not (yet) terminated: in the tree after a sync.
pub(crate) fn is_live(member: &Value) -> bool {
    member["active"].as_bool() == Some(true)
        && termination(member).is_none_or(|d| d > today().to_string().as_str())
}

/// Live members, not the org head, nobody's manager, with no termination date at all:
/// changing one touches nobody else.
pub(crate) fn quiet_leaves(members: &[Value]) -> Vec<&Value> {
    let managers: HashSet<&str> = members
        .iter()
        .filter(|m| is_live(m))
        .filter_map(manager_id)
        .collect();
    members
        .iter()
        .filter(|m| is_live(m) && termination(m).is_none())
        .filter(|m| manager_id(m).is_some() && !managers.contains(id(m)))
        .collect()
}

pub(crate) fn org_head(members: &[Value]) -> &Value {
    let heads: Vec<&Value> = members
        .iter()
        .filter(|m| is_live(m) && manager_id(m).is_none())
        .collect();
    assert_eq!(heads.len(), 1, "the sandbox has one top: {heads:?}");
    heads[0]
}

/// The members the second-sync test changes, each change touching nobody else.
pub(crate) struct Cast<'m> {
    pub(crate) head: &'m Value,
    /// Gets a new title.
    pub(crate) promoted: &'m Value,
    /// Moves to `new_manager`.
    pub(crate) moved: &'m Value,
    pub(crate) new_manager: &'m Value,
    /// Is terminated.
    pub(crate) leaver: &'m Value,
    /// Departed before the first sync; comes back.
    pub(crate) returning: &'m Value,
    /// Gets a raise.
    pub(crate) raised: &'m Value,
}

impl<'m> Cast<'m> {
    pub(crate) fn of(members: &'m [Value]) -> Self {
        let head = org_head(members);
        let leaves = quiet_leaves(members);
        let (promoted, moved, leaver) = (leaves[0], leaves[1], leaves[2]);
        let raised = leaves[3..]
            .iter()
            .copied()
            .find(|m| m["current_pay"]["amount"].is_i64())
            .expect("a paid member");
        let taken = [head, promoted, moved, leaver, raised].map(id);
        let new_manager = members
            .iter()
            .find(|m| {
                is_live(m)
                    && termination(m).is_none()
                    && !taken.contains(&id(m))
                    && Some(id(m)) != manager_id(moved)
            })
            .expect("someone to report to");
        let today = today().to_string();
        let returning = members
            .iter()
            .find(|m| {
                m["active"] == json!(false) && termination(m).is_some_and(|d| d < today.as_str())
            })
            .expect("a departed member in the generated company");
        Cast {
            head,
            promoted,
            moved,
            new_manager,
            leaver,
            returning,
            raised,
        }
    }
}

/// A whole member as Justworks lists a new hire starting today, reporting to `head`.
pub(crate) fn new_hire(id: &str, head: &Value) -> Value {
    let today = today().to_string();
    json!({
        "id": id,
        "company_id": head["company_id"],
        "active": true,
        "work_id": "E9901",
        "name": {"given_name": "Zoë", "family_name": "Þórsdóttir", "additional_names": []},
        "type": "employee",
        "employment_location_type": "office",
        "job_title": "Support Engineer",
        "department": head["department"],
        "office": head["office"],
        "manager": {"id": head["id"]},
        "employment_start_date": today,
        "emails": [{"address": "zoe.new@acme-e2e.test", "type": "work", "primary": true}],
        "phones": [],
        "addresses": [],
        "date_of_birth": "1994-02-03",
        "current_pay": {"amount": 9_100_000, "currency": "USD", "pay_basis": "salary",
                        "effective_date": today},
        "current_pay_frequency": "semimonthly",
        "updated_at": "2030-01-01T00:00:00Z"
    })
}
