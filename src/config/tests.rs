//! Reading the configuration from variables and a file, as the server starts.

use super::*;
use std::collections::HashMap;

fn load(vars: &[(&str, &str)], file: Option<&str>) -> Result<Config, ConfigError> {
    let vars: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("orgsync.toml");
    if let Some(text) = file {
        std::fs::write(&path, text).unwrap();
    }
    Config::load_from(file.map(|_| path.as_path()), &|name| {
        vars.get(name).cloned()
    })
}

#[test]
fn defaults_are_the_embedded_setup() {
    let c = load(&[], None).unwrap();
    assert_eq!(c.bind.to_string(), "127.0.0.1:8080");
    assert_eq!(c.data_dir, PathBuf::from("./data"));
    assert_eq!(c.database_url.expose(), "sqlite://./data/orgsync.db");
    assert!(c.embedded_sandbox());
    assert!(!c.cookie_secure);
    assert_eq!(c.webhook_debounce, Duration::from_secs(30));
}

#[test]
fn the_environment_overrides_the_file() {
    let c = load(
        &[("ORGSYNC_BIND", "0.0.0.0:9000")],
        Some("bind = \"127.0.0.1:7000\"\nsmtp_from = \"hr@acme.test\"\n"),
    )
    .unwrap();
    assert_eq!(c.bind.to_string(), "0.0.0.0:9000");
    assert_eq!(c.smtp_from, "hr@acme.test");
}

#[test]
fn an_https_public_url_turns_secure_cookies_on_unless_told_otherwise() {
    let c = load(&[("ORGSYNC_PUBLIC_URL", "https://org.acme.test/")], None).unwrap();
    assert!(c.cookie_secure);
    assert_eq!(c.public_url.as_deref(), Some("https://org.acme.test"));
    let c = load(
        &[
            ("ORGSYNC_PUBLIC_URL", "https://org.acme.test"),
            ("ORGSYNC_COOKIE_SECURE", "false"),
        ],
        None,
    )
    .unwrap();
    assert!(!c.cookie_secure);
}

#[test]
fn a_short_stale_time_makes_the_heartbeat_faster() {
    let c = load(&[], None).unwrap();
    assert_eq!(c.run_stale_after, Duration::from_secs(30));
    assert_eq!(c.run_heartbeat, Duration::from_secs(2));
    let c = load(&[("ORGSYNC_RUN_STALE_SECONDS", "4")], None).unwrap();
    assert_eq!(c.run_stale_after, Duration::from_secs(4));
    assert_eq!(c.run_heartbeat, Duration::from_secs(1));
    let err = load(&[("ORGSYNC_RUN_STALE_SECONDS", "0")], None).unwrap_err();
    assert!(
        err.to_string().contains("ORGSYNC_RUN_STALE_SECONDS"),
        "{err}"
    );
}

#[test]
fn the_member_limit_is_200_000_unless_set() {
    assert_eq!(load(&[], None).unwrap().max_members, 200_000);
    let c = load(&[], Some("max_members = 500000\n")).unwrap();
    assert_eq!(c.max_members, 500_000);
    let c = load(
        &[("ORGSYNC_MAX_MEMBERS", "1000")],
        Some("max_members = 5\n"),
    )
    .unwrap();
    assert_eq!(c.max_members, 1_000);
    for bad in ["0", "many"] {
        let err = load(&[("ORGSYNC_MAX_MEMBERS", bad)], None).unwrap_err();
        assert!(err.to_string().contains("ORGSYNC_MAX_MEMBERS"), "{err}");
    }
}

#[test]
fn trusted_proxies_are_addresses_or_networks() {
    assert!(load(&[], None).unwrap().trusted_proxies.is_empty());
    let c = load(
        &[("ORGSYNC_TRUSTED_PROXIES", "10.0.0.0/8, 192.0.2.7")],
        None,
    )
    .unwrap();
    assert_eq!(c.trusted_proxies.len(), 2);
    assert!(c.trusted_proxies[1].contains("192.0.2.7".parse().unwrap()));
    let err = load(&[("ORGSYNC_TRUSTED_PROXIES", "10.0.0.0/8,lb.local")], None).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("ORGSYNC_TRUSTED_PROXIES") && text.contains("lb.local"),
        "{text}"
    );
}

#[test]
fn a_secret_can_come_from_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let key_path = dir.path().join("key");
    std::fs::write(&key_path, "c2VjcmV0\n").unwrap();
    let c = load(
        &[("ORGSYNC_SECRET_KEY_FILE", key_path.to_str().unwrap())],
        None,
    )
    .unwrap();
    assert_eq!(c.secret_key.unwrap().expose(), "c2VjcmV0");
}

#[test]
fn bad_values_name_the_setting() {
    let err = load(&[("ORGSYNC_BIND", "not an address")], None).unwrap_err();
    assert!(err.to_string().contains("ORGSYNC_BIND"), "{err}");
    let err = load(&[("ORGSYNC_JUSTWORKS_URL", "ftp://x")], None).unwrap_err();
    assert!(err.to_string().contains("ORGSYNC_JUSTWORKS_URL"), "{err}");
    let err = load(&[], Some("no_such_knob = 1\n")).unwrap_err();
    assert!(err.to_string().contains("not valid TOML"), "{err}");
}

#[test]
fn the_debug_output_hides_secrets() {
    let c = load(
        &[
            ("ORGSYNC_SECRET_KEY", "super-secret-key-material"),
            ("ORGSYNC_SMTP_URL", "smtp://user:pw-123@mail.test"),
        ],
        None,
    )
    .unwrap();
    let debug = format!("{c:?}");
    assert!(!debug.contains("super-secret-key-material"));
    assert!(!debug.contains("pw-123"));
}
