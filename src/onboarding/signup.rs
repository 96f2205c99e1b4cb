//! Signing up through an invitation: what the invitation page shows, and
//! redeeming it into an account and a browser session in one step.

use serde_json::json;

use crate::AppState;
use crate::accounts::password_policy::{self, Strength};
use crate::accounts::{Email, NewUser, Role};
use crate::audit::{self, Event, Origin};
use crate::crypto::random;
use crate::login::{acr, session};
use crate::secret::Secret;
use crate::store::{Deployment, Invitation, Redemption, StoreError};

const NAME_MAX_CHARS: usize = 100;

/// An open invitation and what the page says about it.
pub struct Invite {
    pub invitation: Invitation,
    pub role: Role,
    pub deployment: Deployment,
    pub inviter_name: String,
}

impl Invite {
    pub fn second_factor_required(&self) -> bool {
        password_policy::second_factor_required(self.role, &self.deployment)
    }
}

/// The open invitation behind `token`, or `None` for unknown, used, revoked
/// and expired alike. Reading never consumes: mail scanners fetch links too.
pub async fn open(state: &AppState, token: &str) -> Result<Option<Invite>, StoreError> {
    if token.len() > 64 {
        return Ok(None);
    }
    let Some(invitation) = state.store.invitation_by_token_hash(&random::digest(token)).await? else {
        return Ok(None);
    };
    if !invitation.is_open(state.clock.now()) {
        return Ok(None);
    }
    // A role careid no longer knows opens nothing rather than some other kind of account.
    let Ok(role) = Role::parse(&invitation.role) else { return Ok(None) };
    let Some(deployment) = state.store.deployment(&invitation.deployment_id).await? else { return Ok(None) };
    let inviter_name = match &invitation.inviter_id {
        Some(id) => state.store.user_by_id(id).await?.map_or_else(|| "careid".to_string(), |u| u.name),
        None => "careid".to_string(),
    };
    Ok(Some(Invite { invitation, role, deployment, inviter_name }))
}

/// What the person typed.
pub struct SignUpForm {
    pub given_name: String,
    pub family_name: String,
    /// Ignored when the invitation names an address.
    pub email: Option<String>,
    pub password: Secret,
    pub accepted_terms: bool,
}

pub struct SignedUp {
    pub user: crate::accounts::User,
    pub deployment: Deployment,
    pub session: session::Current,
}

#[derive(Debug, thiserror::Error)]
pub enum SignUpError {
    /// Unknown, used, revoked or expired: one neutral answer for all.
    #[error("invitation not open")]
    Closed,
    /// Something to correct on the form; nothing was created.
    #[error("{message}")]
    Form { message: String, strength: Option<Strength> },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Ephemeral(#[from] crate::ephemeral::EphemeralError),
}

fn form_error(message: impl Into<String>) -> SignUpError {
    SignUpError::Form { message: message.into(), strength: None }
}

fn name(value: &str, what: &str) -> Result<String, SignUpError> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > NAME_MAX_CHARS {
        return Err(form_error(format!("Please enter your {what} (at most {NAME_MAX_CHARS} characters).")));
    }
    Ok(value.to_string())
}

/// Creates the account the invitation `token` stands for and signs it in.
/// The invitation is claimed atomically with the account: of concurrent
/// submissions exactly one creates it.
pub async fn redeem(
    state: &AppState,
    token: &str,
    form: SignUpForm,
    origin: &Origin,
) -> Result<SignedUp, SignUpError> {
    let invite = open(state, token).await?.ok_or(SignUpError::Closed)?;
    let given_name = name(&form.given_name, "given name")?;
    let family_name = name(&form.family_name, "family name")?;
    // An invitation addressed to someone can only ever create that person's account.
    let email = match &invite.invitation.email {
        Some(fixed) => Email::parse(fixed).map_err(|_| SignUpError::Closed)?,
        None => Email::parse(form.email.as_deref().unwrap_or_default())
            .map_err(|_| form_error("Please enter a valid email address."))?,
    };
    let terms_version = invite.deployment.terms_version.clone();
    if terms_version.is_some() && !form.accepted_terms {
        return Err(form_error("Please accept the terms of use to continue."));
    }
    let password = password_policy::normalize(form.password.expose());
    let user_inputs = [given_name.as_str(), family_name.as_str(), email.as_str(), &invite.deployment.name];
    if let Err(refusal) = password_policy::check(&password, invite.second_factor_required(), &user_inputs) {
        let strength = password_policy::strength(&password, &user_inputs);
        return Err(SignUpError::Form { message: refusal.to_string(), strength: Some(strength) });
    }
    let now = state.clock.now();
    let new = NewUser {
        email,
        name: format!("{given_name} {family_name}"),
        given_name: Some(given_name),
        family_name: Some(family_name),
        role: invite.role,
        deployment_id: invite.deployment.id.clone(),
        password_hash: Some(state.passwords.hash(&password).await),
        // Holding the link is not proof of owning the mailbox (it may have been forwarded).
        email_verified: false,
    };
    let verify_by = now + invite.deployment.email_verification_hours * 3600;
    let token_hash = random::digest(token);
    let user = match state.store.redeem_invitation(&token_hash, &new, Some(verify_by), now).await? {
        Redemption::Created(user) => *user,
        Redemption::NotOpen => return Err(SignUpError::Closed),
        Redemption::EmailTaken => {
            return Err(form_error(
                "This email address cannot be used for a new account. If you already have one, sign in instead.",
            ));
        }
    };
    if let Some(version) = &terms_version {
        state.store.insert_acceptance(&user.id, "terms", version, now).await?;
    }
    record(state, &invite, &user, terms_version.as_deref(), origin).await;
    // The account exists whatever happens to this email; a new link can be asked for at sign-in.
    if let Err(e) = crate::onboarding::verification::send(state, &user).await {
        tracing::warn!(error = %e, "verification email not queued");
    }
    let session = session::start(state, &user.id, vec![acr::AMR_PASSWORD.into()], acr::PASSWORD).await?;
    Ok(SignedUp { user, deployment: invite.deployment, session })
}

async fn record(
    state: &AppState,
    invite: &Invite,
    user: &crate::accounts::User,
    terms_version: Option<&str>,
    origin: &Origin,
) {
    let deployment = Some(invite.deployment.id.as_str());
    let redeemed = Event {
        actor: Some(&user.id),
        subject: Some(&user.id),
        deployment_id: deployment,
        detail: Some(json!({ "invitation": invite.invitation.id, "inviter": invite.invitation.inviter_id })),
        ..Event::new("invitation.redeemed")
    };
    audit::record(state, redeemed, origin).await;
    let signup = Event {
        actor: Some(&user.id),
        subject: Some(&user.id),
        deployment_id: deployment,
        detail: Some(json!({ "role": user.role })),
        ..Event::new("signup")
    };
    audit::record(state, signup, origin).await;
    if let Some(version) = terms_version {
        let accepted = Event {
            actor: Some(&user.id),
            subject: Some(&user.id),
            deployment_id: deployment,
            detail: Some(json!({ "document": "terms", "version": version })),
            ..Event::new("terms.accepted")
        };
        audit::record(state, accepted, origin).await;
    }
}
