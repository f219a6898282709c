//! How source values are stored and shown: empty never wipes, remote locations,
//! departments named by id, employment types, money, phones and addresses, a new hire's
//! values.

use super::support::*;
use crate::org::change::ChangeKind;
use crate::org::model::{Address, Compensation, Org, Phone};
use crate::org::roster::{EmploymentType, LocationType, PayBasis, PersonName, RosterMember};
use crate::sync::options::MissingLocation;

#[test]
fn an_empty_source_value_never_wipes() {
    let org = synced(vec![ceo(), ana()]);
    let blank = RosterMember {
        work_id: None,
        name: PersonName {
            given: Some("Ana".to_owned()),
            family: Some("Souza".to_owned()),
            preferred: Some("   ".to_owned()),
            ..PersonName::default()
        },
        employment_type: None,
        location_type: None,
        job_title: Some(String::new()),
        department: None,
        office: None,
        start_date: None,
        emails: Vec::new(),
        phones: Vec::new(),
        addresses: Vec::new(),
        date_of_birth: None,
        gender: None,
        eeo1_race: None,
        pay: None,
        pay_frequency: None,
        ..ana()
    };
    let (plan, after) = sync(&org, &roster(vec![ceo(), blank]), &options());
    assert!(plan.is_empty(), "{:#?}", plan.history);
    assert_eq!(plan.counts.unchanged, 2);
    assert_eq!(person(&after, "m1"), person(&org, "m1"));
    assert_eq!(seat(&after, "m1"), seat(&org, "m1"));
}

#[test]
fn a_pay_without_a_frequency_keeps_the_stored_frequency() {
    let org = synced(vec![ceo(), ana()]);
    let raise = RosterMember {
        pay: Some(crate::org::roster::RosterPay {
            basis: None,
            ..salary(20_000_000, "USD")
        }),
        pay_frequency: None,
        ..ana()
    };
    let (_, after) = sync(&org, &roster(vec![ceo(), raise]), &options());
    assert_eq!(
        seat(&after, "m1").compensation,
        Some(Compensation {
            amount_minor: 20_000_000,
            currency: "USD".to_owned(),
            basis: Some("salary".to_owned()),
            frequency: Some("semimonthly".to_owned()),
        })
    );
}

fn remote(office: Option<&str>) -> RosterMember {
    RosterMember {
        location_type: Some(LocationType::Remote),
        office: office.map(|id| reference(id, None)),
        ..report("m1", "Ana", "m0")
    }
}

#[test]
fn remote_without_office_is_remote() {
    let (_, after) = sync(
        &Org::default(),
        &roster(vec![ceo(), remote(None)]),
        &options(),
    );
    assert_eq!(seat(&after, "m1").location.as_deref(), Some("Remote"));
    // An office, found by id alone, wins over remote.
    let (_, after) = sync(
        &Org::default(),
        &roster(vec![ceo(), remote(Some("off_1"))]),
        &options(),
    );
    assert_eq!(seat(&after, "m1").location.as_deref(), Some("New York HQ"));
}

#[test]
fn remote_without_office_is_left_blank_with_the_blank_option() {
    let mut opts = options();
    opts.missing_location = MissingLocation::Blank;
    let (_, after) = sync(&Org::default(), &roster(vec![ceo(), remote(None)]), &opts);
    assert_eq!(seat(&after, "m1").location, None);
}

#[test]
fn a_move_to_remote_is_a_change_of_location() {
    // (the missing location option, the location after the move)
    let cases = [
        (MissingLocation::Remote, Some("Remote")),
        (MissingLocation::Blank, None),
    ];
    for (option, moved_to) in cases {
        let mut opts = options();
        opts.missing_location = option;
        let org = sync(&Org::default(), &roster(vec![ceo(), ana()]), &opts).1;
        assert_eq!(seat(&org, "m1").location.as_deref(), Some("New York HQ"));
        let moved = RosterMember {
            location_type: Some(LocationType::Remote),
            office: None,
            ..ana()
        };
        let (plan, after) = sync(&org, &roster(vec![ceo(), moved]), &opts);
        assert_eq!(
            seat(&after, "m1").location.as_deref(),
            moved_to,
            "{option:?}"
        );
        let location = rows(&plan, "location");
        assert_eq!(location.len(), 1, "{option:?}");
        assert_eq!(location[0].kind, ChangeKind::GroupChange);
        assert_eq!(location[0].old.as_deref(), Some("New York HQ"));
        assert_eq!(location[0].new.as_deref(), moved_to);
    }
    // An office absent while not remote is unknown: the stored one stays.
    let org = synced(vec![ceo(), ana()]);
    let unknown = RosterMember {
        location_type: None,
        office: None,
        ..ana()
    };
    let (plan, _) = sync(&org, &roster(vec![ceo(), unknown]), &options());
    assert!(plan.is_empty(), "{:#?}", plan.history);
}

#[test]
fn departments_named_only_by_id_are_looked_up_in_the_company() {
    let by_id = RosterMember {
        department: Some(reference("dep_2", None)),
        ..report("m1", "Ana", "m0")
    };
    let (_, after) = sync(&Org::default(), &roster(vec![ceo(), by_id]), &options());
    assert_eq!(seat(&after, "m1").department.as_deref(), Some("Sales"));
}

