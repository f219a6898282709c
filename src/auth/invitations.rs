//! Invitations: one-time links (valid 7 days) with which an invited user chooses their
//! own password. The link is shown once to whoever made it, so making or renewing one is
//! a way into that account: a Technical Owner may renew only an invitation that a
//! Technical Owner made, for a user at or below its level who is not linked to a person
//! (`docs/design.md` → *Privacy rules that hold everywhere*).

use super::level::AccessLevel;
use super::tokens::{random_token, token_hash};
use super::users::{self, CreateUserError, NewUser, User};
use crate::audit::{self, Actor};
use crate::db::Db;
use jiff::Timestamp;
use sqlx::AnyConnection;

pub const DAYS: i64 = 7;

/// Makes a new link for `user_id`, replacing any earlier one; the token to send.
pub async fn create(
    conn: &mut AnyConnection,
    user_id: &str,
    by: &User,
    now: Timestamp,
) -> sqlx::Result<String> {
    let token = random_token();
    sqlx::query("DELETE FROM invitations WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    let now = now.as_millisecond();
    sqlx::query(
        "INSERT INTO invitations (token_hash, user_id, created_by, created_at, expires_at, by_owner) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(token_hash(&token))
    .bind(user_id)
    .bind(&by.id)
    .bind(now)
    .bind(now + DAYS * 24 * 3600 * 1000)
    .bind(by.level.is_owner() as i64)
    .execute(&mut *conn)
    .await?;
    Ok(token)
}

/// Invites a new user: creates them without a password, makes their link and records it
/// in the audit log, together. Returns the user and the token to send.
pub async fn invite(
    db: &Db,
    new: NewUser<'_>,
    by: &User,
    now: Timestamp,
) -> Result<(User, String), CreateUserError> {
    let level = new.level;
    let mut tx = db.begin().await?;
    let invited = users::insert(&mut tx, new, now).await?;
    let token = create(&mut tx, &invited.id, by, now).await?;
    audit::record(
        &mut tx,
        &Actor::user(by),
        "user.invited",
        &invited.email,
        &format!("level: {}", level.label()),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok((invited, token))
}

/// Makes a new link for a pending `invited` user, replacing the old one, and records it in
/// the audit log; the token to send. The caller has checked [`may_renew`].
pub async fn renew(db: &Db, invited: &User, by: &User, now: Timestamp) -> sqlx::Result<String> {
    let mut tx = db.begin().await?;
    let token = create(&mut tx, &invited.id, by, now).await?;
    audit::record(
        &mut tx,
        &Actor::user(by),
        "user.invitation_renewed",
        &invited.email,
        "",
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(token)
}

/// Why a new link for someone was refused.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum RenewRefused {
    #[error("{0} has already set a password or is deactivated.")]
    NotPending(String),
    #[error("Only an Owner can make a new invitation link for {0}.")]
    OwnersOnly(String),
}

/// Whether `renewer` may make a new link for `invited`, whose current invitation (if
/// any) was made by an Owner or not (`by_owner`).
pub fn may_renew(
    renewer: &User,
    invited: &User,
    by_owner: Option<bool>,
) -> Result<(), RenewRefused> {
    if invited.has_password || !invited.active {
        return Err(RenewRefused::NotPending(invited.name.clone()));
    }
    if renewer.level.is_owner() {
        return Ok(());
    }
    let technical_owner_made = by_owner == Some(false);
    if invited.level > renewer.level
        || renewer.level < AccessLevel::TechnicalOwner
        || invited.person_id.is_some()
        || !technical_owner_made
    {
        return Err(RenewRefused::OwnersOnly(invited.name.clone()));
    }
    Ok(())
}

/// Whether the user's current invitation was made by an Owner (`None`: there is none).
pub async fn made_by_owner(db: &Db, user_id: &str) -> sqlx::Result<Option<bool>> {
    let row: Option<(i64,)> = sqlx::query_as("SELECT by_owner FROM invitations WHERE user_id = $1")
        .bind(user_id)
        .fetch_optional(db.pool())
        .await?;
    Ok(row.map(|(by_owner,)| by_owner != 0))
}

/// The user an invitation link belongs to, while it is valid.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Invitee {
    pub user_id: String,
    pub name: String,
    pub email: String,
}

/// The user of the link `token`, while it is valid at `now`.
pub async fn find(db: &Db, token: &str, now: Timestamp) -> sqlx::Result<Option<Invitee>> {
    if token.is_empty() || token.len() > 128 {
        return Ok(None);
    }
    sqlx::query_as(
        "SELECT u.id AS user_id, u.name, u.email FROM invitations i \
         JOIN users u ON u.id = i.user_id \
         WHERE i.token_hash = $1 AND i.expires_at > $2 AND u.active = 1",
    )
    .bind(token_hash(token))
    .bind(now.as_millisecond())
    .fetch_optional(db.pool())
    .await
}

/// Uses the link: sets the password (already hashed) in one transaction with using up
/// the token, so a link works once even when two people press at the same moment.
/// `None` when the link is not (or no longer) valid.
pub async fn accept(
    db: &Db,
    token: &str,
    password_hash: &str,
    now: Timestamp,
) -> sqlx::Result<Option<Invitee>> {
    let Some(invitee) = find(db, token, now).await? else {
        return Ok(None);
    };
    let mut tx = db.begin().await?;
    let used = sqlx::query("DELETE FROM invitations WHERE token_hash = $1")
        .bind(token_hash(token))
        .execute(&mut *tx)
        .await?;
    if used.rows_affected() != 1 {
        return Ok(None);
    }
    sqlx::query("UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3")
        .bind(password_hash)
        .bind(now.as_millisecond())
        .bind(&invitee.user_id)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        &Actor {
            id: Some(&invitee.user_id),
            name: &invitee.name,
        },
        "user.invitation_accepted",
        &invitee.email,
        "",
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Some(invitee))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(level: AccessLevel) -> User {
        User {
            id: "u".into(),
            email: "u@acme.test".into(),
            name: "U".into(),
            level,
            active: true,
            has_password: false,
            sessions_valid_after: 0,
            created_at: 0,
            person_id: None,
        }
    }

    #[test]
    fn a_technical_owner_renews_only_what_a_technical_owner_made() {
        let tech = user(AccessLevel::TechnicalOwner);
        let member = user(AccessLevel::Member);
        assert_eq!(may_renew(&tech, &member, Some(false)), Ok(()));
        assert!(may_renew(&tech, &member, Some(true)).is_err());
        assert!(may_renew(&tech, &member, None).is_err());
    }

    #[test]
    fn a_technical_owner_never_renews_for_a_linked_user_or_a_higher_level() {
        let tech = user(AccessLevel::TechnicalOwner);
        let linked = User {
            person_id: Some("p1".into()),
            ..user(AccessLevel::Member)
        };
        assert!(may_renew(&tech, &linked, Some(false)).is_err());
        assert!(may_renew(&tech, &user(AccessLevel::Owner), Some(false)).is_err());
    }

    #[test]
    fn an_owner_renews_any_pending_invitation_but_not_a_used_one() {
        let owner = user(AccessLevel::Owner);
        let linked = User {
            person_id: Some("p1".into()),
            ..user(AccessLevel::Member)
        };
        assert_eq!(may_renew(&owner, &linked, Some(true)), Ok(()));
        let done = User {
            has_password: true,
            ..user(AccessLevel::Member)
        };
        assert!(matches!(
            may_renew(&owner, &done, Some(true)),
            Err(RenewRefused::NotPending(_))
        ));
    }
}
