//! The `[audit]` section: how long audit events are kept.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditConfig {
    /// Days an event is kept; older ones are removed behind a signed
    /// checkpoint so the chain still verifies. 0 keeps every event.
    pub retention_days: i64,
}
