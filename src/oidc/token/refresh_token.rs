//! The refresh_token grant (RFC 6749 §6) with rotation on every use, a per-client
//! grace window for retries, and family revocation on reuse (RFC 9700 §4.14).

use super::GrantResult;
use crate::AppState;
use crate::clients::Client;
use crate::crypto::random;
use crate::oidc::error::OAuthError;
use crate::oidc::resource;
use crate::oidc::tokens::{self, Mint};
use crate::store::Rotation;
use crate::web::params::Params;

/// `jkt`: the key of the request's DPoP proof, if it sent one.
pub async fn exchange(state: &AppState, client: &Client, params: &Params, jkt: Option<&str>) -> GrantResult {
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
    let owner = match owner {
        Some(grant) if grant.client_id == client.id => grant,
        _ => return Err(invalid()),
    };
    // Checked before rotation: a refused request must leave the token usable.
    // RFC 9449 §5: a public client's token works only with the key it was bound to.
    if owner.dpop_jkt.as_deref().is_some_and(|bound| Some(bound) != jkt) {
        return Err(OAuthError::invalid_grant("the refresh token is bound to another DPoP key"));
    }
    // Any resource granted with the token may be asked for, and any subset
    // of the granted scopes that is for it (RFC 8707 §2.2, RFC 6749 §6).
    let target = resource::for_grant(state, client, &owner.resources(), params).await?;
    let scopes = target.user_scopes(&owner.scopes(), params.get("scope"))?;
    // The client's registration as it is now: a role or deployment it no
    // longer admits gets no more tokens from an earlier sign-in.
    let user = state
        .store
        .user_by_id(&owner.user_id)
        .await?
        .filter(|u| u.is_active() && owner.auth_time >= u.sessions_valid_after)
        .ok_or_else(invalid)?;
    if !client.admits(&user) {
        return Err(OAuthError::invalid_grant("this application no longer admits the account"));
    }
    let now = state.clock.now();
    let grant = match state.store.rotate_refresh_token(&hash, client.refresh_grace_secs, now).await? {
        Rotation::Rotated(grant) | Rotation::RetriedWithinGrace(grant) => grant,
        Rotation::ReuseDetected => {
            tracing::warn!(client = %client.id, "refresh token reused; its family is revoked");
            return Err(invalid());
        }
        Rotation::Invalid => return Err(invalid()),
    };
    let mint = Mint {
        client,
        user: &user,
        grant: &grant,
        new_grant: None,
        target: &target,
        scopes,
        nonce: None,
        claims_request: None,
        with_refresh_token: true,
        dpop_jkt: jkt,
    };
    Ok(tokens::mint(state, mint).await?)
}
