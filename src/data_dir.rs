//! The data directory is private to the server's own user: folders 0700, files 0600 —
//! the SQLite database with its `-wal` and `-shm`, `secret.key`, and the `.eml` files
//! under `mail/` hold the org's people data, password hashes and sessions. New ones are
//! made so; ones left readable by others (by an older version, a copy, a restore) are
//! tightened at start, with one log line naming them. Unix only: elsewhere the
//! platform's own access rules apply.

use std::path::{Path, PathBuf};

const PRIVATE_DIR: u32 = 0o700;
const PRIVATE_FILE: u32 = 0o600;

/// The folder of `.eml` files when no SMTP server is configured.
pub fn mail_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("mail")
}

/// Makes the data directory (0700) and, for a SQLite database, an empty database file
/// (0600: SQLite gives its `-wal` and `-shm` the mode of the database file), then
/// tightens whatever already there others could read.
pub fn prepare(data_dir: &Path, database_url: &str) -> anyhow::Result<()> {
    create_private_dir(data_dir).map_err(|e| {
        anyhow::anyhow!(
            "could not create the data directory {}: {e}",
            data_dir.display()
        )
    })?;
    let database = sqlite_file(database_url);
    if let Some(file) = &database {
        create_private_file(file).map_err(|e| {
            anyhow::anyhow!("could not create the database file {}: {e}", file.display())
        })?;
    }
    let tightened = tighten(data_dir, database.as_deref());
    if !tightened.is_empty() {
        let names: Vec<String> = tightened.iter().map(|p| p.display().to_string()).collect();
        tracing::warn!(
            count = names.len(),
            paths = %names.join(", "),
            "other users could read these data files and folders: made them private to this user (folders 0700, files 0600)"
        );
    }
    Ok(())
}

/// Creates `dir` and any missing parents, 0700.
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(PRIVATE_DIR);
    }
    builder.create(dir)
}

/// Creates `file` empty, 0600, unless it exists.
fn create_private_file(file: &Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(PRIVATE_FILE);
    }
    match options.open(file) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

/// Makes a file just written (an `.eml`) 0600.
pub fn make_private(file: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(file, std::fs::Permissions::from_mode(PRIVATE_FILE))?;
    }
    #[cfg(not(unix))]
    let _ = file;
    Ok(())
}

/// The database file of a `sqlite:` URL (none for PostgreSQL or an in-memory database).
fn sqlite_file(database_url: &str) -> Option<PathBuf> {
    use sqlx::sqlite::SqliteConnectOptions;
    use std::str::FromStr;
    let in_memory = database_url.contains(":memory:") || database_url.contains("mode=memory");
    if !database_url.starts_with("sqlite:") || in_memory {
        return None;
    }
    let options = SqliteConnectOptions::from_str(database_url).ok()?;
    let file = options.get_filename();
    (!file.as_os_str().is_empty()).then(|| file.to_path_buf())
}

/// Takes the group's and others' access away from the data directory's folders and
/// files that have it; returns those changed.
#[cfg(unix)]
fn tighten(data_dir: &Path, database: Option<&Path>) -> Vec<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let mail = mail_dir(data_dir);
    let mut candidates = vec![
        (data_dir.to_path_buf(), PRIVATE_DIR),
        (mail.clone(), PRIVATE_DIR),
        (data_dir.join(crate::crypto::KEY_FILE_NAME), PRIVATE_FILE),
    ];
    if let Some(database) = database {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let mut name = database.as_os_str().to_owned();
            name.push(suffix);
            candidates.push((PathBuf::from(name), PRIVATE_FILE));
        }
    }
    if let Ok(entries) = std::fs::read_dir(&mail) {
        for entry in entries.flatten() {
            if entry.path().extension().is_some_and(|e| e == "eml") {
                candidates.push((entry.path(), PRIVATE_FILE));
            }
        }
    }
    let mut changed = Vec::new();
    for (path, mode) in candidates {
        // Not following a link: its own mode means nothing, and its target may not be ours.
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        if meta.file_type().is_symlink() || meta.permissions().mode() & 0o077 == 0 {
            continue;
        }
        match std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)) {
            Ok(()) => changed.push(path),
            Err(e) => tracing::warn!(
                path = %path.display(),
                error = %e,
                "could not make a data file private to this user"
            ),
        }
    }
    changed
}

#[cfg(not(unix))]
fn tighten(_data_dir: &Path, _database: Option<&Path>) -> Vec<PathBuf> {
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_database_file_is_read_from_a_sqlite_url_only() {
        assert_eq!(
            sqlite_file("sqlite:///srv/orgsync/orgsync.db?mode=rwc"),
            Some(PathBuf::from("/srv/orgsync/orgsync.db"))
        );
        assert_eq!(
            sqlite_file("sqlite://./data/orgsync.db"),
            Some(PathBuf::from("./data/orgsync.db"))
        );
        assert_eq!(sqlite_file("postgres://u@db/orgsync"), None);
        assert_eq!(sqlite_file("sqlite::memory:"), None);
    }
}
