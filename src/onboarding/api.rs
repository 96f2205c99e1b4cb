//! `/api/invitations`: the portals invite through these, as the signed-in
//! person, with an access token carrying `careid:invite`.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::invitations::{self, InviteError, Inviter};
use crate::AppState;
use crate::accounts::{Email, Role};
use crate::audit::Origin;
use crate::secret::Secret;
use crate::store::Invitation;
use crate::web::bearer::BearerUser;
use crate::web::client_ip::ClientIp;
use crate::web::json_error;

pub const SCOPE: &str = "careid:invite";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateRequest {
    role: String,
    email: Option<String>,
}

/// An invitation as the inviter sees it (never its token digest).
#[derive(Serialize)]
struct InvitationView<'a> {
    id: &'a str,
    role: &'a str,
    deployment: &'a str,
    email: Option<&'a str>,
    status: &'static str,
    created_at: i64,
    expires_at: i64,
    sent_at: Option<i64>,
    redeemed_at: Option<i64>,
}

impl<'a> InvitationView<'a> {
    fn of(i: &'a Invitation, now: i64) -> Self {
        let status = match (i.redeemed_at, i.revoked_at) {
            (Some(_), _) => "redeemed",
            (None, Some(_)) => "revoked",
            _ if i.expires_at <= now => "expired",
            _ => "open",
        };
        InvitationView {
            id: &i.id,
            role: &i.role,
            deployment: &i.deployment_id,
            email: i.email.as_deref(),
            status,
            created_at: i.created_at,
            expires_at: i.expires_at,
            sent_at: i.sent_at,
            redeemed_at: i.redeemed_at,
        }
    }
}

impl IntoResponse for InviteError {
    fn into_response(self) -> Response {
        let (status, error) = match &self {
            InviteError::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
            InviteError::Invalid(_) | InviteError::UnknownDeployment(_) => {
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

/// The created or re-issued invitation; the link (and a QR code of it) only
/// when no email carries it, so a link meant for a mailbox passes through
/// nobody else's hands.
fn issued(state: &AppState, status: StatusCode, invitation: &Invitation, token: &Secret) -> Response {
    let mut body = json!({ "invitation": InvitationView::of(invitation, state.clock.now()) });
    if invitation.email.is_none() {
        let link = invitations::link(state, token);
        body["qr_svg"] = json!(qr_svg(&link));
        body["link"] = json!(link);
    }
    (status, Json(body)).into_response()
}

/// An SVG QR code of `link`, for showing on a screen to a patient's phone.
fn qr_svg(link: &str) -> Option<String> {
    let code = qrcode::QrCode::new(link.as_bytes()).ok()?;
    Some(code.render::<qrcode::render::svg::Color>().min_dimensions(240, 240).build())
}

fn invalid(description: &str) -> Response {
    json_error(StatusCode::BAD_REQUEST, "invalid_request", description)
}

pub async fn create(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    caller: BearerUser,
    body: Bytes,
) -> Response {
    if let Err(response) = caller.require(SCOPE) {
        return response;
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
    let deployment = caller.user.deployment_id.clone();
    let inviter = Inviter::User(Box::new(caller.user));
    let origin = Origin::from_request(ip, &headers);
    match invitations::create(&state, &inviter, role, &deployment, email, &origin).await {
        Ok((invitation, token)) => issued(&state, StatusCode::CREATED, &invitation, &token),
        Err(e) => e.into_response(),
    }
}

pub async fn list(State(state): State<AppState>, caller: BearerUser) -> Response {
    if let Err(response) = caller.require(SCOPE) {
        return response;
    }
    match invitations::list(&state, &Inviter::User(Box::new(caller.user))).await {
        Ok(all) => {
            let now = state.clock.now();
            let views: Vec<_> = all.iter().map(|i| InvitationView::of(i, now)).collect();
            Json(json!({ "invitations": views })).into_response()
        }
        Err(e) => e.into_response(),
    }
}

pub async fn resend(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    caller: BearerUser,
    Path(id): Path<String>,
) -> Response {
    if let Err(response) = caller.require(SCOPE) {
        return response;
    }
    let origin = Origin::from_request(ip, &headers);
    match invitations::resend(&state, &Inviter::User(Box::new(caller.user)), &id, &origin).await {
        Ok((invitation, token)) => issued(&state, StatusCode::OK, &invitation, &token),
        Err(e) => e.into_response(),
    }
}

pub async fn revoke(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    caller: BearerUser,
    Path(id): Path<String>,
) -> Response {
    if let Err(response) = caller.require(SCOPE) {
        return response;
    }
    let origin = Origin::from_request(ip, &headers);
    match invitations::revoke(&state, &Inviter::User(Box::new(caller.user)), &id, &origin).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => e.into_response(),
    }
}
