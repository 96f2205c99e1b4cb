//! `/api/invitations`: the portals invite through these, as the signed-in
//! person, with an access token carrying `careid:invite`.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::invitation_view::{self, InvitationView, Issued};
use super::invitations::{self, InviteError, Inviter, NewInvite};
use crate::AppState;
use crate::audit::Origin;
use crate::i18n::Lang;
use crate::people::{Email, Role};
use crate::secret::Secret;
use crate::store::Invitation;
use crate::web::bearer::BearerUser;
use crate::web::{ErrorBody, json_error};

pub const SCOPE: &str = "careid:invite";

/// An invitation to make: the role, and the address to email it to.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateRequest {
    role: String,
    email: Option<String>,
    /// The invitation's language: en, de or ar (its email and sign-up page).
    locale: Option<String>,
    /// The client (its id) the invitation leads to: the invitee arrives there
    /// signed in after sign-up. Default: the deployment's client for the role.
    client: Option<String>,
}

/// The caller's invitations, newest first.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct InvitationList {
    invitations: Vec<InvitationView>,
}

impl IntoResponse for InviteError {
    fn into_response(self) -> Response {
        let (status, error) = match &self {
            InviteError::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
            InviteError::Invalid(_) | InviteError::UnknownDeployment(_) | InviteError::UnknownClient(_) => {
                (StatusCode::BAD_REQUEST, "invalid_request")
            }
            InviteError::NotFound => (StatusCode::NOT_FOUND, "not_found"),
            InviteError::Closed => (StatusCode::CONFLICT, "conflict"),
            InviteError::Store(e) => {
                tracing::error!(error = %e, "durable store failure");
                return json_error(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "temporarily_unavailable",
                    "try again shortly",
                );
            }
            InviteError::Template(e) => {
                tracing::error!(error = %e, "invitation email failed to render");
                return json_error(StatusCode::INTERNAL_SERVER_ERROR, "server_error", "internal error");
            }
        };
        json_error(status, error, &self.to_string())
    }
}

fn issued(state: &AppState, status: StatusCode, invitation: &Invitation, token: &Secret) -> Response {
    (status, Json(invitation_view::issued(state, invitation, token))).into_response()
}

fn invalid(description: &str) -> Response {
    json_error(StatusCode::BAD_REQUEST, "invalid_request", description)
}

/// Invite someone (a clinician their patients, an administrator their care team).
#[utoipa::path(post, path = "/api/invitations", tag = "invitations", request_body = CreateRequest,
    security(("bearer" = ["careid:invite"])),
    responses((status = 201, body = Issued), (status = "4XX", body = ErrorBody), (status = "5XX", body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    origin: Origin,
    caller: BearerUser,
    body: Bytes,
) -> Response {
    if let Err(refusal) = caller.require(SCOPE) {
        return refusal.into_response();
    }
    let request: CreateRequest = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => return invalid(&format!("the body is not a valid invitation request: {e}")),
    };
    let role = match Role::parse(&request.role) {
        Ok(role) => role,
        Err(e) => return invalid(&e),
    };
    let email = match request.email.as_deref().map(Email::parse).transpose() {
        Ok(email) => email,
        Err(e) => return invalid(&e),
    };
    let locale = match request.locale.as_deref().map(Lang::parse).transpose() {
        Ok(locale) => locale,
        Err(e) => return invalid(&e.to_string()),
    };
    let new = NewInvite {
        role,
        deployment_id: caller.user.deployment_id.clone(),
        email,
        locale,
        client: request.client,
    };
    let inviter = Inviter::User(Box::new(caller.user));
    match invitations::issue(&state, &inviter, new, &origin).await {
        Ok((invitation, token)) => issued(&state, StatusCode::CREATED, &invitation, &token),
        Err(e) => e.into_response(),
    }
}

/// The invitations the caller made.
#[utoipa::path(get, path = "/api/invitations", tag = "invitations", security(("bearer" = ["careid:invite"])),
    responses((status = 200, body = InvitationList), (status = "4XX", body = ErrorBody), (status = "5XX", body = ErrorBody)))]
pub async fn list(State(state): State<AppState>, caller: BearerUser) -> Response {
    if let Err(refusal) = caller.require(SCOPE) {
        return refusal.into_response();
    }
    match invitations::list(&state, &Inviter::User(Box::new(caller.user))).await {
        Ok(all) => {
            let now = state.clock.now();
            let views: Vec<_> = all.iter().map(|i| InvitationView::of(i, now)).collect();
            Json(InvitationList { invitations: views }).into_response()
        }
        Err(e) => e.into_response(),
    }
}

/// A new link for one of the caller's invitations (the old one stops working).
#[utoipa::path(post, path = "/api/invitations/{id}/resend", tag = "invitations", params(("id" = String, Path)),
    security(("bearer" = ["careid:invite"])),
    responses((status = 200, body = Issued), (status = "4XX", body = ErrorBody), (status = "5XX", body = ErrorBody)))]
pub async fn resend(
    State(state): State<AppState>,
    origin: Origin,
    caller: BearerUser,
    Path(id): Path<String>,
) -> Response {
    if let Err(refusal) = caller.require(SCOPE) {
        return refusal.into_response();
    }
    match invitations::resend(&state, &Inviter::User(Box::new(caller.user)), &id, &origin).await {
        Ok((invitation, token)) => issued(&state, StatusCode::OK, &invitation, &token),
        Err(e) => e.into_response(),
    }
}

/// Revoke one of the caller's invitations.
#[utoipa::path(delete, path = "/api/invitations/{id}", tag = "invitations", params(("id" = String, Path)),
    security(("bearer" = ["careid:invite"])),
    responses((status = 204), (status = "4XX", body = ErrorBody), (status = "5XX", body = ErrorBody)))]
pub async fn revoke(
    State(state): State<AppState>,
    origin: Origin,
    caller: BearerUser,
    Path(id): Path<String>,
) -> Response {
    if let Err(refusal) = caller.require(SCOPE) {
        return refusal.into_response();
    }
    match invitations::revoke(&state, &Inviter::User(Box::new(caller.user)), &id, &origin).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => e.into_response(),
    }
}
