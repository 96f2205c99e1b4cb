//! Client authentication at the token, introspection and revocation endpoints
//! (RFC 6749 §2.3, OIDC Core §9): basic, post, private_key_jwt, or none.

use axum::extract::{FromRequest, Request};
use axum::http::{HeaderMap, header};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use percent_encoding::percent_decode_str;
use serde::Deserialize;

use super::error::OAuthError;
use super::form::OAuthForm;
use crate::AppState;
use crate::clients::{AuthMethod, Client};
use crate::crypto::jws;
use crate::ephemeral::records;
use crate::web::params::Params;

const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// Seconds an expired assertion is still accepted, for clocks that drift.
const EXP_LEEWAY: i64 = 30;
/// The longest lifetime left an assertion may claim: a long-lived one is a
/// bearer credential worth stealing, and every jti is remembered until its exp.
const MAX_LIFETIME: i64 = 300;
/// How far in the future `iat` and `nbf` may be, for the client's clock being ahead.
const FUTURE_SKEW: i64 = 60;

/// A request to an endpoint that authenticates clients (`/token`,
/// `/introspect`, `/revoke`, and every later one): its form, and the client
/// authenticated by the method it registered. A client assertion may name the
/// issuer, the token endpoint or the endpoint called as its audience.
pub struct AuthenticatedClient {
    pub client: Client,
    pub params: Params,
}

impl FromRequest<AppState> for AuthenticatedClient {
    type Rejection = OAuthError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let headers = req.headers().clone();
        let endpoint = state.config.url(req.uri().path());
        let OAuthForm(params) = OAuthForm::from_request(req, state).await?;
        let client = authenticate(state, &headers, &params, &endpoint).await?;
        Ok(AuthenticatedClient { client, params })
    }
}

/// The credentials a request presented, before they are checked.
pub(crate) enum Presented {
    Basic { id: String, secret: String },
    Post { id: String, secret: String },
    Assertion { id: Option<String>, assertion: String },
    IdOnly(String),
}

pub(crate) fn presented(headers: &HeaderMap, params: &Params) -> Result<Presented, OAuthError> {
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

/// Authenticates the calling client by the method it registered; `endpoint`
/// is the URL called, one audience a private_key_jwt assertion may name.
pub(crate) async fn authenticate(
    state: &AppState,
    headers: &HeaderMap,
    params: &Params,
    endpoint: &str,
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
    let Some(client) = state.client(&id).await? else {
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
            verify_assertion(state, &client.id, client.jwks.as_ref(), &assertion, endpoint).await?
        }
        Presented::IdOnly(_) => {}
    }
    Ok(client)
}

#[derive(Deserialize)]
struct AssertionClaims {
    iss: String,
    sub: String,
    aud: serde_json::Value,
    exp: i64,
    iat: Option<i64>,
    nbf: Option<i64>,
    jti: Option<String>,
}

/// RFC 7519 §4.1.3: one audience, or several.
fn audiences(aud: &serde_json::Value) -> Option<Vec<&str>> {
    match aud {
        serde_json::Value::String(one) => Some(vec![one]),
        serde_json::Value::Array(many) => many.iter().map(serde_json::Value::as_str).collect(),
        _ => None,
    }
}

/// The assertion's times against careid's clock: unexpired, not valid for
/// more than a few minutes, and not issued (or valid) only in the future.
fn check_times(claims: &AssertionClaims, now: i64) -> Result<(), String> {
    if claims.exp < now - EXP_LEEWAY {
        return Err("it has expired (exp)".into());
    }
    if claims.exp > now + MAX_LIFETIME + EXP_LEEWAY {
        return Err(format!("exp is more than {} minutes ahead", MAX_LIFETIME / 60));
    }
    if claims.iat.is_some_and(|iat| iat > now + FUTURE_SKEW) {
        return Err("iat is in the future".into());
    }
    if claims.nbf.is_some_and(|nbf| nbf > now + FUTURE_SKEW) {
        return Err("nbf is in the future: the assertion is not valid yet".into());
    }
    Ok(())
}

pub(crate) fn unverified_issuer(assertion: &str) -> Result<String, OAuthError> {
    let bad = || OAuthError::invalid_client("client_assertion is not a valid JWT");
    let payload = assertion.split('.').nth(1).ok_or_else(bad)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).map_err(|_| bad())?;
    let value: serde_json::Value = serde_json::from_slice(&bytes).map_err(|_| bad())?;
    value["iss"].as_str().map(str::to_owned).ok_or_else(bad)
}

