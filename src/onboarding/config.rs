//! The `[onboarding]` section.

use serde::{Deserialize, Serialize};

/// Email verification and password reset timing and limits.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OnboardingConfig {
    /// A reminder goes out once when less than this remains before the verification deadline.
    pub verification_reminder_secs: i64,
    /// New verification links one account may ask for per hour once blocked.
    pub verification_resends_per_hour: u64,
    /// How long a password reset link works.
    pub reset_link_secs: i64,
    /// Password reset requests per hour for one address (whether or not it has an account).
    pub reset_requests_per_address_per_hour: u64,
    /// Password reset requests per hour from one client IP.
    pub reset_requests_per_ip_per_hour: u64,
}

impl Default for OnboardingConfig {
    fn default() -> Self {
        OnboardingConfig {
            verification_reminder_secs: 6 * 3600,
            verification_resends_per_hour: 3,
            reset_link_secs: 1800,
            reset_requests_per_address_per_hour: 3,
            reset_requests_per_ip_per_hour: 20,
        }
    }
}
