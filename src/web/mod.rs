//! The HTTP toolkit every feature uses: page and JSON errors, extractors,
//! templates, CSRF, client addresses, health endpoints. The router is `app`'s.

pub mod app_links;
pub mod bearer;
pub mod client_ip;
pub mod csrf;
pub mod form_token;
pub mod health;
pub mod http_config;
pub mod json_api;
pub mod language;
pub mod listener;
pub mod pages;
pub mod params;
pub mod post_limit;
pub mod published;
pub mod same_origin;
pub mod templates;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// Request bodies larger than this are refused before any handler reads them.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// A JSON error body in the OAuth shape, used where no more specific error applies.
pub fn json_error(status: StatusCode, error: &str, description: &str) -> Response {
    let body = ErrorBody { error: error.to_string(), error_description: description.to_string() };
    (status, axum::Json(body)).into_response()
}

/// An OAuth-style error (RFC 6749 §5.2): careid's APIs outside `/api/admin`.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: String,
    pub error_description: String,
}
