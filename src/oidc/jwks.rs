//! The JWK Set (RFC 7517): every published signing key.

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::AppState;

pub async fn jwks(State(state): State<AppState>) -> Response {
    let cache = format!("public, max-age={}", state.config.keys.jwks_max_age_secs);
    ([(header::CACHE_CONTROL, cache)], Json(state.keyring.jwks())).into_response()
}
