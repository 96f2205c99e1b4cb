//! The UserInfo endpoint (OIDC Core §5.3): the claims a user's access token
//! releases, to whoever bears it (RFC 6750).

use axum::Json;
use axum::extract::{FromRequest, Request, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::access_token::{self, Refused};
use super::error::{ErrorCode, OAuthError};
use super::form::OAuthForm;
use super::{no_store, tokens};
use crate::AppState;
use crate::web::params::Params;

pub const PATH: &str = "/userinfo";

pub async fn get(State(state): State<AppState>, headers: HeaderMap) -> Response {
    render(async { claims(&state, &presented_token(&headers, None)?).await }.await)
}

pub async fn post(State(state): State<AppState>, request: Request) -> Response {
    let outcome = async {
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
        claims(&state, &presented_token(&headers, body.as_ref())?).await
    };
    render(outcome.await)
}

fn render(outcome: Result<Map<String, Value>, OAuthError>) -> Response {
    match outcome {
        Ok(claims) => no_store(Json(claims).into_response()),
        Err(e) => e.into_response(),
    }
}

/// RFC 6750 §2.1 and §2.2: the `Authorization: Bearer` header or the
/// `access_token` form parameter, never both (§2).
fn presented_token(headers: &HeaderMap, body: Option<&Params>) -> Result<String, OAuthError> {
    let in_header = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim())
        .filter(|token| !token.is_empty());
    let in_body = body.and_then(|p| p.get("access_token"));
    match (in_header, in_body) {
        (Some(_), Some(_)) => Err(OAuthError::invalid_request(
            "send the access token in the Authorization header or the body, not both",
        )
        .with_bearer_challenge()),
        (Some(token), None) | (None, Some(token)) => Ok(token.to_owned()),
        (None, None) => Err(OAuthError::bearer_token_required()),
    }
}

/// `sub` and the claims the token's scopes release, if the token is in force,
/// was issued for a user with `openid`, and that user may still sign in.
pub async fn claims(state: &AppState, token: &str) -> Result<Map<String, Value>, OAuthError> {
    let invalid = |why: String| OAuthError::new(ErrorCode::InvalidToken, why).with_bearer_challenge();
    let active = access_token::in_force(state, token).await.map_err(|e| match e {
        Refused::Store(e) => OAuthError::from(e),
        other => invalid(other.to_string()),
    })?;
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
