//! The `[par]` section: pushed authorization requests (RFC 9126).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParConfig {
    /// Every client must push its authorization requests to `/par` (careid's
    /// own account client excepted); discovery's `require_pushed_authorization_requests`.
    pub required: bool,
}
