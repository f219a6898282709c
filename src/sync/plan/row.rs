//! A row of the org as the plan sees it: still the org's own (borrowed), or changed by
//! the plan (owned, boxed). Most rows of a sync do not change, so an unchanged row costs
//! a pointer, and a row is copied out only when something in it really changes.

use std::ops::Deref;

pub(super) enum Row<'a, T> {
    Same(&'a T),
    Changed(Box<T>),
}

impl<T: Clone + PartialEq> Row<'_, T> {
    pub(super) fn new(row: T) -> Self {
        Self::Changed(Box::new(row))
    }

    /// The row to change, copied out of the org on first use.
    pub(super) fn to_mut(&mut self) -> &mut T {
        if let Self::Same(row) = *self {
            *self = Self::Changed(Box::new(row.clone()));
        }
        match self {
            Self::Changed(row) => row,
            Self::Same(_) => unreachable!("copied just above"),
        }
    }

    pub(super) fn into_owned(self) -> T {
        match self {
            Self::Same(row) => row.clone(),
            Self::Changed(row) => *row,
        }
    }

    /// Whether the row differs from the org's (`before`), or is new.
    pub(super) fn differs_from(&self, before: Option<&T>) -> bool {
        match (self, before) {
            (_, None) => true,
            (Self::Same(_), Some(_)) => false,
            (Self::Changed(after), Some(before)) => **after != *before,
        }
    }
}

impl<T> Deref for Row<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        match self {
            Self::Same(row) => row,
            Self::Changed(row) => row,
        }
    }
}
