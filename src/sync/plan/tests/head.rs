//! Names as the plan compares them (one function: `names::folded`), and the org head:
//! found by full, preferred or full-preferred name only, in any case and normal form;
//! none or several fail naming the closest names.

use super::support::*;
use crate::org::change::PlanError;
use crate::org::model::Org;
use crate::org::roster::{PersonName, RosterMember};
use crate::sync::options::SyncOptions;
use crate::sync::plan::names::{name_key, words_are};

fn head_named(name: &str) -> SyncOptions {
    let mut opts = options();
    opts.org_head = name.to_owned();
    opts
}

/// Two ways of writing a name, and whether they are the same name.
const SAME_OR_NOT: &[(&str, &str, bool)] = &[
    // Greek: final ς, σ and Σ all fold to σ.
    ("Ὀδυσσεύς", "ὈΔΥΣΣΕΎΣ", true),
    ("Νίκος Παπαδόπουλος", "ΝΊΚΟΣ ΠΑΠΑΔΌΠΟΥΛΟΣ", true),
    ("Αλέξης Τσίπρας", "αλέξης τσίπρασ", true),
    ("Νίκος", "Νικος", false),
    // German: ß (and the capital ẞ) is ss.
    ("Straße", "STRASSE", true),
    ("Jürgen Weiß", "JÜRGEN WEISS", true),
    ("ẞOLTAU", "ßoltau", true),
    ("Jürgen", "Jurgen", false),
    // Turkish: the dotless ı is a letter of its own (default folding, not Turkish);
    // İ is i with a dot above, and I is the capital of i.
    ("Işık", "Isik", false),
    ("ılgaz", "ilgaz", false),
    ("Işık", "işık", true),
    ("İlker", "i\u{307}lker", true),
    ("İlker", "ilker", false),
    // Cyrillic, composed and decomposed.
    ("Юлия Ёлкина", "ЮЛИЯ ЁЛКИНА", true),
    ("Ёлкина", "Е\u{308}лкина", true),
    ("Юлия", "Юлиа", false),
    // CJK: no case; an ideographic space is a space; Hangul composed or not.
    ("山田 太郎", "山田\u{3000}太郎", true),
    ("山田太郎", "山田 太郎", false),
    (
        "김민준",
        "\u{1100}\u{1175}\u{11B7}\u{1106}\u{1175}\u{11AB}\u{110C}\u{116E}\u{11AB}",
        true,
    ),
    // Combining accents: composed (NFC) or decomposed (NFD), in any case.
    ("José Núñez", "Jose\u{301} Nu\u{301}n\u{303}ez", true),
    ("JOSÉ NÚÑEZ", "jose\u{301} nu\u{301}n\u{303}ez", true),
    ("Ångström", "A\u{30A}NGSTRO\u{308}M", true),
    ("José", "Jose", false),
    // Ligatures fold to their letters; whitespace is collapsed, whatever it is.
    ("ﬁona", "FIONA", true),
    ("  Ana\t  Souza ", "ana souza", true),
    ("Ana\u{a0}Souza", "ANA SOUZA", true),
    ("Ana Souza", "AnaSouza", false),
];

#[test]
fn names_meet_in_any_case_and_normal_form_and_differ_otherwise() {
    for &(a, b, same) in SAME_OR_NOT {
        assert_eq!(name_key(a) == name_key(b), same, "{a:?} and {b:?}");
        let words_meet = words_are(a.split_whitespace(), &name_key(b));
        assert_eq!(words_meet, same, "{a:?} as words and {b:?}");
    }
}

/// A member named by given and family name, with the org head's id.
fn named(given: &str, family: &str) -> RosterMember {
    member("m0", given, family)
}

