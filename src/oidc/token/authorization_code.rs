//! The authorization_code grant (RFC 6749 §4.1.3, RFC 7636 §4.6): single use,
//! bound to client, redirect URI and PKCE verifier; a replay revokes what the
//! code already produced.

use sha2::{Digest, Sha256};

use super::GrantResult;
use crate::AppState;
use crate::audit::{self, Event, Origin};
use crate::clients::Client;
use crate::crypto::keys::b64;
use crate::crypto::random;
use crate::oidc::authorize::code;
use crate::oidc::error::OAuthError;
use crate::oidc::resource;
use crate::oidc::tokens::{self, Mint};
use crate::store::Grant;
use crate::web::params::Params;

/// `jkt`: the key of the request's DPoP proof, if it sent one.
///
/// A new grant is audited (`tokens.issued`) in the commit that stores it;
/// refreshes and `client_credentials` are counted (`careid_tokens_issued_total`)
/// rather than audited one by one.
pub async fn exchange(
    state: &AppState,
    client: &Client,
    params: &Params,
    jkt: Option<&str>,
    origin: &Origin,
) -> GrantResult {
    let code_value = params.get("code").ok_or_else(|| OAuthError::invalid_request("code is required"))?;
    let Some(grant) = code::redeem(state, code_value).await? else {
        if let Some(grant_id) = code::earlier_redemption(state, code_value).await? {
            state.store.revoke_grant(&grant_id, "authorization code replayed", state.clock.now()).await?;
            tracing::warn!(client = %client.id, "authorization code replayed; its tokens are revoked");
        }
        return Err(OAuthError::invalid_grant("the code is invalid, expired or already used"));
    };
    if grant.client_id != client.id {
        return Err(OAuthError::invalid_grant("the code was issued to another client"));
    }
    if params.get("redirect_uri") != Some(grant.redirect_uri.as_str()) {
        return Err(OAuthError::invalid_grant("redirect_uri does not match the authorization request"));
    }
    check_verifier(grant.code_challenge.as_deref(), params.get("code_verifier"))?;
    // RFC 9449 §10: a code bound with dpop_jkt is redeemed only with that key.
    if grant.dpop_jkt.as_deref().is_some_and(|bound| Some(bound) != jkt) {
        return Err(OAuthError::invalid_grant("the code is bound to another DPoP key"));
    }
    let target = resource::for_grant(state, client, &grant.resources, params).await?;
    let scopes = target.user_scopes(&grant.scopes, None)?;
    let now = state.clock.now();
    let user = state
        .store
        .user_by_id(&grant.user_id)
        .await?
        .filter(|u| u.is_active() && grant.auth_time >= u.sessions_valid_after)
        .ok_or_else(|| OAuthError::invalid_grant("the account can no longer sign in"))?;
    if !client.admits(&user) {
        return Err(OAuthError::invalid_grant("this application no longer admits the account"));
    }
    let with_refresh = client.allows_grant("refresh_token");
    let offline = grant.scopes.iter().any(|s| s == "offline_access");
    let access_ttl = target.ttl(client);
    let lifetime = if with_refresh { client.refresh_token_ttl } else { access_ttl };
    let stored = Grant {
        id: uuid::Uuid::now_v7().to_string(),
        client_id: client.id.clone(),
        user_id: user.id.clone(),
        sid: Some(grant.sid.clone()),
        scope: grant.scopes.join(" "),
        auth_time: grant.auth_time,
        acr: grant.acr.clone(),
        amr: serde_json::Value::from(grant.amr.clone()).to_string(),
        offline,
        created_at: now,
        expires_at: now + lifetime.max(access_ttl),
        revoked_at: None,
        revoked_reason: None,
        resources: serde_json::Value::from(grant.resources.clone()).to_string(),
        // RFC 9449 §5: a public client's refresh tokens are bound to the key;
        // a confidential client's are bound to its credentials already.
        dpop_jkt: jkt.filter(|_| client.public).map(str::to_owned),
    };
    let detail = serde_json::json!({"grant": stored.id, "scope": stored.scope, "offline": offline});
    let event = Event {
        actor: Some(&user.id),
        subject: Some(&user.id),
        client_id: Some(&client.id),
        deployment_id: Some(&user.deployment_id),
        detail: Some(detail),
        ..Event::new("tokens.issued")
    };
    let recorded = audit::row(state, event, origin);
    let mint = Mint {
        client,
        user: &user,
        grant: &stored,
        new_grant: Some(recorded),
        target: &target,
        scopes,
        nonce: grant.nonce.as_deref(),
        claims_request: grant.claims.as_ref(),
        with_refresh_token: with_refresh,
        dpop_jkt: jkt,
    };
    let tokens = tokens::mint(state, mint).await?;
    code::remember_redemption(state, code_value, &stored.id).await?;
    Ok(tokens)
}

/// RFC 7636 §4.6 with S256; a verifier without a challenge is refused too, so
/// a downgrade cannot pass unnoticed (RFC 9700 §2.1.1).
fn check_verifier(challenge: Option<&str>, verifier: Option<&str>) -> Result<(), OAuthError> {
    match (challenge, verifier) {
        (None, None) => Ok(()),
        (None, Some(_)) => Err(OAuthError::invalid_grant("code_verifier sent but no code_challenge was")),
        (Some(_), None) => Err(OAuthError::invalid_grant("code_verifier is required")),
        (Some(challenge), Some(verifier)) => {
            let well_formed = (43..=128).contains(&verifier.len())
                && verifier
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'));
            if !well_formed {
                return Err(OAuthError::invalid_grant("code_verifier is malformed"));
            }
            let computed = b64(&Sha256::digest(verifier.as_bytes()));
            if random::same(&computed, challenge) {
                Ok(())
            } else {
                Err(OAuthError::invalid_grant("code_verifier does not match the code_challenge"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc7636_appendix_b_example_verifies() {
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
        assert!(check_verifier(Some(challenge), Some(verifier)).is_ok());
        assert!(check_verifier(Some(challenge), Some(&verifier.replace('d', "e"))).is_err());
        assert!(check_verifier(Some(challenge), None).is_err());
        assert!(check_verifier(None, Some(verifier)).is_err());
        assert!(check_verifier(Some(challenge), Some("short")).is_err());
    }
}
