//! Acting on a member of the administrator's deployment.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::Admin;
use crate::AppState;
use crate::accounts::User;
use crate::audit::{self, Event, Origin};
use crate::factors::reset;
use crate::web::client_ip::ClientIp;
use crate::web::json_error;

/// The member `id` of the admin's deployment; anyone else is "not found", so
/// the API does not tell which ids exist elsewhere.
async fn member(state: &AppState, admin: &User, id: &str) -> Result<User, Response> {
    match state.store.user_by_id(id).await {
        Ok(Some(user)) if user.deployment_id == admin.deployment_id => Ok(user),
        Ok(_) => Err(json_error(StatusCode::NOT_FOUND, "not_found", "no such user in your deployment")),
        Err(e) => Err(unavailable(e)),
    }
}

fn unavailable(e: impl std::fmt::Display) -> Response {
    tracing::error!(error = %e, "durable store failure");
    json_error(StatusCode::SERVICE_UNAVAILABLE, "temporarily_unavailable", "try again shortly")
}

/// POST /api/admin/users/{id}/reset-mfa
pub async fn reset_mfa(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Admin(admin): Admin,
    Path(id): Path<String>,
) -> Response {
    let user = match member(&state, &admin, &id).await {
        Ok(user) => user,
        Err(response) => return response,
    };
    let origin = Origin::from_request(ip, &headers);
    match reset::reset_second_factors(&state, &user, Some(&admin.id), &origin).await {
        Ok(()) => Json(json!({ "id": user.id, "second_factors": "reset" })).into_response(),
        Err(e) => unavailable(e),
    }
}

/// POST /api/admin/users/{id}/unlock: clears the sign-in and second-step locks.
pub async fn unlock(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Admin(admin): Admin,
    Path(id): Path<String>,
) -> Response {
    let user = match member(&state, &admin, &id).await {
        Ok(user) => user,
        Err(response) => return response,
    };
    let cleared = async {
        state.store.clear_login_failures(&user.id).await?;
        state.store.clear_sms_failures(&user.id).await
    };
    if let Err(e) = cleared.await {
        return unavailable(e);
    }
    let event = Event { actor: Some(&admin.id), subject: Some(&user.id), ..Event::new("account.unlocked") };
    audit::record(&state, event, &Origin::from_request(ip, &headers)).await;
    Json(json!({ "id": user.id, "locked": false })).into_response()
}
