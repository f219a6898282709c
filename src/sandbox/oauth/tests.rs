//! The OAuth rules at exact instants: codes, expiry, rotation, redirect URIs.

use super::*;

const NOW: u64 = 1_800_000_000;
const CALLBACK: &str = "http://127.0.0.1:8080/justworks/callback";

fn partner() -> PartnerAuth {
    let mut partner = PartnerAuth::new();
    partner.set_redirect_uris(vec![CALLBACK.into()]).unwrap();
    partner
}

fn code(partner: &mut PartnerAuth, verifier: &str) -> String {
    let request = AuthorizeRequest {
        client_id: partner.client().client_id.clone(),
        redirect_uri: CALLBACK.into(),
        scope: "member.detail:read".into(),
        state: None,
        code_challenge: s256_challenge(verifier),
    };
    partner.issue_code(&request, NOW)
}

#[test]
fn the_rfc_7636_example_verifier_gives_its_challenge() {
    let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    assert_eq!(
        s256_challenge(verifier),
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    );
    assert!(is_s256_challenge(&s256_challenge(verifier)));
    assert!(!is_s256_challenge("short"));
}

#[test]
fn a_code_is_bound_to_its_client_redirect_uri_and_lifetime() {
    let verifier = "v".repeat(43);
    let mut partner = partner();
    let id = partner.client().client_id.clone();
    for (client, redirect, at) in [
        ("other", CALLBACK, NOW),
        (id.as_str(), "http://127.0.0.1:8080/other", NOW),
        (id.as_str(), CALLBACK, NOW + CODE_LIFETIME),
    ] {
        let code = code(&mut partner, &verifier);
        assert_eq!(
            partner.exchange_code(&code, client, redirect, &verifier, at),
            Err(TokenError::InvalidGrant),
            "{client} {redirect} {at}"
        );
    }
    let code = code(&mut partner, &verifier);
    let at = NOW + CODE_LIFETIME - 1;
    assert!(
        partner
            .exchange_code(&code, &id, CALLBACK, &verifier, at)
            .is_ok()
    );
}

#[test]
fn a_code_works_once() {
    let verifier = "v".repeat(43);
    let mut partner = partner();
    let id = partner.client().client_id.clone();
    let code = code(&mut partner, &verifier);
    let pair = partner
        .exchange_code(&code, &id, CALLBACK, &verifier, NOW)
        .unwrap();
    assert_eq!(partner.check(&pair.access_token, NOW), Ok(()));
    assert_eq!(
        partner.exchange_code(&code, &id, CALLBACK, &verifier, NOW),
        Err(TokenError::InvalidGrant)
    );
    assert_eq!(partner.check(&pair.access_token, NOW), Ok(()));
}

#[test]
fn tokens_expire_and_refresh_tokens_rotate() {
    let verifier = "v".repeat(43);
    let mut partner = partner();
    let id = partner.client().client_id.clone();
    let code = code(&mut partner, &verifier);
    let first = partner
        .exchange_code(&code, &id, CALLBACK, &verifier, NOW)
        .unwrap();
    let later = NOW + ACCESS_TOKEN_LIFETIME;
    assert_eq!(
        partner.check(&first.access_token, later),
        Err(BearerError::Expired)
    );
    let second = partner.refresh(&first.refresh_token, &id, later).unwrap();
    assert_eq!(partner.check(&second.access_token, later), Ok(()));
    assert_eq!(
        partner.refresh(&first.refresh_token, &id, later),
        Err(TokenError::InvalidGrant)
    );
    let too_late = later + REFRESH_TOKEN_LIFETIME;
    assert_eq!(
        partner.refresh(&second.refresh_token, &id, too_late),
        Err(TokenError::InvalidGrant)
    );
}

#[test]
fn redirect_uris_must_be_absolute_http_urls_without_a_fragment() {
    let mut partner = PartnerAuth::new();
    for bad in [
        "/callback",
        "javascript:alert(1)",
        "http://x.test/cb#frag",
        "ftp://x.test/",
    ] {
        assert!(
            partner.set_redirect_uris(vec![bad.into()]).is_err(),
            "{bad}"
        );
    }
    partner.add_redirect_uri(CALLBACK.into()).unwrap();
    partner.add_redirect_uri(CALLBACK.into()).unwrap();
    assert_eq!(partner.client().redirect_uris, vec![CALLBACK.to_string()]);
}
