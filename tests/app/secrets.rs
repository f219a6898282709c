//! The Justworks password and 2FA seed: never in a page, a log line or the database's
//! bytes; decryptable after a restart with the same key; a wrong key stops the start.

use crate::helpers::*;
use data_encoding::{BASE32_NOPAD, BASE64};
use orgsync::secrets::SecretString;
use rand::RngCore;

/// A distinctive password and seed, unique to one test run.
struct Secrets {
    password: String,
    /// Canonical base32 (upper case, no spaces).
    seed: String,
    /// As a person types it from the Justworks screen: lower case, groups of four.
    seed_typed: String,
}

fn fresh_secrets() -> Secrets {
    let mut bytes = [0u8; 20];
    rand::rng().fill_bytes(&mut bytes);
    let seed = BASE32_NOPAD.encode(&bytes);
    let seed_typed = seed
        .to_lowercase()
        .as_bytes()
        .chunks(4)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect::<Vec<_>>()
        .join(" ");
    let mut tag = [0u8; 9];
    rand::rng().fill_bytes(&mut tag);
    Secrets {
        password: format!("Pw-{}-ÄÖ", BASE64.encode(&tag).replace(['+', '/'], "x")),
        seed,
        seed_typed,
    }
}

impl Secrets {
    /// The texts that must never be seen.
    fn needles(&self) -> Vec<(&'static str, String)> {
        vec![
            ("password", self.password.clone()),
            ("seed", self.seed.clone()),
            ("seed as typed", self.seed_typed.clone()),
            ("seed in lower case", self.seed.to_lowercase()),
            // The password as a form body or URL would carry it.
            (
                "password url-encoded",
                self.password.replace("Ä", "%C3%84").replace("Ö", "%C3%96"),
            ),
        ]
    }

    fn form(&self) -> SettingsForm {
        SettingsForm::valid()
            .set("password", &self.password)
            .set("totp_secret", &self.seed_typed)
    }
}

#[tokio::test]
async fn the_password_and_seed_appear_in_no_page_no_log_line_and_not_in_the_database_files() {
    let app = spawn_app().await;
    let owner = app.owner().await;
    let secrets = fresh_secrets();
    install_and_save(&owner, &secrets.form()).await;

    let mut pages = Vec::new();
    // A refused form that carried them (they must not be typed back into it).
    pages.push(
        owner
            .post(
                "/apps/justworks/settings",
                secrets.form().set("org_head", " ").fields(),
            )
            .await,
    );
    pages[0].expect(422);
    for path in [
        "/apps",
        "/apps/justworks",
        "/settings/audit",
        "/settings/users",
        "/settings/account",
        "/people",
        "/org",
        "/syncs",
    ] {
        pages.push(owner.get(path).await);
    }
    pages.push(
        owner
            .post(
                "/apps/justworks/settings",
                secrets
                    .form()
                    .set("password", "")
                    .set("totp_secret", "")
                    .fields(),
            )
            .await,
    );
    pages.push(owner.get("/apps/justworks").await);
    for page in &pages {
        for (what, needle) in secrets.needles() {
            assert!(!page.body.contains(&needle), "the {what} is in a page");
            for (name, value) in &page.headers {
                assert!(
                    !value.to_str().unwrap_or("").contains(&needle),
                    "the {what} is in the header {name}"
                );
            }
        }
    }
    assert!(pages.last().unwrap().says("A password is set"));

    let dir = app.stop().await;

    let logs = captured_logs();
    assert!(
        logs.contains("answered") && logs.contains("/apps/justworks/settings"),
        "the log capture does not see the app's request logs"
    );
    for (what, needle) in secrets.needles() {
        assert!(!logs.contains(&needle), "the {what} is in the logs");
    }

    let files = database_contents(dir.path()).await;
    assert!(!files.is_empty(), "nothing read from the database");
    // The search can find what is stored in plain text (the non-secret username)…
    assert!(
        files
            .iter()
            .any(|(_, bytes)| contains_bytes(bytes, SERVICE_USERNAME.as_bytes())),
        "the username should be stored in plain text somewhere"
    );
    // …and finds no secret.
    for (name, bytes) in &files {
        for (what, needle) in secrets.needles() {
            assert!(
                !contains_bytes(bytes, needle.as_bytes()),
                "the {what} is in plain text in {name}"
            );
        }
        assert!(
            !contains_bytes(bytes, BASE64.encode(secrets.password.as_bytes()).as_bytes()),
            "the password is in {name} in base64"
        );
        assert!(
            !contains_bytes(
                bytes,
                BASE32_NOPAD.encode(secrets.password.as_bytes()).as_bytes()
            ),
            "the password is in {name} in base32"
        );
    }
}

