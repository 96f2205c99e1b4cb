//! Authorization codes: random, single-use, short-lived, stored by digest.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::crypto::random;
use crate::ephemeral::EphemeralError;

/// What a code stands for; redeemed once at the token endpoint.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CodeGrant {
    pub client_id: String,
    pub redirect_uri: String,
    pub user_id: String,
    pub scopes: Vec<String>,
    pub nonce: Option<String>,
    pub code_challenge: Option<String>,
    pub sid: String,
    pub auth_time: i64,
    pub acr: String,
    pub amr: Vec<String>,
    pub claims: Option<serde_json::Value>,
    pub expires_at: i64,
}

fn key(code: &str) -> String {
    format!("code:{}", random::digest(code))
}

fn used_key(code: &str) -> String {
    format!("code-used:{}", random::digest(code))
}

pub async fn issue(state: &AppState, grant: &CodeGrant) -> Result<String, EphemeralError> {
    let code = random::token(32);
    let bytes = serde_json::to_vec(grant).expect("serialising a code grant");
    let ttl = Duration::from_secs(state.config.session.code_secs as u64);
    state.ephemeral.put(&key(&code), &bytes, ttl).await?;
    Ok(code)
}

/// Takes the code: `Ok(None)` when it is unknown, used or expired.
pub async fn redeem(state: &AppState, code: &str) -> Result<Option<CodeGrant>, EphemeralError> {
    if code.len() > 128 {
        return Ok(None);
    }
    let Some(bytes) = state.ephemeral.take(&key(code)).await? else { return Ok(None) };
    Ok(serde_json::from_slice::<CodeGrant>(&bytes).ok().filter(|g| g.expires_at > state.clock.now()))
}

/// Remembers which grant a redeemed code produced, so a replay can revoke it.
pub async fn remember_redemption(state: &AppState, code: &str, grant_id: &str) -> Result<(), EphemeralError> {
    // Long enough to catch replays well after the code's own lifetime.
    let ttl = Duration::from_secs(3600);
    state.ephemeral.put(&used_key(code), grant_id.as_bytes(), ttl).await
}

/// The grant a code already produced, if it was redeemed before.
pub async fn earlier_redemption(state: &AppState, code: &str) -> Result<Option<String>, EphemeralError> {
    if code.len() > 128 {
        return Ok(None);
    }
    Ok(state.ephemeral.get(&used_key(code)).await?.and_then(|b| String::from_utf8(b).ok()))
}
