//! The token endpoint (RFC 6749 §3.2): client authentication, then one grant
//! type per file.

mod authorization_code;
mod client_credentials;
mod refresh_token;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};

use super::client_auth::AuthenticatedClient;
use super::dpop::{self, Expected};
use super::error::{ErrorCode, OAuthError};
use super::no_store;
use super::tokens::{TokenError, TokenResponse};
use crate::AppState;
use crate::audit::Origin;

pub const PATH: &str = "/token";

pub async fn token(
    State(state): State<AppState>,
    headers: HeaderMap,
    origin: Origin,
    authenticated: Result<AuthenticatedClient, OAuthError>,
) -> Response {
    match grant(&state, &headers, &origin, authenticated).await {
        Ok((grant_type, body)) => {
            metrics::counter!("careid_tokens_issued_total", "grant_type" => grant_type).increment(1);
            let mut response = no_store(Json(body).into_response());
            // RFC 9449 §8.2: where nonces are required, each answer carries the next one.
            if state.config.dpop.require_nonce
                && let Ok(nonce) = HeaderValue::from_str(&state.dpop_nonces.current(state.clock.now()))
            {
                response.headers_mut().insert("dpop-nonce", nonce);
            }
            response
        }
        Err(e) => {
            metrics::counter!("careid_token_errors_total", "error" => e.code.as_str()).increment(1);
            e.into_response()
        }
    }
}

/// The grant the authenticated client asks for, run; its name and the tokens.
async fn grant(
    state: &AppState,
    headers: &HeaderMap,
    origin: &Origin,
    authenticated: Result<AuthenticatedClient, OAuthError>,
) -> Result<(&'static str, TokenResponse), OAuthError> {
    let AuthenticatedClient { client, params } = authenticated?;
    let expected = Expected { method: "POST", url: state.config.url(PATH), access_token: None };
    let proof = dpop::check(state, headers, &expected).await?;
    if proof.is_none() && client.require_dpop {
        return Err(OAuthError::new(
            ErrorCode::InvalidDpopProof,
            "this client must send a DPoP proof with its token requests",
        ));
    }
    let jkt = proof.as_ref().map(|p| p.jkt.as_str());
    let grant_type =
        params.get("grant_type").ok_or_else(|| OAuthError::invalid_request("grant_type is required"))?;
    if !client.allows_grant(grant_type) {
        return Err(match grant_type {
            "authorization_code" | "refresh_token" | "client_credentials" => OAuthError::new(
                ErrorCode::UnauthorizedClient,
                format!("this client may not use {grant_type}"),
            ),
            _ => unsupported(grant_type),
        });
    }
    match grant_type {
        "authorization_code" => authorization_code::exchange(state, &client, &params, jkt, origin)
            .await
            .map(|b| ("authorization_code", b)),
        "refresh_token" => {
            refresh_token::exchange(state, &client, &params, jkt).await.map(|b| ("refresh_token", b))
        }
        "client_credentials" => client_credentials::exchange(state, &client, &params, jkt)
            .await
            .map(|b| ("client_credentials", b)),
        other => Err(unsupported(other)),
    }
}

fn unsupported(grant_type: &str) -> OAuthError {
    OAuthError::new(ErrorCode::UnsupportedGrantType, format!("grant_type {grant_type:?} is not supported"))
}

impl From<TokenError> for OAuthError {
    fn from(e: TokenError) -> Self {
        match e {
            TokenError::Store(e) => e.into(),
            TokenError::Keys(e) => {
                tracing::error!(error = %e, "signing failed");
                OAuthError::server_error()
            }
        }
    }
}

pub type GrantResult = Result<TokenResponse, OAuthError>;
