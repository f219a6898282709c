//! Signed webhooks of the Partner API: when the admin surface changes a member, the
//! sandbox POSTs an event to the registered URL, in the background, retrying a failed
//! delivery a few times before it logs and drops it.
//!
//! Each event is `{"id": "evt_…", "type", "created_at", "data": {"member_id"}}` with
//! `X-Justworks-Webhook-Timestamp` and `X-Justworks-Webhook-Signature:
//! v1=<hex HMAC-SHA256(secret, timestamp + "." + body)>`.

use std::time::Duration;

use data_encoding::HEXLOWER;
use hmac::{Hmac, Mac};
use jiff::Timestamp;
use rand::Rng as _;
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::Sha256;

use super::AppState;
use super::roster::rfc3339;

/// Tries per delivery, and the pause before each retry.
const BACKOFF_MS: [u64; 3] = [250, 750, 2_000];

/// Where events go. The secret never reaches a log line or `Debug`.
#[derive(Clone)]
pub(crate) struct Webhook {
    pub url: url::Url,
    pub secret: String,
    /// Send each event twice (at-least-once delivery, for testing receivers).
    pub duplicate: bool,
}

impl std::fmt::Debug for Webhook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Webhook")
            .field("url", &self.url.as_str())
            .field("secret", &"[redacted]")
            .field("duplicate", &self.duplicate)
            .finish()
    }
}

/// `PUT /sandbox/webhook`: `{"url", "secret"}` registers (a secret is generated when
/// none is given), `{}` or `{"url": null}` stops, `{"duplicate": true}` alone switches
/// double delivery on the registered webhook.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct WebhookRequest {
    #[serde(default, deserialize_with = "present")]
    url: Option<Option<String>>,
    secret: Option<String>,
    duplicate: Option<bool>,
}

/// Tells a `null` apart from an absent key.
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

impl WebhookRequest {
    pub(crate) fn new(url: String) -> Self {
        Self {
            url: Some(Some(url)),
            ..Self::default()
        }
    }

    /// The webhook to use from now on, given the current one.
    pub(crate) fn apply(self, current: Option<Webhook>) -> Result<Option<Webhook>, String> {
        let url = match (self.url, self.secret.is_some(), self.duplicate) {
            (None, false, Some(duplicate)) => {
                let current = current.ok_or("no webhook is registered yet: give its url")?;
                return Ok(Some(Webhook {
                    duplicate,
                    ..current
                }));
            }
            (None | Some(None), false, _) => return Ok(None),
            (None | Some(None), true, _) => return Err("a secret needs a url".into()),
            (Some(Some(url)), ..) => url,
        };
        let url = check_url(&url)?;
        let secret = match self.secret {
            Some(secret) if secret.trim().is_empty() || secret.len() > 256 => {
                return Err("the secret must be 1 to 256 characters".into());
            }
            Some(secret) => secret,
            None => new_secret(),
        };
        Ok(Some(Webhook {
            url,
            secret,
            duplicate: self.duplicate.unwrap_or(false),
        }))
    }
}

/// https anywhere; plain http only to this machine (orgsync beside the sandbox).
fn check_url(url: &str) -> Result<url::Url, String> {
    let parsed =
        url::Url::parse(url.trim()).map_err(|_| format!("{url:?} is not an absolute URL"))?;
    let loopback = match parsed.host() {
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    match parsed.scheme() {
        "https" if parsed.host().is_some() => Ok(parsed),
        "http" if loopback => Ok(parsed),
        "http" => Err("plain http is for loopback addresses only; use https".into()),
        _ => Err(format!("{url:?} is not an http(s) URL")),
    }
}

/// A signing secret as Justworks would hand one out.
pub(crate) fn new_secret() -> String {
    format!(
        "whsec_{}",
        HEXLOWER.encode(&rand::rng().random::<[u8; 24]>())
    )
}

/// `v1=<hex HMAC-SHA256(secret, timestamp + "." + body)>`
pub(crate) fn signature(secret: &str, timestamp: u64, body: &[u8]) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes a key of any size");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("v1={}", HEXLOWER.encode(&mac.finalize().into_bytes()))
}

/// What happened to a member, in the Partner API's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EventType {
    Created,
    Updated,
    TerminationScheduled,
    TerminationCanceled,
}

impl EventType {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Created => "member.profile.created",
            Self::Updated => "member.profile.updated",
            Self::TerminationScheduled => "member.employment_state.termination_scheduled",
            Self::TerminationCanceled => "member.employment_state.termination_canceled",
        }
    }

    /// The event a merge patch of one member makes: setting a termination date schedules
    /// a termination, clearing it cancels one; anything else updates the profile.
    pub(crate) fn of_patch(patch: &Value) -> Self {
        match patch.get("employment_termination_date") {
            Some(Value::Null) => Self::TerminationCanceled,
            Some(_) => Self::TerminationScheduled,
            None => Self::Updated,
        }
    }
}

/// A change to announce.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MemberEvent {
    pub kind: EventType,
    pub member_id: String,
}

fn body(event: &MemberEvent, now: Timestamp) -> String {
    json!({
        "id": format!("evt_{}", HEXLOWER.encode(&rand::rng().random::<[u8; 12]>())),
        "type": event.kind.as_str(),
        "created_at": rfc3339(now),
        "data": {"member_id": event.member_id},
    })
    .to_string()
}

