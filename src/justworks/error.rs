//! What can go wrong talking to Justworks, as sentences a person can act on.
//!
//! Every variant names the step that failed. None of them can carry the password, the
//! seed, a 2FA code or a bearer token: they hold only the step, HTTP status numbers,
//! counts, member ids and the configured base URL (which [`super::JustworksClient::new`]
//! refuses to accept with a user name, password, query or fragment in it). Transport
//! errors from `reqwest` are classified into a [`TransportFailure`] and then dropped,
//! so their request URLs and headers never reach a message.

use std::fmt;

/// The step of a Justworks conversation an error happened in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// `POST /v1/auth/login` (username and password).
    Login,
    /// `POST /v1/auth/mfa` (the 2FA code).
    TwoFactor,
    /// `GET /v1/company`.
    Company,
    /// `GET /v1/members`, 1-based page number.
    MembersPage(usize),
    /// `POST /oauth/token` (the Partner API: a code or refresh token for an access token).
    Token,
}

impl Step {
    /// Short label used inside parentheses: "(page 3)", "(company)".
    pub fn label(self) -> StepLabel {
        StepLabel(self)
    }
}

/// "signing in", "reading members page 3", …
impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Step::Login => f.write_str("signing in"),
            Step::TwoFactor => f.write_str("sending the 2FA code"),
            Step::Company => f.write_str("reading the company"),
            Step::MembersPage(n) => write!(f, "reading members page {n}"),
            Step::Token => f.write_str("getting an access token"),
        }
    }
}

/// The parenthesised form of a [`Step`]: "page 3", "company", "sign-in", "2FA".
#[derive(Debug, Clone, Copy)]
pub struct StepLabel(Step);

impl fmt::Display for StepLabel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Step::Login => f.write_str("sign-in"),
            Step::TwoFactor => f.write_str("2FA"),
            Step::Company => f.write_str("company"),
            Step::MembersPage(n) => write!(f, "page {n}"),
            Step::Token => f.write_str("token"),
        }
    }
}

/// Why a connection to Justworks failed, without the underlying error's text (which
/// would repeat the request URL).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransportFailure {
    TimedOut,
    Refused,
    Reset,
    NameNotResolved,
    Tls,
    Other,
}

impl fmt::Display for TransportFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TransportFailure::TimedOut => "timed out",
            TransportFailure::Refused => "connection refused",
            TransportFailure::Reset => "connection dropped",
            TransportFailure::NameNotResolved => "host name not found",
            TransportFailure::Tls => "secure connection failed",
            TransportFailure::Other => "connection failed",
        })
    }
}

/// A Justworks conversation that did not succeed.
#[derive(Debug, thiserror::Error)]
pub enum JustworksError {
    #[error("Justworks rejected the username or password")]
    InvalidCredentials,

