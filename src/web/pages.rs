//! Errors shown to people as HTML pages (never redirected to a client).

use axum::extract::{Path, Query};
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

    /// One answer for unknown, used and expired email links, so none can be told apart.
    pub fn unusable_link() -> Self {
        PageError {
            status: StatusCode::BAD_REQUEST,
            title: "This link cannot be used",
            message: "It may have expired or been used already. You can ask for a new one.".into(),
            error_code: Some("invalid_link"),
            retry_after: None,
        }
    }

    /// A stale or forged form (its CSRF token is unknown or used).
    pub fn stale_form() -> Self {
        PageError::bad_request("This form is stale. Please go back and try again.")
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
        if let Some(secs) = self.retry_after
            && let Ok(v) = HeaderValue::from_str(&secs.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, v);
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

impl From<crate::login::session::SessionError> for PageError {
    fn from(e: crate::login::session::SessionError) -> Self {
        match e {
            crate::login::session::SessionError::Store(e) => e.into(),
            crate::login::session::SessionError::Ephemeral(e) => e.into(),
        }
    }
}

/// A page that tells the person something happened, with an optional link (`href`, text) onwards.
pub fn notice(
    state: &AppState,
    status: StatusCode,
    title: &str,
    message: &str,
    link: Option<(&str, &str)>,
) -> Response {
    let (href, text) = link.unzip();
    let context = json!({ "title": title, "message": message, "link": href, "link_text": text });
    state.templates.page(status, "notice.html", context)
}

#[derive(serde::Deserialize)]
pub struct AssetQuery {
    v: Option<String>,
}

/// An embedded asset; one asked for by its current version (`?v=`) is cached for a year.
pub async fn asset(Path(name): Path<String>, Query(q): Query<AssetQuery>) -> Response {
    let Some((content_type, body)) = crate::web::templates::asset(&name) else {
        return crate::web::json_error(StatusCode::NOT_FOUND, "not_found", "no such asset");
    };
    let current = q.v.is_some() && q.v == crate::web::templates::asset_version(&name);
    let cache = if current { "public, max-age=31536000, immutable" } else { "public, max-age=3600" };
    ([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, cache)], body).into_response()
}
