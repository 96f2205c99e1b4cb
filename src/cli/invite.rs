//! `careid invite`: the operator's invitation, how the first administrators arrive.

use std::sync::Arc;

use careid::Services;
use careid::audit::Origin;
use careid::i18n::Lang;
use careid::onboarding::invitations::{self, Inviter, NewInvite};
use careid::people::{Email, Role};

use super::Failure;

/// Invite someone into a deployment and print the sign-up link.
#[derive(clap::Args)]
pub struct InviteArgs {
    /// admin, clinician or patient.
    #[arg(long)]
    role: String,
    /// The deployment (care programme) the account will belong to.
    #[arg(long, default_value = "default")]
    deployment: String,
    /// Also email the invitation here; the account can only be created for this address.
    #[arg(long)]
    email: Option<String>,
    /// The invitation's language: en, de or ar (its email and sign-up page;
    /// the person's own until they pick another). Default: the deployment's.
    #[arg(long)]
    locale: Option<String>,
    /// The client (its id) the invitation leads to, e.g. the Clinician Portal:
    /// the invitee arrives there signed in after sign-up. Default: the
    /// deployment's --staff-client or --patient-client.
    #[arg(long, value_name = "CLIENT")]
    client: Option<String>,
}

pub async fn run(services: Services, args: InviteArgs) -> Result<(), Failure> {
    let role = Role::parse(&args.role).map_err(|e| Failure::new(1, e))?;
    let email = args.email.as_deref().map(Email::parse).transpose().map_err(|e| Failure::new(1, e))?;
    let locale =
        args.locale.as_deref().map(Lang::parse).transpose().map_err(|e| Failure::new(1, e.to_string()))?;
    let state = Arc::new(services);
    let new = NewInvite { role, deployment_id: args.deployment, email, locale, client: args.client };
    let (invitation, token) = invitations::issue(&state, &Inviter::Operator, new, &Origin::default())
        .await
        .map_err(|e| Failure::new(1, e.to_string()))?;
    let sent = match &invitation.email {
        Some(to) => format!(", emailed to {to}"),
        None => String::new(),
    };
    println!(
        "invited {} to {} (invitation {}{sent})",
        invitation.role, invitation.deployment_id, invitation.id
    );
    println!("{}", invitations::link(&state, &token));
    Ok(())
}
