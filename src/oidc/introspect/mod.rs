//! Token introspection (RFC 7662): a confidential client asks whether a token
//! careid issued to it is in force, and what it stands for; an API asks the
//! same of the access tokens whose audience it is (RFC 8707). The answer is
//! JSON, or a signed JWT when asked for (RFC 9701).

mod caller;
pub mod jwt;

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use self::caller::{Caller, Introspecting};
use super::access_token::{self, AccessClaims, Refused};
use super::error::OAuthError;
use super::no_store;
use crate::AppState;
use crate::apis::Api;
use crate::clients::Client;
use crate::crypto::random;
use crate::store::StoreError;

pub const PATH: &str = "/introspect";

pub async fn introspect(
    State(state): State<AppState>,
    headers: HeaderMap,
    Introspecting { caller, params }: Introspecting,
) -> Result<Response, OAuthError> {
    // A public client's id is no secret, so it proves nothing about who asks.
    if matches!(&caller, Caller::Client(client) if client.public) {
        return Err(OAuthError::invalid_client("introspection is for confidential clients"));
    }
    let token = params.get("token").ok_or_else(|| OAuthError::invalid_request("token is required"))?;
    let answer = match &caller {
        Caller::Client(client) => describe(&state, client, token).await?,
        Caller::Api(api) => describe_for_api(&state, api, token).await?,
    };
    if jwt::wanted(&headers) {
        return Ok(no_store(jwt::response(&state, &caller, &answer)?));
    }
    Ok(no_store(Json(answer).into_response()))
}

/// The answer of RFC 7662 §2.2.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum Introspection {
    Inactive {
        active: bool,
    },
    AccessToken {
        active: bool,
        token_type: &'static str,
        #[serde(flatten)]
        claims: Box<AccessClaims>,
    },
    RefreshToken {
        active: bool,
        token_type: &'static str,
        client_id: String,
        sub: String,
        scope: String,
        exp: i64,
        iat: i64,
    },
}

impl Introspection {
    /// An access token in force: its claims, `cnf` included, and `token_type`
    /// `DPoP` for one bound to a key (RFC 9449 §6.2).
    fn access_token(claims: AccessClaims) -> Introspection {
        let token_type = if claims.cnf.is_some() { "DPoP" } else { "Bearer" };
        Introspection::AccessToken { active: true, token_type, claims: Box::new(claims) }
    }
}

/// What `token` is, as `client` may see it: a token not in force, unknown, or
/// issued to another client is just inactive, so nothing about it leaks.
pub async fn describe(state: &AppState, client: &Client, token: &str) -> Result<Introspection, StoreError> {
    // Access tokens are JWTs and refresh tokens opaque, so the token's shape
    // says where to look; token_type_hint adds nothing and is ignored (§2.1).
    let found = if token.contains('.') {
        access(state, client, token).await?
    } else {
        refresh(state, client, token).await?
    };
    Ok(found.unwrap_or(Introspection::Inactive { active: false }))
}

/// What `token` is, as `api` may see it: an access token in force whose
/// audience is this API; anything else (another API's token, careid's own, a
/// refresh token) is just inactive.
pub async fn describe_for_api(state: &AppState, api: &Api, token: &str) -> Result<Introspection, StoreError> {
    let active = match access_token::in_force(state, token).await {
        Ok(active) if active.claims.aud == api.id => active,
        Err(Refused::Store(e)) => return Err(e),
        _ => return Ok(Introspection::Inactive { active: false }),
    };
    Ok(Introspection::access_token(active.claims))
}

async fn access(state: &AppState, client: &Client, token: &str) -> Result<Option<Introspection>, StoreError> {
    let active = match access_token::in_force(state, token).await {
        Ok(active) => active,
        Err(Refused::Store(e)) => return Err(e),
        Err(_) => return Ok(None),
    };
    if active.claims.client_id != client.id {
        return Ok(None);
    }
    Ok(Some(Introspection::access_token(active.claims)))
}

/// A refresh token counts only while current: once rotated it is inactive even
/// inside the retry grace window, which exists for the token endpoint alone.
async fn refresh(
    state: &AppState,
    client: &Client,
    token: &str,
) -> Result<Option<Introspection>, StoreError> {
    let now = state.clock.now();
    let Some(row) = state.store.refresh_token(&random::digest(token)).await? else { return Ok(None) };
    if row.rotated_at.is_some() || row.expires_at <= now {
        return Ok(None);
    }
    let Some(grant) = state.store.grant(&row.grant_id).await? else { return Ok(None) };
    if !grant.is_live(now) || grant.client_id != client.id {
        return Ok(None);
    }
    Ok(Some(Introspection::RefreshToken {
        active: true,
        token_type: "refresh_token",
        client_id: grant.client_id,
        sub: grant.user_id,
        scope: grant.scope,
        exp: row.expires_at,
        iat: row.created_at,
    }))
}
