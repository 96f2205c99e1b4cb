//! The `[dpop]` section: sender-constrained tokens (RFC 9449).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DpopConfig {
    /// Every DPoP proof must carry a nonce careid issued (RFC 9449 §8): a
    /// proof made in advance on a stolen device is then useless minutes later.
    /// Clients learn the nonce from a `use_dpop_nonce` error and retry.
    pub require_nonce: bool,
}
