//! WebAuthn challenges in the ephemeral store: each is bound to the login
//! transaction and/or browser session that asked for it, lives five minutes,
//! and is taken (read and deleted in one step) by the answer that uses it.

use serde::{Deserialize, Serialize};
use webauthn_rs::prelude::{DiscoverableAuthentication, PasskeyAuthentication, PasskeyRegistration};

use super::PasskeyError;
use crate::AppState;
use crate::crypto::random;
use crate::ephemeral::records::{self, Record};

/// How long a challenge can be answered.
pub const LIFETIME_SECS: i64 = records::PASSKEY_CEREMONY_SECS;

/// What a challenge belongs to; the answer must come from the same place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Binding {
    /// The login transaction (sign-in pages).
    pub tx: Option<String>,
    /// The browser session's `sid` (a signed-in person).
    pub sid: Option<String>,
}

/// The webauthn-rs state a challenge waits with.
#[derive(Serialize, Deserialize)]
pub(super) enum Pending {
    /// A new passkey for `user_id`.
    Register { user_id: String, state: PasskeyRegistration },
    /// Sign-in by whoever's passkey answers (usernameless).
    SignIn(DiscoverableAuthentication),
    /// One of `user_id`'s passkeys, after their password (second factor, step-up).
    Confirm { user_id: String, state: PasskeyAuthentication },
}

#[derive(Serialize, Deserialize)]
struct Ceremony {
    binding: Binding,
    created_at: i64,
    pending: Pending,
}

impl Record for Ceremony {
    fn expires_at(&self, _state: &AppState) -> Option<i64> {
        Some(self.created_at + LIFETIME_SECS)
    }
}

/// Stores `pending` under a new random id, which the browser echoes with its answer.
pub(super) async fn put(
    state: &AppState,
    binding: Binding,
    pending: Pending,
) -> Result<String, PasskeyError> {
    let id = random::token(24);
    let ceremony = Ceremony { binding, created_at: state.clock.now(), pending };
    records::PASSKEY_CEREMONY.put(state, &id, &ceremony).await?;
    Ok(id)
}

/// Takes challenge `id` for good; it counts only if it is live and bound to `binding`.
pub(super) async fn take(state: &AppState, id: &str, binding: &Binding) -> Result<Pending, PasskeyError> {
    if id.is_empty() || id.len() > 64 {
        return Err(PasskeyError::Expired);
    }
    let ceremony: Ceremony = records::PASSKEY_CEREMONY.take(state, id).await?.ok_or(PasskeyError::Expired)?;
    if ceremony.binding != *binding {
        return Err(PasskeyError::Expired);
    }
    Ok(ceremony.pending)
}
