//! Errors shown to people as HTML pages (never redirected to a client).

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::AppState;

/// A page-level failure: its status, a title and a message for the person.
#[derive(Debug, Clone)]
pub struct PageError {
    pub status: StatusCode,
    pub title: &'static str,
    pub message: String,
    pub error_code: Option<&'static str>,
    pub retry_after: Option<i64>,
}

impl PageError {
    pub fn bad_request(message: impl Into<String>) -> Self {
        PageError {
            status: StatusCode::BAD_REQUEST,
            title: "Something is wrong with this request",
            message: message.into(),
            error_code: Some("invalid_request"),
            retry_after: None,
        }
    }

    pub fn expired() -> Self {
        PageError {
            status: StatusCode::BAD_REQUEST,
            title: "This sign-in has expired",
            message: "Please go back to the application and start again.".into(),
            error_code: Some("expired"),
            retry_after: None,
        }
    }

    pub fn too_many(retry_after: i64) -> Self {
        PageError {
            status: StatusCode::TOO_MANY_REQUESTS,
            title: "Too many attempts",
            message: "Please wait a moment and try again.".into(),
            error_code: Some("rate_limited"),
            retry_after: Some(retry_after),
        }
    }

    pub fn unavailable() -> Self {
        PageError {
            status: StatusCode::SERVICE_UNAVAILABLE,
            title: "Temporarily unavailable",
            message: "careid cannot complete this right now. Please try again shortly.".into(),
            error_code: Some("temporarily_unavailable"),
            retry_after: None,
        }
    }

    pub fn render(&self, state: &AppState) -> Response {
        let mut response = state.templates.page(
            self.status,
            "error.html",
            json!({
                "title": self.title,
                "message": self.message,
                "error_code": self.error_code,
                "retry_after": self.retry_after,
            }),
        );
        if let Some(secs) = self.retry_after {
            if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        response
    }
}

impl From<crate::store::StoreError> for PageError {
    fn from(e: crate::store::StoreError) -> Self {
        tracing::error!(error = %e, "durable store failure");
        PageError::unavailable()
    }
}

impl From<crate::ephemeral::EphemeralError> for PageError {
    fn from(e: crate::ephemeral::EphemeralError) -> Self {
        tracing::error!(error = %e, "ephemeral store failure");
        PageError::unavailable()
    }
}

pub async fn asset(Path(name): Path<String>) -> Response {
    match crate::web::templates::asset(&name) {
        Some((content_type, body)) => {
            ([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "public, max-age=3600")], body)
                .into_response()
        }
        None => crate::web::json_error(StatusCode::NOT_FOUND, "not_found", "no such asset"),
    }
}
