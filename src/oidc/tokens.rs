//! The tokens of one response: ID tokens (OIDC Core §2), the access token
//! (built in `access_token`), opaque refresh tokens, and the claims each scope releases.

use serde::Serialize;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256, Sha512};

use super::access_token::{self, Issue};
use super::resource::Target;
use crate::AppState;
use crate::clients::Client;
use crate::crypto::keys::b64;
use crate::crypto::{Alg, KeyringError, random};
use crate::people::User;
use crate::store::{AuditEvent, Grant, RefreshToken, StoreError};

/// The successful token response (RFC 6749 §5.1). Its `Debug` names the
/// tokens it holds, never their values.
#[derive(Serialize)]
pub struct TokenResponse {
    pub access_token: String,
    pub token_type: &'static str,
    pub expires_in: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    pub scope: String,
}

impl std::fmt::Debug for TokenResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenResponse")
            .field("access_token", &"[redacted]")
            .field("token_type", &self.token_type)
            .field("expires_in", &self.expires_in)
            .field("id_token", &self.id_token.as_ref().map(|_| "[redacted]"))
            .field("refresh_token", &self.refresh_token.as_ref().map(|_| "[redacted]"))
            .field("scope", &self.scope)
            .finish()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error(transparent)]
    Keys(#[from] KeyringError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// OIDC Core §3.1.3.6: the left half of the hash that matches the signing alg.
pub fn half_hash(alg: Alg, value: &str) -> String {
    match alg {
        Alg::EdDSA => {
            let digest = Sha512::digest(value.as_bytes());
            b64(&digest[..32])
        }
        _ => {
            let digest = Sha256::digest(value.as_bytes());
            b64(&digest[..16])
        }
    }
}

/// The user claims released by `scopes`, plus any asked for by name in the
/// `claims` request parameter under `section` (`id_token` or `userinfo`).
pub fn user_claims(
    user: &User,
    scopes: &[String],
    claims_request: Option<&Value>,
    section: &str,
) -> Map<String, Value> {
    let has = |s: &str| scopes.iter().any(|x| x == s);
    let requested =
        |name: &str| claims_request.and_then(|c| c.get(section)).is_some_and(|c| c.get(name).is_some());
    let mut out = Map::new();
    let mut put = |name: &str, value: Value, scope: &str| {
        if (has(scope) || requested(name)) && !value.is_null() {
            out.insert(name.to_string(), value);
        }
    };
    put("name", json!(user.name), "profile");
    put("given_name", json!(user.given_name), "profile");
    put("family_name", json!(user.family_name), "profile");
    put("updated_at", json!(user.updated_at), "profile");
    // The language the person picked (BCP 47); absent until they pick one.
    put("locale", json!(user.lang().map(crate::i18n::Lang::code)), "profile");
    put("email", json!(user.email), "email");
    put("email_verified", json!(user.email_verified), "email");
    if user.phone_number.is_some() {
        put("phone_number", json!(user.phone_number), "phone");
        put("phone_number_verified", json!(user.phone_verified), "phone");
    }
    put("role", json!(user.role), "careid");
    put("deployment", json!(user.deployment_id), "careid");
    out
}

/// Everything needed to mint the tokens of one response.
pub struct Mint<'a> {
    pub client: &'a Client,
    pub user: &'a User,
    pub grant: &'a Grant,
    /// The grant is this request's (a code exchange): the event recording it,
    /// stored with the grant and its first refresh token in one commit.
    pub new_grant: Option<AuditEvent>,
    /// The access token's audience (RFC 8707).
    pub target: &'a Target,
    /// The access token's scopes, already limited to the target.
    pub scopes: Vec<String>,
    pub nonce: Option<&'a str>,
    pub claims_request: Option<&'a Value>,
    pub with_refresh_token: bool,
    /// The DPoP key the access token is bound to (RFC 9449 §6).
    pub dpop_jkt: Option<&'a str>,
}

