//! Login transactions: an authorization request waiting for the person to sign
//! in or consent, kept in the ephemeral store under a random id.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::crypto::random;
use crate::ephemeral::EphemeralError;
use crate::oidc::authorize::request::AuthorizationRequest;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LoginTransaction {
    pub id: String,
    /// Echoed by every form of this transaction (CSRF protection).
    pub csrf: String,
    pub request: AuthorizationRequest,
    pub created_at: i64,
    /// The session `sid` that signed in during this transaction, which
    /// satisfies `prompt=login` and `max_age` for it.
    pub authenticated_sid: Option<String>,
    /// Set once the person approved the consent page in this transaction.
    #[serde(default)]
    pub consent_given: bool,
    /// The SMS step, once started in this transaction.
    #[serde(default)]
    pub sms: Option<SmsStep>,
}

/// A code sent in this transaction: its challenge binds the code to this
/// transaction, and `phone` to the number it went to.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SmsStep {
    pub challenge: String,
    pub phone: String,
    /// The number is being enrolled: the right code also confirms it.
    pub enrolling: bool,
}

fn key(id: &str) -> String {
    format!("tx:{id}")
}

pub async fn create(
    state: &AppState,
    request: AuthorizationRequest,
) -> Result<LoginTransaction, EphemeralError> {
    let tx = LoginTransaction {
        id: random::token(24),
        csrf: random::token(24),
        request,
        created_at: state.clock.now(),
        authenticated_sid: None,
        consent_given: false,
        sms: None,
    };
    save(state, &tx).await?;
    Ok(tx)
}

/// Stores a transaction taken from the store under a new id (and CSRF token),
/// for its next step: each step takes its transaction, so two concurrent
/// submissions of one step can never both go on.
pub async fn next_step(
    state: &AppState,
    mut tx: LoginTransaction,
) -> Result<LoginTransaction, EphemeralError> {
    tx.id = random::token(24);
    tx.csrf = random::token(24);
    save(state, &tx).await?;
    Ok(tx)
}

/// Stores `tx` under its current id (a step that stays on the same page).
pub async fn save(state: &AppState, tx: &LoginTransaction) -> Result<(), EphemeralError> {
    let remaining = (tx.created_at + state.config.session.login_transaction_secs - state.clock.now()).max(1);
    let bytes = serde_json::to_vec(tx).expect("serialising a transaction");
    state.ephemeral.put(&key(&tx.id), &bytes, Duration::from_secs(remaining as u64)).await
}

/// The live transaction `id`, if any.
pub async fn load(state: &AppState, id: &str) -> Result<Option<LoginTransaction>, EphemeralError> {
    if id.len() > 64 {
        return Ok(None);
    }
    let Some(bytes) = state.ephemeral.get(&key(id)).await? else { return Ok(None) };
    let tx: Option<LoginTransaction> = serde_json::from_slice(&bytes).ok();
    Ok(tx.filter(|tx| tx.created_at + state.config.session.login_transaction_secs > state.clock.now()))
}

/// Takes the transaction for one step; of concurrent takes only one gets it.
pub async fn take(state: &AppState, id: &str) -> Result<Option<LoginTransaction>, EphemeralError> {
    if id.len() > 64 {
        return Ok(None);
    }
    let Some(bytes) = state.ephemeral.take(&key(id)).await? else { return Ok(None) };
    let tx: Option<LoginTransaction> = serde_json::from_slice(&bytes).ok();
    Ok(tx.filter(|tx| tx.created_at + state.config.session.login_transaction_secs > state.clock.now()))
}
