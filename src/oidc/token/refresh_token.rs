//! The refresh_token grant (RFC 6749 §6) with rotation on every use, a per-client
//! grace window for retries, and family revocation on reuse (RFC 9700 §4.14).

use super::GrantResult;
use crate::AppState;
use crate::clients::Client;
use crate::crypto::random;
use crate::oidc::error::{ErrorCode, OAuthError};
use crate::oidc::tokens::{self, Mint};
use crate::store::Rotation;
use crate::web::params::Params;

pub async fn exchange(state: &AppState, client: &Client, params: &Params) -> GrantResult {
    let token = params
        .get("refresh_token")
        .ok_or_else(|| OAuthError::invalid_request("refresh_token is required"))?;
    let hash = random::digest(token);
    // The token must be this client's before rotation touches it.
    let owner = match state.store.refresh_token(&hash).await? {
        Some(t) => state.store.grant(&t.grant_id).await?,
        None => None,
    };
    let invalid = || OAuthError::invalid_grant("the refresh token is invalid, expired or revoked");
    let granted = match &owner {
        Some(grant) if grant.client_id == client.id => grant.scope.clone(),
        _ => return Err(invalid()),
    };
    // Checked before rotation: a refused request must leave the token usable.
    let scopes = requested_scopes(&granted, params.get("scope"))?;
    let now = state.clock.now();
    let grant = match state.store.rotate_refresh_token(&hash, client.refresh_grace_secs, now).await? {
        Rotation::Rotated(grant) | Rotation::RetriedWithinGrace(grant) => grant,
        Rotation::ReuseDetected => {
            tracing::warn!(client = %client.id, "refresh token reused; its family is revoked");
            return Err(invalid());
        }
        Rotation::Invalid => return Err(invalid()),
    };
    let user = state
        .store
        .user_by_id(&grant.user_id)
        .await?
        .filter(|u| u.is_active() && grant.auth_time >= u.sessions_valid_after)
        .ok_or_else(invalid)?;
    let mint = Mint {
        client,
        user: &user,
        grant: &grant,
        scopes,
        nonce: None,
        claims_request: None,
        with_refresh_token: true,
    };
    Ok(tokens::mint(state, mint).await?)
}

/// RFC 6749 §6: the granted scopes, or a subset of them if `scope` asks for one.
fn requested_scopes(granted: &str, requested: Option<&str>) -> Result<Vec<String>, OAuthError> {
    let granted: Vec<String> = granted.split(' ').filter(|s| !s.is_empty()).map(str::to_owned).collect();
    let Some(requested) = requested else { return Ok(granted) };
    let requested: Vec<String> = requested.split(' ').filter(|s| !s.is_empty()).map(str::to_owned).collect();
    if let Some(extra) = requested.iter().find(|s| !granted.contains(s)) {
        return Err(OAuthError::new(ErrorCode::InvalidScope, format!("scope {extra} was not granted")));
    }
    Ok(requested)
}
