//! An invitation as inviters and administrators see it (never its token
//! digest), and what answers its creation or re-issue.

use serde::Serialize;

use super::invitations;
use crate::AppState;
use crate::secret::Secret;
use crate::store::Invitation;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct InvitationView {
    pub id: String,
    pub role: String,
    pub deployment: String,
    pub email: Option<String>,
    /// The invitation's language (en, de, ar), when it was given one.
    pub locale: Option<String>,
    pub inviter: Option<String>,
    /// The client (its id) the invitation leads to, if any.
    pub client: Option<String>,
    /// open, redeemed, revoked or expired.
    #[schema(value_type = String)]
    pub status: &'static str,
    pub created_at: i64,
    pub expires_at: i64,
    pub sent_at: Option<i64>,
    pub redeemed_at: Option<i64>,
}

impl InvitationView {
    pub fn of(i: &Invitation, now: i64) -> Self {
        let status = match (i.redeemed_at, i.revoked_at) {
            (Some(_), _) => "redeemed",
            (None, Some(_)) => "revoked",
            _ if i.expires_at <= now => "expired",
            _ => "open",
        };
        InvitationView {
            id: i.id.clone(),
            role: i.role.clone(),
            deployment: i.deployment_id.clone(),
            email: i.email.clone(),
            locale: i.locale.clone(),
            inviter: i.inviter_id.clone(),
            client: i.client_id.clone(),
            status,
            created_at: i.created_at,
            expires_at: i.expires_at,
            sent_at: i.sent_at,
            redeemed_at: i.redeemed_at,
        }
    }
}

/// A created or re-issued invitation; the link (and a QR code of it) only
/// when no email carries it, so a link meant for a mailbox passes through
/// nobody else's hands.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Issued {
    pub invitation: InvitationView,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub qr_svg: Option<String>,
}

pub fn issued(state: &AppState, invitation: &Invitation, token: &Secret) -> Issued {
    let view = InvitationView::of(invitation, state.clock.now());
    match invitation.email {
        Some(_) => Issued { invitation: view, link: None, qr_svg: None },
        None => {
            let link = invitations::link(state, token);
            Issued { invitation: view, qr_svg: qr_svg(&link), link: Some(link) }
        }
    }
}

/// An SVG QR code of `link`, for showing on a screen to a patient's phone.
fn qr_svg(link: &str) -> Option<String> {
    let code = qrcode::QrCode::new(link.as_bytes()).ok()?;
    Some(code.render::<qrcode::render::svg::Color>().min_dimensions(240, 240).build())
}
