//! Who may see what, in one place: the [`Viewer`] and THE rule of whose sensitive fields
//! they see ([`can_see_sensitive`]); [`Sensitive`], which every read of history rows takes
//! (person pages, run pages, the sync history, emails, JSON); and [`Synced`], the time a
//! person page may show as "synced" without giving away a hidden change.

use super::model::SENSITIVE_FIELDS;
use crate::auth::users::User;

/// Whoever is looking, as far as field visibility goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Viewer {
    /// Owners see every field of everyone.
    pub owner: bool,
    /// The person the viewer is ("themself"), as linked by an Owner.
    pub self_person_id: Option<String>,
}

impl Viewer {
    /// Who the signed-in user is, as far as fields go: an Owner, and the one person an
    /// Owner linked them to (`users.person_id`). A matching email alone links nobody.
    pub fn of(user: &User) -> Self {
        Self {
            owner: user.level.is_owner(),
            self_person_id: user.person_id.clone(),
        }
    }

    /// Whether this viewer may see sensitive fields of `person_id` — their values and
    /// that they changed.
    pub fn sees_sensitive_of(&self, person_id: &str) -> bool {
        can_see_sensitive(self, person_id)
    }
}

/// THE rule (docs/design.md "Who uses it"): sensitive fields — compensation, birthdate,
/// gender, ethnicity, home address, personal email, phones — reach Owners, and the
/// person themself; nobody else, whatever their level. Pages, partials and JSON all ask
/// this one function.
pub fn can_see_sensitive(viewer: &Viewer, person_id: &str) -> bool {
    viewer.owner || viewer.self_person_id.as_deref() == Some(person_id)
}

/// Whether a reader may learn anything of sensitive fields — their values, and that
/// they changed (docs/design.md "Privacy rules that hold everywhere"). Every read of
/// history rows (person history, run pages, run counts, emails, JSON) says which it is
/// for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sensitive {
    /// Owners; and the person themself, for their own history.
    Shown,
    /// Everyone else: sensitive rows are left out as if they did not exist.
    Hidden,
}

impl Sensitive {
    /// Owners see sensitive changes of everyone.
    pub fn for_owner(is_owner: bool) -> Self {
        if is_owner { Self::Shown } else { Self::Hidden }
    }

    /// The condition a history query adds (`AND …`) to keep only what the reader may
    /// learn: rows flagged sensitive when written, and rows of a sensitive field by name
    /// (belt and braces).
    pub fn history_condition(self) -> &'static str {
        static HIDDEN: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
            let fields: Vec<String> = SENSITIVE_FIELDS.iter().map(|f| format!("'{f}'")).collect();
            format!(
                " AND sensitive = 0 AND field NOT IN ({})",
                fields.join(", ")
            )
        });
        match self {
            Self::Shown => "",
            Self::Hidden => HIDDEN.as_str(),
        }
    }
}

/// When a sync last wrote a row, as a viewer may learn it. A sync that changed only
/// sensitive fields also stamps the row: to a viewer who may not see those, the time
/// shown is that of the newest change they can see, so it never tells them that (and
/// when) something hidden changed.
pub struct Synced {
    pub may_see: bool,
    pub last_visible_change: Option<i64>,
}

impl Synced {
    pub fn shown(&self, synced_at: Option<i64>) -> Option<i64> {
        if self.may_see {
            synced_at
        } else {
            // Without any history (people seeded before history was kept) there is no
            // hidden change to give away either.
            match (synced_at, self.last_visible_change) {
                (Some(at), Some(visible)) => Some(at.min(visible)),
                (at, None) => at,
                (None, Some(_)) => None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_owners_and_the_person_themself_see_sensitive_fields() {
        let owner = Viewer {
            owner: true,
            self_person_id: None,
        };
        let me = Viewer {
            owner: false,
            self_person_id: Some("p1".into()),
        };
        let nobody = Viewer {
            owner: false,
            self_person_id: None,
        };
        assert!(can_see_sensitive(&owner, "p1"));
        assert!(can_see_sensitive(&owner, "p2"));
        assert!(can_see_sensitive(&me, "p1"));
        assert!(!can_see_sensitive(&me, "p2"));
        assert!(!can_see_sensitive(&nobody, "p1"));
    }

    #[test]
    fn a_viewer_who_may_not_see_sensitive_fields_never_sees_when_they_last_changed() {
        let hidden = Synced {
            may_see: false,
            last_visible_change: Some(100),
        };
        // A raise synced at 200 stamped the row; the title change at 100 is what shows.
        assert_eq!(hidden.shown(Some(200)), Some(100));
        assert_eq!(hidden.shown(Some(100)), Some(100));
        let owner = Synced {
            may_see: true,
            last_visible_change: Some(100),
        };
        assert_eq!(owner.shown(Some(200)), Some(200));
        let no_history = Synced {
            may_see: false,
            last_visible_change: None,
        };
        assert_eq!(no_history.shown(Some(200)), Some(200));
    }
}
