//! Access levels: Owner > Technical Owner > Member, as a type with an order.

use serde::{Deserialize, Serialize};

/// What a user may do (`docs/design.md` → *Who uses it, and what they may do*). The
/// derived order is the rule: `Member < TechnicalOwner < Owner`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccessLevel {
    Member,
    TechnicalOwner,
    Owner,
}

impl AccessLevel {
    pub const ALL: [AccessLevel; 3] = [Self::Owner, Self::TechnicalOwner, Self::Member];

    /// How the level is stored and posted in forms.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Member => "member",
            Self::TechnicalOwner => "technical_owner",
            Self::Owner => "owner",
        }
    }

    /// How the level is shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Self::Member => "Member",
            Self::TechnicalOwner => "Technical Owner",
            Self::Owner => "Owner",
        }
    }

    /// Accepts the stored form and the command line's `technical-owner`.
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_lowercase().replace('-', "_").as_str() {
            "member" => Some(Self::Member),
            "technical_owner" => Some(Self::TechnicalOwner),
            "owner" => Some(Self::Owner),
            _ => None,
        }
    }

    pub fn is_owner(self) -> bool {
        self == Self::Owner
    }
}

impl std::fmt::Display for AccessLevel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_are_ordered_owner_over_technical_owner_over_member() {
        assert!(AccessLevel::Owner > AccessLevel::TechnicalOwner);
        assert!(AccessLevel::TechnicalOwner > AccessLevel::Member);
    }

    #[test]
    fn levels_parse_from_their_stored_and_command_line_forms() {
        for level in AccessLevel::ALL {
            assert_eq!(AccessLevel::parse(level.as_str()), Some(level));
        }
        assert_eq!(
            AccessLevel::parse("technical-owner"),
            Some(AccessLevel::TechnicalOwner)
        );
        assert_eq!(AccessLevel::parse("admin"), None);
    }
}
