//! The Partner API's OAuth 2.0 rules: one registered client, authorization codes bound
//! to a PKCE challenge, access and refresh tokens with rotation, revoking everything.
//!
//! [`PartnerAuth`] takes the time as an argument (unix seconds) like the service user's
//! `Authenticator`, so tests can check expiry at exact instants; the consent page
//! (`consent`), the token endpoint (`token`) and the bearer check (`bearer`) only parse,
//! call it with the sandbox clock and answer.

use std::collections::HashMap;

use data_encoding::{BASE64URL_NOPAD, HEXLOWER};
use rand::Rng as _;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::SandboxOAuthClient;

pub(crate) const ACCESS_TOKEN_LIFETIME: u64 = 900;
pub(crate) const REFRESH_TOKEN_LIFETIME: u64 = 30 * 24 * 3_600;
pub(crate) const CODE_LIFETIME: u64 = 60;
/// An expired or revoked token still answers as such this long, then is forgotten.
const FORGET_AFTER: u64 = 3_600;
/// The scopes the Partner API knows, with what the consent page says about each.
pub(crate) const SCOPES: &[(&str, &str)] = &[
    (
        "company.detail:read",
        "your company's name, departments and offices",
    ),
    (
        "member.detail:read",
        "members' names, titles, managers and contact details",
    ),
    (
        "member.employment:read",
        "members' employment dates and status",
    ),
    ("member.pay:read", "members' current pay"),
    ("member.dob:read", "members' dates of birth"),
    ("member.sex:read", "members' sex assigned at birth"),
];

/// Why a token request is refused: the RFC 6749 §5.2 error codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenError {
    InvalidRequest(&'static str),
    InvalidClient,
    InvalidGrant,
    UnsupportedGrantType,
}

/// Why a bearer token is not accepted on the data calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BearerError {
    Unknown,
    Expired,
    Revoked,
}

/// An authorization request that passed every check (the consent page's GET and POST).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AuthorizeRequest {
    pub client_id: String,
    pub redirect_uri: String,
    /// The scopes requested, space-separated as they came (all known scopes if none).
    pub scope: String,
    pub state: Option<String>,
    pub code_challenge: String,
}

/// What the token endpoint answers on success.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TokenPair {
    pub access_token: String,
    pub refresh_token: String,
    pub scope: String,
}

struct Code {
    client_id: String,
    redirect_uri: String,
    code_challenge: String,
    scope: String,
    issued_at: u64,
    /// Set once the code was exchanged or burnt; kept until it expires to say so.
    used: bool,
}

struct Token {
    client_id: String,
    scope: String,
    expires_at: u64,
    revoked: bool,
}

/// The Partner API's client and every code and token it has issued.
pub(crate) struct PartnerAuth {
    client: SandboxOAuthClient,
    codes: HashMap<String, Code>,
    access: HashMap<String, Token>,
    refresh: HashMap<String, Token>,
}

fn random_token(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    rand::rng().fill(&mut buffer[..]);
    BASE64URL_NOPAD.encode(&buffer)
}

impl PartnerAuth {
    /// A client with a random id and secret and no redirect URI yet.
    pub(crate) fn new() -> Self {
        let client = SandboxOAuthClient {
            client_id: format!(
                "sandbox_{}",
                HEXLOWER.encode(&rand::rng().random::<[u8; 8]>())
            ),
            client_secret: random_token(32),
            redirect_uris: Vec::new(),
        };
        Self {
            client,
            codes: HashMap::new(),
            access: HashMap::new(),
            refresh: HashMap::new(),
        }
    }

    pub(crate) fn client(&self) -> &SandboxOAuthClient {
        &self.client
    }

    /// Replaces the registered redirect URIs; each must be an absolute http(s) URL
    /// without a fragment (RFC 6749 §3.1.2).
    pub(crate) fn set_redirect_uris(&mut self, uris: Vec<String>) -> Result<(), String> {
        for uri in &uris {
            check_redirect_uri(uri)?;
        }
        let mut unique = Vec::with_capacity(uris.len());
        for uri in uris {
            if !unique.contains(&uri) {
                unique.push(uri);
            }
        }
        self.client.redirect_uris = unique;
        Ok(())
    }

    /// Adds one redirect URI to those registered (the front page's form).
    pub(crate) fn add_redirect_uri(&mut self, uri: String) -> Result<(), String> {
        let mut uris = self.client.redirect_uris.clone();
        uris.push(uri);
        self.set_redirect_uris(uris)
    }

    pub(crate) fn is_client(&self, client_id: &str) -> bool {
        client_id == self.client.client_id
    }

    pub(crate) fn is_registered(&self, redirect_uri: &str) -> bool {
        self.client.redirect_uris.iter().any(|u| u == redirect_uri)
    }

    /// Client authentication at the token endpoint, the secret compared in constant time.
    pub(crate) fn authenticate(&self, client_id: &str, secret: &str) -> Result<(), TokenError> {
        let secret_ok: bool = secret
            .as_bytes()
            .ct_eq(self.client.client_secret.as_bytes())
            .into();
        if self.is_client(client_id) && secret_ok {
            Ok(())
        } else {
            Err(TokenError::InvalidClient)
        }
    }

    /// Allow on the consent page: a code for exactly this request, valid [`CODE_LIFETIME`].
    pub(crate) fn issue_code(&mut self, request: &AuthorizeRequest, now: u64) -> String {
        self.forget_old(now);
        let code = random_token(32);
        self.codes.insert(
            code.clone(),
            Code {
                client_id: request.client_id.clone(),
                redirect_uri: request.redirect_uri.clone(),
                code_challenge: request.code_challenge.clone(),
                scope: request.scope.clone(),
                issued_at: now,
                used: false,
            },
        );
        code
    }

