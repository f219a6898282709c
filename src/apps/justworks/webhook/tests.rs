//! The webhook signature check and the event, without HTTP.

use super::*;

const SECRET: &[u8] = b"whsec_test_signing_secret";
const NOW: i64 = 1_790_000_000;
const BODY: &[u8] = br#"{"id":"evt_1","type":"member.profile.updated","created_at":"2026-09-21T10:00:00Z","data":{"member_id":"m_1"}}"#;

fn hex(bytes: &[u8]) -> String {
    data_encoding::HEXLOWER.encode(bytes)
}

fn header_for(secret: &[u8], timestamp: &str, body: &[u8]) -> String {
    format!("v1={}", hex(&sign(secret, timestamp, body)))
}

fn check(timestamp: Option<&str>, signature: Option<&str>) -> Result<(), Refusal> {
    verify(SECRET, timestamp, signature, BODY, NOW)
}

#[test]
fn the_signature_is_hmac_sha256_of_the_timestamp_a_dot_and_the_body() {
    // RFC 4231 test case 7, whose message has a "." where orgsync joins the two parts.
    let key = [0xaa_u8; 131];
    let timestamp =
        "This is a test using a larger than block-size key and a larger than block-size data";
    let body = b" The key needs to be hashed before being used by the HMAC algorithm.";
    assert_eq!(
        hex(&sign(&key, timestamp, body)),
        "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"
    );
}

#[test]
fn a_delivery_signed_with_the_secret_and_on_time_passes() {
    let ts = NOW.to_string();
    assert_eq!(
        check(Some(&ts), Some(&header_for(SECRET, &ts, BODY))),
        Ok(())
    );
    // Hex in capitals and spaces around the header's parts are the same signature.
    let upper = header_for(SECRET, &ts, BODY)
        .to_uppercase()
        .replace("V1=", "v1=");
    assert_eq!(
        check(Some(&format!(" {ts} ")), Some(&format!("  {upper} "))),
        Ok(())
    );
}

#[test]
fn another_secret_another_body_or_another_timestamp_is_a_bad_signature() {
    let ts = NOW.to_string();
    let other_secret = header_for(b"whsec_someone_else", &ts, BODY);
    assert_eq!(
        check(Some(&ts), Some(&other_secret)),
        Err(Refusal::BadSignature)
    );
    let mut tampered = BODY.to_vec();
    tampered[10] ^= 1;
    let good = header_for(SECRET, &ts, BODY);
    assert_eq!(
        verify(SECRET, Some(&ts), Some(&good), &tampered, NOW),
        Err(Refusal::BadSignature)
    );
    // Signed at another second (a replay with a fresh timestamp header).
    let earlier = (NOW - 1).to_string();
    assert_eq!(
        check(Some(&ts), Some(&header_for(SECRET, &earlier, BODY))),
        Err(Refusal::BadSignature)
    );
}

#[test]
fn a_signature_wrong_only_in_its_first_or_last_byte_is_refused() {
    // The whole MAC is compared (in constant time, with `subtle`), not a prefix.
    let ts = NOW.to_string();
    let good = sign(SECRET, &ts, BODY);
    for at in [0, 31] {
        let mut wrong = good;
        wrong[at] ^= 0x80;
        let header = format!("v1={}", hex(&wrong));
        assert_eq!(
            check(Some(&ts), Some(&header)),
            Err(Refusal::BadSignature),
            "byte {at}"
        );
    }
    // A prefix of the right signature is not a signature.
    let prefix = format!("v1={}", &hex(&good)[..32]);
    assert_eq!(check(Some(&ts), Some(&prefix)), Err(Refusal::BadSignature));
}

#[test]
fn one_matching_v1_value_among_several_is_enough() {
    let ts = NOW.to_string();
    let good = header_for(SECRET, &ts, BODY);
    let old = header_for(b"whsec_the_previous_secret", &ts, BODY);
    let header = format!("t={ts}, v0=abc, {old}, {good}");
    assert_eq!(check(Some(&ts), Some(&header)), Ok(()));
    let too_many = [old.as_str(); MAX_SIGNATURES].join(",") + "," + &good;
    assert_eq!(
        check(Some(&ts), Some(&too_many)),
        Err(Refusal::BadSignature)
    );
}

