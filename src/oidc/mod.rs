//! OpenID Connect and OAuth 2.0 endpoints, one file per endpoint.

pub mod authorize;
pub mod backchannel;
pub mod client_auth;
mod discovery;
pub mod error;
pub mod form;
mod jwks;
pub mod token;
pub mod tokens;

use axum::Router;
use axum::routing::get;

use crate::AppState;

pub const JWKS_PATH: &str = "/jwks.json";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/.well-known/openid-configuration", get(discovery::openid_configuration))
        .route(JWKS_PATH, get(jwks::jwks))
        .route("/authorize", get(authorize::get).post(authorize::post))
        .route("/authorize/continue", get(authorize::resume))
        .route(token::PATH, axum::routing::post(token::token))
}
