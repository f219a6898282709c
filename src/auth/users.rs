//! Users of orgsync: the store and the rules about who may change whom.

use super::level::AccessLevel;
use crate::db::{Db, UnknownValue, is_unique_violation, new_id};
use jiff::Timestamp;
use sqlx::{AnyConnection, FromRow};

pub const MAX_NAME_CHARS: usize = 100;
pub const MAX_EMAIL_CHARS: usize = 254;

/// A user as the app sees it (never with the password hash).
#[derive(Debug, Clone)]
pub struct User {
    pub id: String,
    pub email: String,
    pub name: String,
    pub level: AccessLevel,
    pub active: bool,
    /// False while an invited user has not chosen a password yet.
    pub has_password: bool,
    pub sessions_valid_after: i64,
    pub created_at: i64,
    /// The person this user is ("themself"), linked by an Owner; never inferred.
    pub person_id: Option<String>,
}

#[derive(FromRow)]
struct UserRow {
    id: String,
    email: String,
    name: String,
    level: String,
    active: i64,
    has_password: i64,
    sessions_valid_after: i64,
    created_at: i64,
    person_id: Option<String>,
}

impl TryFrom<UserRow> for User {
    type Error = UnknownValue;
    fn try_from(r: UserRow) -> Result<Self, UnknownValue> {
        Ok(Self {
            id: r.id,
            email: r.email,
            name: r.name,
            level: AccessLevel::parse(&r.level)
                .ok_or_else(|| UnknownValue::new("access level", &r.level))?,
            active: r.active != 0,
            has_password: r.has_password != 0,
            sessions_valid_after: r.sessions_valid_after,
            created_at: r.created_at,
            person_id: r.person_id,
        })
    }
}

const USER_COLUMNS: &str = "id, email, name, level, active, \
    CASE WHEN password_hash IS NULL THEN 0 ELSE 1 END AS has_password, \
    sessions_valid_after, created_at, person_id";

/// An email address as stored and compared: trimmed and lower-cased.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// A light check that a text is an email address (one `@`, a dot in the domain, no
/// spaces); the real proof is that mail arrives.
pub fn check_email(email: &str) -> Result<String, String> {
    let email = normalize_email(email);
    if email.is_empty() {
        return Err("Enter an email address.".into());
    }
    if email.chars().count() > MAX_EMAIL_CHARS {
        return Err(format!("Use at most {MAX_EMAIL_CHARS} characters."));
    }
    let valid = match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        }
        None => false,
    };
    if valid {
        Ok(email)
    } else {
        Err("Enter an email address like name@example.com.".into())
    }
}

/// A person's name: trimmed, inner whitespace collapsed, 1–100 characters.
pub fn check_name(name: &str) -> Result<String, String> {
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        return Err("Enter a name.".into());
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(format!("Use at most {MAX_NAME_CHARS} characters."));
    }
    if name.chars().any(char::is_control) {
        return Err("Use letters, spaces and punctuation only.".into());
    }
    Ok(name)
}

pub async fn count(db: &Db) -> sqlx::Result<i64> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users")
        .fetch_one(db.pool())
        .await?;
    Ok(n)
}

/// The people users are linked to ("themself"): a revert never departs them.
pub async fn linked_people(conn: &mut AnyConnection) -> sqlx::Result<Vec<String>> {
    let rows: Vec<(String,)> =
        sqlx::query_as("SELECT person_id FROM users WHERE person_id IS NOT NULL")
            .fetch_all(conn)
            .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

pub async fn find(db: &Db, id: &str) -> sqlx::Result<Option<User>> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
    let row: Option<UserRow> = sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(db.pool())
        .await?;
    Ok(row.map(User::try_from).transpose()?)
}

/// The user and stored password hash for a sign-in attempt.
pub async fn find_for_sign_in(
    db: &Db,
    email: &str,
) -> sqlx::Result<Option<(User, Option<String>)>> {
    let sql = format!("SELECT {USER_COLUMNS}, password_hash FROM users WHERE email = $1");
    let row = sqlx::query(&sql)
        .bind(normalize_email(email))
        .fetch_optional(db.pool())
        .await?;
    row.map(|row| {
        use sqlx::Row;
        let hash: Option<String> = row.try_get("password_hash")?;
        Ok((User::try_from(UserRow::from_row(&row)?)?, hash))
    })
    .transpose()
}

pub async fn list(db: &Db) -> sqlx::Result<Vec<User>> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users ORDER BY active DESC, name, email");
    let rows: Vec<UserRow> = sqlx::query_as(&sql).fetch_all(db.pool()).await?;
    Ok(rows
        .into_iter()
        .map(User::try_from)
        .collect::<Result<_, _>>()?)
}

/// The names of the active Owners: who can grant access.
pub async fn owner_names(db: &Db) -> sqlx::Result<Vec<String>> {
    let rows: Vec<(String,)> =
        sqlx::query_as("SELECT name FROM users WHERE level = 'owner' AND active = 1 ORDER BY name")
            .fetch_all(db.pool())
            .await?;
    Ok(rows.into_iter().map(|(n,)| n).collect())
}

/// Why a new user could not be created.
#[derive(Debug, thiserror::Error)]
pub enum CreateUserError {
    #[error("A user with this email already exists.")]
    EmailTaken,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// A new user. `password_hash` is `None` for an invited user who has not chosen one yet.
pub struct NewUser<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub level: AccessLevel,
    pub password_hash: Option<String>,
}

