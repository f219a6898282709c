//! Which person a user is. A user is "themself" for exactly one person — and sees that
//! person's sensitive fields — only through a link an Owner made or confirmed
//! (`docs/design.md` → *Privacy rules that hold everywhere*). A work email that happens to equal the user's
//! email is only ever a *suggestion* shown to Owners; by itself it grants nothing.

use crate::db::{Db, is_unique_violation};
use jiff::Timestamp;
use std::collections::HashMap;

/// A person a user is, or could be, linked to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkedPerson {
    pub id: String,
    pub name: String,
}

/// For the Users page: each user's linked person, and for unlinked users the one person
/// whose work email matches theirs (a suggestion an Owner may confirm).
#[derive(Debug, Default)]
pub struct LinkOverview {
    pub linked: HashMap<String, LinkedPerson>,
    pub suggested: HashMap<String, LinkedPerson>,
}

impl LinkOverview {
    pub async fn load(db: &Db) -> sqlx::Result<Self> {
        let linked: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT u.id, p.id, p.name FROM users u JOIN people p ON p.id = u.person_id",
        )
        .fetch_all(db.pool())
        .await?;
        // Unlinked users whose email is the work email of people nobody is linked to.
        let candidates: Vec<(String, String, String, String)> = sqlx::query_as(
            "SELECT u.id, p.id, p.name, p.status FROM users u \
             JOIN people p ON lower(p.work_email) = u.email \
             WHERE u.person_id IS NULL \
             AND NOT EXISTS (SELECT 1 FROM users o WHERE o.person_id = p.id) \
             ORDER BY u.id, p.id",
        )
        .fetch_all(db.pool())
        .await?;
        let mut by_user: HashMap<String, Vec<(LinkedPerson, bool)>> = HashMap::new();
        for (user_id, id, name, status) in candidates {
            by_user
                .entry(user_id)
                .or_default()
                .push((LinkedPerson { id, name }, status == "active"));
        }
        let suggested = by_user
            .into_iter()
            .filter_map(|(user_id, people)| Some((user_id, one_suggestion(people)?)))
            .collect();
        Ok(Self {
            linked: linked
                .into_iter()
                .map(|(user_id, id, name)| (user_id, LinkedPerson { id, name }))
                .collect(),
            suggested,
        })
    }
}

/// One match, or the one active person among several; anything else is no suggestion.
fn one_suggestion(mut people: Vec<(LinkedPerson, bool)>) -> Option<LinkedPerson> {
    if people.len() > 1 {
        people.retain(|(_, active)| *active);
    }
    match people.len() {
        1 => people.pop().map(|(p, _)| p),
        _ => None,
    }
}

/// Why a link could not be made.
#[derive(Debug, thiserror::Error)]
pub enum LinkError {
    #[error("That user does not exist.")]
    NoSuchUser,
    #[error("No person has that id or work email.")]
    NoSuchPerson,
    #[error(
        "Several people have that work email: use the person's id (the end of their page's address)."
    )]
    Ambiguous,
    #[error("{0} is already linked to another user: unlink them there first.")]
    TakenBy(String),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// Finds the person an Owner typed: a person id, or a work email (case-insensitive).
pub async fn find_person(db: &Db, typed: &str) -> Result<LinkedPerson, LinkError> {
    let typed = typed.trim();
    if typed.is_empty() || typed.chars().count() > 254 || typed.contains('\0') {
        return Err(LinkError::NoSuchPerson);
    }
    let by_id: Option<(String, String)> =
        sqlx::query_as("SELECT id, name FROM people WHERE id = $1")
            .bind(typed)
            .fetch_optional(db.pool())
            .await?;
    if let Some((id, name)) = by_id {
        return Ok(LinkedPerson { id, name });
    }
    let by_email: Vec<(String, String)> =
        sqlx::query_as("SELECT id, name FROM people WHERE lower(work_email) = $1 LIMIT 2")
            .bind(typed.to_lowercase())
            .fetch_all(db.pool())
            .await?;
    match by_email.as_slice() {
        [] => Err(LinkError::NoSuchPerson),
        [(id, name)] => Ok(LinkedPerson {
            id: id.clone(),
            name: name.clone(),
        }),
        _ => Err(LinkError::Ambiguous),
    }
}

/// What linking did besides the link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Linked {
    /// A pending invitation that a Technical Owner made (and so may still hold) was
    /// withdrawn: a linked user's first password is set through an Owner's link only.
    pub withdrew_invitation: bool,
}

/// Links `user_id` to `person` (or unlinks with `None`), recording which Owner did it.
/// A person is at most one user (a unique index).
pub async fn set_link(
    db: &Db,
    user_id: &str,
    person: Option<&LinkedPerson>,
    by_owner_id: &str,
    now: Timestamp,
) -> Result<Linked, LinkError> {
    let now = now.as_millisecond();
    let mut tx = db.begin().await?;
    let result = sqlx::query(
        "UPDATE users SET person_id = $1, linked_by = $2, linked_at = $3, updated_at = $4 \
         WHERE id = $5",
    )
    .bind(person.map(|p| p.id.as_str()))
    .bind(person.map(|_| by_owner_id))
    .bind(person.map(|_| now))
    .bind(now)
    .bind(user_id)
    .execute(&mut *tx)
    .await;
    match result {
        Ok(done) if done.rows_affected() == 1 => {}
        Ok(_) => return Err(LinkError::NoSuchUser),
        Err(e) if is_unique_violation(&e) => {
            return Err(LinkError::TakenBy(
                person.map(|p| p.name.clone()).unwrap_or_default(),
            ));
        }
        Err(e) => return Err(e.into()),
    }
    let withdrawn = if person.is_some() {
        sqlx::query("DELETE FROM invitations WHERE user_id = $1 AND by_owner = 0")
            .bind(user_id)
            .execute(&mut *tx)
            .await?
            .rows_affected()
    } else {
        0
    };
    tx.commit().await?;
    Ok(Linked {
        withdrew_invitation: withdrawn > 0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(id: &str) -> LinkedPerson {
        LinkedPerson {
            id: id.into(),
            name: format!("Person {id}"),
        }
    }

    #[test]
    fn a_single_match_is_suggested() {
        assert_eq!(
            one_suggestion(vec![(person("p1"), false)]),
            Some(person("p1"))
        );
    }

    #[test]
    fn among_several_matches_only_a_single_active_one_is_suggested() {
        let two = vec![(person("p1"), false), (person("p2"), true)];
        assert_eq!(one_suggestion(two), Some(person("p2")));
        let both_active = vec![(person("p1"), true), (person("p2"), true)];
        assert_eq!(one_suggestion(both_active), None);
        let none_active = vec![(person("p1"), false), (person("p2"), false)];
        assert_eq!(one_suggestion(none_active), None);
    }
}
