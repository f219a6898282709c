//! One field's value apart from its row, as a conflict keeps Justworks' side of it: JSON
//! of what the field holds (a text, a date as "YYYY-MM-DD", a manager's job id, the
//! phones, the address, the pay), `None` for no value. The plan writes it; *Take
//! Justworks'* reads it back onto the row.

use crate::org::fields::{self, Holder};
use crate::org::model::{Address, Compensation, Date, Job, Person, Phone, UnknownValue};
use crate::org::store::{date_text, parse_date};

/// The field `key` of a person, as JSON (`None`: no value).
pub fn of_person(key: &str, p: &Person) -> Option<String> {
    match key {
        "name" => text(Some(&p.name)),
        "preferred_name" => text(p.preferred_name.as_ref()),
        "work_email" => text(p.work_email.as_ref()),
        "personal_email" => text(p.personal_email.as_ref()),
        "employment_type" => text(p.employment_type.as_ref()),
        "gender" => text(p.gender.as_ref()),
        "ethnicity" => text(p.ethnicity.as_ref()),
        "start_date" => date(p.start_date),
        "end_date" => date(p.end_date),
        "birthdate" => date(p.birthdate),
        "phones" => (!p.phones.is_empty()).then(|| json(&p.phones)),
        "home_address" => p.home_address.as_ref().map(json),
        _ => None,
    }
}

/// The field `key` of a seat, as JSON (the manager by its job id).
pub fn of_job(key: &str, j: &Job) -> Option<String> {
    match key {
        "title" => text(j.title.as_ref()),
        "department" => text(j.department.as_ref()),
        "location" => text(j.location.as_ref()),
        "manager" => text(j.manager_job_id.as_ref()),
        "compensation" => j.compensation.as_ref().map(json),
        _ => None,
    }
}

/// Writes a value read by [`of_person`] back onto a person. A value that does not fit
/// its field is an error, and nothing changes.
pub fn set_on_person(p: &mut Person, key: &str, value: Option<&str>) -> Result<(), UnknownValue> {
    let bad = || UnknownValue::new("field value", value.unwrap_or_default());
    match key {
        "name" => p.name = read_text(value, &bad)?.ok_or_else(bad)?,
        "preferred_name" => p.preferred_name = read_text(value, &bad)?,
        "work_email" => p.work_email = read_text(value, &bad)?,
        "personal_email" => p.personal_email = read_text(value, &bad)?,
        "employment_type" => p.employment_type = read_text(value, &bad)?,
        "gender" => p.gender = read_text(value, &bad)?,
        "ethnicity" => p.ethnicity = read_text(value, &bad)?,
        "start_date" => p.start_date = read_date(value, &bad)?,
        "end_date" => p.end_date = read_date(value, &bad)?,
        "birthdate" => p.birthdate = read_date(value, &bad)?,
        "phones" => {
            p.phones = match value {
                None => Vec::new(),
                Some(v) => serde_json::from_str::<Vec<Phone>>(v).map_err(|_| bad())?,
            }
        }
        "home_address" => {
            p.home_address = match value {
                None => None,
                Some(v) => Some(serde_json::from_str::<Address>(v).map_err(|_| bad())?),
            }
        }
        _ => return Err(UnknownValue::new("person field", key)),
    }
    Ok(())
}

/// Writes a value read by [`of_job`] back onto a seat.
pub fn set_on_job(j: &mut Job, key: &str, value: Option<&str>) -> Result<(), UnknownValue> {
    let bad = || UnknownValue::new("field value", value.unwrap_or_default());
    match key {
        "title" => j.title = read_text(value, &bad)?,
        "department" => j.department = read_text(value, &bad)?,
        "location" => j.location = read_text(value, &bad)?,
        "manager" => j.manager_job_id = read_text(value, &bad)?,
        "compensation" => {
            j.compensation = match value {
                None => None,
                Some(v) => Some(serde_json::from_str::<Compensation>(v).map_err(|_| bad())?),
            }
        }
        _ => return Err(UnknownValue::new("job field", key)),
    }
    Ok(())
}

/// Which row holds `key`.
pub fn holder(key: &str) -> Option<Holder> {
    fields::find(key).map(|f| f.holder)
}

fn text(s: Option<&String>) -> Option<String> {
    s.map(json)
}

fn date(d: Option<Date>) -> Option<String> {
    date_text(d).map(|d| json(&d))
}

fn json<T: serde::Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).expect("json")
}

fn read_text(
    value: Option<&str>,
    bad: &dyn Fn() -> UnknownValue,
) -> Result<Option<String>, UnknownValue> {
    value
        .map(|v| serde_json::from_str::<String>(v).map_err(|_| bad()))
        .transpose()
}

fn read_date(
    value: Option<&str>,
    bad: &dyn Fn() -> UnknownValue,
) -> Result<Option<Date>, UnknownValue> {
    match read_text(value, bad)? {
        None => Ok(None),
        Some(d) => parse_date(Some(&d)).map(Some).ok_or_else(bad),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::org::model::{JobStatus, Source};

    #[test]
    fn every_field_reads_back_onto_its_row() {
        let mut p = Person::new_by_hand("p".into(), "Ada Lovelace".into());
        p.work_email = Some("ada@example.com".into());
        p.birthdate = parse_date(Some("1990-12-10"));
        p.phones = vec![Phone {
            number: "+1 212 555 0101".into(),
            kind: Some("mobile".into()),
        }];
        let mut j = Job::new_by_hand("j".into(), JobStatus::Filled);
        j.title = Some("Analyst".into());
        j.manager_job_id = Some("m".into());
        j.compensation = Some(Compensation {
            amount_minor: 18_500_000,
            currency: "USD".into(),
            basis: Some("salary".into()),
            frequency: None,
        });
        for f in fields::FIELDS {
            let mut p2 = Person::new_by_hand("p".into(), "Someone".into());
            let mut j2 = Job::new_by_hand("j".into(), JobStatus::Filled);
            match f.holder {
                Holder::Person => {
                    let v = of_person(f.key, &p);
                    set_on_person(&mut p2, f.key, v.as_deref()).unwrap();
                    assert_eq!(of_person(f.key, &p2), v, "{}", f.key);
                }
                Holder::Job => {
                    let v = of_job(f.key, &j);
                    set_on_job(&mut j2, f.key, v.as_deref()).unwrap();
                    assert_eq!(of_job(f.key, &j2), v, "{}", f.key);
                }
            }
        }
        assert_eq!(p.source, Source::Manual);
        assert!(set_on_person(&mut p, "birthdate", Some("\"tomorrow\"")).is_err());
        assert!(set_on_job(&mut j, "compensation", Some("12")).is_err());
    }
}
