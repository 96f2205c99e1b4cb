//! OpenID Connect and OAuth 2.0 endpoints, one file per endpoint.

pub mod access_token;
pub mod authorize;
pub mod backchannel;
pub mod client_auth;
pub mod client_keys;
pub mod cors;
mod discovery;
pub mod dpop;
pub mod end_session;
pub mod error;
pub mod form;
pub mod introspect;
mod jwks;
pub mod par;
pub mod resource;
pub mod revoke;
pub mod token;
pub mod tokens;
pub mod userinfo;

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::Response;
use axum::routing::{get, post};

use crate::AppState;

pub const JWKS_PATH: &str = "/jwks.json";
/// The token endpoint, which every client assertion may name as its audience.
pub use token::PATH as TOKEN_PATH;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(discovery::PATH, get(discovery::openid_configuration))
        .route(JWKS_PATH, get(jwks::jwks))
        .route("/authorize", get(authorize::get).post(authorize::post))
        .route("/authorize/continue", get(authorize::resume))
        .route(par::PATH, post(par::push))
        .route(token::PATH, post(token::token))
        .route(userinfo::PATH, get(userinfo::get).post(userinfo::post))
        .route(introspect::PATH, post(introspect::introspect))
        .route(revoke::PATH, post(revoke::revoke))
        .route(end_session::PATH, get(end_session::get).post(end_session::post))
}

/// The form careid's own pages post to here (the sign-out question).
pub fn page_routes() -> Router<AppState> {
    Router::new().route(end_session::confirm::PATH, post(end_session::confirm::submit))
}

/// Responses that carry tokens, claims or a token's state are never cached
/// (RFC 6749 §5.1, RFC 7662 §2.2, OIDC Core §5.3.2).
pub(crate) fn no_store(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    response
}
