//! The body of a back-channel OAuth request, parsed strictly into [`Params`].

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{StatusCode, header};

use super::error::OAuthError;
use crate::web::params::Params;

/// The form parameters of a POST to the token, introspection or revocation
/// endpoint, with the HTTP Basic credentials if any.
pub struct OAuthForm(pub Params);

impl<S: Send + Sync> FromRequest<S> for OAuthForm {
    type Rejection = OAuthError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let content_type =
            req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
        let mime = content_type.split(';').next().unwrap_or("").trim();
        if !mime.eq_ignore_ascii_case("application/x-www-form-urlencoded") {
            return Err(OAuthError::invalid_request("the body must be application/x-www-form-urlencoded"));
        }
        let body = Bytes::from_request(req, state).await.map_err(|rejection| {
            let mut e = OAuthError::invalid_request("the request body is too large or unreadable");
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                e.status = Some(StatusCode::PAYLOAD_TOO_LARGE);
            }
            e
        })?;
        Params::parse(&body).map(OAuthForm).map_err(OAuthError::invalid_request)
    }
}
