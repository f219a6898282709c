//! The safeguards, at their edges: each just at its limit (applies) and just above
//! (trips), the five-people floor of departures, an empty base, and the sentences.

use super::*;

/// 240 active people, all synced before, nothing moving.
fn org_of_240() -> GuardFacts {
    GuardFacts {
        active_before: 240,
        synced_before: 240,
        ..GuardFacts::default()
    }
}

fn tripped(facts: GuardFacts) -> Vec<String> {
    check(&facts, &Safeguards::default())
}

#[test]
fn each_safeguard_trips_just_above_its_limit_and_not_at_it() {
    let base = org_of_240();
    let cases: &[(&str, GuardFacts, Option<&str>)] = &[
        (
            "24 departures are 10%",
            GuardFacts {
                departures: 24,
                ..base
            },
            None,
        ),
        (
            "25 departures are above 10%",
            GuardFacts {
                departures: 25,
                ..base
            },
            Some("25 of 240 active people (10%) would depart — above your 10% safeguard"),
        ),
        (
            "60 manager changes are 25%",
            GuardFacts {
                manager_changes: 60,
                ..base
            },
            None,
        ),
        (
            "61 manager changes are above 25%",
            GuardFacts {
                manager_changes: 61,
                ..base
            },
            Some("61 of 240 active people (25%) would change manager — above your 25% safeguard"),
        ),
        (
            "24 missing are 10%",
            GuardFacts {
                missing: 24,
                ..base
            },
            None,
        ),
        (
            "25 missing are above 10%",
            GuardFacts {
                missing: 25,
                ..base
            },
            Some(
                "25 of 240 people synced before (10%) are missing from what Justworks sent — \
                 above your 10% safeguard",
            ),
        ),
        ("12 swaps are 5%", GuardFacts { swaps: 12, ..base }, None),
        (
            "13 swaps are above 5%",
            GuardFacts { swaps: 13, ..base },
            Some(
                "13 of 240 active people (5%) would take a work email or employee ID another \
                 person had — above your 5% safeguard",
            ),
        ),
    ];
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|(name, facts, want)| {
            let got = tripped(*facts);
            let want: Vec<String> = want.iter().map(|s| s.to_string()).collect();
            (got != want).then(|| format!("{name}: {got:?}"))
        })
        .collect();
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn missing_members_are_a_share_of_the_people_synced_before_not_of_everyone() {
    // 1 000 active people, 100 of them from Justworks: 11 missing is 11% of those.
    let facts = GuardFacts {
        active_before: 1_000,
        synced_before: 100,
        missing: 11,
        ..GuardFacts::default()
    };
    assert_eq!(
        tripped(facts),
        [
            "11 of 100 people synced before (11%) are missing from what Justworks sent — \
          above your 10% safeguard"
        ]
    );
}

#[test]
fn departures_trip_only_when_more_than_five_people_leave() {
    let small = |departures| GuardFacts {
        active_before: 20,
        departures,
        ..GuardFacts::default()
    };
    // 5 of 20 is 25%, far above 10%, but only five people.
    assert!(tripped(small(5)).is_empty());
    assert_eq!(
        tripped(small(6)),
        ["6 of 20 active people (30%) would depart — above your 10% safeguard"]
    );
}

#[test]
fn nothing_trips_against_an_empty_base() {
    let facts = GuardFacts {
        active_before: 0,
        departures: 10,
        manager_changes: 3,
        synced_before: 0,
        missing: 4,
        swaps: 1,
    };
    let strict = Safeguards {
        departures_pct: 1,
        managers_pct: 1,
        missing_pct: 1,
        swaps_pct: 1,
    };
    assert!(check(&facts, &strict).is_empty());
}

#[test]
fn the_sentences_say_how_many_of_whom_and_which_safeguard() {
    let facts = GuardFacts {
        active_before: 240,
        departures: 31,
        manager_changes: 70,
        synced_before: 240,
        missing: 30,
        swaps: 14,
    };
    assert_eq!(
        tripped(facts),
        [
            "31 of 240 active people (13%) would depart — above your 10% safeguard",
            "70 of 240 active people (29%) would change manager — above your 25% safeguard",
            "30 of 240 people synced before (13%) are missing from what Justworks sent — \
             above your 10% safeguard",
            "14 of 240 active people (6%) would take a work email or employee ID another \
             person had — above your 5% safeguard",
        ]
    );
}

#[test]
fn one_person_reads_in_the_singular() {
    let facts = GuardFacts {
        active_before: 3,
        manager_changes: 1,
        synced_before: 3,
        missing: 1,
        ..GuardFacts::default()
    };
    assert_eq!(
        tripped(facts),
        [
            "1 of 3 active people (33%) would change manager — above your 25% safeguard",
            "1 of 3 people synced before (33%) is missing from what Justworks sent — above \
             your 10% safeguard",
        ]
    );
    let alone = GuardFacts {
        active_before: 1,
        swaps: 1,
        ..GuardFacts::default()
    };
    assert_eq!(
        tripped(alone),
        [
            "1 of 1 active person (100%) would take a work email or employee ID another person \
          had — above your 5% safeguard"
        ]
    );
}

#[test]
fn a_limit_of_100_percent_never_trips_and_the_limits_are_the_settings() {
    let everything = GuardFacts {
        active_before: 50,
        departures: 50,
        manager_changes: 50,
        synced_before: 50,
        missing: 50,
        swaps: 50,
    };
    let lenient = Safeguards {
        departures_pct: 100,
        managers_pct: 100,
        missing_pct: 100,
        swaps_pct: 100,
    };
    assert!(check(&everything, &lenient).is_empty());
    let some = GuardFacts {
        manager_changes: 26,
        ..everything
    };
    let half = Safeguards {
        managers_pct: 50,
        ..lenient
    };
    assert_eq!(
        check(&some, &half),
        ["26 of 50 active people (52%) would change manager — above your 50% safeguard"]
    );
}

#[test]
fn the_percentage_is_rounded_half_up() {
    // 30 of 240 is 12.5%.
    assert_eq!(share(30, 240, ("p", "people")), "30 of 240 people (13%)");
    assert_eq!(share(1, 3, ("p", "people")), "1 of 3 people (33%)");
    assert_eq!(share(2, 3, ("p", "people")), "2 of 3 people (67%)");
}

#[test]
fn an_apply_mode_reads_back_and_an_unknown_one_is_refused() {
    for mode in ApplyMode::ALL {
        assert_eq!(ApplyMode::parse(mode.as_str()), Ok(mode));
        let json = serde_json::to_string(&mode).unwrap();
        assert_eq!(json, format!("\"{}\"", mode.as_str()));
    }
    assert_eq!(ApplyMode::default(), ApplyMode::Auto);
    for bad in ["", "Auto", "never"] {
        assert_eq!(
            ApplyMode::parse(bad),
            Err(UnknownValue::new("apply mode", bad))
        );
    }
}

#[test]
fn the_defaults_are_those_of_the_design() {
    let options = ReviewOptions::default();
    assert_eq!(options.mode, ApplyMode::Auto);
    assert_eq!(
        options.safeguards,
        Safeguards {
            departures_pct: 10,
            managers_pct: 25,
            missing_pct: 10,
            swaps_pct: 5,
        }
    );
    // Stored settings from before a limit existed read it as its default.
    let read: Safeguards = serde_json::from_str(r#"{"managers_pct": 40}"#).unwrap();
    assert_eq!(
        read,
        Safeguards {
            managers_pct: 40,
            ..Safeguards::default()
        }
    );
}
