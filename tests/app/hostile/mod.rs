//! A hostile or broken outside world (issue 11, points 5 and 6): text from Justworks with
//! NULs, control characters, bidirectional overrides and no end to it; a Justworks that
//! sends more than asked for; addresses with `%00` in them. Each test reproduces the
//! attack against the real app, on SQLite and PostgreSQL alike (`scripts/test`).
//!
//! What the sandbox can serve goes through its admin surface; what it cannot (a page
//! larger than `limit`, pages without end) comes from [`HostileJustworks`] below.

mod addresses;
mod justworks_size;
mod justworks_text;

use crate::helpers::*;
use axum::Router;
use axum::extract::{Query, State};
use axum::routing::{get, post};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

pub(crate) use crate::sync::{RUN_DEADLINE, sync_and_wait};

/// The log lines at ERROR level that mention `request_id` (the log is shared by every
/// test of the binary; a request id is not).
fn error_lines_of(request_id: &str) -> Vec<String> {
    captured_logs()
        .lines()
        .filter(|l| l.contains(request_id) && l.contains("ERROR"))
        .map(str::to_owned)
        .collect()
}

/// One members page of a [`HostileJustworks`]: given the page number (1-based) and the
/// `limit` asked for, the members and whether another page follows.
type PageFn = dyn Fn(usize, usize) -> (Vec<Value>, bool) + Send + Sync;

/// A Justworks that signs anyone in and then serves whatever pages its script says,
/// counting the members pages it was asked for.
struct HostileJustworks {
    url: String,
    pages_served: Arc<AtomicUsize>,
}

#[derive(Clone)]
struct Script {
    pages: Arc<PageFn>,
    served: Arc<AtomicUsize>,
}

impl HostileJustworks {
    async fn start(
        pages: impl Fn(usize, usize) -> (Vec<Value>, bool) + Send + Sync + 'static,
    ) -> Self {
        init();
        async fn members(
            State(script): State<Script>,
            Query(q): Query<HashMap<String, String>>,
        ) -> axum::Json<Value> {
            script.served.fetch_add(1, Ordering::SeqCst);
            let page = q
                .get("cursor")
                .and_then(|c| c.strip_prefix('p'))
                .and_then(|n| n.parse().ok())
                .unwrap_or(1);
            let limit = q.get("limit").and_then(|l| l.parse().ok()).unwrap_or(100);
            let (items, more) = (script.pages)(page, limit);
            let next = more.then(|| format!("p{}", page + 1));
            axum::Json(json!({"items": items, "next_cursor": next}))
        }
        let script = Script {
            pages: Arc::new(pages),
            served: Arc::new(AtomicUsize::new(0)),
        };
        let served = script.served.clone();
        let app = Router::new()
            .route(
                "/v1/auth/login",
                post(|| async { axum::Json(json!({"mfa_required": true, "challenge_id": "ch"})) }),
            )
            .route(
                "/v1/auth/mfa",
                post(|| async {
                    axum::Json(
                        json!({"access_token": "tok_hostile", "token_type": "Bearer",
                                      "expires_in": 900}),
                    )
                }),
            )
            .route(
                "/v1/company",
                get(|| async {
                    axum::Json(
                        json!({"id": "cmp_1", "name": "Hostile Ltd", "departments": [],
                                      "offices": []}),
                    )
                }),
            )
            .route("/v1/members", get(members))
            .with_state(script);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a loopback port");
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        HostileJustworks {
            url,
            pages_served: served,
        }
    }

    fn pages_served(&self) -> usize {
        self.pages_served.load(Ordering::SeqCst)
    }
}

/// A member as small as the contract allows, with a name.
fn member(n: usize) -> Value {
    json!({"id": format!("m{n}"), "company_id": "cmp_1", "active": true,
           "name": {"given_name": "Member", "family_name": format!("N{n}")}})
}