/// Announces `events` to the registered webhook, if any, without waiting for delivery.
/// Events of one change are sent in order; a slow receiver never holds up the caller.
pub(crate) fn announce(state: &AppState, events: Vec<MemberEvent>) {
    let Some(webhook) = state.webhook().clone() else {
        return;
    };
    if events.is_empty() {
        return;
    }
    let now = state.now();
    let bodies: Vec<String> = events.iter().map(|e| body(e, now)).collect();
    let state = state.clone();
    tokio::spawn(async move {
        let Some(http) = state.webhook_client() else {
            return;
        };
        for (event, body) in events.iter().zip(&bodies) {
            for _ in 0..if webhook.duplicate { 2 } else { 1 } {
                deliver(&state, &http, &webhook, event, body).await;
            }
        }
    });
}

/// One delivery with its retries; a final failure is logged (never the secret or the
/// body) and the event dropped.
async fn deliver(
    state: &AppState,
    http: &reqwest::Client,
    webhook: &Webhook,
    event: &MemberEvent,
    body: &str,
) {
    let mut failure = String::new();
    for attempt in 0..=BACKOFF_MS.len() {
        if attempt > 0 {
            tokio::time::sleep(Duration::from_millis(BACKOFF_MS[attempt - 1])).await;
        }
        let timestamp = state.unix_now();
        let sent = http
            .post(webhook.url.clone())
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header("X-Justworks-Webhook-Timestamp", timestamp.to_string())
            .header(
                "X-Justworks-Webhook-Signature",
                signature(&webhook.secret, timestamp, body.as_bytes()),
            )
            .body(body.to_string())
            .send()
            .await;
        match sent {
            Ok(response) if response.status().is_success() => return,
            Ok(response) => failure = format!("answered {}", response.status().as_u16()),
            Err(error) if error.is_timeout() => failure = "timed out".into(),
            Err(error) if error.is_connect() => failure = "refused the connection".into(),
            Err(_) => failure = "failed".into(),
        }
    }
    tracing::warn!(
        event = event.kind.as_str(),
        member_id = %event.member_id,
        host = webhook.url.host_str().unwrap_or(""),
        attempts = BACKOFF_MS.len() + 1,
        "the sandbox dropped a webhook event: the receiver {failure}"
    );
}

/// The client deliveries use: short timeouts, no redirects (as orgsync's own client).
pub(crate) fn client() -> Option<reqwest::Client> {
    // reqwest is built without a default TLS provider; without one installed, building a
    // client panics. Installing twice is harmless (the second call just fails).
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .user_agent("Justworks-sandbox-webhooks")
        .timeout(Duration::from_secs(5))
        .connect_timeout(Duration::from_secs(2))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .inspect_err(|_| tracing::error!("the sandbox could not build its webhook client"))
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_hmac_sha256_of_timestamp_dot_body() {
        // Computed independently: printf '1800000000.{}' | openssl dgst -sha256 -hmac whsec_test
        assert_eq!(
            signature("whsec_test", 1_800_000_000, b"{}"),
            "v1=482e6337ac5272392d375c6fdc4d52a7e615dc2facedab0ffe155ddfd6a56e66"
        );
    }

    #[test]
    fn a_patch_names_its_event() {
        let of = |patch| EventType::of_patch(&patch);
        assert_eq!(of(json!({"job_title": "CFO"})), EventType::Updated);
        assert_eq!(
            of(json!({"employment_termination_date": "2027-01-31", "active": true})),
            EventType::TerminationScheduled
        );
        assert_eq!(
            of(json!({"employment_termination_date": null})),
            EventType::TerminationCanceled
        );
    }

    #[test]
    fn a_webhook_request_registers_stops_or_switches_duplicates() {
        let set = |body: Value, current: Option<Webhook>| {
            serde_json::from_value::<WebhookRequest>(body)
                .unwrap()
                .apply(current)
        };
        let hook = set(
            json!({"url": "http://127.0.0.1:9/hook", "secret": "s"}),
            None,
        )
        .unwrap()
        .unwrap();
        assert_eq!((hook.secret.as_str(), hook.duplicate), ("s", false));
        let doubled = set(json!({"duplicate": true}), Some(hook.clone()))
            .unwrap()
            .unwrap();
        assert!(doubled.duplicate);
        assert_eq!(doubled.url, hook.url);
        assert!(set(json!({}), Some(hook.clone())).unwrap().is_none());
        assert!(
            set(json!({"url": null}), Some(hook.clone()))
                .unwrap()
                .is_none()
        );
        let generated = set(json!({"url": "https://hooks.example.test/jw"}), None)
            .unwrap()
            .unwrap();
        assert!(generated.secret.starts_with("whsec_") && generated.secret.len() > 40);
        for bad in [
            json!({"url": "http://example.test/hook", "secret": "s"}),
            json!({"url": "ftp://127.0.0.1/hook", "secret": "s"}),
            json!({"url": "http://127.0.0.1/hook", "secret": ""}),
        ] {
            assert!(set(bad.clone(), None).is_err(), "{bad}");
        }
        assert!(
            !format!("{hook:?}").contains("\"s\""),
            "Debug hides the secret"
        );
    }
}
