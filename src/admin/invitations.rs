//! A deployment's invitations: listed by status, created, re-sent and
//! revoked by its administrators (and by operators anywhere), through the
//! same rules as every other inviter.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::caller::Caller;
use super::input::{JsonInput, QueryInput};
use super::page::{self, Page, tagged};
use super::problem::Problem;
use crate::AppState;
use crate::audit::Origin;
use crate::i18n::Lang;
use crate::onboarding::invitation_view::{self, InvitationView, Issued};
use crate::onboarding::invitations::{self, Inviter, NewInvite};
use crate::people::{Email, Role};

/// Where an invitation stands.
#[derive(Clone, Copy, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InvitationStatus {
    Open,
    Redeemed,
    Revoked,
    Expired,
}

impl InvitationStatus {
    fn as_str(self) -> &'static str {
        match self {
            InvitationStatus::Open => "open",
            InvitationStatus::Redeemed => "redeemed",
            InvitationStatus::Revoked => "revoked",
            InvitationStatus::Expired => "expired",
        }
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct InvitationFilter {
    /// 1 to 200; 50 when absent.
    limit: Option<u32>,
    /// From the previous page's `next_cursor`.
    cursor: Option<String>,
    status: Option<InvitationStatus>,
    role: Option<Role>,
    /// Operators only: one deployment's invitations.
    deployment: Option<String>,
}

/// An invitation to make.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewInvitation {
    role: Role,
    /// Needed for staff; without it the answer carries the link to hand over.
    email: Option<String>,
    /// Operators only; an administrator invites into their own deployment.
    deployment: Option<String>,
    /// The invitation's language: en, de or ar (its email and sign-up page).
    locale: Option<String>,
    /// The client (its id) the invitation leads to: the invitee arrives there
    /// signed in after sign-up. Default: the deployment's client for the role.
    client: Option<String>,
}

fn manager(Caller(user, _): Caller) -> Inviter {
    Inviter::Manager(Box::new(user))
}

/// The invitations of the deployments the caller manages, whoever made them.
#[utoipa::path(get, path = "/api/admin/invitations", tag = "invitations", params(InvitationFilter),
    responses((status = 200, body = Page<InvitationView>)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    QueryInput(filter): QueryInput<InvitationFilter>,
) -> Result<Response, Problem> {
    let (keyset, limit) = page::keyset(filter.limit, filter.cursor.as_deref())?;
    let Some(deployment) = caller.deployment_filter(filter.deployment.as_deref()) else {
        return Ok(axum::Json(Page::<InvitationView>::empty()).into_response());
    };
    let now = state.clock.now();
    let (role, status) = (filter.role.map(Role::as_str), filter.status.map(InvitationStatus::as_str));
    let rows = state.store.page_invitations(deployment, status, role, now, &keyset).await?;
    let page = Page::of(rows, limit, |i| (i.created_at, i.id.as_str()), |i| InvitationView::of(&i, now));
    Ok(axum::Json(page).into_response())
}

/// Invite someone into a deployment the caller manages, within the invitation rules.
#[utoipa::path(post, path = "/api/admin/invitations", tag = "invitations", request_body = NewInvitation,
    responses((status = 201, body = Issued)))]
pub async fn create(
    State(state): State<AppState>,
    origin: Origin,
    caller: Caller,
    JsonInput(new): JsonInput<NewInvitation>,
) -> Result<Response, Problem> {
    let email =
        new.email.as_deref().map(Email::parse).transpose().map_err(|e| Problem::invalid("email", e))?;
    let locale = new
        .locale
        .as_deref()
        .map(Lang::parse)
        .transpose()
        .map_err(|e| Problem::invalid("locale", e.to_string()))?;
    let deployment = match new.deployment {
        Some(asked) if caller.manages(&asked) => asked,
        Some(_) => return Err(Problem::invalid("deployment", "not a deployment you manage")),
        None => caller.0.deployment_id.clone(),
    };
    if state.store.deployment(&deployment).await?.is_none() {
        return Err(Problem::invalid("deployment", format!("no deployment {deployment:?}")));
    }
    let asked = NewInvite { role: new.role, deployment_id: deployment, email, locale, client: new.client };
    let (invitation, token) = invitations::issue(&state, &manager(caller), asked, &origin).await?;
    Ok((StatusCode::CREATED, axum::Json(invitation_view::issued(&state, &invitation, &token)))
        .into_response())
}

/// One invitation.
#[utoipa::path(get, path = "/api/admin/invitations/{id}", tag = "invitations", params(("id" = String, Path)),
    responses((status = 200, body = InvitationView, headers(("ETag" = String)))))]
pub async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let invitation = invitations::own(&state, &manager(caller), &id).await?;
    Ok(tagged(&InvitationView::of(&invitation, state.clock.now())))
}

/// A new link for an invitation (the old one stops working), emailed when it has an address.
#[utoipa::path(post, path = "/api/admin/invitations/{id}/resend", tag = "invitations",
    params(("id" = String, Path)), responses((status = 200, body = Issued)))]
pub async fn resend(
    State(state): State<AppState>,
    origin: Origin,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let (invitation, token) = invitations::resend(&state, &manager(caller), &id, &origin).await?;
    Ok(axum::Json(invitation_view::issued(&state, &invitation, &token)).into_response())
}

/// Revoke an invitation: its link stops working.
#[utoipa::path(post, path = "/api/admin/invitations/{id}/revoke", tag = "invitations",
    params(("id" = String, Path)), responses((status = 200, body = InvitationView, headers(("ETag" = String)))))]
pub async fn revoke(
    State(state): State<AppState>,
    origin: Origin,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    invitations::revoke(&state, &manager(caller), &id, &origin).await?;
    let invitation = state.store.invitation(&id).await?.ok_or_else(|| Problem::not_found("invitation"))?;
    Ok(tagged(&InvitationView::of(&invitation, state.clock.now())))
}
