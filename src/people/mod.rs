//! People who sign in: parsed emails, roles, and the user record.

pub mod membership;
pub mod password;
pub mod password_policy;
pub mod password_tips;
pub mod registry;
pub mod view;

use serde::{Deserialize, Serialize};

/// A normalised email address (trimmed, lower-cased), the unique sign-in name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Email(String);

impl Email {
    pub fn parse(input: &str) -> Result<Email, String> {
        let email = input.trim().to_lowercase();
        if email.len() > 254 {
            return Err("email address is too long".into());
        }
        let Some((local, domain)) = email.split_once('@') else {
            return Err(format!("{input:?} is not an email address"));
        };
        let domain_ok = !domain.is_empty()
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && domain.chars().all(|c| c.is_alphanumeric() || c == '.' || c == '-');
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '"' | ','));
        if !domain_ok || !local_ok {
            return Err(format!("{input:?} is not an email address"));
        }
        Ok(Email(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Email {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The platform's three kinds of account (the operator acts through the CLI).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Admin,
    Clinician,
    Patient,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Admin, Role::Clinician, Role::Patient];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Clinician => "clinician",
            Role::Patient => "patient",
        }
    }

    pub fn parse(s: &str) -> Result<Role, String> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| format!("unknown role {s:?} (admin, clinician, patient)"))
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether an account may sign in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Active,
    Disabled,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::Disabled => "disabled",
        }
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct User {
    pub id: String,
    pub email: String,
    pub email_normalized: String,
    pub name: String,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub role: String,
    pub deployment_id: String,
    pub password_hash: Option<String>,
    pub email_verified: bool,
    pub phone_number: Option<String>,
    pub phone_verified: bool,
    pub status: String,
    pub failed_logins: i64,
    pub locked_until: Option<i64>,
    pub sessions_valid_after: i64,
    pub created_at: i64,
    pub updated_at: i64,
    /// The email must be verified before this moment (`None`: verified or exempt).
    pub verify_by: Option<i64>,
    pub verification_reminded_at: Option<i64>,
    /// The person turned two-step verification on.
    pub two_step_enabled: bool,
    /// Wrong SMS codes in a row, and the lock they led to.
    pub sms_failures: i64,
    pub sms_locked_until: Option<i64>,
    /// The language the person picked (a code of [`crate::i18n::Lang`]).
    pub locale: Option<String>,
    /// A platform operator: manages every deployment (given from the CLI only).
    pub operator: bool,
    /// Bumped by every administrative change; see [`crate::store::Store::set_role_if`].
    pub version: i64,
}

impl User {
    /// The person's saved language, if careid speaks it.
    pub fn lang(&self) -> Option<crate::i18n::Lang> {
        self.locale.as_deref().and_then(crate::i18n::Lang::from_tag)
    }

    pub fn role(&self) -> Option<Role> {
        Role::parse(&self.role).ok()
    }

    pub fn is_active(&self) -> bool {
        self.status == Status::Active.as_str()
    }

    /// The phone number, once a code sent to it was entered.
    pub fn verified_phone(&self) -> Option<&str> {
        self.phone_number.as_deref().filter(|_| self.phone_verified)
    }

    pub fn is_locked(&self, now: i64) -> bool {
        self.locked_until.is_some_and(|until| until > now)
    }
}

/// What is needed to create an account.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: Email,
    pub name: String,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub role: Role,
    pub deployment_id: String,
    pub password_hash: Option<String>,
    pub email_verified: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(Email::parse("  Ann.Lee@Example.COM ").unwrap().as_str(), "ann.lee@example.com");
        for bad in ["", "ann", "@example.com", "ann@", "ann@@x.com", "a b@x.com", "ann@x..com", "ann@.x.com"]
        {
            assert!(Email::parse(bad).is_err(), "{bad:?}");
        }
        assert!(Email::parse(&format!("{}@x.com", "a".repeat(65))).is_err());
    }

    #[test]
    fn roles_parse_by_name() {
        assert_eq!(Role::parse("clinician").unwrap(), Role::Clinician);
        assert!(Role::parse("operator").is_err());
    }

    mod prop {
        use proptest::prelude::*;

        use super::*;

        proptest! {
            #[test]
            fn prop_emails_and_roles_parse_or_are_refused_and_round_trip(
                input in prop_oneof!["\\PC{0,60}", "[a-zA-Z0-9.+_-]{0,20}@[a-zA-Z0-9.-]{0,20}"]
            ) {
                if let Ok(email) = Email::parse(&input) {
                    prop_assert_eq!(Email::parse(email.as_str()).map(|e| e.to_string()), Ok(email.to_string()));
                }
                if let Ok(role) = Role::parse(&input) {
                    prop_assert_eq!(Role::parse(role.as_str()), Ok(role));
                }
            }
        }
    }
}
