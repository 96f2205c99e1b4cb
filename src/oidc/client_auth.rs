//! Client authentication at the token, introspection and revocation endpoints
//! (RFC 6749 §2.3, OIDC Core §9): basic, post, private_key_jwt, or none.

use axum::http::{HeaderMap, header};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{DecodingKey, Validation};
use percent_encoding::percent_decode_str;
use serde::Deserialize;

use super::error::OAuthError;
use crate::AppState;
use crate::clients::{AuthMethod, Client};
use crate::crypto::Alg;
use crate::web::params::Params;

const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// The credentials a request presented, before they are checked.
enum Presented {
    Basic { id: String, secret: String },
    Post { id: String, secret: String },
    Assertion { id: Option<String>, assertion: String },
    IdOnly(String),
}

fn presented(headers: &HeaderMap, params: &Params) -> Result<Presented, OAuthError> {
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic ").or_else(|| v.strip_prefix("basic ")));
    let has_secret = params.contains("client_secret");
    let has_assertion = params.contains("client_assertion") || params.contains("client_assertion_type");
    if [basic.is_some(), has_secret, has_assertion].iter().filter(|b| **b).count() > 1 {
        return Err(OAuthError::invalid_request("use exactly one client authentication method"));
    }
    if let Some(encoded) = basic {
        let bad = || OAuthError::invalid_client("malformed Basic credentials").with_basic_challenge();
        let decoded = STANDARD.decode(encoded.trim()).map_err(|_| bad())?;
        let decoded = String::from_utf8(decoded).map_err(|_| bad())?;
        let (id, secret) = decoded.split_once(':').ok_or_else(bad)?;
        let unescape = |s: &str| {
            percent_decode_str(&s.replace('+', " ")).decode_utf8().map(|c| c.into_owned()).map_err(|_| bad())
        };
        let id = unescape(id)?;
        if params.get("client_id").is_some_and(|body_id| body_id != id) {
            return Err(OAuthError::invalid_request("client_id does not match the Basic credentials"));
        }
        return Ok(Presented::Basic { id, secret: unescape(secret)? });
    }
    if has_assertion {
        if params.get("client_assertion_type") != Some(JWT_BEARER) {
            return Err(OAuthError::invalid_request(format!("client_assertion_type must be {JWT_BEARER}")));
        }
        let assertion = params
            .get("client_assertion")
            .ok_or_else(|| OAuthError::invalid_request("client_assertion is missing"))?;
        return Ok(Presented::Assertion {
            id: params.get("client_id").map(str::to_owned),
            assertion: assertion.into(),
        });
    }
    let id = params
        .get("client_id")
        .ok_or_else(|| OAuthError::invalid_client("client authentication is required"))?
        .to_owned();
    match params.get("client_secret") {
        Some(secret) => Ok(Presented::Post { id, secret: secret.into() }),
        None => Ok(Presented::IdOnly(id)),
    }
}

/// Authenticates the calling client by the method it registered; `audience` is
/// the endpoint URL a private_key_jwt assertion must be addressed to.
pub async fn authenticate(
    state: &AppState,
    headers: &HeaderMap,
    params: &Params,
    audience: &str,
) -> Result<Client, OAuthError> {
    let presented = presented(headers, params)?;
    let (id, method, basic) = match &presented {
        Presented::Basic { id, .. } => (id.clone(), AuthMethod::ClientSecretBasic, true),
        Presented::Post { id, .. } => (id.clone(), AuthMethod::ClientSecretPost, false),
        Presented::IdOnly(id) => (id.clone(), AuthMethod::None, false),
        Presented::Assertion { id, assertion } => {
            let from_jwt = unverified_issuer(assertion)?;
            if id.as_ref().is_some_and(|id| *id != from_jwt) {
                return Err(OAuthError::invalid_client("client_id does not match the assertion"));
            }
            (from_jwt, AuthMethod::PrivateKeyJwt, false)
        }
    };
    let fail = |why: &str| {
        let e = OAuthError::invalid_client(format!("client authentication failed: {why}"));
        if basic { e.with_basic_challenge() } else { e }
    };
    let Some(client) = state.store.client(&id).await? else {
        // Spend the same effort as a real check so unknown ids are not revealed by timing.
        state.secrets.verify("", &[0u8; 32]);
        return Err(fail("unknown client or bad credentials"));
    };
    if client.auth_method != method {
        return Err(fail(&format!("this client authenticates with {}", client.auth_method.as_str())));
    }
    match presented {
        Presented::Basic { secret, .. } | Presented::Post { secret, .. } => {
            let ok = client.secret_hash.as_deref().is_some_and(|hash| state.secrets.verify(&secret, hash));
            if !ok {
                return Err(fail("unknown client or bad credentials"));
            }
        }
        Presented::Assertion { assertion, .. } => {
            verify_assertion(state, &client, &assertion, audience).await?
        }
        Presented::IdOnly(_) => {}
    }
    Ok(client)
}

