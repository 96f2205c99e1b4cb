//! What an admin API call sends, parsed at the edge: a JSON body, the query
//! string and `If-Match`; anything malformed is a problem naming the field,
//! never a 500.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use serde::de::DeserializeOwned;

use super::problem::Problem;

/// A JSON body of type `T` (which denies unknown fields).
pub struct JsonInput<T>(pub T);

/// Where a serde error points: the unknown field itself, or the path to the
/// value of the wrong type (`body` for the body as a whole).
fn field_of(path: &serde_path_to_error::Path, message: &str) -> String {
    let named = ["unknown field `", "missing field `"].iter().find_map(|p| message.strip_prefix(p));
    if let Some((name, _)) = named.and_then(|rest| rest.split_once('`')) {
        return name.to_string();
    }
    // `.` is the body itself, `?` a value serde could not place.
    let path = path.to_string();
    if path == "." || path == "?" { "body".into() } else { path }
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonInput<T> {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Problem> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("application/json"));
        if !is_json {
            return Err(Problem::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "the body must be JSON (Content-Type: application/json)",
            ));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                Problem::new(StatusCode::PAYLOAD_TOO_LARGE, "too_large", "the body is too large")
            } else {
                Problem::invalid("body", "the body could not be read")
            }
        })?;
        let mut json = serde_json::Deserializer::from_slice(&bytes);
        let value = serde_path_to_error::deserialize(&mut json).map_err(|e| {
            let message = e.inner().to_string();
            Problem::invalid(field_of(e.path(), &message), message)
        })?;
        json.end().map_err(|e| Problem::invalid("body", e.to_string()))?;
        Ok(JsonInput(value))
    }
}

/// The query string as `T` (which denies unknown parameters).
pub struct QueryInput<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for QueryInput<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Problem> {
        let query = parts.uri.query().unwrap_or_default();
        let pairs = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(pairs).map(QueryInput).map_err(|e| {
            let message = e.inner().to_string();
            Problem::invalid(field_of(e.path(), &message), message)
        })
    }
}

/// `If-Match`, which every update needs: 428 without it.
pub struct IfMatch(pub String);

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Problem> {
        match parts.headers.get(header::IF_MATCH).map(|v| v.to_str()) {
            Some(Ok(value)) => Ok(IfMatch(value.trim().to_string())),
            Some(Err(_)) => Err(Problem::invalid("If-Match", "If-Match is not an ETag")),
            None => Err(Problem::new(
                StatusCode::PRECONDITION_REQUIRED,
                "precondition_required",
                "updates need If-Match with the ETag the resource was read with",
            )),
        }
    }
}

impl IfMatch {
    /// The update may go ahead only if the caller saw `current` (an ETag);
    /// `*` matches any existing resource.
    pub fn check(&self, current: &str) -> Result<(), Problem> {
        let matches = self.0 == "*" || self.0.split(',').any(|tag| tag.trim() == current);
        if matches { Ok(()) } else { Err(Problem::stale()) }
    }
}