#[test]
fn employment_types_map_to_full_time_or_contractor() {
    let cases = [
        (EmploymentType::Employee, "Full-time"),
        (EmploymentType::InternationalEmployee, "Full-time"),
        (EmploymentType::EmployeeEor, "Full-time"),
        (EmploymentType::Contractor, "Contractor"),
        (EmploymentType::Other("Intern".to_owned()), "Intern"),
    ];
    for (kind, expected) in cases {
        let m = RosterMember {
            employment_type: Some(kind),
            ..report("m1", "Ana", "m0")
        };
        let (_, after) = sync(&Org::default(), &roster(vec![ceo(), m]), &options());
        assert_eq!(
            person(&after, "m1").employment_type.as_deref(),
            Some(expected)
        );
    }
}

#[test]
fn money_shows_the_currency_s_minor_digits() {
    let cases = [
        (
            18_500_000,
            "USD",
            Some(PayBasis::Salary),
            Some("semimonthly"),
            "185,000.00 USD (salary, semimonthly)",
        ),
        (
            4_500,
            "USD",
            Some(PayBasis::Hourly),
            None,
            "45.00 USD (hourly)",
        ),
        (5_000_000, "JPY", None, None, "5,000,000 JPY"),
        (
            1_234_567,
            "KWD",
            None,
            Some("monthly"),
            "1,234.567 KWD (monthly)",
        ),
        (
            5,
            "EUR",
            Some(PayBasis::Other("stipend".to_owned())),
            None,
            "0.05 EUR (stipend)",
        ),
    ];
    let unpaid = synced(vec![ceo(), report("m1", "Ana", "m0")]);
    for (amount, currency, basis, frequency, shown) in cases {
        let m = RosterMember {
            pay: Some(crate::org::roster::RosterPay {
                basis,
                ..salary(amount, currency)
            }),
            pay_frequency: frequency.map(str::to_owned),
            ..report("m1", "Ana", "m0")
        };
        let (plan, _) = sync(&unpaid, &roster(vec![ceo(), m]), &options());
        let pay = rows(&plan, "compensation");
        assert_eq!(
            (pay[0].old.as_deref(), pay[0].new.as_deref()),
            (None, Some(shown))
        );
    }
}

#[test]
fn phones_and_addresses_are_stored_as_the_model_has_them() {
    let (_, after) = sync(&Org::default(), &roster(vec![ceo(), ana()]), &options());
    let ana = person(&after, "m1");
    assert_eq!(
        ana.phones,
        vec![Phone {
            number: "+1 212 555 0101".to_owned(),
            kind: Some("mobile".to_owned())
        }]
    );
    assert_eq!(
        ana.home_address,
        Some(Address {
            line1: Some("1 Main St".to_owned()),
            city: Some("Brooklyn".to_owned()),
            ..Address::default()
        })
    );
    assert_eq!(ana.preferred_name.as_deref(), Some("Aninha"));
    assert_eq!(ana.work_id.as_deref(), Some("E1"));
}

#[test]
fn a_new_hire_gets_every_value_and_later_warnings_still_name_them() {
    // The plan moves a member's values into their new rows; names, ids and managers stay
    // with the member, since the tree's warnings (made after seating) read them.
    let ana = RosterMember {
        manager_id: Some("m2".to_owned()),
        ..ana()
    };
    let bo_gone = RosterMember {
        active: false,
        ..bo()
    };
    let (plan, after) = sync(
        &Org::default(),
        &roster(vec![ceo(), bo_gone, ana]),
        &options(),
    );
    let person = person(&after, "m1");
    assert_eq!(
        (
            person.name.as_str(),
            person.given_name.as_deref(),
            person.family_name.as_deref(),
        ),
        ("Ana Souza", Some("Ana"), Some("Souza"))
    );
    assert_eq!(person.work_email.as_deref(), Some("ana@acme.test"));
    assert_eq!(person.personal_email.as_deref(), Some("ana@home.test"));
    assert_eq!(person.phones[0].kind.as_deref(), Some("mobile"));
    assert_eq!(
        person.home_address.as_ref().and_then(|a| a.city.as_deref()),
        Some("Brooklyn")
    );
    assert_eq!(person.gender.as_deref(), Some("Woman"));
    assert_eq!(person.ethnicity.as_deref(), Some("Hispanic or Latino"));
    let job = seat(&after, "m1");
    assert_eq!(
        (
            job.title.as_deref(),
            job.department.as_deref(),
            job.location.as_deref(),
        ),
        (Some("Engineer"), Some("Engineering"), Some("New York HQ"))
    );
    assert_eq!(
        job.compensation,
        Some(Compensation {
            amount_minor: 18_500_000,
            currency: "USD".to_owned(),
            basis: Some("salary".to_owned()),
            frequency: Some("semimonthly".to_owned()),
        })
    );
    assert!(
        warned(
            &plan,
            "Ana Souza (m1) now reports to the org head Grace Hopper (m0): their manager \
             Bo Report (m2) has left"
        ),
        "{:?}",
        plan.warnings
    );
}