#[test]
fn a_missing_or_malformed_signature_header_is_refused() {
    let ts = NOW.to_string();
    assert_eq!(check(Some(&ts), None), Err(Refusal::MissingSignature));
    assert_eq!(check(Some(&ts), Some("")), Err(Refusal::MissingSignature));
    let v2 = header_for(SECRET, &ts, BODY).replace("v1=", "v2=");
    assert_eq!(check(Some(&ts), Some(&v2)), Err(Refusal::MissingSignature));
    assert_eq!(check(Some(&ts), Some("v1=")), Err(Refusal::BadSignature));
    assert_eq!(
        check(Some(&ts), Some(&format!("v1={}", "zz".repeat(32)))),
        Err(Refusal::BadSignature)
    );
}

#[test]
fn a_timestamp_more_than_five_minutes_off_either_way_is_refused() {
    let at = |secs: i64| {
        let ts = secs.to_string();
        check(Some(&ts), Some(&header_for(SECRET, &ts, BODY)))
    };
    assert_eq!(at(NOW - TOLERANCE_SECS), Ok(()));
    assert_eq!(at(NOW + TOLERANCE_SECS), Ok(()));
    assert_eq!(at(NOW - 6 * 60), Err(Refusal::StaleTimestamp));
    assert_eq!(at(NOW + 6 * 60), Err(Refusal::StaleTimestamp));
}

#[test]
fn a_missing_or_malformed_timestamp_is_refused_before_the_signature_is_looked_at() {
    let good = header_for(SECRET, &NOW.to_string(), BODY);
    assert_eq!(check(None, Some(&good)), Err(Refusal::MissingTimestamp));
    assert_eq!(
        check(Some("  "), Some(&good)),
        Err(Refusal::MissingTimestamp)
    );
    for bad in [
        "-1790000000",
        "1790000000.5",
        "soon",
        "+1790000000",
        "9999999999999",
    ] {
        assert_eq!(
            check(Some(bad), Some(&good)),
            Err(Refusal::BadTimestamp),
            "{bad}"
        );
    }
}

#[test]
fn every_refusal_has_its_own_word_for_the_log() {
    let reasons = [
        Refusal::MissingTimestamp,
        Refusal::BadTimestamp,
        Refusal::StaleTimestamp,
        Refusal::MissingSignature,
        Refusal::BadSignature,
    ]
    .map(Refusal::reason);
    let unique: std::collections::BTreeSet<_> = reasons.iter().collect();
    assert_eq!(unique.len(), reasons.len());
}

#[test]
fn a_documented_event_changes_the_roster_and_any_other_type_is_ignored() {
    let event = Event::parse(BODY).unwrap();
    assert_eq!(event.id, "evt_1");
    assert!(event.changes_the_roster());
    for kind in [
        "department.deleted",
        "member.employment_state.termination_canceled",
    ] {
        let body = format!(r#"{{"id":"evt_2","type":"{kind}","data":{{}}}}"#);
        assert!(
            Event::parse(body.as_bytes()).unwrap().changes_the_roster(),
            "{kind}"
        );
    }
    let unknown = Event::parse(br#"{"id":"evt_3","type":"payroll.run.completed"}"#).unwrap();
    assert!(!unknown.changes_the_roster());
}

#[test]
fn a_body_without_a_usable_id_is_not_an_event() {
    assert!(matches!(
        Event::parse(b"not json"),
        Err(EventError::NotAnEvent)
    ));
    assert!(matches!(
        Event::parse(br#"{"type":"department.created"}"#),
        Err(EventError::NotAnEvent)
    ));
    for id in ["", "evt 1", "evt_\u{1b}[31m"] {
        let body = serde_json::json!({"id": id, "type": "department.created"}).to_string();
        assert!(
            matches!(Event::parse(body.as_bytes()), Err(EventError::BadId)),
            "{id:?}"
        );
    }
    let long = serde_json::json!({"id": "e".repeat(129), "type": "department.created"}).to_string();
    assert!(matches!(
        Event::parse(long.as_bytes()),
        Err(EventError::BadId)
    ));
}
