//! CSRF tokens for forms reached without a login transaction (links from
//! emails, "forgot password"): single use, kept in the ephemeral store.

use std::time::Duration;

use crate::AppState;
use crate::crypto::random;
use crate::ephemeral::EphemeralError;

/// Long enough to read an email and type a new password.
const LIFETIME: Duration = Duration::from_secs(3600);

fn key(token: &str) -> String {
    format!("form:{}", random::digest(token))
}

/// A new token to put in a form's hidden `csrf` field.
pub async fn issue(state: &AppState) -> Result<String, EphemeralError> {
    let token = random::token(24);
    state.ephemeral.put(&key(&token), b"1", LIFETIME).await?;
    Ok(token)
}

/// Uses `token`; true only the first time, and only for a token careid issued.
pub async fn redeem(state: &AppState, token: &str) -> Result<bool, EphemeralError> {
    if token.is_empty() || token.len() > 64 {
        return Ok(false);
    }
    Ok(state.ephemeral.take(&key(token)).await?.is_some())
}
