//! The generated company as a whole: its shape, its tree, its mix of people, and that
//! the same seed and size always give the same company.

use std::collections::{HashMap, HashSet};

use jiff::civil::{Date, date};
use serde_json::Value;

use crate::sandbox::generate::{Generated, generate};

const TODAY: Date = date(2026, 11, 26);

fn members_of(generated: &Generated) -> Vec<Value> {
    generated.members.iter().map(|m| m.to_value()).collect()
}

fn company(seed: u64, size: usize) -> (Generated, Vec<Value>) {
    let generated = generate(seed, size, TODAY);
    let members = members_of(&generated);
    (generated, members)
}

#[test]
fn the_same_seed_and_size_give_the_very_same_company() {
    let (a, _) = company(42, 300);
    let (b, _) = company(42, 300);
    let json = |g: &Generated| {
        g.members
            .iter()
            .map(|m| m.json().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(json(&a), json(&b));
    assert_eq!(a.company.to_json(), b.company.to_json());
    assert_eq!(a.credentials.password, b.credentials.password);
    assert_eq!(a.credentials.totp_key, b.credentials.totp_key);
}

#[test]
fn a_different_seed_gives_a_different_company_and_credentials() {
    let (a, a_members) = company(1, 300);
    let (b, b_members) = company(2, 300);
    assert_ne!(a_members, b_members);
    assert_ne!(a.credentials.password, b.credentials.password);
    assert_ne!(a.credentials.totp_key, b.credentials.totp_key);
}

#[test]
fn credentials_depend_on_the_seed_alone() {
    let (small, _) = company(9, 30);
    let (large, _) = company(9, 3_000);
    assert_eq!(small.credentials.username, large.credentials.username);
    assert_eq!(small.credentials.password, large.credentials.password);
    assert_eq!(small.credentials.totp_key, large.credentials.totp_key);
    assert!(small.credentials.username.starts_with("orgsync.service@"));
}

#[test]
fn exactly_one_active_member_has_no_manager_and_it_is_the_ceo() {
    for size in [1, 5, 20, 250, 1_000] {
        let (_, members) = company(3, size);
        let tops: Vec<&Value> = members
            .iter()
            .filter(|m| m["active"] == true && m.get("manager").is_none())
            .collect();
        assert_eq!(tops.len(), 1, "{size} members");
        assert_eq!(tops[0]["job_title"], "Chief Executive Officer");
    }
}

#[test]
fn every_manager_exists_and_active_members_report_to_active_managers() {
    let (_, members) = company(4, 1_000);
    let by_id: HashMap<&str, &Value> = members
        .iter()
        .map(|m| (m["id"].as_str().unwrap(), m))
        .collect();
    for member in &members {
        if let Some(manager) = member.get("manager") {
            let manager = by_id[manager["id"].as_str().unwrap()];
            assert_eq!(
                manager["active"], true,
                "{} reports to a departed member",
                member["id"]
            );
        }
    }
}

#[test]
fn managers_of_a_thousand_people_company_have_three_to_ten_active_reports() {
    let (_, members) = company(5, 1_000);
    let mut reports: HashMap<&str, usize> = HashMap::new();
    for member in members.iter().filter(|m| m["active"] == true) {
        if let Some(manager) = member.get("manager") {
            *reports.entry(manager["id"].as_str().unwrap()).or_default() += 1;
        }
    }
    assert!(reports.len() > 100);
    for (manager, count) in reports {
        assert!((3..=10).contains(&count), "{manager} has {count} reports");
    }
}

#[test]
fn about_five_percent_are_contractors_and_five_percent_have_left() {
    let (_, members) = company(6, 2_000);
    let share =
        |f: &dyn Fn(&Value) -> bool| members.iter().filter(|m| f(m)).count() as f64 / 2_000.0;
    let contractors = share(&|m| m["type"] == "contractor");
    let departed = share(&|m| m["active"] == false);
    assert!(
        (0.03..0.08).contains(&contractors),
        "contractors {contractors}"
    );
    assert!((0.04..0.06).contains(&departed), "departed {departed}");
}

#[test]
fn departures_are_dated_in_the_past_and_a_few_are_scheduled() {
    let (_, members) = company(7, 1_000);
    let today = TODAY.to_string();
    let mut scheduled = 0;
    for member in &members {
        let end = member
            .get("employment_termination_date")
            .and_then(Value::as_str);
        let start = member["employment_start_date"].as_str().unwrap();
        match (member["active"].as_bool().unwrap(), end) {
            (false, Some(end)) => assert!(start < end && end <= today.as_str(), "{member}"),
            (false, None) => panic!("a departed member without a date: {member}"),
            (true, Some(end)) => {
                assert!(end > today.as_str(), "{member}");
                scheduled += 1;
            }
            (true, None) => {}
        }
    }
    assert!(
        (1..=20).contains(&scheduled),
        "{scheduled} scheduled departures"
    );
}

#[test]
fn ids_work_ids_and_work_emails_are_unique() {
    let (generated, members) = company(8, 5_000);
    let unique = |key: &dyn Fn(&Value) -> Option<String>| {
        let values: Vec<String> = members.iter().filter_map(key).collect();
        values.len() == values.iter().collect::<HashSet<_>>().len()
    };
    assert!(unique(&|m| Some(m["id"].as_str()?.to_string())));
    assert!(unique(&|m| Some(m.get("work_id")?.as_str()?.to_string())));
    let work_email = |m: &Value| {
        m["emails"]
            .as_array()?
            .iter()
            .find(|e| e["type"] == "work")
            .map(|e| e["address"].as_str().unwrap().to_lowercase())
    };
    assert!(unique(&work_email));
    for member in &members {
        let email = work_email(member).expect("everyone has a work email");
        assert!(
            email.is_ascii() && email.ends_with(&format!("@{}", generated.company.domain)),
            "{email}"
        );
    }
}

/// Every null, at any depth.
fn nulls(value: &Value, path: &str, out: &mut Vec<String>) {
    match value {
        Value::Null => out.push(path.to_string()),
        Value::Object(map) => map
            .iter()
            .for_each(|(k, v)| nulls(v, &format!("{path}.{k}"), out)),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .for_each(|(i, v)| nulls(v, &format!("{path}[{i}]"), out)),
        _ => {}
    }
}

#[test]
fn members_have_the_documented_shape_with_no_nulls() {
    let (generated, members) = company(10, 1_500);
    let company = generated.company.to_json();
    let departments: HashSet<&str> = company["departments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap())
        .collect();
    let offices: HashSet<&str> = company["offices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap())
        .collect();
    let is_date = |v: &Value| {
        v.as_str()
            .is_some_and(|s| s.len() == "YYYY-MM-DD".len() && s.parse::<Date>().is_ok())
    };
    for m in &members {
        let mut found = Vec::new();
        nulls(m, "", &mut found);
        assert!(found.is_empty(), "nulls at {found:?}");
        assert!(m["id"].as_str().unwrap().starts_with("mem_"));
        assert_eq!(m["company_id"], company["id"]);
        for key in ["emails", "phones", "addresses"] {
            assert!(m[key].is_array(), "{key}");
        }
        assert!(
            [
                "employee",
                "contractor",
                "international_employee",
                "employee_eor"
            ]
            .contains(&m["type"].as_str().unwrap())
        );
        match m["employment_location_type"].as_str().unwrap() {
            "office" => assert!(offices.contains(m["office"]["id"].as_str().unwrap())),
            "remote" => assert!(m.get("office").is_none()),
            other => panic!("location type {other}"),
        }
        assert!(departments.contains(m["department"]["id"].as_str().unwrap()));
        assert!(!m["job_title"].as_str().unwrap().is_empty());
        assert!(is_date(&m["employment_start_date"]) && is_date(&m["date_of_birth"]));
        let pay = &m["current_pay"];
        assert!(
            pay["amount"].is_u64() && pay["amount"].as_u64().unwrap() > 0,
            "{pay}"
        );
        assert!(["salary", "hourly"].contains(&pay["pay_basis"].as_str().unwrap()));
        assert!(is_date(&pay["effective_date"]));
        let updated = m["updated_at"].as_str().unwrap();
        assert!(updated.ends_with('Z') && updated.parse::<jiff::Timestamp>().is_ok());
        assert!(m["name"]["additional_names"].is_array());
    }
}

#[test]
fn a_grown_company_has_remote_people_hourly_pay_and_other_currencies() {
    let (_, members) = company(11, 2_000);
    let count = |f: &dyn Fn(&Value) -> bool| members.iter().filter(|m| f(m)).count();
    assert!(count(&|m| m["employment_location_type"] == "remote") > 200);
    assert!(count(&|m| m["current_pay"]["pay_basis"] == "hourly") > 50);
    let currencies: HashSet<&str> = members
        .iter()
        .map(|m| m["current_pay"]["currency"].as_str().unwrap())
        .collect();
    assert!(
        currencies.contains("USD") && currencies.len() >= 3,
        "{currencies:?}"
    );
    assert!(count(&|m| m["type"] == "international_employee") > 0);
    assert!(count(&|m| m["type"] == "employee_eor") > 0);
    let titles: HashSet<&str> = members
        .iter()
        .map(|m| m["job_title"].as_str().unwrap())
        .collect();
    for title in [
        "Chief Executive Officer",
        "VP of Engineering",
        "Engineering Manager",
        "Senior Software Engineer",
    ] {
        assert!(titles.contains(title), "{title}");
    }
}

#[test]
fn an_empty_company_and_a_tiny_one_are_served_too() {
    let (_, none) = company(1, 0);
    assert!(none.is_empty());
    let (_, two) = company(1, 2);
    assert_eq!(two.len(), 2);
}

#[test]
fn the_credentials_for_a_seed_never_change() {
    // People paste these into orgsync: a change would break every saved configuration
    // of the embedded sandbox (seed 1 is its default).
    let (generated, _) = company(1, 250);
    let credentials = &generated.credentials;
    assert_eq!(credentials.username, "orgsync.service@tidewaterenergy.test");
    assert_eq!(credentials.password, "QfXnM-68M2u-3DXt3-WPaKP");
    let seed = data_encoding::BASE32_NOPAD.encode(&credentials.totp_key);
    assert_eq!(seed, "4JFA7UDLILXAAOSBNKCAP5AD5GZEC4R3");
}

#[test]
fn nobody_else_answers_to_the_ceos_name_even_in_a_large_company() {
    // Seed 42 at this size drew other members with the CEO's common name before the
    // generator re-drew them; *Name Org Head* must find exactly one member.
    let (generated, members) = company(42, 40_000);
    let top = members
        .iter()
        .find(|m| m["active"] == true && m.get("manager").is_none())
        .expect("a CEO");
    let full = |m: &Value| {
        format!(
            "{} {}",
            m["name"]["given_name"].as_str().unwrap_or(""),
            m["name"]["family_name"].as_str().unwrap_or("")
        )
        .to_lowercase()
    };
    let ceo = full(top);
    let namesakes = members.iter().filter(|m| full(m) == ceo).count();
    assert_eq!(namesakes, 1, "{ceo} is shared");
    assert_eq!(generated.members.len(), 40_000);
}
