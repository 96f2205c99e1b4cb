//! The client_credentials grant (RFC 6749 §4.4): confidential clients only,
//! scopes limited to those that make sense without a user, for careid or for
//! the one API named by `resource` (RFC 8707).

use super::GrantResult;
use crate::AppState;
use crate::clients::Client;
use crate::oidc::error::{ErrorCode, OAuthError};
use crate::oidc::resource::{self, Target};
use crate::oidc::tokens;
use crate::web::params::Params;

/// Scopes that describe a person cannot be granted to a client acting for itself.
const USER_SCOPES: [&str; 6] = ["openid", "profile", "email", "phone", "offline_access", "careid"];

/// `jkt`: the key of the request's DPoP proof, if it sent one.
pub async fn exchange(state: &AppState, client: &Client, params: &Params, jkt: Option<&str>) -> GrantResult {
    if client.public {
        return Err(OAuthError::new(
            ErrorCode::UnauthorizedClient,
            "public clients cannot use client_credentials",
        ));
    }
    let target = resource::for_client(state, client, params).await?;
    let usable: Vec<&String> = client
        .allowed_scopes
        .iter()
        .filter(|s| !USER_SCOPES.contains(&s.as_str()) && target.carries(s, false))
        .collect();
    let scopes: Vec<String> = match params.get("scope") {
        None => usable.iter().map(|s| s.to_string()).collect(),
        Some(requested) => {
            let mut scopes: Vec<String> = Vec::new();
            for scope in requested.split(' ').filter(|s| !s.is_empty()) {
                if !usable.iter().any(|s| *s == scope) {
                    return Err(refusal(&target, client, scope));
                }
                if !scopes.iter().any(|s| s == scope) {
                    scopes.push(scope.to_string());
                }
            }
            scopes
        }
    };
    Ok(tokens::mint_client_token(state, client, &target, &scopes, jkt)?)
}

/// A scope the client may have, but for another target, says so.
fn refusal(target: &Target, client: &Client, scope: &str) -> OAuthError {
    let allowed = client.allowed_scopes.iter().any(|s| s == scope) && !USER_SCOPES.contains(&scope);
    if allowed && !target.carries(scope, false) {
        return target.not_for_target(scope);
    }
    OAuthError::invalid_scope(format!("scope {scope} is not available"))
}
