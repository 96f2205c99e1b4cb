//! `careid deployments`: care programmes and their sign-up and security policy.

use clap::Subcommand;

use std::sync::Arc;

use careid::Services;
use careid::audit::Origin;
use careid::onboarding::deployments::{self, DeploymentSpec};
use careid::store::Deployment;

use super::Failure;

/// The policy and brand fields, each optional: `add` fills the rest with
/// defaults, `update` keeps the stored value. An empty text value clears it.
#[derive(clap::Args)]
pub struct PolicyArgs {
    /// The deployment's display name, e.g. "Heart Failure UK" (required by `add`).
    #[arg(long, value_name = "TEXT")]
    name: Option<String>,
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
    /// Hours a new member has to verify their email address, 1 to 720 (default: 24).
    #[arg(long, value_name = "HOURS")]
    email_verification_hours: Option<i64>,
    /// Days an invitation stays open, 1 to 90 (default: 7).
    #[arg(long, value_name = "DAYS")]
    invitation_days: Option<i64>,
    /// The version of the terms members must accept, e.g. "2026-11"; needs --terms-url (default: none).
    #[arg(long, value_name = "TEXT")]
    terms_version: Option<String>,
    /// An https link to the terms of use (default: none).
    #[arg(long, value_name = "URL")]
    terms_url: Option<String>,
    /// An https link to the privacy notice (default: none).
    #[arg(long, value_name = "URL")]
    privacy_url: Option<String>,
    /// A disclaimer members must accept before using clients that ask for it; needs --disclaimer-version (default: none).
    #[arg(long, value_name = "TEXT")]
    disclaimer_text: Option<String>,
    /// The disclaimer's version: a new one asks members to accept it again (default: none).
    #[arg(long, value_name = "TEXT")]
    disclaimer_version: Option<String>,
    /// An https link to the App Store page of the deployment's app (default: none).
    #[arg(long, value_name = "URL")]
    app_store_url: Option<String>,
    /// An https link to the Google Play page of the deployment's app (default: none).
    #[arg(long, value_name = "URL")]
    play_store_url: Option<String>,
    /// The app's deep link (custom scheme or universal link) shown after sign-up (default: none).
    #[arg(long, value_name = "URL")]
    app_link: Option<String>,
    /// The language of pages and messages when nothing else decides it: en, de or ar (default: en).
    #[arg(long, value_name = "LANG")]
    default_locale: Option<String>,
    /// The client (its id) an invitation of staff leads to when it names none,
    /// e.g. the Clinician Portal: where they arrive signed in after sign-up ("" clears).
    #[arg(long, value_name = "CLIENT")]
    staff_client: Option<String>,
    /// The same for patients, e.g. the App ("" clears).
    #[arg(long, value_name = "CLIENT")]
    patient_client: Option<String>,
    /// What people call the platform, e.g. "CareConnect": page titles, emails and their From name, up to 64 characters (default: careid).
    #[arg(long, value_name = "TEXT")]
    product_name: Option<String>,
    /// An https link to the logo shown at the top of every page, its alt text the product name (default: no logo).
    #[arg(long, value_name = "URL")]
    logo_url: Option<String>,
    /// The colour of buttons and links, CSS hex #rrggbb or #rgb (default: careid's blue).
    #[arg(long, value_name = "HEX")]
    primary_color: Option<String>,
    /// The colour of highlights such as focus rings, CSS hex #rrggbb or #rgb (default: careid's).
    #[arg(long, value_name = "HEX")]
    accent_color: Option<String>,
    /// The address people write to with questions, shown on error pages and in emails (default: none).
    #[arg(long, value_name = "EMAIL")]
    support_email: Option<String>,
    /// An https page where people find help, shown on error pages and in emails (default: none).
    #[arg(long, value_name = "URL")]
    support_url: Option<String>,
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
        text(self.staff_client, &mut spec.staff_client);
        text(self.patient_client, &mut spec.patient_client);
        text(self.product_name, &mut spec.product_name);
        text(self.logo_url, &mut spec.logo_url);
        text(self.primary_color, &mut spec.primary_color);
        text(self.accent_color, &mut spec.accent_color);
        text(self.support_email, &mut spec.support_email);
        text(self.support_url, &mut spec.support_url);
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
