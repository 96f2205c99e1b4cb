//! The `[backchannel]` section.

use serde::{Deserialize, Serialize};

/// Delivery of back-channel logout tokens to relying parties.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BackchannelConfig {
    /// How often each node looks for deliveries that are due again.
    pub poll_millis: u64,
    /// Attempts before a delivery is given up as failed. The default, 14, keeps
    /// trying for about three hours (2 s, 4 s … then hourly), so a relying
    /// party down for an hour still gets its logout.
    pub max_attempts: i64,
    /// How long one POST to a relying party may take.
    pub timeout_secs: u64,
}

impl Default for BackchannelConfig {
    fn default() -> Self {
        BackchannelConfig { poll_millis: 1000, max_attempts: 14, timeout_secs: 5 }
    }
}
