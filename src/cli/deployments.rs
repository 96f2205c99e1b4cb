//! `careid deployments`: care programmes and their sign-up and security policy.

use clap::Subcommand;

use std::sync::Arc;

use careid::Services;
use careid::audit::Origin;
use careid::onboarding::deployments::{self, DeploymentSpec};
use careid::store::Deployment;

use super::Failure;

/// The policy fields, each optional: `add` fills the rest with defaults,
/// `update` keeps the stored value. An empty text value clears it.
#[derive(clap::Args)]
pub struct PolicyArgs {
    #[arg(long)]
    name: Option<String>,
    /// Every member must sign in with two factors.
    #[arg(long, overrides_with = "no_mfa_required")]
    mfa_required: bool,
    #[arg(long)]
    no_mfa_required: bool,
    /// Every member must register a passkey.
    #[arg(long, overrides_with = "no_passkey_required")]
    passkey_required: bool,
    #[arg(long)]
    no_passkey_required: bool,
    #[arg(long)]
    email_verification_hours: Option<i64>,
    #[arg(long)]
    invitation_days: Option<i64>,
    #[arg(long)]
    terms_version: Option<String>,
    #[arg(long)]
    terms_url: Option<String>,
    #[arg(long)]
    privacy_url: Option<String>,
    #[arg(long)]
    disclaimer_text: Option<String>,
    #[arg(long)]
    disclaimer_version: Option<String>,
    #[arg(long)]
    app_store_url: Option<String>,
    #[arg(long)]
    play_store_url: Option<String>,
    #[arg(long)]
    app_link: Option<String>,
    #[arg(long)]
    default_locale: Option<String>,
}

#[derive(Subcommand)]
pub enum DeploymentsCommand {
    /// Create a deployment (--name is required).
    Add {
        id: String,
        #[command(flatten)]
        policy: PolicyArgs,
    },
    /// Every deployment, one a line.
    List,
    /// One deployment as JSON.
    Show { id: String },
    /// Change some fields of a deployment.
    Update {
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
        let text = |new: Option<String>, old: &mut Option<String>| {
            if let Some(new) = new {
                *old = Some(new);
            }
        };
        if let Some(name) = self.name {
            spec.name = name;
        }
        if let Some(v) = flag(self.mfa_required, self.no_mfa_required) {
            spec.mfa_required = v;
        }
        if let Some(v) = flag(self.passkey_required, self.no_passkey_required) {
            spec.passkey_required = v;
        }
        if let Some(v) = self.email_verification_hours {
            spec.email_verification_hours = Some(v);
        }
        if let Some(v) = self.invitation_days {
            spec.invitation_days = Some(v);
        }
        text(self.terms_version, &mut spec.terms_version);
        text(self.terms_url, &mut spec.terms_url);
        text(self.privacy_url, &mut spec.privacy_url);
        text(self.disclaimer_text, &mut spec.disclaimer_text);
        text(self.disclaimer_version, &mut spec.disclaimer_version);
        text(self.app_store_url, &mut spec.app_store_url);
        text(self.play_store_url, &mut spec.play_store_url);
        text(self.app_link, &mut spec.app_link);
        text(self.default_locale, &mut spec.default_locale);
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
            if policy.name.is_none() {
                return Err(Failure::new(1, "a new deployment needs --name"));
            }
            let mut spec = DeploymentSpec { id, ..DeploymentSpec::default() };
            policy.apply(&mut spec);
            let d = deployments::change(&state, spec, None, &Origin::default())
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
            let d = deployments::change(&state, spec, None, &Origin::default())
                .await
                .map_err(|e| Failure::new(1, e.to_string()))?;
            print_json(&d)?;
        }
    }
    Ok(())
}
