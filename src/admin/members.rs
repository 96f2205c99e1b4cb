//! A deployment's members: listed and searched, read with their factors,
//! disabled or enabled, reset, unlocked, reminded to verify and moved
//! between roles (their sessions are in [`super::sessions`]).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use super::caller::Caller;
use super::input::{IfMatch, JsonInput, QueryInput};
use super::page::{self, Page, etag, tagged};
use super::problem::Problem;
use crate::AppState;
use crate::audit::Origin;
use crate::factors::reset;
use crate::onboarding::verification::Resend;
use crate::people::membership;
use crate::people::view::AccountView;
use crate::people::{Role, Status, User};
use crate::store::MemberQuery;

/// What a member's account is like now.
#[derive(Clone, Copy, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MemberStatus {
    Active,
    Disabled,
    Locked,
    Unverified,
    NoSecondFactor,
}

impl MemberStatus {
    fn as_str(self) -> &'static str {
        match self {
            MemberStatus::Active => "active",
            MemberStatus::Disabled => "disabled",
            MemberStatus::Locked => "locked",
            MemberStatus::Unverified => "unverified",
            MemberStatus::NoSecondFactor => "no_second_factor",
        }
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct MemberFilter {
    /// 1 to 200; 50 when absent.
    limit: Option<u32>,
    /// From the previous page's `next_cursor`.
    cursor: Option<String>,
    /// Part of the email address, any case.
    email: Option<String>,
    /// Part of the name, any case.
    name: Option<String>,
    role: Option<Role>,
    status: Option<MemberStatus>,
    /// Operators only: one deployment's members.
    deployment: Option<String>,
}

/// A member in a list; [`AccountView`] has the rest.
#[derive(Serialize, utoipa::ToSchema)]
pub struct MemberSummary {
    id: String,
    email: String,
    name: String,
    role: String,
    deployment: String,
    status: String,
    email_verified: bool,
    locked: bool,
    created_at: i64,
}

impl MemberSummary {
    fn of(u: User, now: i64) -> MemberSummary {
        MemberSummary {
            locked: u.is_locked(now) || u.sms_locked_until.is_some_and(|until| until > now),
            id: u.id,
            email: u.email,
            name: u.name,
            role: u.role,
            deployment: u.deployment_id,
            status: u.status,
            email_verified: u.email_verified,
            created_at: u.created_at,
        }
    }
}

/// A change of role, within the invitation rules.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberChange {
    role: Role,
}

/// The answer to a resent verification.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Sent {
    sent: bool,
}

/// The member `id` if the caller manages their deployment; 404 alike for
/// an unknown id and another deployment's member.
pub async fn member(state: &AppState, caller: &Caller, id: &str) -> Result<User, Problem> {
    match state.store.user_by_id(id).await? {
        Some(user) if caller.manages(&user.deployment_id) => Ok(user),
        _ => Err(Problem::not_found("member")),
    }
}

/// As [`member`], but never the caller: an administrator does not disable,
/// demote, reset or sign out themselves here and lose the very token they
/// act with (their own account page is for that).
pub async fn someone_else(state: &AppState, caller: &Caller, id: &str) -> Result<User, Problem> {
    let user = member(state, caller, id).await?;
    if user.id == caller.id() {
        return Err(Problem::forbidden("not on your own account; use your account page"));
    }
    Ok(user)
}

async fn view(state: &AppState, user: &User) -> Result<AccountView, Problem> {
    Ok(AccountView::load(&state.store, user, state.clock.now()).await?)
}

/// The member as they are now, with their ETag.
async fn current(state: &AppState, id: &str) -> Result<Response, Problem> {
    let user = state.store.user_by_id(id).await?.ok_or_else(|| Problem::not_found("member"))?;
    Ok(tagged(&view(state, &user).await?))
}

/// List and search the members of the deployments the caller manages.
#[utoipa::path(get, path = "/api/admin/members", tag = "members", params(MemberFilter),
    responses((status = 200, body = Page<MemberSummary>)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    QueryInput(filter): QueryInput<MemberFilter>,
) -> Result<Response, Problem> {
    let (keyset, limit) = page::keyset(filter.limit, filter.cursor.as_deref())?;
    let Some(deployment) = caller.deployment_filter(filter.deployment.as_deref()) else {
        return Ok(axum::Json(Page::<MemberSummary>::empty()).into_response());
    };
    let now = state.clock.now();
    let query = MemberQuery {
        deployment,
        email: filter.email.as_deref(),
        name: filter.name.as_deref(),
        role: filter.role.map(Role::as_str),
        status: filter.status.map(MemberStatus::as_str),
        now,
    };
    let rows = state.store.list_members(&query, &keyset).await?;
    let page = Page::of(rows, limit, |u| (u.created_at, u.id.as_str()), |u| MemberSummary::of(u, now));
    Ok(axum::Json(page).into_response())
}

