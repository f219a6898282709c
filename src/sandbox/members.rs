//! The data calls: `GET /v1/company` and `GET /v1/members` with opaque cursors and the
//! `status` / `updated_at_*` filters. Read with a Partner-API token, members come without
//! `gender` and `eeo1_race`, as the Partner API has neither.
//!
//! A page is a window of the roster starting at the cursor's position. A filtered page
//! looks at no more than [`SCAN_BUDGET`] members, so every request costs the same on a
//! 100 000-member roster — which means a page can come back short or even empty with a
//! cursor to follow, exactly the case the contract tells clients to expect.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use data_encoding::BASE64URL_NOPAD;
use jiff::Timestamp;
use sha2::{Digest, Sha256};

use super::AppState;
use super::bearer::Authorized;
use super::error::ApiError;
use super::faults::cut_in_half;
use super::roster::StoredMember;

pub(crate) const MAX_LIMIT: usize = 100;
/// Members a filtered page examines at most.
pub(crate) const SCAN_BUDGET: usize = 2_000;
/// What the Partner API does not serve.
const NOT_ON_THE_PARTNER_API: [&str; 2] = ["gender", "eeo1_race"];

/// `GET /v1/company`
pub(crate) async fn company(_: Authorized, State(state): State<AppState>) -> Response {
    Json(state.roster().company().clone()).into_response()
}

/// `GET /v1/members`
pub(crate) async fn members(
    authorized: Authorized,
    State(state): State<AppState>,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let query = PageQuery::parse(&params, state.cursors())?;
    let body = {
        let roster = state.roster();
        let page = page(roster.members(), &query);
        let cursor = page.next.map(|offset| state.cursors().encode(offset));
        match authorized {
            Authorized::ServiceUser => page_json(&page.items, cursor.as_deref()),
            Authorized::Partner => {
                let items: Vec<String> = page.items.iter().map(|i| as_partner_api(i)).collect();
                let items: Vec<&str> = items.iter().map(String::as_str).collect();
                page_json(&items, cursor.as_deref())
            }
        }
    };
    let body = if state.faults().take_corrupt_page() {
        cut_in_half(body)
    } else {
        body
    };
    let mut response = body.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    Ok(response)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Comparison {
    Gt,
    Gte,
    Lt,
    Lte,
    Ne,
}

#[derive(Debug, Default)]
pub(crate) struct PageQuery {
    offset: usize,
    limit: usize,
    /// `Some(true)` for `status=active`, `Some(false)` for `terminated`.
    active: Option<bool>,
    updated_at: Vec<(Comparison, Timestamp)>,
}

impl PageQuery {
    fn parse(params: &[(String, String)], cursors: &CursorCodec) -> Result<Self, ApiError> {
        let bad = |message: String| ApiError::BadRequest(message);
        let mut query = Self {
            limit: MAX_LIMIT,
            ..Self::default()
        };
        for (key, value) in params {
            match key.as_str() {
                "limit" => {
                    query.limit = value
                        .parse()
                        .ok()
                        .filter(|n| (1..=MAX_LIMIT).contains(n))
                        .ok_or_else(|| {
                            bad(format!(
                                "limit must be a whole number from 1 to {MAX_LIMIT}"
                            ))
                        })?;
                }
                "cursor" if value.is_empty() => {}
                "cursor" => {
                    query.offset = cursors.decode(value).ok_or_else(|| {
                        bad("this cursor was not issued by this server".to_string())
                    })?;
                }
                "status" => {
                    query.active = match value.as_str() {
                        "active" => Some(true),
                        "terminated" => Some(false),
                        _ => return Err(bad("status must be active or terminated".to_string())),
                    };
                }
                other => {
                    let comparison = match other {
                        "updated_at_gt" => Comparison::Gt,
                        "updated_at_gte" => Comparison::Gte,
                        "updated_at_lt" => Comparison::Lt,
                        "updated_at_lte" => Comparison::Lte,
                        "updated_at_ne" => Comparison::Ne,
                        _ => return Err(bad(format!("unknown query parameter {other:?}"))),
                    };
                    let at = value.parse::<Timestamp>().map_err(|_| {
                        bad(format!(
                            "{other} must be an RFC 3339 time such as 2026-01-31T09:00:00Z"
                        ))
                    })?;
                    query.updated_at.push((comparison, at));
                }
            }
        }
        Ok(query)
    }

    fn matches(&self, member: &StoredMember) -> bool {
        if self.active.is_some() && member.active() != self.active {
            return false;
        }
        self.updated_at
            .iter()
            .all(|&(comparison, at)| match member.updated_at() {
                // A member without `updated_at` is unknown, so it is in no time range.
                None => comparison == Comparison::Ne,
                Some(updated) => match comparison {
                    Comparison::Gt => updated > at,
                    Comparison::Gte => updated >= at,
                    Comparison::Lt => updated < at,
                    Comparison::Lte => updated <= at,
                    Comparison::Ne => updated != at,
                },
            })
    }
}

pub(crate) struct Page<'a> {
    pub items: Vec<&'a str>,
    /// Where the next page starts, if anything is left.
    pub next: Option<usize>,
}

