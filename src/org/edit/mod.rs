//! Hand edits: what an Owner or a Technical Owner changes in the org themself
//! (`docs/design.md` → *Editing the org by hand*). Each edit is one function that
//! validates, then writes in one transaction: the rows, a history row per changed field
//! with the editor as its source, the fields marked as set by hand, the headcounts the
//! tree's change moves, and an audit entry. A refusal names the field it is about and
//! saves nothing.
//!
//! - `input`: form text → typed values, with field-keyed messages
//! - `person`: edit a person, add a person not from Justworks
//! - `seats`: add an open job, move, depart and rehire
//! - `pins`: pin and unpin a field
//! - `resolve`: answer a conflict (*Keep ours*, *Take Justworks'*)
//! - `write`: the transaction's shared steps (the org's revision, rows, history, counts)

mod input;
mod person;
mod pins;
mod resolve;
mod seats;
mod write;

pub use input::PersonForm;
pub use person::{add_person, edit_person};
pub use pins::{pin, unpin};
pub use resolve::{keep, take};
pub use seats::{JobForm, add_job, depart, move_to, rehire};
pub use write::bump_revision;

/// Who makes an edit, and whether they may touch sensitive fields.
#[derive(Debug, Clone, Copy)]
pub struct Editor<'a> {
    pub user_id: &'a str,
    pub name: &'a str,
    /// Owners may; Technical Owners may not (their forms do not show those fields, and
    /// a request that sends one anyway is refused).
    pub sensitive: bool,
}

/// What was wrong with a form, field by field, in the form's order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldErrors(pub Vec<(&'static str, String)>);

impl FieldErrors {
    pub fn add(&mut self, field: &'static str, message: impl Into<String>) {
        self.0.push((field, message.into()));
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The message about `field`, if any.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }

    fn into_result(self) -> Result<(), EditError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(EditError::Invalid(self))
        }
    }
}

/// Why an edit saved nothing.
#[derive(Debug, thiserror::Error)]
pub enum EditError {
    /// The form again, with these messages next to their fields.
    #[error("the form has mistakes")]
    Invalid(FieldErrors),
    #[error("there is no such person or job")]
    NotFound,
    /// The editor may not do this (a sensitive field sent by a Technical Owner).
    #[error("{0}")]
    Forbidden(&'static str),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

impl From<crate::org::model::UnknownValue> for EditError {
    fn from(e: crate::org::model::UnknownValue) -> Self {
        Self::Db(e.into())
    }
}

/// What an edit did, for the page's flash and the caller's redirect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Saved {
    /// The person (or, for an open job, the job) the page should show next.
    pub id: String,
    /// Labels of the fields that changed, in the form's order (empty: nothing to save).
    pub changed: Vec<&'static str>,
}
