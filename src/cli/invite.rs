//! `careid invite`: the operator's invitation, how the first administrators arrive.

use std::sync::Arc;

use careid::Services;
use careid::accounts::{Email, Role};
use careid::audit::Origin;
use careid::onboarding::invitations::{self, Inviter};

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
}

pub async fn run(services: Services, args: InviteArgs) -> Result<(), Failure> {
    let role = Role::parse(&args.role).map_err(|e| Failure::new(1, e))?;
    let email = args.email.as_deref().map(Email::parse).transpose().map_err(|e| Failure::new(1, e))?;
    let state = Arc::new(services);
    let (invitation, token) =
        invitations::create(&state, &Inviter::Operator, role, &args.deployment, email, &Origin::default())
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
