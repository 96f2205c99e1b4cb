//! Token introspection (RFC 7662): a confidential client asks whether a token
//! careid issued to it is in force, and what it stands for.

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::access_token::{self, AccessClaims, Refused};
use super::error::OAuthError;
use super::form::OAuthForm;
use super::{client_auth, no_store};
use crate::AppState;
use crate::clients::Client;
use crate::crypto::random;
use crate::store::StoreError;

pub const PATH: &str = "/introspect";

pub async fn introspect(
    State(state): State<AppState>,
    headers: HeaderMap,
    OAuthForm(params): OAuthForm,
) -> Response {
    let outcome = async {
        let client = client_auth::authenticate(&state, &headers, &params, &state.config.url(PATH)).await?;
        // A public client's id is no secret, so it proves nothing about who asks.
        if client.public {
            return Err(OAuthError::invalid_client("introspection is for confidential clients"));
        }
        let token = params.get("token").ok_or_else(|| OAuthError::invalid_request("token is required"))?;
        Ok(describe(&state, &client, token).await?)
    };
    match outcome.await {
        Ok(answer) => no_store(Json(answer).into_response()),
        Err(e) => e.into_response(),
    }
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
        claims: AccessClaims,
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

async fn access(state: &AppState, client: &Client, token: &str) -> Result<Option<Introspection>, StoreError> {
    let active = match access_token::in_force(state, token).await {
        Ok(active) => active,
        Err(Refused::Store(e)) => return Err(e),
        Err(_) => return Ok(None),
    };
    if active.claims.client_id != client.id {
        return Ok(None);
    }
    Ok(Some(Introspection::AccessToken { active: true, token_type: "Bearer", claims: active.claims }))
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
