//! OpenID Connect and OAuth 2.0 endpoints, one file per endpoint.

pub mod authorize;
pub mod backchannel;
pub mod client_auth;
mod discovery;
pub mod end_session;
pub mod error;
pub mod form;
mod jwks;
pub mod token;
pub mod tokens;

use axum::Router;
use axum::routing::{get, post};

use crate::AppState;

pub const JWKS_PATH: &str = "/jwks.json";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/.well-known/openid-configuration", get(discovery::openid_configuration))
        .route(JWKS_PATH, get(jwks::jwks))
        .route("/authorize", get(authorize::get).post(authorize::post))
        .route("/authorize/continue", get(authorize::resume))
        .route(token::PATH, post(token::token))
        .route(end_session::PATH, get(end_session::get).post(end_session::post))
        .route(end_session::confirm::PATH, post(end_session::confirm::submit))
}
