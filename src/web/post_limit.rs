//! One flood guard for every POST that needs no bearer token (sign-in,
//! sign-up, resets, `/token`, `/par`, `/introspect`, `/revoke` …): at most
//! `http.posts_per_ip_per_minute` from one client address, then 429 with
//! `Retry-After`. The bearer-token APIs under `/api/` are limited by who
//! holds their tokens instead.

use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::client_ip::ClientIp;
use super::json_error;
use super::pages::PageError;
use crate::AppState;
use crate::limits::{self, Limit};

pub async fn per_ip(State(state): State<AppState>, ip: ClientIp, request: Request, next: Next) -> Response {
    if request.method() != Method::POST || request.uri().path().starts_with("/api/") {
        return next.run(request).await;
    }
    match limits::check(&state, Limit::PostPerIp, ip.0).await {
        Ok(Ok(())) => next.run(request).await,
        Ok(Err(limited)) => too_many(&request, limited.retry_after),
        // A coarse guard: losing the ephemeral store must not take down
        // the endpoints that do not need it (each finer limit still holds).
        Err(e) => {
            tracing::warn!(error = %e, "POST rate limit unavailable; letting the request through");
            next.run(request).await
        }
    }
}

/// A page for people's browsers, OAuth-shaped JSON for everything else.
fn too_many(request: &Request, retry_after: i64) -> Response {
    let wants_page = request
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"));
    if wants_page {
        return PageError::too_many(retry_after).into_response();
    }
    let mut response =
        json_error(StatusCode::TOO_MANY_REQUESTS, "rate_limited", "too many requests from this address");
    response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
    response
}
