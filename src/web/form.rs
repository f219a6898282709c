//! A form extractor whose refusal is a page with a sentence (axum's own answers a
//! plain-text 422). Browsers always send every field, so this mostly meets scripts and
//! hand-made requests — which still deserve a clear answer. A form with a NUL anywhere
//! in it is refused before it is read: no field may hold one (PostgreSQL refuses it in
//! text, which would answer 500 instead of 400).

use crate::web::error::AppError;
use crate::web::guard::MAX_FORM_BYTES;
use axum::body::Body;
use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;

pub struct Form<T>(pub T);

/// Like [`Form`], but a field may repeat (`notify_user_ids=a&notify_user_ids=b`): read by
/// axum-extra's parser, which collects the values into a `Vec`.
pub struct RepeatedForm<T>(pub T);

impl<T, S> FromRequest<S> for Form<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        let req = without_nul(req).await?;
        match axum::Form::<T>::from_request(req, state).await {
            Ok(axum::Form(value)) => Ok(Self(value)),
            Err(_) => Err(refused()),
        }
    }
}

impl<T, S> FromRequest<S> for RepeatedForm<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        let req = without_nul(req).await?;
        match axum_extra::extract::Form::<T>::from_request(req, state).await {
            Ok(axum_extra::extract::Form(value)) => Ok(Self(value)),
            Err(_) => Err(refused()),
        }
    }
}

/// The request again, once its form is known to hold no NUL.
async fn without_nul(req: Request) -> Result<Request, AppError> {
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, MAX_FORM_BYTES)
        .await
        .map_err(|_| malformed())?;
    let query = parts.uri.query().unwrap_or_default().as_bytes();
    if holds_nul(&bytes) || holds_nul(query) {
        tracing::info!("refused a form with a NUL in it");
        return Err(AppError::BadRequest(
            "This form holds a character orgsync does not accept (NUL), so nothing was \
             changed."
                .into(),
        ));
    }
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

fn refused() -> AppError {
    // The parser's message may quote a value: it is not logged.
    tracing::info!("refused a malformed form");
    malformed()
}

fn malformed() -> AppError {
    AppError::BadRequest(
        "This form arrived incomplete or malformed, so nothing was changed. Go back, reload \
         the page and try again."
            .into(),
    )
}

/// Whether URL-encoded form data holds a NUL: `%00` is the only way to write one there
/// (a literal `%` is `%25`), besides a raw zero byte.
fn holds_nul(data: &[u8]) -> bool {
    data.contains(&0) || data.windows(3).any(|w| w == b"%00")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nul_is_found_however_it_is_written_and_only_then() {
        assert!(holds_nul(b"email=a%00b%40acme.test"));
        assert!(holds_nul(b"email=a\0b"));
        assert!(!holds_nul(b"note=100%25&n=%2500&x=%0A"));
    }
}
