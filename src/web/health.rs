//! Liveness, readiness and the Prometheus scrape endpoint.

use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::AppState;

const CHECK_TIMEOUT: Duration = Duration::from_secs(2);

/// The process is alive; says nothing of its stores.
pub async fn healthz() -> Json<serde_json::Value> {
    Json(json!({ "status": "ok" }))
}

/// Ready when both stores answer; 503 naming the one that does not.
pub async fn readyz(State(state): State<AppState>) -> Response {
    let durable = tokio::time::timeout(CHECK_TIMEOUT, state.store.ping()).await;
    let ephemeral = tokio::time::timeout(CHECK_TIMEOUT, state.ephemeral.ping()).await;
    let durable_ok = matches!(durable, Ok(Ok(())));
    let ephemeral_ok = matches!(ephemeral, Ok(Ok(())));
    let word = |ok: bool| if ok { "ok" } else { "unavailable" };
    let status = if durable_ok && ephemeral_ok { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    let body = json!({
        "status": if status == StatusCode::OK { "ready" } else { "not_ready" },
        "durable": word(durable_ok),
        "ephemeral": word(ephemeral_ok),
    });
    (status, [(header::CACHE_CONTROL, "no-store")], Json(body)).into_response()
}

pub async fn metrics(State(state): State<AppState>) -> Response {
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], state.metrics.render()).into_response()
}