pub(crate) fn page<'a>(members: &'a [StoredMember], query: &PageQuery) -> Page<'a> {
    let start = query.offset.min(members.len());
    let mut items = Vec::with_capacity(query.limit);
    let mut position = start;
    while position < members.len() && items.len() < query.limit && position - start < SCAN_BUDGET {
        if query.matches(&members[position]) {
            items.push(members[position].json());
        }
        position += 1;
    }
    Page {
        items,
        next: (position < members.len()).then_some(position),
    }
}

/// A member as the Partner API serves it: the same JSON less [`NOT_ON_THE_PARTNER_API`].
fn as_partner_api(item: &str) -> String {
    let named = |key: &str| item.contains(&format!("\"{key}\""));
    if !NOT_ON_THE_PARTNER_API.iter().any(|key| named(key)) {
        return item.to_string();
    }
    match serde_json::from_str::<serde_json::Value>(item) {
        Ok(serde_json::Value::Object(mut member)) => {
            for key in NOT_ON_THE_PARTNER_API {
                member.remove(key);
            }
            serde_json::Value::Object(member).to_string()
        }
        // A roster given through the admin surface may hold anything; serve it as given.
        _ => item.to_string(),
    }
}

fn page_json(items: &[&str], next_cursor: Option<&str>) -> String {
    let size: usize = items.iter().map(|i| i.len() + 1).sum();
    let mut body = String::with_capacity(size + 64);
    body.push_str(r#"{"items":["#);
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            body.push(',');
        }
        body.push_str(item);
    }
    body.push_str(r#"],"next_cursor":"#);
    match next_cursor {
        // Base64url needs no escaping inside a JSON string.
        Some(cursor) => {
            body.push('"');
            body.push_str(cursor);
            body.push('"');
        }
        None => body.push_str("null"),
    }
    body.push('}');
    body
}

/// Cursors are opaque: a position and a tag keyed by a secret of this sandbox, so a client
/// cannot make one up or bring one from another sandbox.
pub(crate) struct CursorCodec {
    secret: [u8; 16],
}

impl CursorCodec {
    pub(crate) fn new(secret: [u8; 16]) -> Self {
        Self { secret }
    }

    fn tag(&self, offset: u64) -> [u8; 8] {
        let digest = Sha256::new()
            .chain_update(self.secret)
            .chain_update(offset.to_be_bytes())
            .finalize();
        digest[..8]
            .try_into()
            .expect("a SHA-256 digest has 32 bytes")
    }

    pub(crate) fn encode(&self, offset: usize) -> String {
        let offset = offset as u64;
        let mut bytes = offset.to_be_bytes().to_vec();
        bytes.extend_from_slice(&self.tag(offset));
        BASE64URL_NOPAD.encode(&bytes)
    }

