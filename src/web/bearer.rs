//! `Authorization: Bearer` for careid's own APIs: an access token careid
//! issued (RFC 9068), whose grant is still live and whose user is still active.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::AppState;
use crate::people::User;
use crate::web::json_error;

/// The person an access token speaks for, and the scopes it carries.
pub struct BearerUser {
    pub user: User,
    pub scopes: Vec<String>,
    /// How the person signed in for this token (`acr`), if the token says.
    pub acr: Option<String>,
    /// The client the token was issued to (RFC 9068 `client_id`).
    pub client_id: Option<String>,
}

impl BearerUser {
    /// RFC 6750 §3.1: a valid token without the scope the API needs is 403.
    /// The refusal is the response itself, as axum handlers answer it.
    pub fn require(&self, scope: &str) -> Result<(), BearerError> {
        if self.scopes.iter().any(|s| s == scope) {
            return Ok(());
        }
        Err(BearerError {
            status: StatusCode::FORBIDDEN,
            error: "insufficient_scope",
            description: format!("this API needs the {scope} scope"),
            challenge: Some(format!("Bearer error=\"insufficient_scope\", scope=\"{scope}\"")),
        })
    }
}

/// Why a bearer token is refused: the status, the RFC 6750 error code, a
/// sentence, and the `WWW-Authenticate` challenge. Each API renders it its
/// own way (OAuth-style JSON here, problem details under `/api/admin`).
#[derive(Debug)]
pub struct BearerError {
    pub status: StatusCode,
    pub error: &'static str,
    pub description: String,
    pub challenge: Option<String>,
}

impl IntoResponse for BearerError {
    fn into_response(self) -> Response {
        let mut response = json_error(self.status, self.error, &self.description);
        if let Some(value) = self.challenge.and_then(|c| HeaderValue::from_str(&c).ok()) {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, value);
        }
        response
    }
}

/// 401; with no credentials at all the challenge names no error (RFC 6750 §3.1).
fn unauthorized(description: &str, token_present: bool) -> BearerError {
    let (error, challenge) = if token_present {
        ("invalid_token", "Bearer error=\"invalid_token\"")
    } else {
        ("invalid_request", "Bearer")
    };
    BearerError {
        status: StatusCode::UNAUTHORIZED,
        error,
        description: description.into(),
        challenge: Some(challenge.into()),
    }
}

fn bearer_token(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim()).filter(|t| !t.is_empty())
}

impl FromRequestParts<AppState> for BearerUser {
    type Rejection = BearerError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, BearerError> {
        let Some(token) = bearer_token(parts) else {
            return Err(unauthorized("an access token is required", false));
        };
        match authenticate(state, token).await {
            Ok(Some(user)) => Ok(user),
            Ok(None) => Err(unauthorized("the access token is not valid", true)),
            Err(e) => {
                tracing::error!(error = %e, "durable store failure");
                Err(BearerError {
                    status: StatusCode::SERVICE_UNAVAILABLE,
                    error: "temporarily_unavailable",
                    description: "try again shortly".into(),
                    challenge: None,
                })
            }
        }
    }
}

/// `None` for any token that must not be honoured; which check failed is
/// not told to the caller.
async fn authenticate(state: &AppState, token: &str) -> Result<Option<BearerUser>, crate::store::StoreError> {
    // Only access tokens: an ID token is signed by the same keys but is no credential.
    let is_access_token = crate::crypto::jws::header(token).is_ok_and(|h| h.typ.as_deref() == Some("at+jwt"));
    if !is_access_token {
        return Ok(None);
    }
    let now = state.clock.now();
    let issuer = state.config.issuer_str();
    let Ok(claims) = state.keyring.verify::<Value>(token, issuer, Some(now)) else { return Ok(None) };
    let (Some(sub), Some(gid), Some(jti)) =
        (claims["sub"].as_str(), claims["gid"].as_str(), claims["jti"].as_str())
    else {
        // No grant: a client's own token (client_credentials) speaks for no person.
        return Ok(None);
    };
    if claims["aud"].as_str() != Some(issuer) || claims["nbf"].as_i64().is_some_and(|nbf| nbf > now) {
        return Ok(None);
    }
    let Some(grant) = state.store.grant(gid).await? else { return Ok(None) };
    if !grant.is_live(now) || grant.user_id != sub || state.store.is_access_token_revoked(jti).await? {
        return Ok(None);
    }
    let Some(user) = state.store.user_by_id(sub).await? else { return Ok(None) };
    if !user.is_active() || grant.auth_time < user.sessions_valid_after {
        return Ok(None);
    }
    let scopes = claims["scope"].as_str().unwrap_or_default().split(' ').map(str::to_owned).collect();
    let acr = claims["acr"].as_str().map(str::to_owned);
    let client_id = claims["client_id"].as_str().map(str::to_owned);
    Ok(Some(BearerUser { user, scopes, acr, client_id }))
}
