//! RFC 9457 problem details: every `/api/admin` error as
//! `application/problem+json`, with the failing fields named in `errors`.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::login::session::SessionError;
use crate::onboarding::deployments::DeploymentError;
use crate::onboarding::invitations::InviteError;
use crate::people::membership::MemberError;
use crate::store::StoreError;
use crate::web::bearer::BearerError;

pub const CONTENT_TYPE: &str = "application/problem+json";

/// One field at fault (`body` when the body as a whole is).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    pub field: String,
    pub detail: String,
}

/// A failed admin API call: its status, a stable `code` (also the last part
/// of `type`), a sentence, the fields at fault, and for 401/403 the
/// `WWW-Authenticate` challenge.
#[derive(Debug)]
pub struct Problem {
    pub status: StatusCode,
    pub code: &'static str,
    pub detail: String,
    pub errors: Vec<FieldError>,
    pub challenge: Option<String>,
}

impl Problem {
    pub fn new(status: StatusCode, code: &'static str, detail: impl Into<String>) -> Problem {
        Problem { status, code, detail: detail.into(), errors: Vec::new(), challenge: None }
    }

    /// 400: `field` is wrong, and why.
    pub fn invalid(field: impl Into<String>, detail: impl Into<String>) -> Problem {
        let detail = detail.into();
        let errors = vec![FieldError { field: field.into(), detail: detail.clone() }];
        Problem { errors, ..Problem::new(StatusCode::BAD_REQUEST, "invalid_request", detail) }
    }

    /// 404 for what does not exist and for what is another deployment's alike.
    pub fn not_found(what: &str) -> Problem {
        Problem::new(StatusCode::NOT_FOUND, "not_found", format!("no such {what}"))
    }

    pub fn forbidden(detail: impl Into<String>) -> Problem {
        Problem::new(StatusCode::FORBIDDEN, "forbidden", detail)
    }

    pub fn conflict(detail: impl Into<String>) -> Problem {
        Problem::new(StatusCode::CONFLICT, "conflict", detail)
    }

    /// 412: the `If-Match` ETag is not the resource's current one.
    pub fn stale() -> Problem {
        Problem::new(
            StatusCode::PRECONDITION_FAILED,
            "stale",
            "the resource changed since it was read; read it again and retry with its new ETag",
        )
    }

    pub fn unavailable() -> Problem {
        Problem::new(StatusCode::SERVICE_UNAVAILABLE, "temporarily_unavailable", "try again shortly")
    }
}

/// The body of a problem, as RFC 9457 has it, with careid's `code` and `errors`.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ProblemBody {
    /// `urn:careid:problem:` and the code.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// Stable, for programs: `invalid_request`, `not_found`, `stale` …
    pub code: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let body = ProblemBody {
            kind: format!("urn:careid:problem:{}", self.code),
            title: self.status.canonical_reason().unwrap_or("Error").to_string(),
            status: self.status.as_u16(),
            detail: self.detail,
            code: self.code.to_string(),
            errors: self.errors,
        };
        let mut response = (self.status, axum::Json(body)).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if let Some(value) = self.challenge.and_then(|c| HeaderValue::from_str(&c).ok()) {
            headers.insert(header::WWW_AUTHENTICATE, value);
        }
        response
    }
}

impl From<BearerError> for Problem {
    fn from(e: BearerError) -> Problem {
        Problem { challenge: e.challenge, ..Problem::new(e.status, e.error, e.description) }
    }
}

impl From<StoreError> for Problem {
    fn from(e: StoreError) -> Problem {
        tracing::error!(error = %e, "durable store failure");
        Problem::unavailable()
    }
}

impl From<SessionError> for Problem {
    fn from(e: SessionError) -> Problem {
        tracing::error!(error = %e, "session store failure");
        Problem::unavailable()
    }
}

impl From<DeploymentError> for Problem {
    fn from(e: DeploymentError) -> Problem {
        match e {
            DeploymentError::Invalid(invalid) => Problem::invalid(invalid.field, invalid.message),
            DeploymentError::Stale => Problem::stale(),
            DeploymentError::Store(e) => e.into(),
        }
    }
}

impl From<MemberError> for Problem {
    fn from(e: MemberError) -> Problem {
        match e {
            MemberError::Forbidden(why) => Problem::forbidden(why),
            MemberError::Stale => Problem::stale(),
            MemberError::Store(e) => e.into(),
            MemberError::Session(e) => e.into(),
            MemberError::Resend(e) => {
                tracing::error!(error = %e, "verification email not sent");
                Problem::unavailable()
            }
        }
    }
}

impl From<InviteError> for Problem {
    fn from(e: InviteError) -> Problem {
        match e {
            InviteError::Forbidden(why) => Problem::forbidden(why),
            InviteError::Invalid(why) => Problem::invalid("email", why),
            InviteError::UnknownClient(why) => Problem::invalid("client", why),
            InviteError::UnknownDeployment(_) | InviteError::NotFound => Problem::not_found("invitation"),
            InviteError::Closed => Problem::conflict(e.to_string()),
            InviteError::Store(e) => e.into(),
            InviteError::Template(e) => {
                tracing::error!(error = %e, "invitation email template");
                Problem::unavailable()
            }
        }
    }
}
