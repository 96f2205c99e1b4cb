//! The `[session]`, `[login]` and `[mfa]` sections: browser sessions, the password step's
//! limits and locks, and which roles always need two factors.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionConfig {
    /// A browser session ends this long after sign-in, however active.
    pub lifetime_secs: i64,
    /// A browser session ends after this long without use.
    pub idle_secs: i64,
    /// How long a person has to finish signing in once an app sent them.
    pub login_transaction_secs: i64,
    /// Authorization codes live this long (RFC 6749 recommends at most 10 minutes).
    pub code_secs: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginConfig {
    /// Failed passwords in a row that lock an account for `lock_secs`.
    pub max_failures: i64,
    pub lock_secs: i64,
    /// Sign-in attempts one client IP may make per minute.
    pub per_ip_per_minute: u64,
    /// Sign-in attempts one account may receive per minute (from anywhere).
    pub per_account_per_minute: u64,
}

/// Who must sign in with two factors, besides those who chose to and deployments that require it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MfaConfig {
    /// Roles that always need a second factor (clinicians and admins by default).
    #[serde(deserialize_with = "crate::serde_lists::comma_list")]
    pub required_roles: Vec<crate::people::Role>,
}

impl Default for MfaConfig {
    fn default() -> Self {
        MfaConfig { required_roles: vec![crate::people::Role::Clinician, crate::people::Role::Admin] }
    }
}

impl Default for SessionConfig {
    fn default() -> Self {
        SessionConfig {
            lifetime_secs: 12 * 3600,
            idle_secs: 3600,
            login_transaction_secs: 1800,
            code_secs: 60,
        }
    }
}

impl Default for LoginConfig {
    fn default() -> Self {
        LoginConfig { max_failures: 10, lock_secs: 900, per_ip_per_minute: 30, per_account_per_minute: 10 }
    }
}