    pub(crate) fn decode(&self, cursor: &str) -> Option<usize> {
        let bytes = BASE64URL_NOPAD.decode(cursor.as_bytes()).ok()?;
        let (offset, tag) = bytes.split_at_checked(8)?;
        let offset = u64::from_be_bytes(offset.try_into().ok()?);
        use subtle::ConstantTimeEq;
        bool::from(tag.ct_eq(&self.tag(offset))).then_some(offset as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::collections::HashSet;

    fn roster(n: usize) -> Vec<StoredMember> {
        (0..n)
            .map(|i| {
                let at = format!("2026-01-{:02}T10:00:00Z", 1 + i % 28);
                let value = json!({"id": format!("m{i}"), "active": i % 10 != 0, "updated_at": at});
                StoredMember::from_value(&value).unwrap()
            })
            .collect()
    }

    fn query(params: &[(&str, &str)], codec: &CursorCodec) -> Result<PageQuery, ApiError> {
        let params: Vec<(String, String)> = params
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        PageQuery::parse(&params, codec)
    }

    /// Follows cursors from the start; returns the ids served and the cursors seen.
    fn pull(members: &[StoredMember], params: &[(&str, &str)]) -> (Vec<String>, Vec<String>) {
        let codec = CursorCodec::new([7; 16]);
        let (mut ids, mut cursors) = (Vec::new(), Vec::new());
        let mut cursor = None::<String>;
        loop {
            let mut with_cursor = params.to_vec();
            if let Some(c) = &cursor {
                with_cursor.push(("cursor", c));
            }
            let page = page(members, &query(&with_cursor, &codec).unwrap());
            for item in &page.items {
                let value: serde_json::Value = serde_json::from_str(item).unwrap();
                ids.push(value["id"].as_str().unwrap().to_string());
            }
            match page.next {
                None => return (ids, cursors),
                Some(next) => {
                    let encoded = codec.encode(next);
                    cursors.push(encoded.clone());
                    cursor = Some(encoded);
                }
            }
        }
    }

    #[test]
    fn paging_serves_every_member_exactly_once_and_never_repeats_a_cursor() {
        let members = roster(1_037);
        let (ids, cursors) = pull(&members, &[("limit", "37")]);
        assert_eq!(ids.len(), 1_037);
        assert_eq!(ids.iter().collect::<HashSet<_>>().len(), 1_037);
        assert_eq!(cursors.iter().collect::<HashSet<_>>().len(), cursors.len());
        assert_eq!(cursors.len(), 1_037 / 37);
    }

    #[test]
    fn the_status_filter_serves_terminated_members_only() {
        let members = roster(5_000);
        let (ids, _) = pull(&members, &[("status", "terminated")]);
        assert_eq!(ids.len(), 500);
        assert!(
            ids.iter()
                .all(|id| id[1..].parse::<usize>().unwrap() % 10 == 0)
        );
    }

    #[test]
    fn a_filter_matching_nothing_still_pages_to_the_end_with_bounded_work() {
        let members = roster(5_000);
        let (ids, cursors) = pull(&members, &[("updated_at_gt", "2030-01-01T00:00:00Z")]);
        assert!(ids.is_empty());
        assert_eq!(cursors.len(), 5_000 / SCAN_BUDGET);
    }

    #[test]
    fn updated_at_filters_compare_times() {
        let members = roster(28);
        let count = |params: &[(&str, &str)]| pull(&members, params).0.len();
        assert_eq!(count(&[("updated_at_gt", "2026-01-27T10:00:00Z")]), 1);
        assert_eq!(count(&[("updated_at_gte", "2026-01-27T10:00:00Z")]), 2);
        assert_eq!(count(&[("updated_at_lt", "2026-01-03T10:00:00+00:00")]), 2);
        assert_eq!(count(&[("updated_at_lte", "2026-01-03T11:00:00+01:00")]), 3);
        assert_eq!(count(&[("updated_at_ne", "2026-01-01T10:00:00Z")]), 27);
    }

    #[test]
    fn bad_parameters_are_refused() {
        let codec = CursorCodec::new([7; 16]);
        for params in [
            &[("limit", "0")][..],
            &[("limit", "101")],
            &[("limit", "ten")],
            &[("status", "departed")],
            &[("updated_at_gt", "yesterday")],
            &[("sort", "name")],
            &[("cursor", "AAAAAAAAAAAAAAAAAAAAAA")],
        ] {
            assert!(query(params, &codec).is_err(), "{params:?}");
        }
    }

    #[test]
    fn a_cursor_from_another_sandbox_is_refused() {
        let ours = CursorCodec::new([1; 16]);
        let theirs = CursorCodec::new([2; 16]);
        assert_eq!(ours.decode(&ours.encode(300)), Some(300));
        assert_eq!(ours.decode(&theirs.encode(300)), None);
    }

    #[test]
    fn a_page_body_is_json_of_the_documented_shape() {
        let body = page_json(&[r#"{"id":"a"}"#, r#"{"id":"b"}"#], Some("abc"));
        let value: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(
            value,
            json!({"items": [{"id": "a"}, {"id": "b"}], "next_cursor": "abc"})
        );
        let last: serde_json::Value = serde_json::from_str(&page_json(&[], None)).unwrap();
        assert_eq!(last, json!({"items": [], "next_cursor": null}));
    }
}