/// RFC 7523 §3: signed by one of the client's keys with an accepted alg,
/// iss = sub = client_id, an accepted audience, unexpired, and its jti used once.
/// An API authenticating at `/introspect` (`client_id` its id, `jwks` its keys) too.
pub(crate) async fn verify_assertion(
    state: &AppState,
    client_id: &str,
    jwks: Option<&serde_json::Value>,
    assertion: &str,
    endpoint: &str,
) -> Result<(), OAuthError> {
    let fail = |why: String| OAuthError::invalid_client(format!("client_assertion rejected: {why}"));
    let keys = jwks
        .and_then(|jwks| jwks["keys"].as_array())
        .ok_or_else(|| fail("the client has no usable JWKS".into()))?;
    let verified = jws::verify(assertion, keys).map_err(|e| fail(e.to_string()))?;
    let claims: AssertionClaims = serde_json::from_value(verified.claims.into())
        .map_err(|e| fail(format!("its claims are malformed ({e})")))?;
    if claims.sub != client_id || claims.iss != client_id {
        return Err(fail("iss and sub must both be the client_id".into()));
    }
    // The issuer (RFC 7523 §3), the token endpoint (OIDC Core §9: it SHOULD be
    // that one, whichever endpoint the client calls) or the endpoint itself.
    let token_endpoint = state.config.url(super::TOKEN_PATH);
    let accepted = [state.config.issuer_str(), token_endpoint.as_str(), endpoint];
    let audiences =
        audiences(&claims.aud).ok_or_else(|| fail("aud must be a string or an array of strings".into()))?;
    if !audiences.iter().any(|aud| accepted.contains(aud)) {
        return Err(fail(format!("aud must name the issuer, the token endpoint or {endpoint}")));
    }
    let now = state.clock.now();
    check_times(&claims, now).map_err(fail)?;
    let jti = claims.jti.ok_or_else(|| fail("jti is required".into()))?;
    // Remembered for as long as the assertion could be accepted, so a
    // replay within its lifetime always finds it (exp is bounded above).
    let used = records::UsedUntil(claims.exp + EXP_LEEWAY + 1);
    let id = records::scoped(client_id, &jti);
    let fresh = records::CLIENT_ASSERTION_JTI.put_new(state, &id, &used).await?;
    if !fresh {
        return Err(fail("this assertion was already used".into()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(exp: i64, iat: Option<i64>, nbf: Option<i64>) -> AssertionClaims {
        let aud = serde_json::Value::from("a");
        AssertionClaims { iss: "c".into(), sub: "c".into(), aud, exp, iat, nbf, jti: Some("j".into()) }
    }

    #[test]
    fn an_assertion_lives_at_most_five_minutes_and_starts_now() {
        let now = 1_000_000;
        assert_eq!(check_times(&claims(now + 60, Some(now), Some(now)), now), Ok(()));
        assert_eq!(check_times(&claims(now + 330, Some(now + 60), Some(now + 60)), now), Ok(()));
        assert_eq!(check_times(&claims(now - 30, None, None), now), Ok(()));
        assert!(check_times(&claims(now - 31, None, None), now).unwrap_err().contains("expired"));
        assert!(check_times(&claims(now + 331, None, None), now).unwrap_err().contains("5 minutes"));
        assert!(check_times(&claims(now + 60, Some(now + 61), None), now).unwrap_err().contains("iat"));
        assert!(check_times(&claims(now + 60, None, Some(now + 61)), now).unwrap_err().contains("nbf"));
    }

    mod prop {
        use axum::http::{HeaderMap, HeaderValue, header};
        use base64::Engine;
        use proptest::prelude::*;

        use super::super::*;

        fn with_authorization(value: &[u8]) -> Option<HeaderMap> {
            let mut headers = HeaderMap::new();
            headers.insert(header::AUTHORIZATION, HeaderValue::from_bytes(value).ok()?);
            Some(headers)
        }

        proptest! {
            #[test]
            fn prop_any_authorization_header_is_answered(value in proptest::collection::vec(any::<u8>(), 0..200)) {
                let mut basic = b"Basic ".to_vec();
                basic.extend_from_slice(&value);
                for raw in [value, basic] {
                    if let Some(headers) = with_authorization(&raw) {
                        let _ = presented(&headers, &Params::default());
                    }
                }
            }

            #[test]
            fn prop_basic_credentials_round_trip(id in "\\PC{1,30}", secret in "\\PC{0,40}") {
                let escape = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
                let pair = format!("{}:{}", escape(&id), escape(&secret));
                let value = format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(pair));
                let headers = with_authorization(value.as_bytes()).ok_or(TestCaseError::fail("header"))?;
                match presented(&headers, &Params::default()) {
                    Ok(Presented::Basic { id: got_id, secret: got_secret }) => {
                        prop_assert_eq!(got_id, id);
                        prop_assert_eq!(got_secret, secret);
                    }
                    _ => return Err(TestCaseError::fail("well-formed Basic credentials refused")),
                }
            }
        }
    }
}