    #[error(
        "Justworks rejected the 2FA code — check the 2FA code you entered and this server's clock"
    )]
    InvalidCode,

    #[error(
        "Justworks said the 2FA code had already been used, twice in a row — check that no other \
         program signs in with the same 2FA seed"
    )]
    CodeAlreadyUsed,

    #[error(
        "Justworks let the 2FA challenge expire before orgsync answered it — try again, and check \
         this server's clock"
    )]
    ChallengeExpired,

    #[error(
        "Justworks could not be reached at {base_url} ({failure} after {attempts} {attempt_word} \
         while {step})",
        attempt_word = if *attempts == 1 { "attempt" } else { "attempts" }
    )]
    Unreachable {
        base_url: String,
        step: Step,
        failure: TransportFailure,
        attempts: u32,
    },

    #[error("Justworks answered with data orgsync could not read ({})", step.label())]
    Unreadable {
        step: Step,
        /// What exactly was wrong, for the log (never a field value, never a secret).
        detail: String,
    },

    #[error(
        "Justworks kept asking orgsync to slow down while {step}, for longer than orgsync waits \
         (gave up after {attempts} {attempt_word}) — try again in a few minutes",
        attempt_word = if *attempts == 1 { "attempt" } else { "attempts" }
    )]
    RateLimited { step: Step, attempts: u32 },

    #[error(
        "Justworks kept answering with an error (HTTP {status}) while {step} (gave up after \
         {attempts} {attempt_word}) — try again later",
        attempt_word = if *attempts == 1 { "attempt" } else { "attempts" }
    )]
    ServerFailing {
        step: Step,
        status: u16,
        attempts: u32,
    },

    #[error(
        "Justworks refused access while {step} (HTTP {status}) — check that the Justworks user \
         orgsync signs in as still has the permission “View all employee information”"
    )]
    AccessDenied { step: Step, status: u16 },

    #[error(
        "Justworks rejected a fresh sign-in while {step}: the session expired again right after \
         orgsync signed in anew — try again later"
    )]
    TokenRejectedAfterSignIn { step: Step },

    #[error(
        "Justworks returned the same page twice (page {page}); orgsync stopped to avoid a loop"
    )]
    RepeatedCursor { page: usize },

    #[error(
        "Justworks listed member {member_id} twice in one pull; the data looks corrupt, so \
         orgsync stopped before changing anything"
    )]
    DuplicateMember { member_id: String },

    #[error(
        "Justworks kept returning pages of members past page {max_pages}; orgsync stopped to \
         avoid reading forever"
    )]
    TooManyPages { max_pages: usize },

    #[error(
        "Justworks sent more members than orgsync asked for (more than {limit}) while {step}; \
         orgsync stopped rather than read an answer that large, and changed nothing"
    )]
    PageTooLarge { step: Step, limit: u32 },

    #[error(
        "Justworks listed more than {} members, the most orgsync reads in one sync; orgsync \
         stopped before changing anything. If the company really is this large, raise \
         ORGSYNC_MAX_MEMBERS",
        crate::org::model::thousands(*max_members as i64)
    )]
    TooManyMembers { max_members: usize, page: usize },

    #[error(
        "Justworks answered HTTP {status} while {step} — check the Justworks address \
         ({base_url})"
    )]
    UnexpectedStatus {
        base_url: String,
        step: Step,
        status: u16,
    },

    /// The Partner API's refresh (or code) was refused with `invalid_grant`: revoked,
    /// expired or already used. Only connecting again helps.
    #[error(
        "Reconnect Justworks: Justworks no longer accepts orgsync's connection (it was revoked \
         or has expired). A Technical Owner can connect again on the Justworks page"
    )]
    ReconnectNeeded,

    #[error("Justworks rejected the client id or client secret — check them on the Justworks page")]
    ClientRejected,

    #[error("Justworks is not connected yet: press Connect with Justworks on the Justworks page")]
    NotConnected,

    #[error(
        "orgsync could not read or save the Justworks connection in its own database — try \
         again; if it keeps happening, check the server's log"
    )]
    ConnectionStore,

    #[error("The Justworks address is not usable: {reason}")]
    BadBaseUrl { reason: &'static str },

    #[error("orgsync could not set up its connection to Justworks (HTTP client)")]
    ClientSetup,
}

/// What kind of trouble a failure is, for the connection's health (the Justworks page
/// and the apps list): Justworks said no to what orgsync signs in with; Justworks could
/// not be reached (or kept failing); the Partner API connection is gone; or something
/// else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trouble {
    Rejected,
    Unreachable,
    Reconnect,
    Other,
}

/// The first words of each sentence of a [`Trouble`] other than `Other`. A run keeps
/// only its sentence, so this is how its trouble is told afterwards; a test holds every
/// variant's sentence to its [`JustworksError::trouble`].
const TROUBLE_OPENINGS: &[(&str, Trouble)] = &[
    (
        "Justworks rejected the username or password",
        Trouble::Rejected,
    ),
    ("Justworks rejected the 2FA code", Trouble::Rejected),
    (
        "Justworks said the 2FA code had already been used",
        Trouble::Rejected,
    ),
    ("Justworks refused access while", Trouble::Rejected),
    (
        "Justworks rejected the client id or client secret",
        Trouble::Rejected,
    ),
    ("Justworks could not be reached", Trouble::Unreachable),
    (
        "Justworks kept answering with an error",
        Trouble::Unreachable,
    ),
    (
        "Justworks kept asking orgsync to slow down",
        Trouble::Unreachable,
    ),
    ("Reconnect Justworks", Trouble::Reconnect),
    ("Justworks is not connected yet", Trouble::Reconnect),
];

/// The trouble a failed run's sentence names.
pub fn trouble_of(sentence: &str) -> Trouble {
    TROUBLE_OPENINGS
        .iter()
        .find(|(opening, _)| sentence.starts_with(opening))
        .map_or(Trouble::Other, |&(_, trouble)| trouble)
}

impl JustworksError {
    /// What kind of trouble this is (see [`Trouble`]).
    pub fn trouble(&self) -> Trouble {
        use JustworksError::*;
        match self {
            InvalidCredentials
            | InvalidCode
            | CodeAlreadyUsed
            | AccessDenied { .. }
            | ClientRejected => Trouble::Rejected,
            Unreachable { .. } | ServerFailing { .. } | RateLimited { .. } => Trouble::Unreachable,
            ReconnectNeeded | NotConnected => Trouble::Reconnect,
            _ => Trouble::Other,
        }
    }

