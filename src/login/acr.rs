//! Authentication levels (`acr`) and methods (`amr`, RFC 8176).

use serde::{Deserialize, Serialize};

/// How strongly a sign-in proved who it is, weakest first: levels compare
/// with `<` and `>=`, and are written as their `acr` URNs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Level {
    /// A password alone.
    #[serde(rename = "urn:careid:acr:password")]
    Password,
    /// Two factors (a password and a one-time code, or a passkey).
    #[serde(rename = "urn:careid:acr:mfa")]
    Mfa,
    /// Phishing-resistant (a passkey).
    #[serde(rename = "urn:careid:acr:phishing-resistant")]
    PhishingResistant,
}

impl Level {
    /// Every level careid can assert, weakest first.
    pub const ALL: [Level; 3] = [Level::Password, Level::Mfa, Level::PhishingResistant];

    /// The `acr` value.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Password => "urn:careid:acr:password",
            Level::Mfa => "urn:careid:acr:mfa",
            Level::PhishingResistant => "urn:careid:acr:phishing-resistant",
        }
    }

    /// The level an `acr` value names, if careid knows it.
    pub fn parse(acr: &str) -> Option<Level> {
        Level::ALL.into_iter().find(|l| l.as_str() == acr)
    }

    /// Whether this level has two factors.
    pub fn is_multi_factor(self) -> bool {
        self >= Level::Mfa
    }
}

impl std::fmt::Display for Level {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

pub const AMR_PASSWORD: &str = "pwd";
/// A one-time code sent by SMS (RFC 8176).
pub const AMR_SMS: &str = "sms";
/// More than one factor (RFC 8176).
pub const AMR_MFA: &str = "mfa";
/// Proof of possession of a hardware-protected key: a passkey (RFC 8176).
pub const AMR_HWK: &str = "hwk";
/// The user was verified by the authenticator (biometric or PIN), RFC 8176.
pub const AMR_USER: &str = "user";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_are_ordered_and_written_as_their_urns() {
        assert!(Level::Password < Level::Mfa && Level::Mfa < Level::PhishingResistant);
        for level in Level::ALL {
            assert_eq!(Level::parse(level.as_str()), Some(level));
            assert_eq!(serde_json::to_value(level).unwrap(), level.as_str());
        }
        assert_eq!(Level::parse("urn:other:acr"), None);
        assert!(!Level::Password.is_multi_factor() && Level::PhishingResistant.is_multi_factor());
    }
}