#[derive(Deserialize)]
struct AssertionClaims {
    iss: String,
    sub: String,
    exp: i64,
    jti: Option<String>,
}

fn unverified_issuer(assertion: &str) -> Result<String, OAuthError> {
    let bad = || OAuthError::invalid_client("client_assertion is not a valid JWT");
    let payload = assertion.split('.').nth(1).ok_or_else(bad)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).map_err(|_| bad())?;
    let value: serde_json::Value = serde_json::from_slice(&bytes).map_err(|_| bad())?;
    value["iss"].as_str().map(str::to_owned).ok_or_else(bad)
}

/// RFC 7523 §3: signed by one of the client's keys, iss = sub = client_id, the
/// endpoint (or issuer) as audience, unexpired, and its jti used once.
async fn verify_assertion(
    state: &AppState,
    client: &Client,
    assertion: &str,
    audience: &str,
) -> Result<(), OAuthError> {
    let fail = |why: String| OAuthError::invalid_client(format!("client_assertion rejected: {why}"));
    let header = jsonwebtoken::decode_header(assertion).map_err(|e| fail(e.to_string()))?;
    let alg = Alg::ALL
        .into_iter()
        .find(|a| a.jsonwebtoken() == header.alg)
        .ok_or_else(|| fail(format!("algorithm {:?} is not accepted", header.alg)))?;
    let jwks: JwkSet = client
        .jwks
        .clone()
        .and_then(|j| serde_json::from_value(j).ok())
        .ok_or_else(|| fail("the client has no usable JWKS".into()))?;
    let candidates: Vec<_> =
        jwks.keys.iter().filter(|k| header.kid.is_none() || k.common.key_id == header.kid).collect();
    let mut validation = Validation::new(alg.jsonwebtoken());
    validation.set_audience(&[audience, state.config.issuer_str()]);
    validation.set_issuer(&[&client.id]);
    validation.set_required_spec_claims(&["exp", "iss", "sub", "aud"]);
    validation.leeway = 30;
    let mut last_error = "no key of the client matches".to_string();
    for jwk in candidates {
        let Ok(key) = DecodingKey::from_jwk(jwk) else { continue };
        match jsonwebtoken::decode::<AssertionClaims>(assertion, &key, &validation) {
            Ok(data) => {
                let claims = data.claims;
                if claims.sub != client.id || claims.iss != client.id {
                    return Err(fail("iss and sub must both be the client_id".into()));
                }
                let jti = claims.jti.ok_or_else(|| fail("jti is required".into()))?;
                let ttl = (claims.exp - state.clock.now()).clamp(1, 3600) as u64 + 60;
                let fresh = state
                    .ephemeral
                    .put_new(
                        &format!("assertion-jti:{}:{jti}", client.id),
                        b"1",
                        std::time::Duration::from_secs(ttl),
                    )
                    .await?;
                if !fresh {
                    return Err(fail("this assertion was already used".into()));
                }
                return Ok(());
            }
            Err(e) => last_error = e.to_string(),
        }
    }
    Err(fail(last_error))
}
