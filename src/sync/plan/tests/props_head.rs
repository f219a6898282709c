//! Property: for any org head name of a generated Unicode roster — Greek with final
//! sigma, German ß, Turkish dotted and dotless i, Cyrillic, CJK, Hangul, Vietnamese and
//! other stacked accents — written in any case, in either normal form (NFC or NFD) and
//! with any whitespace, the org head is found.

use proptest::prelude::*;
use proptest::test_runner::Config;
use unicode_normalization::UnicodeNormalization;

use super::support::*;
use crate::org::model::Org;
use crate::org::roster::{PersonName, RosterMember};

/// People whose names no other entry shares, compared as names are: (given, family,
/// preferred, full preferred).
const PEOPLE: &[(&str, &str, Option<&str>, Option<&str>)] = &[
    ("Ὀδυσσεύς", "Λαερτιάδης", Some("Δυσσέας"), None),
    (
        "Σίσυφος",
        "Αιολίδης",
        None,
        Some("ΣΊΣΥΦΟΣ ΑΙΟΛΊΔΗΣ ΤΗΣ ΚΟΡΊΝΘΟΥ"),
    ),
    ("Jürgen", "Weiß", Some("Jürg"), Some("Jürg Weiß")),
    ("Anneliese", "Groß", Some("Liese"), None),
    ("Işık", "Yılmaz", None, None),
    ("İlker", "Şahin", None, Some("İlker Ş.")),
    ("Юлия", "Ёлкина", Some("Юля"), None),
    ("太郎", "山田", None, Some("山田 太郎")),
    ("민준", "김", None, Some("김민준")),
    ("Nguyễn", "Thị Minh Khai", None, None),
    ("José", "Núñez", Some("Pepe"), Some("Pepe Núñez")),
    ("Zoë", "Ångström", None, None),
];

/// Whitespace a person may type between words (or around them).
const SPACES: &[&str] = &[" ", "  ", "\t", "\u{a0}", "\u{3000}", " \n "];

fn named(
    id: &str,
    (given, family, preferred, full_preferred): (&str, &str, Option<&str>, Option<&str>),
) -> RosterMember {
    RosterMember {
        name: PersonName {
            given: Some(given.to_owned()),
            family: Some(family.to_owned()),
            preferred: preferred.map(str::to_owned),
            full_preferred: full_preferred.map(str::to_owned),
            additional: Vec::new(),
        },
        manager_id: (id != "m0").then(|| "m0".to_owned()),
        ..member(id, given, family)
    }
}

/// One character in another case: as it is, lower or upper. Not the dotless ı upper:
/// its capital is I, the capital of i too, and ı is kept a letter of its own.
fn recase(c: char, how: u8) -> String {
    match how % 3 {
        1 => c.to_lowercase().collect(),
        2 if c != 'ı' => c.to_uppercase().collect(),
        _ => c.to_string(),
    }
}

#[derive(Debug, Clone)]
struct Case {
    head: usize,
    /// 0: full name, 1: preferred, 2: full preferred (when the head has one).
    form: usize,
    others: Vec<(usize, bool)>,
    cases: Vec<u8>,
    decomposed: bool,
    spaces: Vec<usize>,
}

fn case() -> impl Strategy<Value = Case> {
    (
        0..PEOPLE.len(),
        0..3usize,
        prop::collection::vec((0..PEOPLE.len(), prop::bool::weighted(0.8)), 0..20),
        prop::collection::vec(any::<u8>(), 1..80),
        any::<bool>(),
        prop::collection::vec(0..SPACES.len(), 2..12),
    )
        .prop_map(|(head, form, others, cases, decomposed, spaces)| Case {
            head,
            form,
            others,
            cases,
            decomposed,
            spaces,
        })
}

/// The head's name in the chosen form, recased, renormalised and re-spaced.
fn written(case: &Case) -> String {
    let (given, family, preferred, full_preferred) = PEOPLE[case.head];
    let full = format!("{given} {family}");
    let name = match case.form {
        1 => preferred.map(str::to_owned),
        2 => full_preferred.map(str::to_owned),
        _ => None,
    }
    .unwrap_or(full);
    let recased: String = name
        .chars()
        .zip(case.cases.iter().cycle())
        .map(|(c, &how)| recase(c, how))
        .collect();
    let normal: String = if case.decomposed {
        recased.nfd().collect()
    } else {
        recased.nfc().collect()
    };
    let mut spaces = case.spaces.iter().cycle().map(|&s| SPACES[s]);
    let mut out = spaces.next().unwrap_or_default().to_owned();
    for word in normal.split_whitespace() {
        out.push_str(word);
        out.push_str(spaces.next().unwrap_or(" "));
    }
    out
}

proptest! {
    #![proptest_config(Config { cases: 256, failure_persistence: None, ..Config::default() })]

    #[test]
    fn the_org_head_is_found_in_any_case_normal_form_and_spacing(case in case()) {
        let mut members = vec![named("m0", PEOPLE[case.head])];
        for (n, &(who, active)) in case.others.iter().enumerate() {
            if who == case.head {
                continue;
            }
            members.push(RosterMember {
                active,
                ..named(&format!("m{}", n + 1), PEOPLE[who])
            });
        }
        let mut opts = options();
        opts.org_head = written(&case);
        let result = try_plan(&Org::default(), &roster(members), &opts);
        prop_assert!(result.is_ok(), "{:?}: {:?}", opts.org_head, result);
        let mut after = Org::default();
        result.unwrap().apply_to(&mut after);
        prop_assert_eq!(&seat(&after, "m0").manager_job_id, &None, "{:?}", opts.org_head);
    }
}
