//! careid's own JWT access tokens (RFC 9068) as the endpoints that accept them
//! back (userinfo, introspection, revocation) check them.

use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::store::{Grant, StoreError};

/// The claims [`crate::oidc::tokens::mint`] and `mint_client_token` put in an access token.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct AccessClaims {
    pub iss: String,
    pub sub: String,
    pub aud: String,
    pub client_id: String,
    pub exp: i64,
    pub iat: i64,
    pub nbf: i64,
    pub jti: String,
    pub scope: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_time: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acr: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amr: Option<Vec<String>>,
    /// The grant behind a user's token; a client_credentials token has none.
    /// Internal, so never shown.
    #[serde(default, skip_serializing)]
    pub gid: Option<String>,
}

impl AccessClaims {
    pub fn scopes(&self) -> Vec<String> {
        self.scope.split(' ').filter(|s| !s.is_empty()).map(str::to_owned).collect()
    }
}

/// Why a presented access token is not in force; the text is safe to show the client.
#[derive(Debug, thiserror::Error)]
pub enum Refused {
    #[error("the access token is malformed or was not issued by careid")]
    Invalid,
    #[error("the access token has expired")]
    Expired,
    #[error("the access token has been revoked")]
    Revoked,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// An access token in force now, with its grant if it was issued for a user.
pub struct ActiveToken {
    pub claims: AccessClaims,
    pub grant: Option<Grant>,
}

/// Signed by a published careid key as an access token, expired or not. The
/// `typ` check keeps ID tokens (same keys and issuer) out (RFC 9068 §4).
pub fn decode(state: &AppState, token: &str) -> Result<AccessClaims, Refused> {
    let header = jsonwebtoken::decode_header(token).map_err(|_| Refused::Invalid)?;
    if !header.typ.is_some_and(|t| t.eq_ignore_ascii_case("at+jwt")) {
        return Err(Refused::Invalid);
    }
    state.keyring.verify(token, state.config.issuer_str(), None).map_err(|_| Refused::Invalid)
}

/// Unexpired by `state.clock`, its jti not revoked, and its grant (if any) still live.
pub async fn in_force(state: &AppState, token: &str) -> Result<ActiveToken, Refused> {
    let claims = decode(state, token)?;
    let now = state.clock.now();
    if claims.exp <= now {
        return Err(Refused::Expired);
    }
    if state.store.is_access_token_revoked(&claims.jti).await? {
        return Err(Refused::Revoked);
    }
    let grant = match &claims.gid {
        None => None,
        Some(gid) => match state.store.grant(gid).await? {
            Some(grant) if grant.is_live(now) => Some(grant),
            _ => return Err(Refused::Revoked),
        },
    };
    Ok(ActiveToken { claims, grant })
}
