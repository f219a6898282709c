//! One Justworks request, tried until it gets an answer worth reading: retries 429
//! (honouring `Retry-After`), 5xx, connection failures and timeouts per [`RetryPolicy`],
//! logging each retry, and reads the answer's body with a size cap.
//!
//! `reqwest` errors are classified into a [`TransportFailure`] right here and dropped:
//! their text repeats the request URL, and nothing of them reaches an error or a log.

use super::error::{JustworksError, Step, TransportFailure};
use super::retry::{RetryPolicy, parse_retry_after, random_jitter};
use reqwest::{RequestBuilder, StatusCode, header::RETRY_AFTER};
use std::error::Error as _;
use std::time::{Duration, Instant};

/// A final answer: any status but 429 and 5xx, with its whole (capped) body.
pub struct Answer {
    pub status: StatusCode,
    pub body: Vec<u8>,
}

/// How one attempt went wrong in a way worth retrying.
enum Retryable {
    Status {
        status: StatusCode,
        retry_after: Option<Duration>,
    },
    Transport(TransportFailure),
}

/// The HTTP side of the client: a `reqwest` client plus the rules for retrying.
pub struct Transport {
    pub http: reqwest::Client,
    /// The base URL as shown in messages (no trailing slash).
    pub base_display: String,
    pub policy: RetryPolicy,
    pub max_body_bytes: usize,
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transport")
            .field("base_url", &self.base_display)
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

impl Transport {
    /// Sends the request `build` makes (once per attempt) until it gets a final answer
    /// or the retry budget runs out.
    pub async fn send(
        &self,
        step: Step,
        build: impl Fn() -> RequestBuilder,
    ) -> Result<Answer, JustworksError> {
        let started = Instant::now();
        let mut attempt: u32 = 1;
        loop {
            let failure = match self.attempt(step, build()).await? {
                Ok(answer) => return Ok(answer),
                Err(failure) => failure,
            };
            let retry_after = match &failure {
                Retryable::Status { retry_after, .. } => *retry_after,
                Retryable::Transport(_) => None,
            };
            let permanent = matches!(failure, Retryable::Transport(TransportFailure::Tls));
            let wait = if permanent {
                None
            } else {
                self.policy
                    .next_wait(attempt, started.elapsed(), retry_after, random_jitter())
            };
            let Some(wait) = wait else {
                return Err(self.give_up(step, failure, attempt));
            };
            match &failure {
                Retryable::Status { status, .. } => tracing::warn!(
                    %step,
                    attempt,
                    max_attempts = self.policy.max_attempts,
                    status = status.as_u16(),
                    wait_ms = wait.as_millis() as u64,
                    "Justworks answered with a temporary error; retrying"
                ),
                Retryable::Transport(kind) => tracing::warn!(
                    %step,
                    attempt,
                    max_attempts = self.policy.max_attempts,
                    failure = %kind,
                    wait_ms = wait.as_millis() as u64,
                    "Justworks could not be reached; retrying"
                ),
            }
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }

    /// One attempt. The outer `Result` is a final failure (the body is too large); the
    /// inner one says whether this attempt is worth repeating.
    async fn attempt(
        &self,
        step: Step,
        request: RequestBuilder,
    ) -> Result<Result<Answer, Retryable>, JustworksError> {
        let mut response = match request.send().await {
            Ok(r) => r,
            Err(e) => return Ok(Err(Retryable::Transport(classify(&e)))),
        };
        let status = response.status();
        if status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error() {
            let retry_after = response
                .headers()
                .get(RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(parse_retry_after);
            return Ok(Err(Retryable::Status {
                status,
                retry_after,
            }));
        }
        let mut body = Vec::with_capacity(
            response
                .content_length()
                .map_or(16 * 1024, |n| n as usize)
                .min(self.max_body_bytes),
        );
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    if body.len() + chunk.len() > self.max_body_bytes {
                        return Err(JustworksError::Unreadable {
                            step,
                            detail: format!(
                                "the answer is larger than {} bytes",
                                self.max_body_bytes
                            ),
                        });
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => return Ok(Ok(Answer { status, body })),
                Err(e) => return Ok(Err(Retryable::Transport(classify(&e)))),
            }
        }
    }

    fn give_up(&self, step: Step, last: Retryable, attempts: u32) -> JustworksError {
        match last {
            Retryable::Transport(failure) => JustworksError::Unreachable {
                base_url: self.base_display.clone(),
                step,
                failure,
                attempts,
            },
            Retryable::Status { status, .. } if status == StatusCode::TOO_MANY_REQUESTS => {
                JustworksError::RateLimited { step, attempts }
            }
            Retryable::Status { status, .. } => JustworksError::ServerFailing {
                step,
                status: status.as_u16(),
                attempts,
            },
        }
    }
}

/// What kind of connection failure `e` is, looking through its chain of causes.
fn classify(e: &reqwest::Error) -> TransportFailure {
    if e.is_timeout() {
        return TransportFailure::TimedOut;
    }
    let mut source = e.source();
    while let Some(cause) = source {
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind::*;
            match io.kind() {
                ConnectionRefused => return TransportFailure::Refused,
                ConnectionReset | ConnectionAborted | BrokenPipe | UnexpectedEof => {
                    return TransportFailure::Reset;
                }
                TimedOut => return TransportFailure::TimedOut,
                _ => {}
            }
        }
        if cause.downcast_ref::<rustls::Error>().is_some() {
            return TransportFailure::Tls;
        }
        // hyper-util names resolver failures this way; the text is only compared here,
        // never shown.
        if cause.to_string().starts_with("dns error") {
            return TransportFailure::NameNotResolved;
        }
        source = cause.source();
    }
    if e.is_body() || e.is_decode() {
        TransportFailure::Reset
    } else {
        TransportFailure::Other
    }
}
