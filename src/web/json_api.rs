//! The JSON edge of the passkey endpoints (the only ones the pages' script
//! calls): bodies checked for type, size and shape before a handler sees them,
//! and every failure a JSON answer that says what is wrong, never a 500.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde_json::json;

use crate::factors::passkeys::PasskeyError;

/// A WebAuthn response is a few KiB; anything near this is not one.
pub const MAX_JSON_BYTES: usize = 16 * 1024;

/// A JSON failure: status, a stable `error` code, a sentence for people, and
/// sometimes where the browser should go instead.
#[derive(Debug)]
pub struct JsonError {
    pub status: StatusCode,
    pub error: &'static str,
    pub message: String,
    pub redirect: Option<String>,
}

impl JsonError {
    pub fn new(status: StatusCode, error: &'static str, message: impl Into<String>) -> JsonError {
        JsonError { status, error, message: message.into(), redirect: None }
    }

    pub fn bad_request(message: impl Into<String>) -> JsonError {
        JsonError::new(StatusCode::BAD_REQUEST, "invalid_request", message)
    }

    pub fn expired() -> JsonError {
        JsonError::new(StatusCode::BAD_REQUEST, "expired", "This sign-in has expired. Please start again.")
    }

    pub fn unavailable() -> JsonError {
        JsonError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "temporarily_unavailable",
            "careid cannot complete this right now. Please try again shortly.",
        )
    }

    /// The person must do something on another page first (sign in again, for example).
    pub fn go_to(status: StatusCode, error: &'static str, message: &str, redirect: String) -> JsonError {
        JsonError { redirect: Some(redirect), ..JsonError::new(status, error, message) }
    }
}

impl IntoResponse for JsonError {
    fn into_response(self) -> Response {
        let mut body = json!({ "error": self.error, "error_description": self.message });
        if let Some(redirect) = self.redirect {
            body["redirect"] = json!(redirect);
        }
        (self.status, [(header::CACHE_CONTROL, "no-store")], axum::Json(body)).into_response()
    }
}

/// What a page would say, said in JSON (same status and code) to a page's script.
impl From<crate::web::pages::PageError> for JsonError {
    fn from(page: crate::web::pages::PageError) -> Self {
        JsonError::new(page.status, page.error_code.unwrap_or("invalid_request"), page.message)
    }
}

impl From<PasskeyError> for JsonError {
    fn from(e: PasskeyError) -> Self {
        let message = e.to_string();
        match e {
            PasskeyError::Unavailable => {
                JsonError::new(StatusCode::NOT_FOUND, "passkeys_unavailable", message)
            }
            PasskeyError::Expired => JsonError::new(StatusCode::BAD_REQUEST, "expired_challenge", message),
            PasskeyError::Malformed(_) => JsonError::bad_request(message),
            PasskeyError::AlreadyRegistered => {
                JsonError::new(StatusCode::CONFLICT, "already_registered", message)
            }
            PasskeyError::UnknownCredential
            | PasskeyError::Rejected { .. }
            | PasskeyError::CounterRegression { .. } => {
                JsonError::new(StatusCode::UNAUTHORIZED, "passkey_rejected", message)
            }
            PasskeyError::Internal(detail) => {
                tracing::error!(error = %detail, "passkey ceremony failed");
                JsonError::unavailable()
            }
            PasskeyError::Store(e) => e.into(),
            PasskeyError::Ephemeral(e) => e.into(),
        }
    }
}

impl From<crate::store::StoreError> for JsonError {
    fn from(e: crate::store::StoreError) -> Self {
        tracing::error!(error = %e, "durable store failure");
        JsonError::unavailable()
    }
}

impl From<crate::ephemeral::EphemeralError> for JsonError {
    fn from(e: crate::ephemeral::EphemeralError) -> Self {
        tracing::error!(error = %e, "ephemeral store failure");
        JsonError::unavailable()
    }
}

/// A JSON body of type `T`; anything else is a 400 naming the problem.
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = JsonError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("application/json"));
        if !is_json {
            return Err(JsonError::bad_request("The body must be JSON (Content-Type: application/json)."));
        }
        let too_large =
            || JsonError::bad_request(format!("The body is too large (at most {MAX_JSON_BYTES} bytes)."));
        let bytes = Bytes::from_request(req, state).await.map_err(|_| too_large())?;
        if bytes.len() > MAX_JSON_BYTES {
            return Err(too_large());
        }
        serde_json::from_slice(&bytes).map(JsonBody).map_err(|e| {
            JsonError::bad_request(format!("The body is not the JSON this endpoint expects: {e}."))
        })
    }
}
