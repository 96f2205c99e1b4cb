//! A sign-in in progress: who is signing in and the factors proven so far.

use serde::{Deserialize, Serialize};

use super::acr::Level;
use super::policy;

/// A sign-in in progress: the factors proven in this transaction (or the
/// session being stepped up). It signs nobody in until the ladder in
/// `oidc::authorize` finds the account's requirements met and makes it the
/// browser session.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Pending {
    pub user_id: String,
    pub amr: Vec<String>,
    pub acr: Level,
    pub auth_time: i64,
    /// The browser session this steps up; `None` when the first factor was
    /// proven in this transaction.
    pub sid: Option<String>,
}

impl Pending {
    /// A first factor just proven in this transaction.
    pub fn first_factor(user_id: &str, amr: &[&str], acr: Level, now: i64) -> Pending {
        let amr = amr.iter().map(|m| m.to_string()).collect();
        Pending { user_id: user_id.to_string(), amr, acr, auth_time: now, sid: None }
    }

    /// Whether the first factor was proven in this transaction or within
    /// [`policy::FRESH_SECS`]: recent enough to add a factor the account
    /// lacks (a stolen old session cannot enrol its own phone).
    pub fn is_fresh(&self, now: i64) -> bool {
        self.sid.is_none() || policy::is_fresh(self.auth_time, now)
    }

    /// Adds a second factor just passed: `methods` join `amr` (each once), and
    /// `level` becomes the `acr` unless it already has a stronger one.
    pub fn add_factor(&mut self, methods: &[&str], level: Level) {
        for method in methods {
            if !self.amr.iter().any(|m| m == method) {
                self.amr.push(method.to_string());
            }
        }
        if level > self.acr {
            self.acr = level;
        }
    }
}
