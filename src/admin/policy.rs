//! The administrator's deployment and its sign-in policy.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::Admin;
use crate::AppState;
use crate::audit::Origin;
use crate::onboarding::deployments::{self, DeploymentError, DeploymentSpec};
use crate::web::client_ip::ClientIp;
use crate::web::json_error;

/// The fields an administrator may change; absent ones stay as they are.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyChange {
    mfa_required: Option<bool>,
    passkey_required: Option<bool>,
}

fn unavailable(e: impl std::fmt::Display) -> Response {
    tracing::error!(error = %e, "durable store failure");
    json_error(StatusCode::SERVICE_UNAVAILABLE, "temporarily_unavailable", "try again shortly")
}

/// GET /api/admin/deployment
pub async fn show(State(state): State<AppState>, Admin(admin): Admin) -> Response {
    match state.store.deployment(&admin.deployment_id).await {
        Ok(Some(d)) => Json(d).into_response(),
        Ok(None) => json_error(StatusCode::NOT_FOUND, "not_found", "your deployment no longer exists"),
        Err(e) => unavailable(e),
    }
}

/// PATCH /api/admin/deployment with `{"mfa_required": true}` and/or `{"passkey_required": …}`.
pub async fn update(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Admin(admin): Admin,
    body: Bytes,
) -> Response {
    let change: PolicyChange = match serde_json::from_slice(&body) {
        Ok(c) => c,
        Err(e) => {
            let description = format!("the body is not a valid policy change: {e}");
            return json_error(StatusCode::BAD_REQUEST, "invalid_request", &description);
        }
    };
    let existing = match state.store.deployment(&admin.deployment_id).await {
        Ok(Some(d)) => d,
        Ok(None) => {
            return json_error(StatusCode::NOT_FOUND, "not_found", "your deployment no longer exists");
        }
        Err(e) => return unavailable(e),
    };
    let mut spec = DeploymentSpec::from(&existing);
    spec.mfa_required = change.mfa_required.unwrap_or(spec.mfa_required);
    spec.passkey_required = change.passkey_required.unwrap_or(spec.passkey_required);
    let origin = Origin::from_request(ip, &headers);
    match deployments::change(&state, spec, Some(&admin.id), &origin).await {
        Ok(d) => Json(d).into_response(),
        Err(DeploymentError::Invalid(e)) => json_error(StatusCode::BAD_REQUEST, "invalid_request", &e),
        Err(DeploymentError::Store(e)) => unavailable(e),
    }
}
