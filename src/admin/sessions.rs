//! A member's browser sessions: listed, and ended one or all at once with
//! back-channel logout to the relying parties they signed in to.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::caller::Caller;
use super::members::{member, someone_else};
use super::problem::Problem;
use crate::AppState;
use crate::audit::Origin;
use crate::people::membership;
use crate::store::UserSession;

/// A member's open sessions, most recently used first.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Sessions {
    items: Vec<UserSession>,
}

/// A member's open browser sessions.
#[utoipa::path(get, path = "/api/admin/members/{id}/sessions", tag = "members", params(("id" = String, Path)),
    responses((status = 200, body = Sessions)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let user = member(&state, &caller, &id).await?;
    let items = state.store.open_user_sessions(&user.id, 0).await?;
    Ok(axum::Json(Sessions { items }).into_response())
}

/// End every session of a member, with back-channel logout.
#[utoipa::path(delete, path = "/api/admin/members/{id}/sessions", tag = "members", params(("id" = String, Path)),
    responses((status = 204)))]
pub async fn end_all(
    State(state): State<AppState>,
    origin: Origin,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let user = someone_else(&state, &caller, &id).await?;
    membership::end_sessions(&state, &user, None, Some(caller.id()), &origin).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// End one session of a member, with back-channel logout.
#[utoipa::path(delete, path = "/api/admin/members/{id}/sessions/{sid}", tag = "members",
    params(("id" = String, Path), ("sid" = String, Path)), responses((status = 204)))]
pub async fn end_one(
    State(state): State<AppState>,
    origin: Origin,
    caller: Caller,
    Path((id, sid)): Path<(String, String)>,
) -> Result<Response, Problem> {
    let user = someone_else(&state, &caller, &id).await?;
    if !membership::end_sessions(&state, &user, Some(&sid), Some(caller.id()), &origin).await? {
        return Err(Problem::not_found("session"));
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}
