//! `/api/admin/users/{id}/…`: the first two member endpoints, kept for the
//! Admin Portal that calls them; they answer as their `members` twins do.

use axum::extract::{Path, State};
use axum::response::Response;

use super::caller::Caller;
use super::members;
use super::problem::Problem;
use crate::AppState;
use crate::audit::Origin;
use crate::people::view::AccountView;

/// As `POST /api/admin/members/{id}/reset-second-factors`.
#[utoipa::path(post, path = "/api/admin/users/{id}/reset-mfa", tag = "members", params(("id" = String, Path)),
    responses((status = 200, body = AccountView, headers(("ETag" = String)))))]
pub async fn reset_mfa(
    state: State<AppState>,
    origin: Origin,
    caller: Caller,
    id: Path<String>,
) -> Result<Response, Problem> {
    members::reset_second_factors(state, origin, caller, id).await
}

/// As `POST /api/admin/members/{id}/unlock`.
#[utoipa::path(post, path = "/api/admin/users/{id}/unlock", tag = "members", params(("id" = String, Path)),
    responses((status = 200, body = AccountView, headers(("ETag" = String)))))]
pub async fn unlock(
    state: State<AppState>,
    origin: Origin,
    caller: Caller,
    id: Path<String>,
) -> Result<Response, Problem> {
    members::unlock(state, origin, caller, id).await
}