#[tokio::test]
async fn after_a_restart_with_the_same_key_the_settings_still_decrypt() {
    let app = spawn_app().await;
    let owner = app.owner().await;
    let secrets = fresh_secrets();
    install_and_save(&owner, &secrets.form()).await;

    let app = app.restart().await;
    let page = owner.get("/apps/justworks").await;
    page.expect(200);
    assert!(page.says("A password is set"));
    assert!(page.says("A 2FA code is set"));
    assert_eq!(
        page.input_value("username").as_deref(),
        Some(SERVICE_USERNAME)
    );
    let dir = app.stop().await;

    // What the sync will read: the key file in the data directory decrypts both.
    let crypto = orgsync::crypto::Crypto::load(None, dir.path()).expect("the key file");
    let config = test_config(dir.path());
    let db = orgsync::db::Db::connect(config.database_url.expose())
        .await
        .expect("the database");
    let install = orgsync::apps::installed(&db, "justworks")
        .await
        .unwrap()
        .expect("installed");
    let stored = orgsync::apps::justworks::load(&db, &install)
        .await
        .expect("the settings");
    let settings = stored.settings.expect("saved settings");
    let credentials = orgsync::apps::justworks::load_credentials(&db, &crypto, &settings)
        .await
        .expect("the secrets decrypt")
        .expect("both secrets are stored");
    assert_eq!(credentials.username, SERVICE_USERNAME);
    assert_eq!(credentials.password.expose(), secrets.password);
    assert_eq!(credentials.seed.expose_base32(), secrets.seed);
    // Debug output of the credentials hides the secrets.
    let debug = format!("{credentials:?}");
    assert!(!debug.contains(&secrets.password) && !debug.contains(&secrets.seed));
    db.close().await;

    // Another key cannot read them (the check is real).
    let other = orgsync::crypto::Crypto::from_key_bytes(&[7u8; 32]);
    let db = orgsync::db::Db::connect(config.database_url.expose())
        .await
        .unwrap();
    assert!(
        orgsync::apps::justworks::load_credentials(&db, &other, &settings)
            .await
            .is_err()
    );
    db.close().await;
}

