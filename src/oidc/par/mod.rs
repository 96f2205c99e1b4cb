//! The pushed authorization request endpoint (`/par`, RFC 9126): a client,
//! authenticated as at `/token`, pushes its authorization request and gets a
//! `request_uri` to send the person to `/authorize` with.

pub mod config;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use super::authorize::pushed;
use super::client_auth::AuthenticatedClient;
use super::dpop::{self, Expected};
use super::error::OAuthError;
use crate::AppState;

pub const PATH: &str = "/par";

/// A DPoP proof sent with the push binds the code as `dpop_jkt` would (RFC 9449 §10.1).
pub async fn push(
    State(state): State<AppState>,
    headers: HeaderMap,
    AuthenticatedClient { client, params }: AuthenticatedClient,
) -> Result<Response, OAuthError> {
    let expected = Expected { method: "POST", url: state.config.url(PATH), access_token: None };
    let proof = dpop::check(&state, &headers, &expected).await?;
    let pushed = pushed::push(&state, &client, &params, proof.map(|p| p.jkt)).await?;
    Ok(super::no_store((StatusCode::CREATED, Json(pushed)).into_response()))
}
