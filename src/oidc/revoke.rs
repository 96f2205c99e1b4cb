//! Token revocation (RFC 7009): a client withdraws a token careid issued to it.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::client_auth::AuthenticatedClient;
use super::error::OAuthError;
use super::{access_token, no_store};
use crate::AppState;
use crate::clients::Client;
use crate::crypto::random;
use crate::store::StoreError;

pub const PATH: &str = "/revoke";

/// Public clients may revoke too: with nothing secret to show, they can still
/// only touch tokens issued to their own client_id.
pub async fn revoke(
    State(state): State<AppState>,
    AuthenticatedClient { client, params }: AuthenticatedClient,
) -> Result<Response, OAuthError> {
    let token = params.get("token").ok_or_else(|| OAuthError::invalid_request("token is required"))?;
    withdraw(&state, &client, token).await?;
    Ok(no_store(StatusCode::OK.into_response()))
}

/// A refresh token ends its whole grant (the family and the access tokens
/// naming it); an access token ends alone. Unknown tokens and other clients'
/// are left as they are, and the caller is told nothing (§2.2): the answer is
/// the same either way. token_type_hint is ignored, since the token's shape
/// (JWT or opaque) already says which it is.
pub async fn withdraw(state: &AppState, client: &Client, token: &str) -> Result<(), StoreError> {
    if token.contains('.') {
        if let Ok(claims) = access_token::decode(state, token)
            && claims.client_id == client.id
        {
            state.store.revoke_access_token(&claims.jti, claims.exp).await?;
        }
        return Ok(());
    }
    let Some(row) = state.store.refresh_token(&random::digest(token)).await? else { return Ok(()) };
    if let Some(grant) = state.store.grant(&row.grant_id).await?
        && grant.client_id == client.id
    {
        state.store.revoke_grant(&grant.id, "refresh token revoked by the client", state.clock.now()).await?;
    }
    Ok(())
}
