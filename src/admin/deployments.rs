//! Deployments and their sign-in policy: an operator lists, reads, creates
//! and changes every one; an administrator reads and changes their own.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::caller::Caller;
use super::input::{IfMatch, JsonInput, QueryInput};
use super::page::{self, Page, etag, tagged};
use super::problem::Problem;
use crate::AppState;
use crate::audit::Origin;
use crate::onboarding::deployment_change::DeploymentChange;
use crate::onboarding::deployments::{self, DeploymentSpec};
use crate::store::Deployment;

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DeploymentFilter {
    /// 1 to 200; 50 when absent.
    limit: Option<u32>,
    /// From the previous page's `next_cursor`.
    cursor: Option<String>,
    /// Part of the name, any case.
    name: Option<String>,
}

/// The deployment `id` if the caller manages it; 404 alike for one that
/// does not exist and one that is not theirs.
async fn managed(state: &AppState, caller: &Caller, id: &str) -> Result<Deployment, Problem> {
    match state.store.deployment(id).await? {
        Some(d) if caller.manages(&d.id) => Ok(d),
        _ => Err(Problem::not_found("deployment")),
    }
}

/// The deployments the caller manages (an operator: every one).
#[utoipa::path(get, path = "/api/admin/deployments", tag = "deployments", params(DeploymentFilter),
    responses((status = 200, body = Page<Deployment>)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    QueryInput(filter): QueryInput<DeploymentFilter>,
) -> Result<Response, Problem> {
    let (keyset, limit) = page::keyset(filter.limit, filter.cursor.as_deref())?;
    let rows = state.store.page_deployments(caller.only(), filter.name.as_deref(), &keyset).await?;
    let page = Page::of(rows, limit, |d| (d.created_at, d.id.as_str()), |d| d);
    Ok(axum::Json(page).into_response())
}

/// One deployment and its sign-in policy.
#[utoipa::path(get, path = "/api/admin/deployments/{id}", tag = "deployments", params(("id" = String, Path)),
    responses((status = 200, body = Deployment, headers(("ETag" = String)))))]
pub async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    Ok(tagged(&managed(&state, &caller, &id).await?))
}

/// A new deployment from its full policy (operators only).
#[utoipa::path(post, path = "/api/admin/deployments", tag = "deployments", request_body = DeploymentSpec,
    responses((status = 201, body = Deployment, headers(("ETag" = String)))))]
pub async fn create(
    State(state): State<AppState>,
    origin: Origin,
    caller: Caller,
    JsonInput(spec): JsonInput<DeploymentSpec>,
) -> Result<Response, Problem> {
    if !caller.is_operator() {
        return Err(Problem::forbidden("only operators create deployments"));
    }
    if state.store.deployment(spec.id.trim()).await?.is_some() {
        return Err(Problem::conflict(format!("deployment {:?} already exists", spec.id.trim())));
    }
    let created = deployments::change(&state, spec, Some(caller.id()), None, &origin).await?;
    Ok((StatusCode::CREATED, tagged(&created)).into_response())
}

/// Change a deployment's policy.
#[utoipa::path(patch, path = "/api/admin/deployments/{id}", tag = "deployments", request_body = DeploymentChange,
    params(("id" = String, Path), ("If-Match" = String, Header, description = "the ETag the deployment was read with")),
    responses((status = 200, body = Deployment, headers(("ETag" = String)))))]
pub async fn update(
    State(state): State<AppState>,
    origin: Origin,
    caller: Caller,
    Path(id): Path<String>,
    if_match: IfMatch,
    JsonInput(change): JsonInput<DeploymentChange>,
) -> Result<Response, Problem> {
    let existing = managed(&state, &caller, &id).await?;
    if_match.check(&etag(&existing))?;
    let mut spec = DeploymentSpec::from(&existing);
    change.apply(&mut spec);
    let updated =
        deployments::change(&state, spec, Some(caller.id()), Some(existing.version), &origin).await?;
    Ok(tagged(&updated))
}

/// The caller's own deployment.
#[utoipa::path(get, path = "/api/admin/deployment", tag = "deployments",
    responses((status = 200, body = Deployment, headers(("ETag" = String)))))]
pub async fn show_own(state: State<AppState>, caller: Caller) -> Result<Response, Problem> {
    let id = caller.0.deployment_id.clone();
    show(state, caller, Path(id)).await
}

/// Change the caller's own deployment's policy.
#[utoipa::path(patch, path = "/api/admin/deployment", tag = "deployments", request_body = DeploymentChange,
    params(("If-Match" = String, Header, description = "the ETag the deployment was read with")),
    responses((status = 200, body = Deployment, headers(("ETag" = String)))))]
pub async fn update_own(
    state: State<AppState>,
    origin: Origin,
    caller: Caller,
    if_match: IfMatch,
    change: JsonInput<DeploymentChange>,
) -> Result<Response, Problem> {
    let id = caller.0.deployment_id.clone();
    update(state, origin, caller, Path(id), if_match, change).await
}
