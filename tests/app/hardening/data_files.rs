//! Point 8: the data directory holds the org's people data, password hashes, sessions
//! and the encryption key: only the server's own user may read it — folders 0700,
//! files 0600, tightened at start when they are not.

use crate::helpers::*;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

fn set_mode(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

/// Every folder and file of the data directory that must be private, with the mode it
/// must have: the directory, `mail/` and its `.eml` files, `secret.key`, and on SQLite
/// the database with its `-wal` and `-shm` (while the server has it open).
fn data_files(data: &Path) -> Vec<(PathBuf, u32)> {
    let mut files = vec![
        (data.to_path_buf(), 0o700),
        (data.join("mail"), 0o700),
        (data.join("secret.key"), 0o600),
    ];
    if !on_postgres() {
        for name in ["orgsync.db", "orgsync.db-wal", "orgsync.db-shm"] {
            files.push((data.join(name), 0o600));
        }
    }
    let emails: Vec<PathBuf> = std::fs::read_dir(data.join("mail"))
        .expect("the mail folder")
        .map(|e| e.expect("an entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "eml"))
        .collect();
    assert!(!emails.is_empty(), "no .eml file was written");
    files.extend(emails.into_iter().map(|p| (p, 0o600)));
    files
}

/// A Technical Owner sends a test email: with no SMTP server it is an `.eml` file.
async fn write_an_email(app: &TestApp) {
    let owner = app.owner().await;
    owner
        .post("/apps/justworks/test-email", NO_FIELDS)
        .await
        .expect_redirect("/apps/justworks");
}

fn wrong_modes(files: &[(PathBuf, u32)]) -> Vec<String> {
    files
        .iter()
        .filter(|(path, want)| mode(path) != *want)
        .map(|(path, want)| format!("{} is {:o}, not {want:o}", path.display(), mode(path)))
        .collect()
}

#[tokio::test]
async fn a_new_data_directory_and_every_file_in_it_are_private_to_the_server_user() {
    init();
    let parent = tempfile::tempdir().expect("a temporary directory");
    let data = parent.path().join("data");
    let config = test_config(&data);
    let app = spawn_app_in(parent, config).await;
    write_an_email(&app).await;
    let wrong = wrong_modes(&data_files(&data));
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[tokio::test]
async fn data_files_others_could_read_are_made_private_at_start_and_the_log_says_which() {
    let app = spawn_app().await;
    write_an_email(&app).await;
    let config = app.config.clone();
    let data = config.data_dir.clone();
    // As an older version (or a copy made with the default umask) left them.
    for (path, private) in data_files(&data) {
        set_mode(&path, if private == 0o700 { 0o755 } else { 0o644 });
    }
    let dir = app.stop().await;

    let app = spawn_app_in(dir, config).await;
    let wrong = wrong_modes(&data_files(&data));
    assert!(wrong.is_empty(), "{wrong:#?}");
    let logs = captured_logs();
    // The restart's line: the last about this directory.
    let line = logs
        .lines()
        .rev()
        .find(|l| l.contains("made them private") && l.contains(&*data.to_string_lossy()))
        .unwrap_or_else(|| panic!("no log line says what was made private"));
    for name in ["secret.key", ".eml"] {
        assert!(line.contains(name), "{name} is not named: {line}");
    }
    drop(app);
}
