//! Errors shown to people as HTML pages (never redirected to a client).

use axum::extract::{FromRequest, Path, Query, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::AppState;
use crate::i18n;

/// A page-level failure: its status, a title and a message for the person.
#[derive(Debug, Clone)]
pub struct PageError {
    pub status: StatusCode,
    pub title: String,
    pub message: String,
    pub error_code: Option<&'static str>,
    pub retry_after: Option<i64>,
}

impl PageError {
    pub fn bad_request(message: impl Into<String>) -> Self {
        PageError {
            status: StatusCode::BAD_REQUEST,
            title: i18n::text("error-bad-request-title"),
            message: message.into(),
            error_code: Some("invalid_request"),
            retry_after: None,
        }
    }

    pub fn expired() -> Self {
        PageError {
            status: StatusCode::BAD_REQUEST,
            title: i18n::text("error-expired-title"),
            message: i18n::text("error-expired-message"),
            error_code: Some("expired"),
            retry_after: None,
        }
    }

    pub fn too_many(retry_after: i64) -> Self {
        PageError {
            status: StatusCode::TOO_MANY_REQUESTS,
            title: i18n::text("error-too-many-title"),
            message: i18n::text("error-too-many-message"),
            error_code: Some("rate_limited"),
            retry_after: Some(retry_after),
        }
    }

    /// One answer for unknown, used and expired email links, so none can be told apart.
    pub fn unusable_link() -> Self {
        PageError {
            status: StatusCode::BAD_REQUEST,
            title: i18n::text("error-link-title"),
            message: i18n::text("error-link-message"),
            error_code: Some("invalid_link"),
            retry_after: None,
        }
    }

    /// A stale or forged form (its CSRF token is unknown or used).
    pub fn stale_form() -> Self {
        PageError::bad_request(i18n::text("error-stale-form"))
    }

    pub fn unavailable() -> Self {
        PageError {
            status: StatusCode::SERVICE_UNAVAILABLE,
            title: i18n::text("error-unavailable-title"),
            message: i18n::text("error-unavailable-message"),
            error_code: Some("temporarily_unavailable"),
            retry_after: None,
        }
    }

    pub fn render(&self, state: &AppState) -> Response {
        let view = ErrorView {
            title: &self.title,
            message: &self.message,
            error_code: self.error_code,
            retry_after: self.retry_after,
        };
        let mut response = state.templates.page(self.status, "error.html", view);
        if let Some(secs) = self.retry_after
            && let Ok(v) = HeaderValue::from_str(&secs.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
        response
    }
}

/// A handler answers with a `PageError` (and uses `?` on anything that turns
/// into one); [`render_errors`] renders its page on the way out.
impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let mut response = self.status.into_response();
        response.extensions_mut().insert(self);
        response
    }
}

/// Renders the page of every [`PageError`] a handler answered with: the
/// page needs the templates (and the person's language), which a bare
/// `IntoResponse` has no access to.
pub async fn render_errors(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    match response.extensions_mut().remove::<PageError>() {
        Some(page) => page.render(&state),
        None => response,
    }
}

/// A page form's fields; a body that is not a well-formed form is a 400 page.
pub struct Form(pub crate::web::params::Params);

impl<S: Send + Sync> FromRequest<S> for Form {
    type Rejection = PageError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let body = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|_| PageError::bad_request(i18n::text("error-unreadable-form")))?;
        crate::web::params::Params::parse(&body).map(Form).map_err(PageError::bad_request)
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

#[derive(serde::Serialize)]
struct ErrorView<'a> {
    title: &'a str,
    message: &'a str,
    error_code: Option<&'a str>,
    retry_after: Option<i64>,
}

#[derive(serde::Serialize)]
struct NoticeView<'a> {
    title: &'a str,
    message: &'a str,
    link: Option<&'a str>,
    link_text: Option<&'a str>,
}

/// A page that tells the person something happened, with an optional link (`href`, text) onwards.
pub fn notice(
    state: &AppState,
    status: StatusCode,
    title: &str,
    message: &str,
    link: Option<(&str, &str)>,
) -> Response {
    let (link, link_text) = link.unzip();
    state.templates.page(status, "notice.html", NoticeView { title, message, link, link_text })
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
