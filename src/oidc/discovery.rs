//! OpenID Connect Discovery 1.0: advertises exactly what careid implements.

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::JWKS_PATH;
use crate::AppState;

pub async fn openid_configuration(State(state): State<AppState>) -> Response {
    let config = &state.config;
    let algs: Vec<&str> = state.keyring.signing_algs().iter().map(|a| a.as_str()).collect();
    let body = json!({
        "issuer": config.issuer_str(),
        "jwks_uri": config.url(JWKS_PATH),
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": algs,
    });
    ([(header::CACHE_CONTROL, "public, max-age=300")], Json(body)).into_response()
}