#[test]
fn the_org_head_is_found_in_any_case_and_normal_form() {
    // (the member's given and family name, the Name Org Head setting)
    let cases: &[(&str, &str, &str)] = &[
        ("Grace", "Hopper", "  grace   HOPPER "),
        ("Émile", "Ångström", "émile ÅNGSTRÖM"),
        ("Ὀδυσσεύς", "Ἰθακήσιος", "ὈΔΥΣΣΕΎΣ ἸΘΑΚΉΣΙΟΣ"),
        ("ΟΔΥΣΣΕΥΣ", "ΛΑΕΡΤΙΑΔΗΣ", "Οδυσσευς Λαερτιαδης"),
        ("Jürgen", "Weiß", "JÜRGEN WEISS"),
        ("Юлия", "Ёлкина", "юлия е\u{308}лкина"),
        ("José", "Núñez", "Jose\u{301} Nu\u{301}n\u{303}ez"),
        ("太郎", "山田", "太郎\u{3000}山田"),
        ("İlker", "Işık", "i\u{307}lker işık"),
    ];
    for &(given, family, setting) in cases {
        let (_, after) = sync(
            &Org::default(),
            &roster(vec![named(given, family)]),
            &head_named(setting),
        );
        assert_eq!(seat(&after, "m0").manager_job_id, None, "{setting}");
    }
}

#[test]
fn the_dotless_i_is_not_the_dotted_i_when_finding_the_org_head() {
    let result = try_plan(
        &Org::default(),
        &roster(vec![named("Işık", "Yılmaz")]),
        &head_named("Isik Yilmaz"),
    );
    let Err(PlanError::OrgHeadNotFound { closest, .. }) = result else {
        panic!("not found: {result:?}");
    };
    assert_eq!(closest, ["Işık Yılmaz (m0)"]);
}

fn robert(preferred: Option<&str>, full_preferred: Option<&str>) -> RosterMember {
    RosterMember {
        name: PersonName {
            given: Some("Robert".to_owned()),
            family: Some("Smith".to_owned()),
            preferred: preferred.map(str::to_owned),
            full_preferred: full_preferred.map(str::to_owned),
            additional: Vec::new(),
        },
        ..member("m0", "Robert", "Smith")
    }
}

#[test]
fn the_org_head_answers_to_full_preferred_and_full_preferred_names_only() {
    // (preferred, full-preferred, setting, found)
    let cases: &[(Option<&str>, Option<&str>, &str, bool)] = &[
        (Some("Bob"), None, "Robert Smith", true),
        (Some("Bob"), None, "bob", true),
        (Some("Bob"), Some("Bobby Smith"), "BOBBY SMITH", true),
        // Preferred with family is not a fourth form.
        (Some("Bob"), None, "Bob Smith", false),
        (Some("Bob"), Some("Bobby Smith"), "Bob Smith", false),
        // Nor is a part of a name.
        (None, None, "Robert", false),
        (None, None, "Smith", false),
    ];
    for &(preferred, full_preferred, setting, found) in cases {
        let members = vec![robert(preferred, full_preferred), report("m1", "Ana", "m0")];
        let result = try_plan(&Org::default(), &roster(members), &head_named(setting));
        match (result, found) {
            (Ok(_), true) => {}
            (Err(PlanError::OrgHeadNotFound { closest, .. }), false) => {
                assert_eq!(closest[0], "Robert Smith (m0)", "{setting}");
            }
            (other, _) => panic!("{setting}: {other:?}"),
        }
    }
}

#[test]
fn a_preferred_name_never_makes_a_namesake_ambiguous() {
    // Robert Smith goes by Bob; Bob Smith is someone else, and the org head.
    let bob = RosterMember {
        manager_id: None,
        ..member("m1", "Bob", "Smith")
    };
    let members = vec![
        RosterMember {
            manager_id: Some("m1".to_owned()),
            ..robert(Some("Bob"), None)
        },
        bob,
    ];
    let (_, after) = sync(&Org::default(), &roster(members), &head_named("Bob Smith"));
    assert_eq!(seat(&after, "m1").manager_job_id, None);
    assert_eq!(manager_of(&after, "m0").as_deref(), Some("m1"));
}