    /// `grant_type=authorization_code` for an authenticated client. A code works once
    /// and a wrong verifier burns it. A second try is refused but does not revoke what
    /// the first one gave (RFC 6749 §4.1.2 allows either; the contract check keeps using
    /// those tokens after trying a code twice).
    pub(crate) fn exchange_code(
        &mut self,
        code: &str,
        client_id: &str,
        redirect_uri: &str,
        code_verifier: &str,
        now: u64,
    ) -> Result<TokenPair, TokenError> {
        let entry = self.codes.get_mut(code).ok_or(TokenError::InvalidGrant)?;
        if std::mem::replace(&mut entry.used, true) {
            return Err(TokenError::InvalidGrant);
        }
        let valid = now < entry.issued_at + CODE_LIFETIME
            && entry.client_id == client_id
            && entry.redirect_uri == redirect_uri
            && verifier_matches(code_verifier, &entry.code_challenge);
        if !valid {
            return Err(TokenError::InvalidGrant);
        }
        let (client_id, scope) = (entry.client_id.clone(), entry.scope.clone());
        Ok(self.issue_pair(client_id, scope, now))
    }

    /// `grant_type=refresh_token`: a new pair; the old refresh token stops working.
    pub(crate) fn refresh(
        &mut self,
        refresh_token: &str,
        client_id: &str,
        now: u64,
    ) -> Result<TokenPair, TokenError> {
        let usable = self
            .refresh
            .get(refresh_token)
            .is_some_and(|t| !t.revoked && now < t.expires_at && t.client_id == client_id);
        if !usable {
            return Err(TokenError::InvalidGrant);
        }
        let old = self
            .refresh
            .remove(refresh_token)
            .expect("checked to be present");
        self.forget_old(now);
        Ok(self.issue_pair(old.client_id, old.scope, now))
    }

    fn issue_pair(&mut self, client_id: String, scope: String, now: u64) -> TokenPair {
        let pair = TokenPair {
            access_token: random_token(32),
            refresh_token: random_token(32),
            scope: scope.clone(),
        };
        let token = |lifetime| Token {
            client_id: client_id.clone(),
            scope: scope.clone(),
            expires_at: now + lifetime,
            revoked: false,
        };
        self.access
            .insert(pair.access_token.clone(), token(ACCESS_TOKEN_LIFETIME));
        self.refresh
            .insert(pair.refresh_token.clone(), token(REFRESH_TOKEN_LIFETIME));
        pair
    }

    /// A data call's bearer token, if it is one of ours.
    pub(crate) fn check(&self, access_token: &str, now: u64) -> Result<(), BearerError> {
        match self.access.get(access_token) {
            None => Err(BearerError::Unknown),
            Some(t) if t.revoked => Err(BearerError::Revoked),
            Some(t) if now >= t.expires_at => Err(BearerError::Expired),
            Some(_) => Ok(()),
        }
    }

    /// The `expire_tokens` fault: every access token issued so far is expired from now on.
    pub(crate) fn expire_access_tokens(&mut self, now: u64) {
        for token in self.access.values_mut() {
            token.expires_at = token.expires_at.min(now);
        }
    }

    /// `POST /sandbox/oauth/revoke`: every code, access and refresh token stops working.
    pub(crate) fn revoke_all(&mut self) {
        self.codes.clear();
        for token in self.access.values_mut().chain(self.refresh.values_mut()) {
            token.revoked = true;
        }
    }

    /// Keeps the maps small on a sandbox that runs for months.
    fn forget_old(&mut self, now: u64) {
        self.codes
            .retain(|_, c| c.issued_at + CODE_LIFETIME + FORGET_AFTER > now);
        self.access.retain(|_, t| t.expires_at + FORGET_AFTER > now);
        self.refresh.retain(|_, t| t.expires_at > now && !t.revoked);
    }
}

/// An absolute http(s) URL without a fragment.
fn check_redirect_uri(uri: &str) -> Result<(), String> {
    let parsed = url::Url::parse(uri).map_err(|_| format!("{uri:?} is not an absolute URL"))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host().is_none() {
        return Err(format!("{uri:?} is not an http(s) URL"));
    }
    if parsed.fragment().is_some() || uri.len() > 2_000 {
        return Err(format!(
            "{uri:?}: a redirect URI has no fragment and fits 2000 characters"
        ));
    }
    Ok(())
}

/// The S256 challenge of a verifier (RFC 7636 §4.2).
pub(crate) fn s256_challenge(verifier: &str) -> String {
    BASE64URL_NOPAD.encode(&Sha256::digest(verifier.as_bytes()))
}

/// A well-formed challenge: the base64url of a SHA-256, so 43 characters.
pub(crate) fn is_s256_challenge(challenge: &str) -> bool {
    BASE64URL_NOPAD
        .decode(challenge.as_bytes())
        .is_ok_and(|bytes| bytes.len() == 32)
}

fn verifier_matches(verifier: &str, challenge: &str) -> bool {
    let well_formed = (43..=128).contains(&verifier.len())
        && verifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b));
    well_formed
        && bool::from(
            s256_challenge(verifier)
                .as_bytes()
                .ct_eq(challenge.as_bytes()),
        )
}

#[cfg(test)]
mod tests;
