//! A Justworks webhook delivery as it arrives (docs/justworks.md → *Webhooks*): the
//! signature check — `v1=` HMAC-SHA256 of `timestamp + "." + body` under the signing
//! secret, compared in constant time, with the timestamp at most five minutes off — and
//! the event it carries. Pure: no HTTP, no SQL (`web::hooks` receives, `sync::webhook`
//! remembers the event and queues the run).

use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::Sha256;
use subtle::{Choice, ConstantTimeEq};

pub const TIMESTAMP_HEADER: &str = "x-justworks-webhook-timestamp";
pub const SIGNATURE_HEADER: &str = "x-justworks-webhook-signature";

/// How far the delivery's timestamp may be from our clock, either way: an older one may
/// be a recorded delivery played back.
pub const TOLERANCE_SECS: i64 = 5 * 60;

/// A header with more `v1=` values than this is refused rather than checked: a
/// rotating secret needs two.
const MAX_SIGNATURES: usize = 8;

/// The longest event id kept (Justworks' are `evt_` and a few dozen characters).
const MAX_EVENT_ID_CHARS: usize = 128;

/// Why a delivery was refused before its body was trusted. Each says only what the
/// server's log needs; the caller learns none of it (one generic 401).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    MissingTimestamp,
    /// Not a whole number of seconds.
    BadTimestamp,
    /// More than five minutes off.
    StaleTimestamp,
    /// No `v1=` value in the signature header (or no header).
    MissingSignature,
    BadSignature,
}

impl Refusal {
    /// The log's word for it (and the rate limiter's key).
    pub fn reason(self) -> &'static str {
        match self {
            Self::MissingTimestamp => "missing_timestamp",
            Self::BadTimestamp => "bad_timestamp",
            Self::StaleTimestamp => "stale_timestamp",
            Self::MissingSignature => "missing_signature",
            Self::BadSignature => "bad_signature",
        }
    }
}

/// Checks a delivery: the timestamp header within [`TOLERANCE_SECS`] of `now_secs`, then
/// one of the `v1=` signatures (comma-separated; other schemes are skipped) equal to
/// the HMAC-SHA256 of `timestamp.body` under `secret`. Every candidate is compared in
/// constant time, and all of them are compared, so the time taken says nothing about
/// how close a guess was.
pub fn verify(
    secret: &[u8],
    timestamp: Option<&str>,
    signature: Option<&str>,
    body: &[u8],
    now_secs: i64,
) -> Result<(), Refusal> {
    let timestamp = timestamp.map(str::trim).ok_or(Refusal::MissingTimestamp)?;
    let at = parse_timestamp(timestamp)?;
    if (now_secs - at).abs() > TOLERANCE_SECS {
        return Err(Refusal::StaleTimestamp);
    }
    let candidates = v1_signatures(signature.unwrap_or(""))?;
    let expected = sign(secret, timestamp, body);
    let mut matched = Choice::from(0);
    for candidate in &candidates {
        matched |= expected.as_slice().ct_eq(candidate.as_slice());
    }
    if bool::from(matched) {
        Ok(())
    } else {
        Err(Refusal::BadSignature)
    }
}

/// The HMAC-SHA256 of `timestamp + "." + body` under `secret` (what Justworks sends,
/// before hex).
pub fn sign(secret: &[u8], timestamp: &str, body: &[u8]) -> [u8; 32] {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes a key of any length");
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(body);
    mac.finalize().into_bytes().into()
}

/// Unix seconds, digits only (no sign, no fraction, at most 12 digits).
fn parse_timestamp(text: &str) -> Result<i64, Refusal> {
    if text.is_empty() {
        return Err(Refusal::MissingTimestamp);
    }
    if text.len() > 12 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Refusal::BadTimestamp);
    }
    text.parse().map_err(|_| Refusal::BadTimestamp)
}

/// The decoded `v1=` values of a signature header: `v1=<hex>[, v1=<hex>…]`. A value
/// that is not 64 hex digits can match nothing and is dropped; a header with none left
/// is a missing signature.
fn v1_signatures(header: &str) -> Result<Vec<Vec<u8>>, Refusal> {
    let values: Vec<&str> = header
        .split(',')
        .filter_map(|part| part.trim().strip_prefix("v1="))
        .collect();
    if values.is_empty() {
        return Err(Refusal::MissingSignature);
    }
    if values.len() > MAX_SIGNATURES {
        return Err(Refusal::BadSignature);
    }
    let decoded: Vec<Vec<u8>> = values
        .into_iter()
        .filter(|hex| hex.len() == 64)
        .filter_map(|hex| {
            data_encoding::HEXLOWER_PERMISSIVE
                .decode(hex.as_bytes())
                .ok()
        })
        .collect();
    if decoded.is_empty() {
        return Err(Refusal::BadSignature);
    }
    Ok(decoded)
}

/// An event as Justworks posts it, once its signature held.
#[derive(Debug, Clone, Deserialize)]
pub struct Event {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub data: serde_json::Value,
}

/// A signed body that is not an event orgsync can use (never expected from Justworks).
#[derive(Debug, thiserror::Error)]
pub enum EventError {
    #[error("the body is not a Justworks event (JSON with an id and a type)")]
    NotAnEvent,
    #[error("the event id is empty, too long or has characters an id cannot have")]
    BadId,
}

impl Event {
    pub fn parse(body: &[u8]) -> Result<Self, EventError> {
        let event: Event = serde_json::from_slice(body).map_err(|_| EventError::NotAnEvent)?;
        let id_ok = !event.id.is_empty()
            && event.id.chars().count() <= MAX_EVENT_ID_CHARS
            && event.id.chars().all(|c| c.is_ascii_graphic());
        if !id_ok {
            return Err(EventError::BadId);
        }
        Ok(event)
    }

    /// Whether the event says something a sync reads changed. The types Justworks
    /// documents do; any other is accepted and ignored (a new kind of event must not
    /// make Justworks retry, nor start syncs nobody asked for).
    pub fn changes_the_roster(&self) -> bool {
        matches!(
            self.kind.as_str(),
            "member.profile.created"
                | "member.profile.updated"
                | "member.employment_state.termination_scheduled"
                | "member.employment_state.termination_canceled"
                | "department.created"
                | "department.updated"
                | "department.deleted"
        )
    }
}

#[cfg(test)]
mod tests;
