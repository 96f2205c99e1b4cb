//! careid's JWT access tokens (RFC 9068): [`issue`], the one place one is
//! built and signed, and the checks of the endpoints that accept them back
//! (userinfo, introspection, revocation).

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::resource::Target;
use crate::AppState;
use crate::clients::Client;
use crate::crypto::{KeyringError, random};
use crate::store::{Grant, StoreError};

/// The claims [`issue`] puts in an access token.
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
    /// The key the token is bound to (RFC 9449 §6.1: `{"jkt": …}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cnf: Option<Confirmation>,
    /// The grant behind a user's token; a client_credentials token has none.
    /// Internal, so never shown.
    #[serde(default, skip_serializing)]
    pub gid: Option<String>,
}

/// RFC 7800 confirmation of a DPoP-bound token: its key's thumbprint.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Confirmation {
    pub jkt: String,
}

impl AccessClaims {
    /// The DPoP key's thumbprint a bound token names.
    pub fn bound_to(&self) -> Option<&str> {
        self.cnf.as_ref().map(|c| c.jkt.as_str())
    }

    pub fn scopes(&self) -> Vec<String> {
        self.scope.split(' ').filter(|s| !s.is_empty()).map(str::to_owned).collect()
    }
}

/// What one access token is issued for.
pub struct Issue<'a> {
    pub client: &'a Client,
    /// Its audience (RFC 8707): careid or one API, which also picks the alg and lifetime.
    pub target: &'a Target,
    /// The scopes it carries, already limited to the target.
    pub scopes: &'a [String],
    /// The person's grant behind it; `None` for the client itself (client_credentials).
    pub grant: Option<&'a Grant>,
    /// The DPoP key it is bound to (RFC 9449 §6), if any.
    pub dpop_jkt: Option<&'a str>,
}

/// A signed access token and its lifetime in seconds.
pub struct Issued {
    pub token: String,
    pub expires_in: i64,
}

/// Builds and signs an access token (`typ` `at+jwt`, RFC 9068 §2) with the
/// target's alg. A person's token names the grant (`gid`, internal), so
/// revoking the grant ends it; a client's own token has none.
pub fn issue(state: &AppState, i: Issue<'_>) -> Result<Issued, KeyringError> {
    let now = state.clock.now();
    let expires_in = i.target.ttl(i.client);
    let mut claims = json!({
        "iss": state.config.issuer_str(),
        "sub": i.grant.map_or(i.client.id.as_str(), |g| g.user_id.as_str()),
        "aud": i.target.audience(state),
        "client_id": i.client.id,
        "exp": now + expires_in,
        "iat": now,
        "nbf": now,
        "jti": random::token(16),
        "scope": i.scopes.join(" "),
    });
    if let (Some(grant), Some(map)) = (i.grant, claims.as_object_mut()) {
        map.insert("sid".into(), json!(grant.sid));
        map.insert("auth_time".into(), json!(grant.auth_time));
        map.insert("acr".into(), json!(grant.acr));
        map.insert("amr".into(), json!(grant.amr()));
        map.insert("gid".into(), json!(grant.id));
    }
    if let (Some(jkt), Some(map)) = (i.dpop_jkt, claims.as_object_mut()) {
        map.insert("cnf".into(), json!({ "jkt": jkt }));
    }
    let token = state.keyring.sign(i.target.alg(), Some("at+jwt"), &claims)?;
    Ok(Issued { token, expires_in })
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
    let header = crate::crypto::jws::header(token).map_err(|_| Refused::Invalid)?;
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
