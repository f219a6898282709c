//! Commands other than serving: `orgsync user create`, for scripts and recovery (e.g.
//! when every Owner has lost their password).

use crate::audit::{self, Actor};
use crate::auth::AccessLevel;
use crate::auth::password::{check_new_password, hash_password_blocking};
use crate::auth::users::{self, CreateUserError, NewUser, check_email, check_name};
use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::crypto::Crypto;
use crate::db::Db;
use crate::secrets::SecretString;

/// Creates an active user with the given password. Every failure is a sentence.
pub async fn create_user(
    config: &Config,
    email: &str,
    name: &str,
    level: &str,
    password: SecretString,
) -> anyhow::Result<users::User> {
    let email = check_email(email).map_err(|e| anyhow::anyhow!("--email: {e}"))?;
    let name = check_name(name).map_err(|e| anyhow::anyhow!("--name: {e}"))?;
    let level = AccessLevel::parse(level)
        .ok_or_else(|| anyhow::anyhow!("--level must be owner, technical-owner or member"))?;
    check_new_password(password.expose()).map_err(|e| anyhow::anyhow!("password: {e}"))?;
    // The command line has no app clock: it reads the machine's, once.
    let now = SystemClock.now();
    crate::data_dir::prepare(&config.data_dir, config.database_url.expose())?;
    let db = Db::connect(config.database_url.expose()).await?;
    // Refuse to touch a database whose key does not match, as the server would.
    Crypto::load(config.secret_key.as_ref(), &config.data_dir)?
        .verify_or_record(&db, now)
        .await?;
    let hash = tokio::task::spawn_blocking(move || hash_password_blocking(&password)).await??;
    let mut tx = db.begin().await?;
    let user = match users::insert(
        &mut tx,
        NewUser {
            email: &email,
            name: &name,
            level,
            password_hash: Some(hash),
        },
        now,
    )
    .await
    {
        Ok(user) => user,
        Err(CreateUserError::EmailTaken) => {
            anyhow::bail!("a user with the email {email} already exists")
        }
        Err(CreateUserError::Db(e)) => return Err(e.into()),
    };
    audit::record(
        &mut tx,
        &Actor::command_line(),
        "user.created",
        &user.email,
        &format!("level: {}", level.label()),
        now,
    )
    .await?;
    // The setup link is for making the first user; once one exists it is spent.
    crate::auth::setup::spend_all_tokens(&mut tx).await?;
    tx.commit().await?;
    db.close().await;
    Ok(user)
}
