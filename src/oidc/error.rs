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
    /// RFC 8707 §2: the `resource` is invalid, unknown or not for this client.
    InvalidTarget,
    AccessDenied,
    InvalidToken,
    LoginRequired,
    ConsentRequired,
    InteractionRequired,
    RequestUriNotSupported,
    /// RFC 9101 §7: the `request` parameter holds an invalid request object.
    InvalidRequestObject,
    /// RFC 9101 §7: the `request_uri` is unknown, used, expired or another client's.
    InvalidRequestUri,
    ServerError,
    TemporarilyUnavailable,
    UnsupportedTokenType,
    InsufficientScope,
    /// OpenID Connect Core §3.1.2.6 errata: the requested `acr` cannot be met.
    UnmetAuthenticationRequirements,
    /// RFC 9449 §5, §7.1: the DPoP proof is missing, malformed or does not fit.
    InvalidDpopProof,
    /// RFC 9449 §8: the DPoP proof must carry the nonce careid sends with this error.
    UseDpopNonce,
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
            ErrorCode::InvalidTarget => "invalid_target",
            ErrorCode::AccessDenied => "access_denied",
            ErrorCode::InvalidToken => "invalid_token",
            ErrorCode::LoginRequired => "login_required",
            ErrorCode::ConsentRequired => "consent_required",
            ErrorCode::InteractionRequired => "interaction_required",
            ErrorCode::RequestUriNotSupported => "request_uri_not_supported",
            ErrorCode::InvalidRequestObject => "invalid_request_object",
            ErrorCode::InvalidRequestUri => "invalid_request_uri",
            ErrorCode::ServerError => "server_error",
            ErrorCode::TemporarilyUnavailable => "temporarily_unavailable",
            ErrorCode::UnsupportedTokenType => "unsupported_token_type",
            ErrorCode::InsufficientScope => "insufficient_scope",
            ErrorCode::InvalidDpopProof => "invalid_dpop_proof",
            ErrorCode::UseDpopNonce => "use_dpop_nonce",
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
    /// A fresh `DPoP-Nonce` for the client's next proof (RFC 9449 §8).
    pub dpop_nonce: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Challenge {
    /// `client_secret_basic` failures (RFC 6749 §5.2).
    Basic,
    /// Protected resources (RFC 6750 §3); a request with no token at all gets
    /// the bare challenge, without an error code (§3.1).
    Bearer { with_error: bool },
    /// Protected resources called with a DPoP-bound token (RFC 9449 §7.1):
    /// the error and the proof algorithms careid accepts.
    Dpop,
}

impl OAuthError {
    pub fn new(code: ErrorCode, description: impl Into<String>) -> Self {
        OAuthError { code, description: description.into(), status: None, challenge: None, dpop_nonce: None }
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

    pub fn invalid_target(description: impl Into<String>) -> Self {
        OAuthError::new(ErrorCode::InvalidTarget, description)
    }

    pub fn invalid_scope(description: impl Into<String>) -> Self {
        OAuthError::new(ErrorCode::InvalidScope, description)
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

    /// The error as a protected resource answers a DPoP request (RFC 9449 §7.1):
    /// 401 for a token or proof that does not hold, with a `DPoP` challenge.
    pub fn with_dpop_challenge(mut self) -> Self {
        if matches!(self.code, ErrorCode::InvalidDpopProof | ErrorCode::UseDpopNonce) {
            self.status = Some(StatusCode::UNAUTHORIZED);
        }
        self.challenge = Some(Challenge::Dpop);
        self
    }

    /// RFC 6750 §3.1: no token was presented, so the challenge names no error.
    pub fn bearer_token_required() -> Self {
        let mut e = OAuthError::new(ErrorCode::InvalidToken, "an access token is required");
        e.challenge = Some(Challenge::Bearer { with_error: false });
        e
    }
}

impl OAuthError {
    /// `error` and `error_description` as a challenge carries them. RFC 6750
    /// §3: quoted values may not hold `"` or `\`, nor anything outside printable ASCII.
    fn challenge_params(&self) -> String {
        let description: String =
            self.description.chars().filter(|c| matches!(c, ' '..='~') && !matches!(c, '"' | '\\')).collect();
        format!("error=\"{}\", error_description=\"{description}\"", self.code.as_str())
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
                let value = format!("Bearer {}", self.challenge_params());
                HeaderValue::from_str(&value).ok()
            }
            Some(Challenge::Dpop) => {
                let algs = crate::crypto::jws::ACCEPTED_ALGS.join(" ");
                HeaderValue::from_str(&format!("DPoP {}, algs=\"{algs}\"", self.challenge_params())).ok()
            }
        };
        if let Some(nonce) = self.dpop_nonce.as_deref().and_then(|n| HeaderValue::from_str(n).ok()) {
            headers.insert("dpop-nonce", nonce);
        }
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
