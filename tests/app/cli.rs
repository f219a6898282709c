//! `orgsync user create`: for scripts and recovery.

use crate::helpers::*;
use orgsync::secrets::SecretString;

async fn create(
    config: &orgsync::Config,
    email: &str,
    name: &str,
    level: &str,
    password: &str,
) -> Result<String, String> {
    orgsync::cli::create_user(config, email, name, level, SecretString::new(password))
        .await
        .map(|u| u.email)
        .map_err(|e| format!("{e:#}"))
}

#[tokio::test]
async fn create_user_refuses_bad_input_with_a_sentence() {
    init();
    let dir = tempfile::tempdir().unwrap();
    let config = test_config(dir.path());
    assert_eq!(
        create(&config, " Ana@Acme.TEST ", "Ana Souza", "owner", PASSWORD).await,
        Ok("ana@acme.test".into())
    );

    let cases = [
        (
            "ana@acme.test",
            "Ana Again",
            "member",
            PASSWORD,
            "already exists",
        ),
        (
            "ANA@acme.test",
            "Ana Again",
            "member",
            PASSWORD,
            "already exists",
        ),
        (
            "ben@acme.test",
            "Ben Li",
            "member",
            "short",
            "at least 12 characters",
        ),
        (
            "ben@acme.test",
            "Ben Li",
            "admin",
            PASSWORD,
            "owner, technical-owner or member",
        ),
        (
            "not-an-email",
            "Ben Li",
            "member",
            PASSWORD,
            "email address",
        ),
        ("ben@acme.test", "   ", "member", PASSWORD, "Enter a name"),
    ];
    for (email, name, level, password, words) in cases {
        let error = create(&config, email, name, level, password)
            .await
            .expect_err(email);
        assert!(error.contains(words), "{email}/{level}: {error}");
        assert!(!error.contains(password), "the error repeats the password");
        // A sentence, not a driver error.
        assert!(!error.to_lowercase().contains("sqlite"), "{error}");
        assert!(!error.contains("UNIQUE constraint"), "{error}");
        assert!(!error.contains("duplicate key"), "{error}");
    }

    let pool = open_db(dir.path()).await;
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users")
        .fetch_one(&pool)
        .await
        .unwrap();
    pool.close().await;
    assert_eq!(n, 1);
}

#[tokio::test]
async fn a_user_made_on_the_command_line_closes_setup_and_can_sign_in() {
    let app = spawn_app().await;
    let token = app.setup_token.clone().expect("a setup token");
    app.create_user(TECH_EMAIL, TECH_NAME, "technical-owner")
        .await;
    let client = app.client();
    client
        .get(&format!("/setup?token={token}"))
        .await
        .expect(404);
    client.sign_in(TECH_EMAIL, PASSWORD).await.expect(303);
    client.get("/apps").await.expect(200);
    let audit = app
        .count("SELECT COUNT(*) FROM audit_log WHERE actor_name = 'command line'")
        .await;
    assert_eq!(audit, 1, "the command line's change is audited");
}

#[tokio::test]
async fn the_orgsync_binary_creates_a_user_from_a_password_on_standard_input() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    init();
    let dir = tempfile::tempdir().unwrap();
    let run = |email: &str, password: &str| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_orgsync"))
            .args([
                "user",
                "create",
                "--email",
                email,
                "--name",
                "Cli Owner",
                "--level",
                "owner",
            ])
            .env("ORGSYNC_DATA_DIR", dir.path())
            .env("ORGSYNC_DATABASE_URL", database_url(dir.path()))
            .env_remove("ORGSYNC_SECRET_KEY")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the orgsync binary runs");
        writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
        child.wait_with_output().expect("it finishes")
    };
    let output = run("cli@acme.test", PASSWORD);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("cli@acme.test"), "{stdout}");
    assert!(!stdout.contains(PASSWORD) && !stderr.contains(PASSWORD));

    let output = run("cli@acme.test", PASSWORD);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("already exists"), "{stderr}");

    let output = run("other@acme.test", "short");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("at least 12 characters"), "{stderr}");

    let config = test_config(dir.path());
    let app = spawn_app_in(dir, config).await;
    assert_eq!(app.setup_token, None);
    let client = app.client();
    client.sign_in("cli@acme.test", PASSWORD).await.expect(303);
    client.get("/settings/audit").await.expect(200);
}

#[tokio::test]
async fn the_server_prints_the_setup_link_at_first_start_and_stops_on_sigterm() {
    use std::io::BufRead;
    use std::process::{Command, Stdio};
    init();
    let dir = tempfile::tempdir().unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_orgsync"))
        .env("ORGSYNC_DATA_DIR", dir.path())
        .env("ORGSYNC_DATABASE_URL", database_url(dir.path()))
        .env("ORGSYNC_BIND", "127.0.0.1:0")
        .env("ORGSYNC_SANDBOX_MEMBERS", "20")
        .env_remove("ORGSYNC_SECRET_KEY")
        .env_remove("ORGSYNC_PUBLIC_URL")
        .env_remove("ORGSYNC_JUSTWORKS_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the orgsync binary runs");
    // Whatever fails below, the server this test started does not outlive it.
    let mut guard = KillOnDrop(Some(child));
    let stdout = guard.0.as_mut().unwrap().stdout.take().unwrap();
    let line = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        std::io::BufReader::new(stdout)
            .read_line(&mut line)
            .map(|_| line)
    });
    let line = tokio::time::timeout(std::time::Duration::from_secs(60), line)
        .await
        .expect("the server prints within a minute")
        .unwrap()
        .unwrap();
    let at = line
        .find("http://")
        .unwrap_or_else(|| panic!("no link in {line:?}"));
    let link = line[at..].trim().to_owned();
    assert!(link.contains("/setup?token="), "{line}");

    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = client.get(&link).send().await.expect("the link opens");
    assert_eq!(page.status(), 200);
    let body = page.text().await.unwrap();
    assert!(body.contains("Create the first Owner"), "{body}");
    assert!(
        body.contains("name=\"password\""),
        "the link's token is not accepted"
    );

    // SIGTERM: a graceful stop with a success status.
    let child = guard.0.take().unwrap();
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
    let output = tokio::task::spawn_blocking(move || child.wait_with_output())
        .await
        .unwrap()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "exit {:?}: {stderr}",
        output.status
    );
    let token = link.split("token=").nth(1).unwrap();
    assert!(!stderr.contains(token), "the setup token is in the log");
    // The first log line names the version and the commit it was built from.
    assert!(
        stderr.contains("orgsync starting") && stderr.contains(orgsync::VERSION),
        "{stderr}"
    );
}

#[test]
fn version_names_the_release_and_the_git_commit_it_was_built_from() {
    use std::process::Command;
    let output = Command::new(env!("CARGO_BIN_EXE_orgsync"))
        .arg("--version")
        .output()
        .expect("the orgsync binary runs");
    assert!(output.status.success());
    let printed = String::from_utf8_lossy(&output.stdout);
    assert!(
        printed.starts_with(&format!("orgsync {} (commit ", env!("CARGO_PKG_VERSION"))),
        "{printed}"
    );
    // In a git checkout (as CI's fresh clone is), the commit is HEAD's.
    let head = Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()
        .filter(|h| h.status.success());
    if let Some(head) = head {
        let head = String::from_utf8_lossy(&head.stdout).trim().to_owned();
        assert!(
            printed.contains(&format!("(commit {head})")),
            "{printed} vs {head}"
        );
    }
}

/// Kills a child process this test started if the test ends early.
struct KillOnDrop(Option<std::process::Child>);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        if let Some(child) = self.0.as_mut() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