#[tokio::test]
async fn with_another_key_the_server_refuses_to_start_and_changes_nothing() {
    let app = spawn_app().await;
    let owner = app.owner().await;
    let secrets = fresh_secrets();
    install_and_save(&owner, &secrets.form()).await;
    let config = app.config.clone();
    let dir = app.stop().await;
    // The database (SQLite: its main file; opening it makes a new WAL and shared memory).
    let stored = || async {
        let mut contents = database_contents(dir.path()).await;
        contents.retain(|(name, _)| !name.starts_with("orgsync.db-"));
        contents
    };
    let db_before = stored().await;
    let key_before = std::fs::read(dir.path().join("secret.key")).unwrap();

    let mut other = [0u8; 32];
    rand::rng().fill_bytes(&mut other);
    for key in [
        BASE64.encode(&other),
        data_encoding::HEXLOWER.encode(&other),
    ] {
        let mut wrong = config.clone();
        wrong.secret_key = Some(SecretString::new(key));
        let error = match orgsync::App::build(wrong).await {
            Ok(_) => panic!("the server started with another key"),
            Err(e) => format!("{e:#}"),
        };
        assert!(error.contains("key"), "the error does not say why: {error}");
        assert!(error.contains("does not match"), "{error}");
        assert!(stored().await == db_before, "the database changed");
        assert_eq!(
            std::fs::read(dir.path().join("secret.key")).unwrap(),
            key_before
        );
    }

    // A key that is not 32 bytes is refused with a sentence too.
    let mut malformed = config.clone();
    malformed.secret_key = Some(SecretString::new("too short"));
    match orgsync::App::build(malformed).await {
        Ok(_) => panic!("the server started with a malformed key"),
        Err(e) => assert!(format!("{e:#}").contains("ORGSYNC_SECRET_KEY"), "{e:#}"),
    }

    // And the right key (the key file) still works afterwards.
    let app = spawn_app_in(dir, config).await;
    let owner = app.client();
    owner.sign_in(OWNER_EMAIL, PASSWORD).await.expect(303);
    assert!(owner.get("/apps/justworks").await.says("A password is set"));
}

#[tokio::test]
async fn a_key_given_in_the_configuration_is_used_instead_of_a_key_file() {
    let mut key = [0u8; 32];
    rand::rng().fill_bytes(&mut key);
    let encoded = BASE64.encode(&key);
    let app = spawn_app_with(|c| c.secret_key = Some(SecretString::new(encoded.clone()))).await;
    assert!(
        !app.dir.path().join("secret.key").exists(),
        "a key file was made although a key was configured"
    );
    let owner = app.owner().await;
    install_and_save(&owner, &SettingsForm::valid()).await;
    let app = app.restart().await;
    assert!(owner.get("/apps/justworks").await.says("A password is set"));
    let config = app.config.clone();
    let _dir = app.stop().await;
    // Started without the key, the server refuses (it would make a new key file).
    let mut without = config.clone();
    without.secret_key = None;
    assert!(orgsync::App::build(without).await.is_err());
}

#[tokio::test]
async fn logs_and_the_database_never_hold_tokens_session_ids_or_account_passwords() {
    let app = spawn_app().await;
    let setup_token = app.setup_token.clone().unwrap();
    let owner_password = "Owner-pass-Ünïcødé-9f2c1b";
    let owner = app.client();
    owner
        .get(&format!("/setup?token={setup_token}"))
        .await
        .expect(200);
    owner
        .post(
            "/setup",
            &[
                ("token", setup_token.as_str()),
                ("name", "Ana Souza"),
                ("email", "ana@acme.test"),
                ("password", owner_password),
            ],
        )
        .await
        .expect(303);
    let owner_session = owner.session_cookie().unwrap();
    let csrf = owner.refresh_csrf_token().await;
    owner
        .post(
            "/settings/users",
            &[
                ("name", "Ivy New"),
                ("email", "ivy@acme.test"),
                ("level", "member"),
            ],
        )
        .await
        .expect(303);
    let users = owner.get("/settings/users").await;
    let link = users
        .input_value("invite-link")
        .expect("the invitation link");
    let invite_token = link.split("token=").nth(1).unwrap().to_owned();
    let invitee_password = "Invitee-pass-Ωmega-77aa";
    let invitee = app.client();
    invitee
        .get(&format!("/invite?token={invite_token}"))
        .await
        .expect(200);
    invitee
        .post(
            "/invite",
            &[
                ("token", invite_token.as_str()),
                ("password", invitee_password),
            ],
        )
        .await
        .expect(303);
    let invitee_session = invitee.session_cookie().unwrap();
    // A failed sign-in with a password-looking email and a typo'd password.
    let typo = "Owner-pass-Ünïcødé-9f2c1X";
    app.client()
        .sign_in("ana@acme.test", typo)
        .await
        .expect(401);
    let dir = app.stop().await;

    let logs = captured_logs();
    let needles = [
        ("setup token", setup_token.as_str()),
        ("owner password", owner_password),
        ("mistyped password", typo),
        ("owner session id", owner_session.as_str()),
        ("CSRF token", csrf.as_str()),
        ("invitation token", invite_token.as_str()),
        ("invitee password", invitee_password),
        ("invitee session id", invitee_session.as_str()),
    ];
    for (what, needle) in needles {
        let lines: Vec<&str> = logs.lines().filter(|l| l.contains(needle)).collect();
        assert!(
            lines.is_empty(),
            "the {what} is in the logs:\n{}",
            lines.join("\n")
        );
    }
    for (name, bytes) in database_contents(dir.path()).await {
        for (what, needle) in [
            ("setup token", setup_token.as_str()),
            ("owner password", owner_password),
            ("owner session id", owner_session.as_str()),
            ("invitee password", invitee_password),
            ("invitee session id", invitee_session.as_str()),
        ] {
            assert!(
                !contains_bytes(&bytes, needle.as_bytes()),
                "the {what} is stored in plain text in {name}"
            );
        }
    }
}