#[test]
fn no_org_head_fails_naming_the_closest_names() {
    let members = vec![
        ceo(),
        report("m1", "Ana", "m0"),
        report("m2", "Bo", "m0"),
        report("m3", "Grace", "m0"),
        report("m4", "Cy", "m0"),
    ];
    // (setting, the closest name)
    let cases: &[(&str, &str)] = &[
        ("Grace Hoper", "Grace Hopper (m0)"),
        ("GRACE HOPER", "Grace Hopper (m0)"),
        ("Hopper Grace", "Grace Hopper (m0)"),
        ("Ana Reprot", "Ana Report (m1)"),
        ("Grace Reprt", "Grace Report (m3)"),
    ];
    for &(setting, nearest) in cases {
        let result = try_plan(
            &Org::default(),
            &roster(members.clone()),
            &head_named(setting),
        );
        let Err(error @ PlanError::OrgHeadNotFound { .. }) = result else {
            panic!("{setting}: {result:?}");
        };
        let PlanError::OrgHeadNotFound { name, closest } = &error else {
            unreachable!()
        };
        assert_eq!(name, setting);
        assert_eq!(closest.len(), 3, "{setting}: {closest:?}");
        assert_eq!(closest[0], nearest, "{setting}: {closest:?}");
        let sentence = error.to_string();
        assert!(
            sentence.contains(&format!("The closest names: {nearest}, ")),
            "{sentence}"
        );
    }
}

#[test]
fn a_departed_or_excluded_namesake_is_not_the_org_head() {
    let gone = RosterMember {
        active: false,
        ..ceo()
    };
    let result = try_plan(
        &Org::default(),
        &roster(vec![gone, report("m1", "Ana", "m0")]),
        &options(),
    );
    let Err(PlanError::OrgHeadNotFound { closest, .. }) = result else {
        panic!("not found: {result:?}");
    };
    assert_eq!(
        closest,
        ["Ana Report (m1)"],
        "only live members are offered"
    );
}

#[test]
fn several_org_heads_fail_naming_them() {
    // (how many share the name, the names listed, how many more)
    for (twins, listed, more) in [(2, 2, 0), (10, 10, 0), (13, 10, 3)] {
        let mut members = vec![ceo()];
        members.extend((1..twins).map(|n| member(&format!("m{n}"), "GRACE", "hopper")));
        let result = try_plan(&Org::default(), &roster(members), &options());
        let Err(error @ PlanError::OrgHeadAmbiguous { .. }) = result else {
            panic!("ambiguous: {result:?}");
        };
        let PlanError::OrgHeadAmbiguous {
            name,
            members: named,
            more: unnamed,
        } = &error
        else {
            unreachable!()
        };
        assert_eq!(name, "Grace Hopper");
        assert_eq!((named.len(), *unnamed), (listed, more));
        assert_eq!(named[0], "Grace Hopper (m0)");
        assert_eq!(named[1], "GRACE hopper (m1)");
        let sentence = error.to_string();
        assert_eq!(sentence.contains(&format!(" and {more} more.")), more > 0);
    }
}

#[test]
fn a_possible_duplicate_is_found_in_any_case_and_normal_form() {
    // (a person's name made by hand, a new member's given and family name, warned)
    let cases: &[(&str, (&str, &str), bool)] = &[
        ("ana  REPORT", ("Ana", "Report"), true),
        ("ΟΔΥΣΣΕΥΣ ΠΑΠΑΣ", ("Οδυσσευς", "Παπας"), true),
        ("Jürgen WEISS", ("Jürgen", "Weiß"), true),
        ("Jose\u{301} Nu\u{301}n\u{303}ez", ("José", "Núñez"), true),
        ("Isik Yilmaz", ("Işık", "Yılmaz"), false),
        ("José Nunez", ("José", "Núñez"), false),
    ];
    for &(by_hand, (given, family), warned_of) in cases {
        let mut org = synced(vec![ceo()]);
        org.people
            .push(manual_person("hand-1", by_hand, Some("someone@else.test")));
        let new = RosterMember {
            manager_id: Some("m0".to_owned()),
            ..member("m1", given, family)
        };
        let (plan, _) = sync(&org, &roster(vec![ceo(), new]), &options());
        assert_eq!(plan.counts.created, 1);
        assert_eq!(
            warned(&plan, "possible duplicate"),
            warned_of,
            "{by_hand}: {:?}",
            plan.warnings
        );
    }
}
