//! The audit trail of passkey ceremonies: each use, and each failure with why.

use serde_json::json;

use super::PasskeyError;
use crate::AppState;
use crate::audit::{self, Event, Origin};
use crate::store::StoredPasskey;

pub(super) async fn used(state: &AppState, stored: &StoredPasskey, purpose: &str, origin: &Origin) {
    let event = Event {
        subject: Some(&stored.user_id),
        detail: Some(json!({ "passkey": stored.id, "purpose": purpose })),
        ..Event::new("passkey.used")
    };
    audit::record(state, event, origin).await;
}

pub(super) async fn record_failure(
    state: &AppState,
    e: &PasskeyError,
    user_id: Option<&str>,
    purpose: &str,
    origin: &Origin,
) {
    let (kind, detail) = match e {
        PasskeyError::CounterRegression { passkey_id, .. } => {
            ("passkey.counter_regression", json!({ "passkey": passkey_id, "purpose": purpose }))
        }
        PasskeyError::Rejected { reason, .. } => {
            ("passkey.failed", json!({ "reason": reason, "purpose": purpose }))
        }
        PasskeyError::Expired => {
            ("passkey.failed", json!({ "reason": "expired or reused challenge", "purpose": purpose }))
        }
        PasskeyError::UnknownCredential => {
            ("passkey.failed", json!({ "reason": "unknown credential", "purpose": purpose }))
        }
        PasskeyError::AlreadyRegistered => {
            ("passkey.failed", json!({ "reason": "credential already registered", "purpose": purpose }))
        }
        PasskeyError::Malformed(_) => {
            ("passkey.failed", json!({ "reason": "malformed response", "purpose": purpose }))
        }
        PasskeyError::Unavailable
        | PasskeyError::Internal(_)
        | PasskeyError::Store(_)
        | PasskeyError::Ephemeral(_) => return,
    };
    let event = Event { subject: user_id, detail: Some(detail), ..Event::new(kind) };
    audit::record(state, event, origin).await;
}