pub async fn mint(state: &AppState, m: Mint<'_>) -> Result<TokenResponse, TokenError> {
    let now = state.clock.now();
    let issuer = state.config.issuer_str();
    let access = access_token::issue(
        state,
        Issue {
            client: m.client,
            target: m.target,
            scopes: &m.scopes,
            grant: Some(m.grant),
            dpop_jkt: m.dpop_jkt,
        },
    )?;
    let id_token = if m.scopes.iter().any(|s| s == "openid") {
        let alg = m.client.id_token_alg;
        let mut claims = user_claims(m.user, &m.scopes, m.claims_request, "id_token");
        let base = json!({
            "iss": issuer,
            "sub": m.user.id,
            "aud": m.client.id,
            "exp": now + m.client.id_token_ttl,
            "iat": now,
            "auth_time": m.grant.auth_time,
            "acr": m.grant.acr,
            "amr": m.grant.amr(),
            "at_hash": half_hash(alg, &access.token),
            "azp": m.client.id,
        });
        if let Value::Object(base) = base {
            claims.extend(base);
        }
        if let Some(sid) = &m.grant.sid {
            claims.insert("sid".into(), json!(sid));
        }
        if let Some(nonce) = m.nonce {
            claims.insert("nonce".into(), json!(nonce));
        }
        Some(state.keyring.sign(alg, Some("JWT"), &Value::Object(claims))?)
    } else {
        None
    };
    let refresh_token = m.with_refresh_token.then(|| random::token(32));
    let refresh_row = refresh_token.as_ref().map(|token| RefreshToken {
        token_hash: random::digest(token),
        grant_id: m.grant.id.clone(),
        created_at: now,
        expires_at: (now + m.client.refresh_token_ttl).min(m.grant.expires_at),
        rotated_at: None,
    });
    match (&m.new_grant, &refresh_row) {
        (Some(recorded), first) => state.store.insert_grant(m.grant, first.as_ref(), recorded).await?,
        (None, Some(row)) => state.store.issue_refresh_token(row).await?,
        (None, None) => {}
    }
    Ok(TokenResponse {
        access_token: access.token,
        token_type: token_type(m.dpop_jkt),
        expires_in: access.expires_in,
        id_token,
        refresh_token,
        scope: m.scopes.join(" "),
    })
}

/// RFC 9449 §5.1: `DPoP` for a token bound to a key, `Bearer` otherwise.
fn token_type(dpop_jkt: Option<&str>) -> &'static str {
    if dpop_jkt.is_some() { "DPoP" } else { "Bearer" }
}

/// An access token for the client itself (client_credentials): no user, no grant.
pub fn mint_client_token(
    state: &AppState,
    client: &Client,
    target: &Target,
    scopes: &[String],
    dpop_jkt: Option<&str>,
) -> Result<TokenResponse, TokenError> {
    let access = access_token::issue(state, Issue { client, target, scopes, grant: None, dpop_jkt })?;
    Ok(TokenResponse {
        access_token: access.token,
        token_type: token_type(dpop_jkt),
        expires_in: access.expires_in,
        id_token: None,
        refresh_token: None,
        scope: scopes.join(" "),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_hash_matches_the_oidc_example() {
        // OIDC Core appendix A.3 / A.4: access token and its at_hash (RS256).
        assert_eq!(
            half_hash(Alg::RS256, "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y"),
            "77QmUPtjPfzWtF2AnpK9RQ"
        );
        assert_eq!(half_hash(Alg::EdDSA, "x").len(), 43);
    }

    #[test]
    fn a_token_response_never_prints_its_tokens() {
        let response = TokenResponse {
            access_token: "at-secret".into(),
            token_type: "Bearer",
            expires_in: 600,
            id_token: Some("idt-secret".into()),
            refresh_token: Some("rt-secret".into()),
            scope: "openid".into(),
        };
        let shown = format!("{response:?}");
        assert!(!shown.contains("secret") && shown.contains("openid"), "{shown}");
    }
}
