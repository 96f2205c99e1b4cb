//! `/.well-known/apple-app-site-association` and `/.well-known/assetlinks.json`,
//! from `[passkeys]` configuration (404 when no app is configured).

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::AppState;
use crate::factors::passkeys::app_links;

fn document(body: Option<Value>) -> Response {
    match body {
        Some(body) => (
            [(header::CONTENT_TYPE, "application/json"), (header::CACHE_CONTROL, "public, max-age=3600")],
            body.to_string(),
        )
            .into_response(),
        None => super::json_error(StatusCode::NOT_FOUND, "not_found", "no app is configured for this"),
    }
}

pub async fn apple_app_site_association(State(state): State<AppState>) -> Response {
    document(app_links::apple_app_site_association(&state.config.passkeys))
}

pub async fn asset_links(State(state): State<AppState>) -> Response {
    document(app_links::asset_links(&state.config.passkeys))
}
