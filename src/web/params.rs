//! The address's parameters as handlers take them: [`Path`] and [`Query`], axum's own
//! with orgsync's answers. A value with a NUL (`%00`) in it — or, in the path, any other
//! control character — or longer than any orgsync gives out is refused here, before a
//! handler or the database sees it: PostgreSQL refuses a NUL in text with an error,
//! which would otherwise answer 500 on PostgreSQL and 404 on SQLite. An id in the path
//! that cannot be read names nothing (404); a query that cannot be read is a bad request
//! (400). Both are pages, or JSON under `/api/`, like every other refusal.

use crate::web::error::AppError;
use axum::extract::rejection::PathRejection;
use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

/// Longer than any id orgsync makes (UUIDs) or any Justworks id it keeps.
pub const MAX_PATH_PARAM_CHARS: usize = 1_000;
/// Longer than any search or cursor orgsync gives out.
pub const MAX_QUERY_VALUE_CHARS: usize = 4_096;

/// Whether a text may reach the database at all: PostgreSQL refuses NUL in text.
pub fn storable(value: &str) -> bool {
    !value.contains('\0')
}

/// `axum::extract::Path`, answering 404 for a parameter with a control character in it,
/// an over-long one, or one not of the expected type.
pub struct Path<T>(pub T);

impl<T, S> FromRequestParts<S> for Path<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        // Percent-decoded; not UTF-8 is refused by this extractor already.
        let raw = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| AppError::NotFound)?;
        let usable = |value: &str| {
            !value.chars().any(char::is_control) && value.chars().count() <= MAX_PATH_PARAM_CHARS
        };
        if !raw.iter().all(|(_, value)| usable(value)) {
            tracing::info!("refused an unreadable id in the address");
            return Err(AppError::NotFound);
        }
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(Self(value)),
            Err(PathRejection::FailedToDeserializePathParams(_)) => Err(AppError::NotFound),
            Err(other) => Err(AppError::Internal(anyhow::anyhow!(
                "path parameters: {}",
                other.body_text()
            ))),
        }
    }
}

/// `axum::extract::Query`, answering 400 with a sentence for a query with a NUL in it,
/// an over-long value, or one not of the expected type.
pub struct Query<T>(pub T);

impl<T, S> FromRequestParts<S> for Query<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, AppError> {
        let query = parts.uri.query().unwrap_or_default();
        let pairs: Vec<(String, String)> =
            serde_urlencoded::from_str(query).map_err(|_| unreadable())?;
        let usable = |(name, value): &(String, String)| {
            storable(name) && storable(value) && value.chars().count() <= MAX_QUERY_VALUE_CHARS
        };
        if !pairs.iter().all(usable) {
            // The values themselves are not logged: a query may hold a one-time token.
            tracing::info!("refused an unreadable query");
            return Err(unreadable());
        }
        axum::extract::Query::<T>::try_from_uri(&parts.uri)
            .map(|axum::extract::Query(value)| Self(value))
            .map_err(|_| unreadable())
    }
}

fn unreadable() -> AppError {
    AppError::BadRequest(
        "This address has a parameter orgsync cannot read (a character it does not accept, \
         a value too long, or a value of the wrong kind). Go back and try again."
            .into(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::Request;

    #[derive(serde::Deserialize)]
    struct Q {
        cursor: Option<String>,
        limit: Option<i64>,
    }

    async fn query(uri: &str) -> Result<Q, AppError> {
        let (mut parts, ()) = Request::get(uri).body(()).unwrap().into_parts();
        Query::<Q>::from_request_parts(&mut parts, &())
            .await
            .map(|Query(q)| q)
    }

    #[tokio::test]
    async fn a_query_is_read_unless_it_holds_a_nul_or_is_too_long_or_of_the_wrong_kind() {
        let q = query("/x?cursor=abc&limit=5").await.unwrap();
        assert_eq!((q.cursor.as_deref(), q.limit), (Some("abc"), Some(5)));
        assert!(query("/x").await.unwrap().cursor.is_none());
        for bad in [
            "/x?cursor=%00",
            "/x?cursor=a%00b",
            "/x?%00=1",
            "/x?limit=many",
        ] {
            assert!(
                matches!(query(bad).await, Err(AppError::BadRequest(_))),
                "{bad}"
            );
        }
        let long = format!("/x?cursor={}", "a".repeat(MAX_QUERY_VALUE_CHARS + 1));
        assert!(matches!(query(&long).await, Err(AppError::BadRequest(_))));
    }
}
