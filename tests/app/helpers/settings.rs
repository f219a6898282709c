//! The Justworks settings form as a browser posts it.

use super::client::{NO_FIELDS, TestClient};

/// A 160-bit seed, canonical form (what Justworks shows, without its spaces).
pub const SEED: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
pub const SERVICE_USERNAME: &str = "org.sync@acme.test";
pub const SERVICE_PASSWORD: &str = "justworks service password 1";
pub const ORG_HEAD: &str = "Ada Lovelace";

/// The Justworks settings form as posted (repeated keys allowed).
#[derive(Clone, Debug)]
pub struct SettingsForm(pub Vec<(String, String)>);

impl SettingsForm {
    /// Valid settings for a first save: every required field and the defaults.
    pub fn valid() -> Self {
        let mut form = Self(Vec::new());
        for (k, v) in [
            ("username", SERVICE_USERNAME),
            ("password", SERVICE_PASSWORD),
            ("totp_secret", SEED),
            ("org_head", ORG_HEAD),
            ("exclude_ids", ""),
            ("sync_titles", "on"),
            ("sync_managers", "on"),
            ("sync_groups", "on"),
            ("sync_dates", "on"),
            ("sync_contact", "on"),
            ("sync_demographics", "on"),
            ("sync_compensation", "on"),
            ("departures", "backfill"),
            ("missing_location", "remote"),
            ("include_contractors", "on"),
            ("daily_at", "06:00"),
        ] {
            form.0.push((k.into(), v.into()));
        }
        form
    }

    /// Sets `key` to `value` (replacing every earlier value).
    pub fn set(mut self, key: &str, value: &str) -> Self {
        self.0.retain(|(k, _)| k != key);
        self.0.push((key.into(), value.into()));
        self
    }

    /// Adds another value for a repeated field (`notify_user_ids`).
    pub fn add(mut self, key: &str, value: &str) -> Self {
        self.0.push((key.into(), value.into()));
        self
    }

    /// Leaves `key` out (an unticked checkbox).
    pub fn without(mut self, key: &str) -> Self {
        self.0.retain(|(k, _)| k != key);
        self
    }

    pub fn fields(&self) -> &[(String, String)] {
        &self.0
    }
}

/// Installs Justworks as `client` (Technical Owner or Owner).
pub async fn install_justworks(client: &TestClient) {
    client
        .post("/apps/justworks/install", NO_FIELDS)
        .await
        .expect_redirect("/apps/justworks");
}

/// Installs Justworks and saves `form` (which must be valid).
pub async fn install_and_save(client: &TestClient, form: &SettingsForm) {
    install_justworks(client).await;
    client
        .post("/apps/justworks/settings", form.fields())
        .await
        .expect_redirect("/apps/justworks");
}
