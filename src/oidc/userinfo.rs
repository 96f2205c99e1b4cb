//! The UserInfo endpoint (OIDC Core §5.3): the claims a user's access token
//! releases, to whoever bears it (RFC 6750).

use axum::Json;
use axum::extract::{FromRequest, Request, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::access_token::{self, Refused};
use super::dpop::{self, Expected};
use super::error::{ErrorCode, OAuthError};
use super::form::OAuthForm;
use super::{no_store, tokens};
use crate::AppState;
use crate::web::params::Params;

pub const PATH: &str = "/userinfo";

pub async fn get(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, OAuthError> {
    let presented = presented_token(&headers, None)?;
    answer(&state, &headers, "GET", &presented).await
}

pub async fn post(State(state): State<AppState>, request: Request) -> Result<Response, OAuthError> {
    let headers = request.headers().clone();
    // RFC 6750 §2.2: a token in the body comes form-encoded; any other body
    // is not ours to read, and the header must carry the token.
    let is_form = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| {
        v.trim_start().to_ascii_lowercase().starts_with("application/x-www-form-urlencoded")
    });
    let body = if is_form {
        let OAuthForm(params) =
            OAuthForm::from_request(request, &state).await.map_err(OAuthError::with_bearer_challenge)?;
        Some(params)
    } else {
        None
    };
    let presented = presented_token(&headers, body.as_ref())?;
    answer(&state, &headers, "POST", &presented).await
}

/// How the token was presented: RFC 6750 `Bearer` (header or body) or RFC 9449 `DPoP`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scheme {
    Bearer,
    Dpop,
}

struct Presented {
    token: String,
    scheme: Scheme,
}

async fn answer(
    state: &AppState,
    headers: &HeaderMap,
    method: &str,
    presented: &Presented,
) -> Result<Response, OAuthError> {
    match claims(state, headers, method, presented).await {
        Ok(claims) => Ok(no_store(Json(claims).into_response())),
        // A DPoP request is answered with a DPoP challenge (RFC 9449 §7.1).
        Err(e)
            if presented.scheme == Scheme::Dpop
                && (e.challenge.is_some()
                    || matches!(e.code, ErrorCode::InvalidDpopProof | ErrorCode::UseDpopNonce)) =>
        {
            Err(e.with_dpop_challenge())
        }
        Err(e) => Err(e),
    }
}

/// RFC 6750 §2.1 and §2.2, RFC 9449 §7.1: the `Authorization: Bearer` or
/// `Authorization: DPoP` header, or the `access_token` form parameter, never two.
fn presented_token(headers: &HeaderMap, body: Option<&Params>) -> Result<Presented, OAuthError> {
    let in_header = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .and_then(|(scheme, token)| match scheme.to_ascii_lowercase().as_str() {
            "bearer" => Some((Scheme::Bearer, token.trim())),
            "dpop" => Some((Scheme::Dpop, token.trim())),
            _ => None,
        })
        .filter(|(_, token)| !token.is_empty());
    let in_body = body.and_then(|p| p.get("access_token"));
    match (in_header, in_body) {
        (Some(_), Some(_)) => Err(OAuthError::invalid_request(
            "send the access token in the Authorization header or the body, not both",
        )
        .with_bearer_challenge()),
        (Some((scheme, token)), None) => Ok(Presented { token: token.to_owned(), scheme }),
        (None, Some(token)) => Ok(Presented { token: token.to_owned(), scheme: Scheme::Bearer }),
        (None, None) => Err(OAuthError::bearer_token_required()),
    }
}

/// `sub` and the claims the token's scopes release, if the token is in force,
/// presented as it is bound (bearer, or DPoP with a proof by its key), was
/// issued for a user with `openid`, and that user may still sign in.
async fn claims(
    state: &AppState,
    headers: &HeaderMap,
    method: &str,
    presented: &Presented,
) -> Result<Map<String, Value>, OAuthError> {
    let invalid = |why: String| OAuthError::new(ErrorCode::InvalidToken, why).with_bearer_challenge();
    let active = access_token::in_force(state, &presented.token).await.map_err(|e| match e {
        Refused::Store(e) => OAuthError::from(e),
        other => invalid(other.to_string()),
    })?;
    // A token for an API (RFC 8707) is that API's, not careid's.
    if active.claims.aud != state.config.issuer_str() {
        return Err(invalid("the access token is for another audience".into()));
    }
    check_sender(state, headers, method, presented, active.claims.bound_to()).await?;
    let scopes = active.claims.scopes();
    let Some(grant) = active.grant.filter(|_| scopes.iter().any(|s| s == "openid")) else {
        return Err(OAuthError::new(
            ErrorCode::InsufficientScope,
            "the access token was not issued for a user with the openid scope",
        )
        .with_bearer_challenge());
    };
    let user = state
        .store
        .user_by_id(&grant.user_id)
        .await?
        .filter(|u| u.is_active() && grant.auth_time >= u.sessions_valid_after)
        .ok_or_else(|| invalid("the account can no longer sign in".into()))?;
    let mut claims = tokens::user_claims(&user, &scopes, None, "userinfo");
    claims.insert("sub".into(), json!(user.id));
    Ok(claims)
}

/// RFC 9449 §7: a DPoP-bound token is accepted only with the DPoP scheme and
/// a proof by its key for this request; any other token only as a bearer token.
async fn check_sender(
    state: &AppState,
    headers: &HeaderMap,
    method: &str,
    presented: &Presented,
    bound_to: Option<&str>,
) -> Result<(), OAuthError> {
    let invalid = |why: &str| OAuthError::new(ErrorCode::InvalidToken, why).with_bearer_challenge();
    match (presented.scheme, bound_to) {
        (Scheme::Bearer, None) => Ok(()),
        (Scheme::Bearer, Some(_)) => {
            Err(invalid("the access token is DPoP-bound: send it with the DPoP scheme and a proof")
                .with_dpop_challenge())
        }
        (Scheme::Dpop, None) => Err(invalid("the access token is not DPoP-bound: send it as a Bearer token")),
        (Scheme::Dpop, Some(jkt)) => {
            let expected =
                Expected { method, url: state.config.url(PATH), access_token: Some(&presented.token) };
            let proof = dpop::check(state, headers, &expected).await?.ok_or_else(|| {
                OAuthError::new(ErrorCode::InvalidDpopProof, "the DPoP scheme needs a DPoP proof")
            })?;
            if proof.jkt != jkt {
                return Err(invalid("the access token is bound to another DPoP key"));
            }
            Ok(())
        }
    }
}
