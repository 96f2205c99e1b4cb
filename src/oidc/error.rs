//! OAuth 2.0 errors (RFC 6749 §5.2): one family of typed errors that know their
//! status and `error` code.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::ephemeral::EphemeralError;
use crate::store::StoreError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    InvalidRequest,
    InvalidClient,
    InvalidGrant,
    UnauthorizedClient,
    UnsupportedGrantType,
    UnsupportedResponseType,
    InvalidScope,
    AccessDenied,
    InvalidToken,
    LoginRequired,
    ConsentRequired,
    InteractionRequired,
    RequestNotSupported,
    RequestUriNotSupported,
    ServerError,
    TemporarilyUnavailable,
    UnsupportedTokenType,
    InsufficientScope,
    /// OpenID Connect Core §3.1.2.6 errata: the requested `acr` cannot be met.
    UnmetAuthenticationRequirements,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidRequest => "invalid_request",
            ErrorCode::UnmetAuthenticationRequirements => "unmet_authentication_requirements",
            ErrorCode::InvalidClient => "invalid_client",
            ErrorCode::InvalidGrant => "invalid_grant",
            ErrorCode::UnauthorizedClient => "unauthorized_client",
            ErrorCode::UnsupportedGrantType => "unsupported_grant_type",
            ErrorCode::UnsupportedResponseType => "unsupported_response_type",
            ErrorCode::InvalidScope => "invalid_scope",
            ErrorCode::AccessDenied => "access_denied",
            ErrorCode::InvalidToken => "invalid_token",
            ErrorCode::LoginRequired => "login_required",
            ErrorCode::ConsentRequired => "consent_required",
            ErrorCode::InteractionRequired => "interaction_required",
            ErrorCode::RequestNotSupported => "request_not_supported",
            ErrorCode::RequestUriNotSupported => "request_uri_not_supported",
            ErrorCode::ServerError => "server_error",
            ErrorCode::TemporarilyUnavailable => "temporarily_unavailable",
            ErrorCode::UnsupportedTokenType => "unsupported_token_type",
            ErrorCode::InsufficientScope => "insufficient_scope",
        }
    }

    fn status(self) -> StatusCode {
        match self {
            ErrorCode::InvalidClient | ErrorCode::InvalidToken => StatusCode::UNAUTHORIZED,
            ErrorCode::ServerError => StatusCode::INTERNAL_SERVER_ERROR,
            ErrorCode::TemporarilyUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::AccessDenied | ErrorCode::InsufficientScope => StatusCode::FORBIDDEN,
            _ => StatusCode::BAD_REQUEST,
        }
    }
}

#[derive(Debug, Clone)]
pub struct OAuthError {
    pub code: ErrorCode,
    pub description: String,
    /// The code's own status unless set (an oversized body is 413).
    pub status: Option<StatusCode>,
    /// The `WWW-Authenticate` challenge sent with the error, if any.
    pub challenge: Option<Challenge>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Challenge {
    /// `client_secret_basic` failures (RFC 6749 §5.2).
    Basic,
    /// Protected resources (RFC 6750 §3); a request with no token at all gets
    /// the bare challenge, without an error code (§3.1).
    Bearer { with_error: bool },
}

impl OAuthError {
    pub fn new(code: ErrorCode, description: impl Into<String>) -> Self {
        OAuthError { code, description: description.into(), status: None, challenge: None }
    }

    pub fn invalid_request(description: impl Into<String>) -> Self {
        OAuthError::new(ErrorCode::InvalidRequest, description)
    }

    pub fn invalid_grant(description: impl Into<String>) -> Self {
        OAuthError::new(ErrorCode::InvalidGrant, description)
    }

    pub fn invalid_client(description: impl Into<String>) -> Self {
        OAuthError::new(ErrorCode::InvalidClient, description)
    }

    pub fn server_error() -> Self {
        OAuthError::new(ErrorCode::ServerError, "internal error")
    }

    pub fn with_basic_challenge(mut self) -> Self {
        self.challenge = Some(Challenge::Basic);
        self
    }

    /// The error as a protected resource answers it (RFC 6750 §3).
    pub fn with_bearer_challenge(mut self) -> Self {
        self.challenge = Some(Challenge::Bearer { with_error: true });
        self
    }

    /// RFC 6750 §3.1: no token was presented, so the challenge names no error.
    pub fn bearer_token_required() -> Self {
        let mut e = OAuthError::new(ErrorCode::InvalidToken, "an access token is required");
        e.challenge = Some(Challenge::Bearer { with_error: false });
        e
    }
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let body = json!({ "error": self.code.as_str(), "error_description": self.description });
        let status = self.status.unwrap_or(self.code.status());
        let mut response = (status, Json(body)).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
        let challenge = match self.challenge {
            None => None,
            Some(Challenge::Basic) => Some(HeaderValue::from_static("Basic realm=\"careid\"")),
            Some(Challenge::Bearer { with_error: false }) => Some(HeaderValue::from_static("Bearer")),
            Some(Challenge::Bearer { with_error: true }) => {
                // RFC 6750 §3: quoted values may not hold `"` or `\`, nor anything outside printable ASCII.
                let description: String = self
                    .description
                    .chars()
                    .filter(|c| matches!(c, ' '..='~') && !matches!(c, '"' | '\\'))
                    .collect();
                let value =
                    format!("Bearer error=\"{}\", error_description=\"{description}\"", self.code.as_str());
                HeaderValue::from_str(&value).ok()
            }
        };
        if let Some(challenge) = challenge {
            headers.insert(header::WWW_AUTHENTICATE, challenge);
        }
        response
    }
}

impl From<StoreError> for OAuthError {
    fn from(e: StoreError) -> Self {
        tracing::error!(error = %e, "durable store failure");
        OAuthError::new(ErrorCode::TemporarilyUnavailable, "the service is temporarily unavailable")
    }
}

impl From<EphemeralError> for OAuthError {
    fn from(e: EphemeralError) -> Self {
        tracing::error!(error = %e, "ephemeral store failure");
        OAuthError::new(ErrorCode::TemporarilyUnavailable, "the service is temporarily unavailable")
    }
}
