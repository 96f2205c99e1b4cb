//! The token endpoint (RFC 6749 §3.2): client authentication, then one grant
//! type per file.

mod authorization_code;
mod client_credentials;
mod refresh_token;

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};

use super::client_auth;
use super::error::{ErrorCode, OAuthError};
use super::form::OAuthForm;
use super::no_store;
use super::tokens::{TokenError, TokenResponse};
use crate::AppState;

pub const PATH: &str = "/token";

pub async fn token(
    State(state): State<AppState>,
    headers: HeaderMap,
    OAuthForm(params): OAuthForm,
) -> Response {
    let outcome = async {
        let grant_type = params
            .get("grant_type")
            .ok_or_else(|| OAuthError::invalid_request("grant_type is required"))?
            .to_owned();
        let client = client_auth::authenticate(&state, &headers, &params, &state.config.url(PATH)).await?;
        if !client.allows_grant(&grant_type) {
            return Err(match grant_type.as_str() {
                "authorization_code" | "refresh_token" | "client_credentials" => OAuthError::new(
                    ErrorCode::UnauthorizedClient,
                    format!("this client may not use {grant_type}"),
                ),
                _ => unsupported(&grant_type),
            });
        }
        match grant_type.as_str() {
            "authorization_code" => authorization_code::exchange(&state, &client, &params)
                .await
                .map(|b| ("authorization_code", b)),
            "refresh_token" => {
                refresh_token::exchange(&state, &client, &params).await.map(|b| ("refresh_token", b))
            }
            "client_credentials" => client_credentials::exchange(&state, &client, &params)
                .await
                .map(|b| ("client_credentials", b)),
            other => Err(unsupported(other)),
        }
    };
    match outcome.await {
        Ok((grant_type, body)) => {
            metrics::counter!("careid_tokens_issued_total", "grant_type" => grant_type).increment(1);
            no_store(Json(body).into_response())
        }
        Err(e) => {
            metrics::counter!("careid_token_errors_total", "error" => e.code.as_str()).increment(1);
            e.into_response()
        }
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
