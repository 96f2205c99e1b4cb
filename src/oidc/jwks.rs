//! The JWK Set (RFC 7517): every published signing key.

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue};
use axum::response::Response;

use crate::AppState;

#[allow(clippy::expect_used, reason = "`public, max-age=` and digits are a valid header value")]
pub async fn jwks(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let cache = format!("public, max-age={}", state.config.keys.jwks_max_age_secs);
    let cache = HeaderValue::from_str(&cache).expect("digits are a valid header value");
    let keyring = &state.keyring;
    state.published_jwks.respond(keyring.jwks_version(), || keyring.jwks(), &headers, cache)
}
