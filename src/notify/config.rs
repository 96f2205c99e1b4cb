//! The `[smtp]` section: how email leaves careid.

use serde::{Deserialize, Serialize};

use crate::secret::Secret;

/// Outgoing email. Without `host`, messages are written as `.eml` files under
/// `data_dir/outbox/email/` instead, so a single machine can follow every flow.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpConfig {
    pub host: Option<String>,
    pub port: u16,
    pub tls: SmtpTls,
    pub username: Option<String>,
    #[serde(skip_serializing)]
    pub password: Option<Secret>,
    /// The `From` mailbox, `name <address>` or a bare address.
    pub from: String,
    /// The name given in EHLO; unset means this machine's hostname.
    pub helo: Option<String>,
    /// A message not delivered this long after it was queued is given up for
    /// good and its body blanked, so its links do not stay usable in the outbox.
    pub give_up_after_secs: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpTls {
    /// Plain text: only for a relay on the same host or network (e.g. a test catcher).
    None,
    Starttls,
    /// TLS from the first byte (port 465).
    Tls,
}

impl Default for SmtpConfig {
    fn default() -> Self {
        SmtpConfig {
            host: None,
            port: 587,
            tls: SmtpTls::Starttls,
            username: None,
            password: None,
            from: "careid <no-reply@localhost>".into(),
            helo: None,
            give_up_after_secs: 24 * 3600,
        }
    }
}