/// A member with their factors and locks, as `careid users show` prints them.
#[utoipa::path(get, path = "/api/admin/members/{id}", tag = "members", params(("id" = String, Path)),
    responses((status = 200, body = AccountView, headers(("ETag" = String)))))]
pub async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let user = member(&state, &caller, &id).await?;
    Ok(tagged(&view(&state, &user).await?))
}

/// Change a member's role (administrators: between admin and clinician).
#[utoipa::path(patch, path = "/api/admin/members/{id}", tag = "members", request_body = MemberChange,
    params(("id" = String, Path), ("If-Match" = String, Header, description = "the ETag the member was read with")),
    responses((status = 200, body = AccountView, headers(("ETag" = String)))))]
pub async fn update(
    State(state): State<AppState>,
    origin: Origin,
    caller: Caller,
    Path(id): Path<String>,
    if_match: IfMatch,
    JsonInput(change): JsonInput<MemberChange>,
) -> Result<Response, Problem> {
    let user = someone_else(&state, &caller, &id).await?;
    if_match.check(&etag(&view(&state, &user).await?))?;
    membership::change_role(&state, &user, change.role, Some(caller.id()), caller.is_operator(), &origin)
        .await?;
    current(&state, &user.id).await
}

async fn set_status(
    state: &AppState,
    caller: &Caller,
    id: &str,
    status: Status,
    origin: &Origin,
) -> Result<Response, Problem> {
    let user = someone_else(state, caller, id).await?;
    membership::set_status(state, &user, status, Some(caller.id()), origin).await?;
    current(state, &user.id).await
}

/// Disable a member: sign-in stops and every grant is revoked, so their
/// refresh tokens stop at once.
#[utoipa::path(post, path = "/api/admin/members/{id}/disable", tag = "members", params(("id" = String, Path)),
    responses((status = 200, body = AccountView, headers(("ETag" = String)))))]
pub async fn disable(
    State(state): State<AppState>,
    origin: Origin,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    set_status(&state, &caller, &id, Status::Disabled, &origin).await
}

/// Let a disabled member sign in again.
#[utoipa::path(post, path = "/api/admin/members/{id}/enable", tag = "members", params(("id" = String, Path)),
    responses((status = 200, body = AccountView, headers(("ETag" = String)))))]
pub async fn enable(
    State(state): State<AppState>,
    origin: Origin,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    set_status(&state, &caller, &id, Status::Active, &origin).await
}

/// Forget a member's phone, recovery codes and passkeys, and end their sessions.
#[utoipa::path(post, path = "/api/admin/members/{id}/reset-second-factors", tag = "members",
    params(("id" = String, Path)), responses((status = 200, body = AccountView, headers(("ETag" = String)))))]
pub async fn reset_second_factors(
    State(state): State<AppState>,
    origin: Origin,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let user = someone_else(&state, &caller, &id).await?;
    reset::reset_second_factors(&state, &user, Some(caller.id()), &origin).await?;
    current(&state, &user.id).await
}

/// Clear a member's failed sign-ins and wrong codes, and the locks they caused.
#[utoipa::path(post, path = "/api/admin/members/{id}/unlock", tag = "members", params(("id" = String, Path)),
    responses((status = 200, body = AccountView, headers(("ETag" = String)))))]
pub async fn unlock(
    State(state): State<AppState>,
    origin: Origin,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let user = member(&state, &caller, &id).await?;
    membership::unlock(&state, &user, Some(caller.id()), &origin).await?;
    current(&state, &user.id).await
}

/// Send an unverified member a new verification link with a new deadline.
#[utoipa::path(post, path = "/api/admin/members/{id}/resend-verification", tag = "members",
    params(("id" = String, Path)), responses((status = 202, body = Sent)))]
pub async fn resend_verification(
    State(state): State<AppState>,
    origin: Origin,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let user = member(&state, &caller, &id).await?;
    if user.email_verified {
        return Err(Problem::conflict("the email address is already verified"));
    }
    match membership::resend_verification(&state, &user, Some(caller.id()), &origin).await? {
        Resend::Sent => Ok((StatusCode::ACCEPTED, axum::Json(Sent { sent: true })).into_response()),
        Resend::Limited(retry_after) => {
            let detail = format!("too many emails to this person; try again in {retry_after} s");
            Err(Problem::new(StatusCode::TOO_MANY_REQUESTS, "rate_limited", detail))
        }
    }
}