    /// The step that failed, when there is one.
    pub fn step(&self) -> Option<Step> {
        use JustworksError::*;
        match self {
            InvalidCredentials => Some(Step::Login),
            InvalidCode | CodeAlreadyUsed | ChallengeExpired => Some(Step::TwoFactor),
            Unreachable { step, .. }
            | Unreadable { step, .. }
            | RateLimited { step, .. }
            | ServerFailing { step, .. }
            | AccessDenied { step, .. }
            | TokenRejectedAfterSignIn { step }
            | PageTooLarge { step, .. }
            | UnexpectedStatus { step, .. } => Some(*step),
            RepeatedCursor { page } | TooManyMembers { page, .. } => Some(Step::MembersPage(*page)),
            TooManyPages { max_pages } => Some(Step::MembersPage(*max_pages + 1)),
            ReconnectNeeded | ClientRejected => Some(Step::Token),
            DuplicateMember { .. }
            | BadBaseUrl { .. }
            | ClientSetup
            | NotConnected
            | ConnectionStore => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_main_sentences_are_exactly_the_ones_people_are_told_about() {
        assert_eq!(
            JustworksError::InvalidCredentials.to_string(),
            "Justworks rejected the username or password"
        );
        assert_eq!(
            JustworksError::InvalidCode.to_string(),
            "Justworks rejected the 2FA code — check the 2FA code you entered and this server's \
             clock"
        );
        let unread = JustworksError::Unreadable {
            step: Step::MembersPage(3),
            detail: "x".into(),
        };
        assert_eq!(
            unread.to_string(),
            "Justworks answered with data orgsync could not read (page 3)"
        );
        let company = JustworksError::Unreadable {
            step: Step::Company,
            detail: "x".into(),
        };
        assert_eq!(
            company.to_string(),
            "Justworks answered with data orgsync could not read (company)"
        );
        let unreachable = JustworksError::Unreachable {
            base_url: "http://127.0.0.1:9".into(),
            step: Step::Login,
            failure: TransportFailure::Refused,
            attempts: 3,
        };
        assert_eq!(
            unreachable.to_string(),
            "Justworks could not be reached at http://127.0.0.1:9 (connection refused after 3 \
             attempts while signing in)"
        );
        assert_eq!(
            JustworksError::RepeatedCursor { page: 4 }.to_string(),
            "Justworks returned the same page twice (page 4); orgsync stopped to avoid a loop"
        );
        assert_eq!(
            JustworksError::PageTooLarge {
                step: Step::MembersPage(2),
                limit: 100
            }
            .to_string(),
            "Justworks sent more members than orgsync asked for (more than 100) while reading \
             members page 2; orgsync stopped rather than read an answer that large, and changed \
             nothing"
        );
        assert_eq!(
            JustworksError::TooManyMembers {
                max_members: 200_000,
                page: 2_001
            }
            .to_string(),
            "Justworks listed more than 200,000 members, the most orgsync reads in one sync; \
             orgsync stopped before changing anything. If the company really is this large, \
             raise ORGSYNC_MAX_MEMBERS"
        );
    }

    #[test]
    fn each_sentence_tells_its_trouble() {
        let errors = [
            JustworksError::InvalidCredentials,
            JustworksError::InvalidCode,
            JustworksError::CodeAlreadyUsed,
            JustworksError::ChallengeExpired,
            JustworksError::AccessDenied {
                step: Step::Company,
                status: 403,
            },
            JustworksError::ClientRejected,
            JustworksError::Unreachable {
                base_url: "http://127.0.0.1:9".into(),
                step: Step::Login,
                failure: TransportFailure::Refused,
                attempts: 3,
            },
            JustworksError::ServerFailing {
                step: Step::Company,
                status: 503,
                attempts: 4,
            },
            JustworksError::RateLimited {
                step: Step::Company,
                attempts: 4,
            },
            JustworksError::ReconnectNeeded,
            JustworksError::NotConnected,
            JustworksError::RepeatedCursor { page: 2 },
            JustworksError::ConnectionStore,
            JustworksError::UnexpectedStatus {
                base_url: "http://x".into(),
                step: Step::Token,
                status: 418,
            },
        ];
        for e in errors {
            assert_eq!(trouble_of(&e.to_string()), e.trouble(), "{e}");
        }
        assert_eq!(
            trouble_of("orgsync could not read or save its own data"),
            Trouble::Other
        );
    }

    #[test]
    fn the_unreadable_detail_stays_out_of_the_sentence() {
        let e = JustworksError::Unreadable {
            step: Step::MembersPage(1),
            detail: "missing field id".into(),
        };
        assert!(!e.to_string().contains("missing"));
    }
}
