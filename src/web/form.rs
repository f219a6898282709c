//! A form extractor whose refusal is a page with a sentence (axum's own answers a
//! plain-text 422). Browsers always send every field, so this mostly meets scripts and
//! hand-made requests — which still deserve a clear answer.

use crate::error::AppError;
use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;

pub struct Form<T>(pub T);

impl<T, S> FromRequest<S> for Form<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        match axum::Form::<T>::from_request(req, state).await {
            Ok(axum::Form(value)) => Ok(Self(value)),
            Err(_) => {
                // The parser's message may quote a value: it is not logged.
                tracing::info!("refused a malformed form");
                Err(AppError::BadRequest(
                    "This form arrived incomplete or malformed, so nothing was changed. Go \
                     back, reload the page and try again."
                        .into(),
                ))
            }
        }
    }
}
