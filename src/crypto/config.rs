//! The `[keys]` section: signing-key rotation and JWKS caching.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeysConfig {
    /// How long a new key is published in JWKS before it signs, so relying
    /// parties that cache JWKS have seen it first.
    pub publish_before_use_secs: i64,
    /// How long a retired key stays published; at least the longest token lifetime.
    pub retain_retired_secs: i64,
    /// How often each node reloads keys from the durable store.
    pub reload_secs: u64,
    /// `Cache-Control: max-age` of the JWKS response.
    pub jwks_max_age_secs: u64,
}

impl Default for KeysConfig {
    fn default() -> Self {
        KeysConfig {
            publish_before_use_secs: 600,
            retain_retired_secs: 86_400,
            reload_secs: 30,
            jwks_max_age_secs: 300,
        }
    }
}