#[tokio::test]
async fn test_connection_never_shows_or_logs_the_secrets_it_tries() {
    let app = spawn_app().await;
    let owner = app.owner().await;
    let saved = fresh_secrets();
    install_and_save(&owner, &saved.form()).await;
    let typed = fresh_secrets();

    let mut pages = Vec::new();
    // With the saved secrets (blank fields), and with newly typed ones; as a whole page
    // and as the htmx partial.
    for form in [
        saved.form().set("password", "").set("totp_secret", ""),
        typed.form(),
    ] {
        pages.push(owner.post("/apps/justworks/test", form.fields()).await);
        let token = owner.csrf_token().await;
        let base = app.base.clone();
        pages.push(
            owner
                .post_raw(
                    "/apps/justworks/test",
                    form.fields(),
                    RawPost {
                        csrf_token: Some(&token),
                        origin: Some(&base),
                        extra_headers: &[("hx-request", "true")],
                    },
                )
                .await,
        );
    }
    for page in &pages {
        page.expect(200);
        assert!(
            page.says("Connection works") || page.says("Connection failed"),
            "no result: {}",
            page.text()
        );
        for secrets in [&saved, &typed] {
            for (what, needle) in secrets.needles() {
                assert!(!page.body.contains(&needle), "the {what} is in a page");
            }
        }
    }
    let _dir = app.stop().await;
    let logs = captured_logs();
    for secrets in [&saved, &typed] {
        for (what, needle) in secrets.needles() {
            assert!(!logs.contains(&needle), "the {what} is in the logs");
        }
    }
}

#[tokio::test]
async fn an_invitation_link_is_kept_in_the_database_only_as_a_hash() {
    let app = spawn_app().await;
    let owner = app.owner().await;
    owner
        .post(
            "/settings/users",
            &[
                ("name", "Ivy New"),
                ("email", "ivy@acme.test"),
                ("level", "member"),
            ],
        )
        .await
        .expect_redirect("/settings/users");
    // Between the invitation and the page that shows its link once, nothing stored may
    // hold a usable link: a copy of the database (a backup) must not let anyone in.
    let pool = app.db().await;
    let sessions: Vec<(String,)> = sqlx::query_as("SELECT data FROM sessions")
        .fetch_all(&pool)
        .await
        .unwrap();
    pool.close().await;
    let leaking: Vec<&String> = sessions
        .iter()
        .map(|(data,)| data)
        .filter(|data| data.contains("/invite?token="))
        .collect();
    let link = owner
        .get("/settings/users")
        .await
        .input_value("invite-link")
        .expect("the link is shown");
    assert!(
        leaking.is_empty(),
        "the invitation link {link} is stored in plain text in the sessions table: {leaking:?}"
    );
}
