//! OpenID Connect and OAuth 2.0 endpoints, one file per endpoint.

mod discovery;
mod jwks;

use axum::Router;
use axum::routing::get;

use crate::AppState;

pub const JWKS_PATH: &str = "/jwks.json";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/.well-known/openid-configuration", get(discovery::openid_configuration))
        .route(JWKS_PATH, get(jwks::jwks))
}
