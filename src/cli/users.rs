//! `careid users`: create accounts and act on them from the command line.

use clap::Subcommand;

use careid::Services;
use careid::audit::Origin;
use careid::factors::reset;
use careid::people::membership;
use careid::people::registry::{self, NewUserInput};
use careid::people::view::AccountView;
use careid::people::{Email, Status, User};

use super::{Failure, read_secret_line};

#[derive(Subcommand)]
pub enum UsersCommand {
    /// Create an account. Without --password-stdin it has no password yet.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// admin, clinician or patient.
        #[arg(long)]
        role: String,
        /// The deployment (care programme) the account belongs to.
        #[arg(long, default_value = "default")]
        deployment: String,
        /// Read the password from the first line of stdin: at least 15 characters where it
        /// may be the only factor, 8 where the role or deployment requires a second one
        /// (`careid policy explain` says which).
        #[arg(long)]
        password_stdin: bool,
        /// The email address is known to belong to the person.
        #[arg(long)]
        email_verified: bool,
        #[arg(long)]
        given_name: Option<String>,
        #[arg(long)]
        family_name: Option<String>,
    },
    /// Every account, one a line.
    List {
        #[arg(long)]
        deployment: Option<String>,
    },
    /// One account as JSON (never the password hash).
    Show { email: String },
    /// Stop the account from signing in.
    Disable { email: String },
    /// Let a disabled account sign in again.
    Enable { email: String },
    /// Make the account a platform operator: it manages every deployment
    /// through the admin API (with an admin token from a two-factor sign-in).
    GrantOperator { email: String },
    /// Take the platform operator right away.
    RevokeOperator { email: String },
    /// Clear failed sign-ins and wrong second-factor codes, and any lock they caused.
    Unlock { email: String },
    /// Forget the phone number, recovery codes and passkeys (a lost phone) and end the
    /// person's sessions; where two steps are required they enrol a number again.
    ResetMfa { email: String },
}

async fn existing(services: &Services, email: &str) -> Result<User, Failure> {
    let email = Email::parse(email).map_err(|e| Failure::new(1, e))?;
    services
        .store
        .user_by_email(email.as_str())
        .await?
        .ok_or_else(|| Failure::new(1, format!("no account {:?}", email.as_str())))
}

async fn set_status(services: Services, email: &str, status: Status) -> Result<(), Failure> {
    let user = existing(&services, email).await?;
    let state = std::sync::Arc::new(services);
    membership::set_status(&state, &user, status, None, &Origin::default()).await?;
    println!("{}: {}", user.email, status.as_str());
    Ok(())
}

async fn set_operator(services: Services, email: &str, operator: bool) -> Result<(), Failure> {
    let user = existing(&services, email).await?;
    let state = std::sync::Arc::new(services);
    membership::set_operator(&state, &user, operator, &Origin::default()).await?;
    let now = if operator { "a platform operator" } else { "no longer a platform operator" };
    println!("{}: {now}", user.email);
    Ok(())
}

pub async fn run(services: Services, command: UsersCommand) -> Result<(), Failure> {
    let (store, now) = (&services.store, services.clock.now());
    match command {
        UsersCommand::Add {
            email,
            name,
            role,
            deployment,
            password_stdin,
            email_verified,
            given_name,
            family_name,
        } => {
            let password = password_stdin.then(|| read_secret_line("password")).transpose()?;
            let input = NewUserInput {
                email,
                name,
                given_name,
                family_name,
                role,
                deployment: Some(deployment),
                password,
                email_verified,
            };
            let user = registry::create_user(&services, input, now).await?;
            let password = if user.password_hash.is_some() { "with a password" } else { "no password yet" };
            println!(
                "added {} {} in {} ({password}) id {}",
                user.role, user.email, user.deployment_id, user.id
            );
        }
        UsersCommand::List { deployment } => {
            let header = ("EMAIL", "NAME", "ROLE", "DEPLOYMENT", "STATUS", "LOCKED");
            println!(
                "{:<36} {:<32} {:<10} {:<16} {:<9} {}",
                header.0, header.1, header.2, header.3, header.4, header.5
            );
            for u in store.list_users(deployment.as_deref()).await? {
                let locked = if u.is_locked(now) { "locked" } else { "-" };
                println!(
                    "{:<36} {:<32} {:<10} {:<16} {:<9} {locked}",
                    u.email, u.name, u.role, u.deployment_id, u.status
                );
            }
        }
        UsersCommand::Show { email } => {
            let user = existing(&services, &email).await?;
            let view = AccountView::load(store, &user, now).await?;
            let json = serde_json::to_string_pretty(&view).map_err(|e| Failure::new(1, e.to_string()))?;
            println!("{json}");
        }
        UsersCommand::Disable { email } => set_status(services, &email, Status::Disabled).await?,
        UsersCommand::Enable { email } => set_status(services, &email, Status::Active).await?,
        UsersCommand::GrantOperator { email } => set_operator(services, &email, true).await?,
        UsersCommand::RevokeOperator { email } => set_operator(services, &email, false).await?,
        UsersCommand::Unlock { email } => {
            let user = existing(&services, &email).await?;
            let state = std::sync::Arc::new(services);
            membership::unlock(&state, &user, None, &Origin::default()).await?;
            println!("{}: unlocked", user.email);
        }
        UsersCommand::ResetMfa { email } => {
            let user = existing(&services, &email).await?;
            let state = std::sync::Arc::new(services);
            reset::reset_second_factors(&state, &user, None, &Origin::default()).await?;
            println!("{}: second factors reset; sessions ended", user.email);
        }
    }
    Ok(())
}
