//! Authorization codes: random, single-use, short-lived, stored by digest.

use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::crypto::random;
use crate::ephemeral::EphemeralError;
use crate::ephemeral::records::{self, Record};

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
    /// The APIs the code's tokens may be for (RFC 8707); empty: careid.
    #[serde(default)]
    pub resources: Vec<String>,
    /// The DPoP key the code may be redeemed with only (RFC 9449 §10).
    #[serde(default)]
    pub dpop_jkt: Option<String>,
    pub expires_at: i64,
}

impl Record for CodeGrant {
    fn expires_at(&self, _state: &AppState) -> Option<i64> {
        Some(self.expires_at)
    }
}

pub async fn issue(state: &AppState, grant: &CodeGrant) -> Result<String, EphemeralError> {
    let code = random::token(32);
    records::AUTHORIZATION_CODE.put(state, &code, grant).await?;
    Ok(code)
}

/// Takes the code: `Ok(None)` when it is unknown, used or expired.
pub async fn redeem(state: &AppState, code: &str) -> Result<Option<CodeGrant>, EphemeralError> {
    if code.len() > 128 {
        return Ok(None);
    }
    records::AUTHORIZATION_CODE.take(state, code).await
}

/// Remembers which grant a redeemed code produced, so a replay can revoke it.
pub async fn remember_redemption(state: &AppState, code: &str, grant_id: &str) -> Result<(), EphemeralError> {
    records::REDEEMED_CODE.put(state, code, &grant_id.to_string()).await
}

/// The grant a code already produced, if it was redeemed before.
pub async fn earlier_redemption(state: &AppState, code: &str) -> Result<Option<String>, EphemeralError> {
    if code.len() > 128 {
        return Ok(None);
    }
    records::REDEEMED_CODE.load(state, code).await
}
