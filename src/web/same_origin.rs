//! Forms are answered only when careid's own pages sent them: a request that
//! changes something and whose `Origin` is another site's (or, without one,
//! whose `Sec-Fetch-Site` says another site sent it) is refused before any
//! handler runs. With the browser-bound login transaction and the CSRF
//! tokens, this stops login CSRF and any cross-site form post.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::AppState;
use crate::web::pages::PageError;

pub async fn only_from_careid(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let safe = matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if safe || sent_from(&state.config.issuer, request.headers()) {
        return next.run(request).await;
    }
    tracing::warn!(path = %request.uri().path(), "a form sent from another site was refused");
    let page = PageError {
        status: StatusCode::FORBIDDEN,
        title: crate::i18n::text("error-cross-site-title"),
        message: crate::i18n::text("error-cross-site-message"),
        error_code: Some("cross_site_request"),
        retry_after: None,
    };
    page.into_response()
}

/// Whether the request came from a page of `issuer`'s origin, or from no
/// browser at all (no `Origin`, no `Sec-Fetch-Site`: nothing to forge with).
fn sent_from(issuer: &url::Url, headers: &HeaderMap) -> bool {
    if let Some(origin) = headers.get(header::ORIGIN) {
        return origin.as_bytes() == issuer.origin().ascii_serialization().as_bytes();
    }
    match headers.get("sec-fetch-site").map(|v| v.as_bytes()) {
        None => true,
        Some(site) => site == b"same-origin" || site == b"none",
    }
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn only_the_issuers_own_origin_or_no_browser_at_all_passes() {
        let issuer: url::Url = "https://id.example-health.com".parse().unwrap();
        let pass = |h: &[(&'static str, &'static str)]| sent_from(&issuer, &headers(h));
        assert!(pass(&[("origin", "https://id.example-health.com")]));
        assert!(pass(&[]));
        assert!(pass(&[("sec-fetch-site", "same-origin")]));
        assert!(!pass(&[("origin", "https://evil.example")]));
        assert!(!pass(&[("origin", "null")]), "a sandboxed frame or a no-referrer page");
        assert!(!pass(&[("origin", "http://id.example-health.com")]), "another scheme is another origin");
        assert!(!pass(&[("origin", "https://portal.example-health.com")]), "a sibling is another origin");
        assert!(!pass(&[("sec-fetch-site", "cross-site")]));
        assert!(!pass(&[("sec-fetch-site", "same-site")]));
        assert!(!pass(&[("origin", "https://evil.example"), ("sec-fetch-site", "same-origin")]));
    }
}
