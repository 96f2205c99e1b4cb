//! CSRF tokens for forms reached without a login transaction (links from
//! emails, "forgot password"): single use, kept in the ephemeral store.

use crate::AppState;
use crate::crypto::random;
use crate::ephemeral::EphemeralError;
use crate::ephemeral::records;

/// A new token to put in a form's hidden `csrf` field.
pub async fn issue(state: &AppState) -> Result<String, EphemeralError> {
    let token = random::token(24);
    records::FORM_TOKEN.put(state, &token, &()).await?;
    Ok(token)
}

/// Uses `token`; true only the first time, and only for a token careid issued.
pub async fn redeem(state: &AppState, token: &str) -> Result<bool, EphemeralError> {
    if token.is_empty() || token.len() > 64 {
        return Ok(false);
    }
    Ok(records::FORM_TOKEN.take::<()>(state, token).await?.is_some())
}
