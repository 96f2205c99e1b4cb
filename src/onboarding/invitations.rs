//! Invitations: who may invite whom, issuing and re-issuing links, the
//! invitation email, revoking. The platform is invite-only; this is its door.

use crate::i18n::{Choice, Lang, Source};
use serde_json::json;

use super::journey;
use crate::AppState;
use crate::audit::{self, ActorKind, Event, Origin};
use crate::crypto::random;
use crate::people::{Email, Role, User};
use crate::secret::Secret;
use crate::store::{Deployment, Invitation, StoreError};

/// Who is inviting: the operator (through the CLI), a signed-in person
/// (their own invitations), or an administrator or operator through the
/// admin API (every invitation of the deployments they manage).
pub enum Inviter {
    Operator,
    User(Box<User>),
    Manager(Box<User>),
}

impl Inviter {
    fn id(&self) -> Option<&str> {
        match self {
            Inviter::Operator => None,
            Inviter::User(u) | Inviter::Manager(u) => Some(&u.id),
        }
    }

    fn actor_kind(&self) -> ActorKind {
        match self {
            Inviter::Operator => ActorKind::Operator,
            Inviter::User(_) => ActorKind::Person,
            Inviter::Manager(_) => ActorKind::Administrator,
        }
    }

    fn name(&self) -> &str {
        match self {
            Inviter::Operator => "careid",
            Inviter::User(u) | Inviter::Manager(u) => &u.name,
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
    /// The client named is unknown, or does not admit this role or deployment.
    #[error("{0}")]
    UnknownClient(String),
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
    let user = match inviter {
        Inviter::Operator => return Ok(()),
        Inviter::Manager(user) if user.operator => return Ok(()),
        Inviter::User(user) | Inviter::Manager(user) => user,
    };
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

/// What an inviter asks for.
pub struct NewInvite {
    pub role: Role,
    pub deployment_id: String,
    pub email: Option<Email>,
    pub locale: Option<Lang>,
    /// The client the invitation leads to; `None`: the deployment's default for the role.
    pub client: Option<String>,
}

/// Creates an invitation leading to the deployment's default client (see [`issue`]).
pub async fn create(
    state: &AppState,
    inviter: &Inviter,
    role: Role,
    deployment_id: &str,
    email: Option<Email>,
    locale: Option<Lang>,
    origin: &Origin,
) -> Result<(Invitation, Secret), InviteError> {
    let new = NewInvite { role, deployment_id: deployment_id.to_string(), email, locale, client: None };
    issue(state, inviter, new, origin).await
}

/// Creates an invitation and, when it names an email, sends it there.
/// Returns the token: it is stored only as a digest, so this is the one
/// chance to hand the link over by other means.
pub async fn issue(
    state: &AppState,
    inviter: &Inviter,
    new: NewInvite,
    origin: &Origin,
) -> Result<(Invitation, Secret), InviteError> {
    let NewInvite { role, deployment_id, email, locale, client } = new;
    let deployment_id = deployment_id.as_str();
    permit(inviter, role, deployment_id)?;
    if email.is_none() && role != Role::Patient && !matches!(inviter, Inviter::Operator) {
        // Staff accounts carry clinical access: their invitation goes to a mailbox.
        return Err(InviteError::Invalid("an email address is needed to invite staff".into()));
    }
    let deployment = state
        .store
        .deployment(deployment_id)
        .await?
        .ok_or_else(|| InviteError::UnknownDeployment(deployment_id.to_string()))?;
    let client_id = leads_to(state, client.as_deref(), role, &deployment).await?;
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
        locale: locale.map(|l| l.code().to_string()),
        client_id,
    };
    state.store.insert_invitation(&invitation).await?;
    let event = Event {
        actor_kind: Some(inviter.actor_kind()),
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

/// The client an invitation leads to: the one asked for, which must admit
/// the role in the deployment, else the deployment's default for the role
/// (when it still admits them; otherwise none, and the journey ends on
/// careid's own pages).
async fn leads_to(
    state: &AppState,
    asked: Option<&str>,
    role: Role,
    deployment: &Deployment,
) -> Result<Option<String>, InviteError> {
    if let Some(id) = asked.map(str::trim).filter(|id| !id.is_empty()) {
        return match journey::admitting(state, id, role, &deployment.id).await? {
            Some(client) => Ok(Some(client.id)),
            None => Err(InviteError::UnknownClient(format!(
                "no client {id:?} for {}s of deployment {}",
                role.as_str(),
                deployment.id
            ))),
        };
    }
    let Some(id) = journey::default_client(deployment, role) else { return Ok(None) };
    Ok(journey::admitting(state, id, role, &deployment.id).await?.map(|c| c.id))
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
    let client = match &invitation.client_id {
        Some(id) => state.store.client(id).await?.map(|c| c.name),
        None => None,
    };
    let brand = crate::brand::of(deployment);
    // The operator invites in the platform's name.
    let inviter_name = match inviter {
        Inviter::Operator => brand.product_name.as_str(),
        _ => inviter.name(),
    };
    let context = json!({
        "client": client,
        "link": link(state, token),
        "inviter": inviter_name,
        "role": invitation.role,
        "deployment": deployment.name,
        "expires_days": deployment.invitation_days,
        "app_store_url": if patient { deployment.app_store_url.as_deref() } else { None },
        "play_store_url": if patient { deployment.play_store_url.as_deref() } else { None },
    });
    let lang = Choice::default()
        .offer(Source::Deployment, Lang::from_tag(&deployment.default_locale))
        .offer(Source::Invitation, invitation.locale.as_deref().and_then(Lang::from_tag))
        .lang;
    let email = state.email_templates.render("invitation", &to, lang, &brand, context)?;
    crate::notify::email::queue(state, email).await?;
    let now = state.clock.now();
    state.store.mark_invitation_sent(&invitation.id, now).await?;
    invitation.sent_at = Some(now);
    let event = Event {
        actor_kind: Some(inviter.actor_kind()),
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

/// The invitation `id` when `inviter` made it or manages its deployment
/// (the operator may act on any).
pub async fn own(state: &AppState, inviter: &Inviter, id: &str) -> Result<Invitation, InviteError> {
    let invitation = state.store.invitation(id).await?.ok_or(InviteError::NotFound)?;
    match inviter {
        Inviter::Operator => Ok(invitation),
        Inviter::User(u) if invitation.inviter_id.as_deref() == Some(u.id.as_str()) => Ok(invitation),
        Inviter::Manager(u) if u.operator || u.deployment_id == invitation.deployment_id => Ok(invitation),
        Inviter::User(_) | Inviter::Manager(_) => Err(InviteError::NotFound),
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
        actor_kind: Some(inviter.actor_kind()),
        actor: inviter.id(),
        deployment_id: Some(&invitation.deployment_id),
        detail: Some(json!({ "invitation": invitation.id })),
        ..Event::new("invitation.revoked")
    };
    audit::record(state, event, origin).await;
    Ok(())
}
