//! The client_credentials grant (RFC 6749 §4.4): confidential clients only,
//! scopes limited to those that make sense without a user.

use super::GrantResult;
use crate::AppState;
use crate::clients::Client;
use crate::oidc::error::{ErrorCode, OAuthError};
use crate::oidc::tokens;
use crate::web::params::Params;

/// Scopes that describe a person cannot be granted to a client acting for itself.
const USER_SCOPES: [&str; 6] = ["openid", "profile", "email", "phone", "offline_access", "careid"];

pub async fn exchange(state: &AppState, client: &Client, params: &Params) -> GrantResult {
    if client.public {
        return Err(OAuthError::new(
            ErrorCode::UnauthorizedClient,
            "public clients cannot use client_credentials",
        ));
    }
    let usable: Vec<&String> =
        client.allowed_scopes.iter().filter(|s| !USER_SCOPES.contains(&s.as_str())).collect();
    let scopes: Vec<String> = match params.get("scope") {
        None => usable.iter().map(|s| s.to_string()).collect(),
        Some(requested) => {
            let mut scopes = Vec::new();
            for scope in requested.split(' ').filter(|s| !s.is_empty()) {
                if !usable.iter().any(|s| *s == scope) {
                    return Err(OAuthError::new(
                        ErrorCode::InvalidScope,
                        format!("scope {scope} is not available"),
                    ));
                }
                scopes.push(scope.to_string());
            }
            scopes
        }
    };
    Ok(tokens::mint_client_token(state, client, &scopes)?)
}
