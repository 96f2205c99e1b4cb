//! Invitations: who may invite whom, issuing and re-issuing links, the
//! invitation email, revoking. The platform is invite-only; this is its door.

use serde_json::json;

use crate::AppState;
use crate::accounts::{Email, Role, User};
use crate::audit::{self, Event, Origin};
use crate::crypto::random;
use crate::secret::Secret;
use crate::store::{Deployment, Invitation, StoreError};

/// Who is inviting: the operator (through the CLI) or a signed-in person.
pub enum Inviter {
    Operator,
    User(Box<User>),
}

impl Inviter {
    fn id(&self) -> Option<&str> {
        match self {
            Inviter::Operator => None,
            Inviter::User(u) => Some(&u.id),
        }
    }

    fn name(&self) -> &str {
        match self {
            Inviter::Operator => "careid",
            Inviter::User(u) => &u.name,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum InviteError {
    /// The role rules do not let this inviter make this invitation.
    #[error("{0}")]
    Forbidden(&'static str),
    #[error("{0}")]
    Invalid(String),
    #[error("no deployment {0:?}")]
    UnknownDeployment(String),
    /// Unknown, or made by someone else (the same answer, so ids reveal nothing).
    #[error("no such invitation")]
    NotFound,
    #[error("this invitation was already used or revoked")]
    Closed,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("invitation email: {0}")]
    Template(#[from] minijinja::Error),
}

/// Administrators bring in their care team and fellow administrators,
/// clinicians their patients, each within their own deployment; the operator
/// anyone anywhere (that is how the first administrators arrive).
fn permit(inviter: &Inviter, role: Role, deployment_id: &str) -> Result<(), InviteError> {
    let Inviter::User(user) = inviter else { return Ok(()) };
    if !user.is_active() {
        return Err(InviteError::Forbidden("this account is disabled"));
    }
    match (user.role(), role) {
        (Some(Role::Admin), Role::Admin | Role::Clinician) => {}
        (Some(Role::Admin), Role::Patient) => {
            return Err(InviteError::Forbidden("administrators invite administrators and clinicians"));
        }
        (Some(Role::Clinician), Role::Patient) => {}
        (Some(Role::Clinician), _) => {
            return Err(InviteError::Forbidden("clinicians can only invite patients"));
        }
        _ => return Err(InviteError::Forbidden("this account cannot invite anyone")),
    }
    if user.deployment_id != deployment_id {
        return Err(InviteError::Forbidden("you can only invite into your own deployment"));
    }
    Ok(())
}

/// The sign-up link for `token`, always under the configured issuer (never a
/// request's Host header, which an attacker could choose).
pub fn link(state: &AppState, token: &Secret) -> String {
    state.config.url(&format!("/invite/{}", token.expose()))
}

/// Creates an invitation and, when it names an email, sends it there.
/// Returns the token: it is stored only as a digest, so this is the one
/// chance to hand the link over by other means.
pub async fn create(
    state: &AppState,
    inviter: &Inviter,
    role: Role,
    deployment_id: &str,
    email: Option<Email>,
    origin: &Origin,
) -> Result<(Invitation, Secret), InviteError> {
    permit(inviter, role, deployment_id)?;
    if email.is_none() && role != Role::Patient && matches!(inviter, Inviter::User(_)) {
        // Staff accounts carry clinical access: their invitation goes to a mailbox.
        return Err(InviteError::Invalid("an email address is needed to invite staff".into()));
    }
    let deployment = state
        .store
        .deployment(deployment_id)
        .await?
        .ok_or_else(|| InviteError::UnknownDeployment(deployment_id.to_string()))?;
    let now = state.clock.now();
    let token = Secret::new(random::token(32));
    let invitation = Invitation {
        id: uuid::Uuid::now_v7().to_string(),
        token_hash: random::digest(token.expose()),
        role: role.as_str().to_string(),
        deployment_id: deployment.id.clone(),
        inviter_id: inviter.id().map(str::to_owned),
        email: email.map(|e| e.as_str().to_string()),
        created_at: now,
        expires_at: now + deployment.invitation_days * 86_400,
        redeemed_at: None,
        redeemed_by: None,
        revoked_at: None,
        sent_at: None,
    };
    state.store.insert_invitation(&invitation).await?;
    let event = Event {
        actor: inviter.id(),
        deployment_id: Some(&deployment.id),
        detail: Some(
            json!({ "invitation": invitation.id, "role": invitation.role, "by_email": invitation.email.is_some() }),
        ),
        ..Event::new("invitation.created")
    };
    audit::record(state, event, origin).await;
    let invitation = send(state, inviter, invitation, &deployment, &token, origin).await?;
    Ok((invitation, token))
}

/// Emails the invitation when it has an address; otherwise nothing to send.
async fn send(
    state: &AppState,
    inviter: &Inviter,
    mut invitation: Invitation,
    deployment: &Deployment,
    token: &Secret,
    origin: &Origin,
) -> Result<Invitation, InviteError> {
    let Some(to) = invitation.email.clone() else { return Ok(invitation) };
    let patient = invitation.role == Role::Patient.as_str();
    let context = json!({
        "link": link(state, token),
        "inviter": inviter.name(),
        "role": invitation.role,
        "deployment": deployment.name,
        "expires_days": deployment.invitation_days,
        "app_store_url": if patient { deployment.app_store_url.as_deref() } else { None },
        "play_store_url": if patient { deployment.play_store_url.as_deref() } else { None },
    });
    let email = state.email_templates.render("invitation", &to, context)?;
    crate::notify::email::queue(state, email).await?;
    let now = state.clock.now();
    state.store.mark_invitation_sent(&invitation.id, now).await?;
    invitation.sent_at = Some(now);
    let event = Event {
        actor: inviter.id(),
        deployment_id: Some(&deployment.id),
        detail: Some(json!({ "invitation": invitation.id })),
        ..Event::new("invitation.sent")
    };
    audit::record(state, event, origin).await;
    Ok(invitation)
}

/// The inviter's invitations, newest first.
pub async fn list(state: &AppState, inviter: &Inviter) -> Result<Vec<Invitation>, InviteError> {
    Ok(state.store.invitations_by(inviter.id(), 200).await?)
}

/// The invitation `id` when `inviter` made it (the operator may act on any).
async fn own(state: &AppState, inviter: &Inviter, id: &str) -> Result<Invitation, InviteError> {
    let invitation = state.store.invitation(id).await?.ok_or(InviteError::NotFound)?;
    match inviter {
        Inviter::Operator => Ok(invitation),
        Inviter::User(u) if invitation.inviter_id.as_deref() == Some(u.id.as_str()) => Ok(invitation),
        Inviter::User(_) => Err(InviteError::NotFound),
    }
}

/// Issues a new link (the old one stops working) with a fresh expiry, and
/// emails it again when the invitation has an address.
pub async fn resend(
    state: &AppState,
    inviter: &Inviter,
    id: &str,
    origin: &Origin,
) -> Result<(Invitation, Secret), InviteError> {
    let mut invitation = own(state, inviter, id).await?;
    let deployment = state
        .store
        .deployment(&invitation.deployment_id)
        .await?
        .ok_or_else(|| InviteError::UnknownDeployment(invitation.deployment_id.clone()))?;
    let token = Secret::new(random::token(32));
    let token_hash = random::digest(token.expose());
    let expires_at = state.clock.now() + deployment.invitation_days * 86_400;
    if !state.store.replace_invitation_token(&invitation.id, &token_hash, expires_at).await? {
        return Err(InviteError::Closed);
    }
    invitation.token_hash = token_hash;
    invitation.expires_at = expires_at;
    let invitation = send(state, inviter, invitation, &deployment, &token, origin).await?;
    Ok((invitation, token))
}

pub async fn revoke(
    state: &AppState,
    inviter: &Inviter,
    id: &str,
    origin: &Origin,
) -> Result<(), InviteError> {
    let invitation = own(state, inviter, id).await?;
    if !state.store.revoke_invitation(&invitation.id, state.clock.now()).await? {
        return Err(InviteError::Closed);
    }
    let event = Event {
        actor: inviter.id(),
        deployment_id: Some(&invitation.deployment_id),
        detail: Some(json!({ "invitation": invitation.id })),
        ..Event::new("invitation.revoked")
    };
    audit::record(state, event, origin).await;
    Ok(())
}
