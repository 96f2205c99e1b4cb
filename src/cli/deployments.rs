//! `careid deployments`: care programmes and their sign-up and security policy.

use clap::Subcommand;

use std::sync::Arc;

use careid::Services;
use careid::audit::Origin;
use careid::onboarding::deployment_change::DeploymentChange;
use careid::onboarding::deployments::{self, DeploymentSpec};
use careid::store::Deployment;

use super::Failure;

/// The policy and brand fields, each optional: `add` fills the rest with
/// defaults, `update` keeps the stored value. An empty text value clears it.
#[derive(clap::Args)]
pub struct PolicyArgs {
    #[command(flatten)]
    change: DeploymentChange,
    /// Every member must sign in with two factors (default: off).
    #[arg(long, overrides_with = "no_mfa_required")]
    mfa_required: bool,
    /// Members may sign in with a password alone, unless their role or client asks for more.
    #[arg(long)]
    no_mfa_required: bool,
    /// Every member must register a passkey (default: off).
    #[arg(long, overrides_with = "no_passkey_required")]
    passkey_required: bool,
    /// Members need not register a passkey.
    #[arg(long)]
    no_passkey_required: bool,
}

#[derive(Subcommand)]
pub enum DeploymentsCommand {
    /// Create a deployment (--name is required).
    Add {
        /// The deployment's id: 1 to 64 of a-z, 0-9, - and _ (members' `deployment` claim).
        id: String,
        #[command(flatten)]
        policy: PolicyArgs,
    },
    /// Every deployment, one a line.
    List,
    /// One deployment as JSON.
    Show { id: String },
    /// Change some fields of a deployment; an empty value ("") clears a text field.
    Update {
        /// The id of the deployment to change.
        id: String,
        #[command(flatten)]
        policy: PolicyArgs,
    },
}

fn flag(yes: bool, no: bool) -> Option<bool> {
    match (yes, no) {
        (true, _) => Some(true),
        (_, true) => Some(false),
        _ => None,
    }
}

impl PolicyArgs {
    fn apply(self, spec: &mut DeploymentSpec) {
        let change = DeploymentChange {
            mfa_required: flag(self.mfa_required, self.no_mfa_required),
            passkey_required: flag(self.passkey_required, self.no_passkey_required),
            ..self.change
        };
        change.apply(spec);
    }
}

fn print_json(d: &Deployment) -> Result<(), Failure> {
    let json = serde_json::to_string_pretty(d).map_err(|e| Failure::new(1, e.to_string()))?;
    println!("{json}");
    Ok(())
}

pub async fn run(services: Services, command: DeploymentsCommand) -> Result<(), Failure> {
    let state = Arc::new(services);
    let store = &state.store;
    let existing = |id: String| async move {
        store.deployment(&id).await?.ok_or_else(|| Failure::new(1, format!("no deployment {id:?}")))
    };
    match command {
        DeploymentsCommand::Add { id, policy } => {
            if store.deployment(&id).await?.is_some() {
                return Err(Failure::new(1, format!("deployment {id:?} already exists")));
            }
            if policy.change.name.is_none() {
                return Err(Failure::new(1, "a new deployment needs --name"));
            }
            let mut spec = DeploymentSpec { id, ..DeploymentSpec::default() };
            policy.apply(&mut spec);
            let d = deployments::change(&state, spec, None, None, &Origin::default())
                .await
                .map_err(|e| Failure::new(1, e.to_string()))?;
            println!("added deployment {} ({})", d.id, d.name);
        }
        DeploymentsCommand::List => {
            println!("{:<20} {:<32} {:<5} {:<8} {:<6} TERMS", "ID", "NAME", "MFA", "PASSKEY", "DAYS");
            for d in store.list_deployments().await? {
                let yes = |b: bool| if b { "yes" } else { "no" };
                println!(
                    "{:<20} {:<32} {:<5} {:<8} {:<6} {}",
                    d.id,
                    d.name,
                    yes(d.mfa_required),
                    yes(d.passkey_required),
                    d.invitation_days,
                    d.terms_version.as_deref().unwrap_or("-")
                );
            }
        }
        DeploymentsCommand::Show { id } => print_json(&existing(id).await?)?,
        DeploymentsCommand::Update { id, policy } => {
            let mut spec = DeploymentSpec::from(&existing(id).await?);
            policy.apply(&mut spec);
            let d = deployments::change(&state, spec, None, None, &Origin::default())
                .await
                .map_err(|e| Failure::new(1, e.to_string()))?;
            print_json(&d)?;
        }
    }
    Ok(())
}