pub async fn insert(
    conn: &mut AnyConnection,
    new: NewUser<'_>,
    now: Timestamp,
) -> Result<User, CreateUserError> {
    let id = new_id();
    let now = now.as_millisecond();
    let result = sqlx::query(
        "INSERT INTO users (id, email, name, level, password_hash, active, sessions_valid_after, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, 1, 0, $6, $6)",
    )
    .bind(&id)
    .bind(normalize_email(new.email))
    .bind(new.name)
    .bind(new.level.as_str())
    .bind(&new.password_hash)
    .bind(now)
    .execute(&mut *conn)
    .await;
    match result {
        Ok(_) => Ok(User {
            id,
            email: normalize_email(new.email),
            name: new.name.to_owned(),
            level: new.level,
            active: true,
            has_password: new.password_hash.is_some(),
            sessions_valid_after: 0,
            created_at: now,
            person_id: None,
        }),
        Err(e) if is_unique_violation(&e) => Err(CreateUserError::EmailTaken),
        Err(e) => Err(e.into()),
    }
}

/// Sets a new password and ends every session that signed in before `now`.
pub async fn set_password(db: &Db, user_id: &str, hash: &str, now: Timestamp) -> sqlx::Result<i64> {
    let now = now.as_millisecond();
    sqlx::query(
        "UPDATE users SET password_hash = $1, sessions_valid_after = $2, updated_at = $2 WHERE id = $3",
    )
    .bind(hash)
    .bind(now)
    .bind(user_id)
    .execute(db.pool())
    .await?;
    end_sessions(db, user_id).await?;
    Ok(now)
}

/// Deletes every stored session of a user (sign-out everywhere).
pub async fn end_sessions(db: &Db, user_id: &str) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Why a change to a user's level or status was refused.
#[derive(Debug, thiserror::Error)]
pub enum ChangeUserError {
    #[error("That user does not exist.")]
    NotFound,
    #[error("{0} is the last active Owner: make someone else an Owner first.")]
    LastOwner(String),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// Changes a user's level or active flag, refusing to leave the org without an active
/// Owner. The check and the write are one transaction, so two Owners demoting each
/// other at the same moment cannot both succeed.
pub async fn change(
    db: &Db,
    user_id: &str,
    level: AccessLevel,
    active: bool,
    now: Timestamp,
) -> Result<User, ChangeUserError> {
    let mut tx = db.begin().await?;
    // Claim the write lock first (SQLite) / lock the Owner rows (PostgreSQL) so the
    // Owner count read below cannot go stale before we commit.
    sqlx::query("UPDATE users SET updated_at = updated_at WHERE level = 'owner'")
        .execute(&mut *tx)
        .await?;
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
    let user: User = sqlx::query_as::<_, UserRow>(&sql)
        .bind(user_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(ChangeUserError::NotFound)?
        .try_into()
        .map_err(sqlx::Error::from)?;
    let stays_owner = level == AccessLevel::Owner && active;
    if user.level == AccessLevel::Owner && user.active && !stays_owner {
        let (owners,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM users WHERE level = 'owner' AND active = 1")
                .fetch_one(&mut *tx)
                .await?;
        if owners <= 1 {
            return Err(ChangeUserError::LastOwner(user.name));
        }
    }
    let now = now.as_millisecond();
    // Any change of level, and deactivation, ends the user's sessions: they sign in
    // again under a new session id that carries the new level.
    let ends_sessions = level != user.level || (!active && user.active);
    sqlx::query(
        "UPDATE users SET level = $1, active = $2, updated_at = $3, \
         sessions_valid_after = CASE WHEN $4 = 1 THEN $3 ELSE sessions_valid_after END \
         WHERE id = $5",
    )
    .bind(level.as_str())
    .bind(active as i64)
    .bind(now)
    .bind(ends_sessions as i64)
    .bind(user_id)
    .execute(&mut *tx)
    .await?;
    if ends_sessions {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(User {
        level,
        active,
        ..user
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_access_level_orgsync_does_not_know_is_an_error_not_a_member() {
        let row = |level: &str| UserRow {
            id: "u1".into(),
            email: "ana@acme.test".into(),
            name: "Ana".into(),
            level: level.into(),
            active: 1,
            has_password: 1,
            sessions_valid_after: 0,
            created_at: 0,
            person_id: None,
        };
        assert_eq!(
            User::try_from(row("owner")).unwrap().level,
            AccessLevel::Owner
        );
        assert!(User::try_from(row("superuser")).is_err());
    }

    #[test]
    fn emails_are_trimmed_and_lower_cased() {
        assert_eq!(check_email("  Ana@Acme.TEST ").unwrap(), "ana@acme.test");
    }

    #[test]
    fn things_that_are_not_emails_are_refused() {
        for bad in [
            "",
            "ana",
            "ana@",
            "@acme.test",
            "ana@acme",
            "a b@acme.test",
            "a@b@c.test",
        ] {
            assert!(check_email(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn names_collapse_whitespace_and_keep_unicode() {
        assert_eq!(
            check_name("  Zoë   O'Brien-Núñez ").unwrap(),
            "Zoë O'Brien-Núñez"
        );
        assert!(check_name("   ").is_err());
        assert!(check_name(&"a".repeat(101)).is_err());
    }
}
