//! Signing up through an invitation: what the invitation page shows, and
//! redeeming it into an account.

use serde_json::json;

use crate::AppState;
use crate::audit::{self, Event, Origin};
use crate::crypto::random;
use crate::i18n::{self, Lang, Source, negotiation};
use crate::login::policy;
use crate::onboarding::journey;
use crate::people::password_policy::{self, Strength};
use crate::people::{Email, NewUser, Role};
use crate::secret::Secret;
use crate::store::{Deployment, Invitation, Redemption, StoreError};

const NAME_MAX_CHARS: usize = 100;

/// An open invitation and what the page says about it.
pub struct Invite {
    pub invitation: Invitation,
    pub role: Role,
    pub deployment: Deployment,
    pub inviter_name: String,
    /// The client the invitation leads to, if any.
    pub client: Option<crate::clients::Client>,
}

impl Invite {
    /// The password rule of the new account.
    pub fn password_rule(&self, state: &AppState) -> policy::PasswordRule {
        policy::password_rule(state, Some(self.role), Some(&self.deployment))
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
    // Without a person behind it, the invitation comes from the platform.
    let product = crate::brand::of(&deployment).product_name;
    let inviter_name = match &invitation.inviter_id {
        Some(id) => state.store.user_by_id(id).await?.map_or(product, |u| u.name),
        None => product,
    };
    // The invited person's deployment: its brand and default language.
    crate::brand::offer(crate::brand::Strength::Person, &deployment);
    negotiation::offer(Source::Invitation, invitation.locale.as_deref().and_then(Lang::from_tag));
    let client = journey::client_of_invitation(state, &invitation, role, &deployment).await?;
    Ok(Some(Invite { invitation, role, deployment, inviter_name, client }))
}

/// Why an invitation the person holds no longer opens, and whom to ask for
/// a new one: for an expired or withdrawn invitation only (an unknown link
/// tells nothing, and a used one has its own advice: sign in).
pub struct ClosedInvite {
    pub revoked: bool,
    /// The inviter's name and address (`None`: the operator invited).
    pub inviter: Option<(String, String)>,
}

pub async fn why_closed(state: &AppState, token: &str) -> Result<Option<ClosedInvite>, StoreError> {
    if token.len() > 64 {
        return Ok(None);
    }
    let Some(invitation) = state.store.invitation_by_token_hash(&random::digest(token)).await? else {
        return Ok(None);
    };
    if invitation.redeemed_at.is_some() || invitation.is_open(state.clock.now()) {
        return Ok(None);
    }
    negotiation::offer(Source::Invitation, invitation.locale.as_deref().and_then(Lang::from_tag));
    let inviter = match &invitation.inviter_id {
        Some(id) => state.store.user_by_id(id).await?.map(|u| (u.name, u.email)),
        None => None,
    };
    Ok(Some(ClosedInvite { revoked: invitation.revoked_at.is_some(), inviter }))
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

/// A new account; signing it in is the sign-up page's next step.
pub struct SignedUp {
    pub user: crate::people::User,
    pub deployment: Deployment,
    /// Where the invitation leads: the person arrives there signed in.
    pub client: Option<crate::clients::Client>,
}

#[derive(Debug, thiserror::Error)]
pub enum SignUpError {
    /// Unknown, used, revoked or expired: one neutral answer for all.
    #[error("invitation not open")]
    Closed,
    /// Something to correct on the form (`field`, the id of its input, so the
    /// page ties the message to it); nothing was created.
    #[error("{message}")]
    Form { field: &'static str, message: String, strength: Option<Strength> },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Ephemeral(#[from] crate::ephemeral::EphemeralError),
}

fn form_error(field: &'static str, message: impl Into<String>) -> SignUpError {
    SignUpError::Form { field, message: message.into(), strength: None }
}

/// A name field's value, or the error of message `what` on `field`.
fn name(value: &str, field: &'static str, what: &str) -> Result<String, SignUpError> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > NAME_MAX_CHARS {
        let max = i64::try_from(NAME_MAX_CHARS).unwrap_or(i64::MAX);
        return Err(form_error(field, i18n::text_with(what, &[("max", max.into())])));
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
    let given_name = name(&form.given_name, "given_name", "signup-error-given-name")?;
    let family_name = name(&form.family_name, "family_name", "signup-error-family-name")?;
    // An invitation addressed to someone can only ever create that person's account.
    let email = match &invite.invitation.email {
        Some(fixed) => Email::parse(fixed).map_err(|_| SignUpError::Closed)?,
        None => Email::parse(form.email.as_deref().unwrap_or_default())
            .map_err(|_| form_error("email", i18n::text("signup-error-email")))?,
    };
    // The terms and the disclaimer are accepted here, once: the clients that
    // require them do not ask again until a version changes.
    let documents = crate::login::steps::terms::documents(&invite.deployment);
    if !documents.is_empty() && !form.accepted_terms {
        return Err(form_error("accept_terms", i18n::text("signup-error-terms")));
    }
    let password = password_policy::normalize(form.password.expose());
    let user_inputs = [given_name.as_str(), family_name.as_str(), email.as_str(), &invite.deployment.name];
    if let Err(refusal) = invite.password_rule(state).check(&password, &user_inputs) {
        let strength = password_policy::strength(&password, &user_inputs);
        return Err(SignUpError::Form {
            field: "password",
            message: refusal.message(),
            strength: Some(strength),
        });
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
    let mut user = match state.store.redeem_invitation(&token_hash, &new, Some(verify_by), now).await? {
        Redemption::Created(user) => *user,
        Redemption::NotOpen => return Err(SignUpError::Closed),
        Redemption::EmailTaken => {
            return Err(form_error("email", i18n::text("signup-error-email-taken")));
        }
    };
    // The language the person signed up in, when it was chosen (by the
    // invitation, the person or the application), becomes theirs.
    let choice = negotiation::current();
    if choice.source >= Source::Invitation {
        state.store.set_user_locale(&user.id, Some(choice.lang.code()), now).await?;
        user.locale = Some(choice.lang.code().to_string());
    }
    for (document, version) in &documents {
        state.store.insert_acceptance(&user.id, document, version, now).await?;
    }
    record(state, &invite, &user, &documents, origin).await;
    // The account exists whatever happens to this email; a new link can be asked for at sign-in.
    if let Err(e) = crate::onboarding::verification::send(state, &user).await {
        tracing::warn!(error = %e, "verification email not queued");
    }
    Ok(SignedUp { user, deployment: invite.deployment, client: invite.client })
}

async fn record(
    state: &AppState,
    invite: &Invite,
    user: &crate::people::User,
    documents: &[(&'static str, String)],
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
    for (document, version) in documents {
        let accepted = Event {
            actor: Some(&user.id),
            subject: Some(&user.id),
            deployment_id: deployment,
            detail: Some(json!({ "document": document, "version": version })),
            ..Event::new("terms.accepted")
        };
        audit::record(state, accepted, origin).await;
    }
}
