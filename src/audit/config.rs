//! The `[audit]` section: how long audit events are kept.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AuditConfig {
    /// Days an event is kept; older ones are removed behind a signed
    /// checkpoint so the chain still verifies. 0 keeps every event.
    pub retention_days: i64,
    /// How often a node seals new events onto the chain, in milliseconds;
    /// 0: never in the background (only `careid audit verify` seals).
    pub seal_every_ms: u64,
}

impl Default for AuditConfig {
    fn default() -> Self {
        AuditConfig { retention_days: 0, seal_every_ms: 1000 }
    }
}
