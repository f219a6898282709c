//! A signed-in conversation with Justworks: the company, one members page at a time
//! (read as bytes, parsed, converted and dropped), and the GET under them that signs in
//! again once when the token expires. Bodies that are not the contract's JSON become
//! secret-free "unreadable" errors.

use super::JustworksClient;
use crate::justworks::auth::{Authenticator, BearerToken};
use crate::justworks::convert;
use crate::justworks::error::{JustworksError, Step};
use crate::justworks::transport::Answer;
use crate::justworks::wire::{ErrorAnswer, MembersPage, PageError, WireCompany};
use crate::org::roster::{RosterCompany, RosterMember};
use jiff::{RoundMode, Timestamp, TimestampRound, Unit};
use reqwest::{StatusCode, Url, header::ACCEPT};

/// One members page, converted.
pub(super) struct PageRead {
    pub(super) members: Vec<RosterMember>,
    /// A warning for each member that had something cut.
    pub(super) warnings: Vec<String>,
    pub(super) next_cursor: Option<String>,
}

/// The longest `next_cursor` taken: every cursor is kept to spot a loop, so a source
/// cannot make that list grow by sending huge ones.
const MAX_CURSOR_BYTES: usize = 2_048;

/// A signed-in conversation: data calls with the bearer token, asking for a new one
/// once when the token expires.
pub(super) struct Session<'a> {
    pub(super) client: &'a JustworksClient,
    pub(super) auth: &'a dyn Authenticator,
    pub(super) token: BearerToken,
}

impl Session<'_> {
    /// The company, and a warning for each part of it that had to be cut.
    pub(super) async fn company(&mut self) -> Result<(RosterCompany, Vec<String>), JustworksError> {
        let url = self.client.company_url.clone();
        let body = self.get(Step::Company, &url).await?;
        serde_json::from_slice::<WireCompany>(&body)
            .map(convert::company)
            .map_err(|e| unreadable_json(Step::Company, &e))
    }

    /// One members page: after `cursor` when given, and of only the members changed at
    /// or after `since` when given (the same filter on every page of a read).
    pub(super) async fn members_page(
        &mut self,
        page: usize,
        cursor: Option<&str>,
        since: Option<Timestamp>,
    ) -> Result<PageRead, JustworksError> {
        let step = Step::MembersPage(page);
        let url = members_url(
            &self.client.members_url,
            self.client.page_size,
            cursor,
            since,
        );
        let body = self.get(step, &url).await?;
        let limit = self.client.page_size;
        let wire = MembersPage::read(&body, limit as usize).map_err(|e| match e {
            PageError::TooManyItems => {
                tracing::warn!(%step, limit, "Justworks sent more members than asked for");
                JustworksError::PageTooLarge { step, limit }
            }
            PageError::Json(e) => unreadable_json(step, &e),
        })?;
        drop(body);
        let next_cursor = wire.next_cursor.filter(|c| !c.is_empty());
        if next_cursor
            .as_ref()
            .is_some_and(|c| c.len() > MAX_CURSOR_BYTES)
        {
            return Err(unreadable(
                step,
                format!("next_cursor is longer than {MAX_CURSOR_BYTES} bytes"),
            ));
        }
        let mut members = Vec::with_capacity(wire.items.len());
        let mut warnings = Vec::new();
        for item in wire.items {
            let (member, warning) = convert::member(item).map_err(|e| unreadable(step, e.0))?;
            members.push(member);
            warnings.extend(warning);
        }
        Ok(PageRead {
            members,
            warnings,
            next_cursor,
        })
    }

    /// A GET with the bearer token; on `token_expired`, gets a new token (signs in again,
    /// or refreshes) and repeats the same request once. A token rejected right after that
    /// fails the call.
    async fn get(&mut self, step: Step, url: &Url) -> Result<Vec<u8>, JustworksError> {
        let transport = &self.client.transport;
        let mut signed_in_anew = false;
        loop {
            let Answer { status, body } = transport
                .send(step, || {
                    transport
                        .http
                        .get(url.clone())
                        .header(ACCEPT, "application/json")
                        .bearer_auth(self.token.expose())
                })
                .await?;
            match status {
                StatusCode::OK => return Ok(body),
                StatusCode::UNAUTHORIZED
                    if ErrorAnswer::code_of(&body).as_deref() == Some("token_expired") =>
                {
                    if signed_in_anew {
                        return Err(JustworksError::TokenRejectedAfterSignIn { step });
                    }
                    tracing::warn!(%step, "the Justworks token expired; getting a new one");
                    self.token = self.auth.renew(self.client).await?;
                    signed_in_anew = true;
                }
                StatusCode::UNAUTHORIZED
                    if !signed_in_anew && self.auth.renews_refused_tokens() =>
                {
                    tracing::warn!(%step, "Justworks refused the token; getting a new one");
                    self.token = self.auth.renew(self.client).await?;
                    signed_in_anew = true;
                }
                StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => {
                    return Err(JustworksError::AccessDenied {
                        step,
                        status: status.as_u16(),
                    });
                }
                status => {
                    return Err(JustworksError::UnexpectedStatus {
                        base_url: transport.base_display.clone(),
                        step,
                        status: status.as_u16(),
                    });
                }
            }
        }
    }
}

/// The address of one members page. `since` is written in UTC (`…Z`) to the second,
/// rounded down: plain RFC 3339 any server reads, and earlier never misses a change.
fn members_url(base: &Url, limit: u32, cursor: Option<&str>, since: Option<Timestamp>) -> Url {
    let mut url = base.clone();
    {
        let mut query = url.query_pairs_mut();
        query.append_pair("limit", &limit.to_string());
        if let Some(since) = since {
            let floor = TimestampRound::new()
                .smallest(Unit::Second)
                .mode(RoundMode::Floor);
            let since = since.round(floor).unwrap_or(since);
            query.append_pair("updated_at_gte", &since.to_string());
        }
        if let Some(cursor) = cursor {
            query.append_pair("cursor", cursor);
        }
    }
    url
}

/// A body that is not the JSON of the contract. serde's own message can quote the
/// offending value (a salary, a name), so only its category and position are kept.
fn unreadable_json(step: Step, e: &serde_json::Error) -> JustworksError {
    unreadable(
        step,
        format!(
            "{:?} JSON error at line {} column {}",
            e.classify(),
            e.line(),
            e.column()
        ),
    )
}

fn unreadable(step: Step, detail: String) -> JustworksError {
    tracing::warn!(%step, %detail, "Justworks answered with data orgsync could not read");
    JustworksError::Unreadable { step, detail }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_since_read_asks_for_members_updated_at_or_after_the_second_in_utc() {
        let base = Url::parse("https://api.example/v1/members").unwrap();
        let since: Timestamp = "2026-11-20T14:03:11.250Z".parse().unwrap();
        let url = members_url(&base, 100, Some("c 2"), Some(since));
        assert_eq!(
            url.as_str(),
            "https://api.example/v1/members?limit=100&updated_at_gte=2026-11-20T14%3A03%3A11Z&cursor=c+2"
        );
        let zoned: Timestamp = "2026-11-20T09:03:11.999-05:00".parse().unwrap();
        let url = members_url(&base, 50, None, Some(zoned));
        assert_eq!(
            url.query(),
            Some("limit=50&updated_at_gte=2026-11-20T14%3A03%3A11Z")
        );
        assert_eq!(
            members_url(&base, 100, None, None).query(),
            Some("limit=100")
        );
    }
}
