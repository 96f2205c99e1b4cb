//! `careid users`: create accounts and act on them from the command line.

use clap::Subcommand;
use serde::Serialize;

use careid::Services;
use careid::accounts::registry::{self, NewUserInput};
use careid::accounts::{Email, Status, User};
use careid::audit::Origin;
use careid::factors::reset;

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
        /// Read the password (8 to 128 characters) from the first line of stdin.
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

/// What `users show` prints: the account without its password hash.
#[derive(Serialize)]
struct UserView<'a> {
    id: &'a str,
    email: &'a str,
    name: &'a str,
    given_name: Option<&'a str>,
    family_name: Option<&'a str>,
    role: &'a str,
    deployment: &'a str,
    status: &'a str,
    email_verified: bool,
    phone_number: Option<&'a str>,
    phone_verified: bool,
    has_password: bool,
    failed_logins: i64,
    locked: bool,
    locked_until: Option<i64>,
    two_step_enabled: bool,
    /// Wrong second-factor codes in a row, and the lock they caused.
    second_step_failures: i64,
    second_step_locked: bool,
    second_step_locked_until: Option<i64>,
    recovery_codes_left: i64,
    passkeys: i64,
    created_at: i64,
    updated_at: i64,
}

impl<'a> UserView<'a> {
    fn of(u: &'a User, now: i64, recovery_codes_left: i64, passkeys: i64) -> Self {
        UserView {
            id: &u.id,
            email: &u.email,
            name: &u.name,
            given_name: u.given_name.as_deref(),
            family_name: u.family_name.as_deref(),
            role: &u.role,
            deployment: &u.deployment_id,
            status: &u.status,
            email_verified: u.email_verified,
            phone_number: u.phone_number.as_deref(),
            phone_verified: u.phone_verified,
            has_password: u.password_hash.is_some(),
            failed_logins: u.failed_logins,
            locked: u.is_locked(now),
            locked_until: u.locked_until,
            two_step_enabled: u.two_step_enabled,
            second_step_failures: u.sms_failures,
            second_step_locked: u.sms_locked_until.is_some_and(|until| until > now),
            second_step_locked_until: u.sms_locked_until,
            recovery_codes_left,
            passkeys,
            created_at: u.created_at,
            updated_at: u.updated_at,
        }
    }
}

async fn set_status(services: &Services, email: &str, status: Status) -> Result<(), Failure> {
    let user = existing(services, email).await?;
    careid::accounts::registry::set_status(&services.store, &user.id, status, services.clock.now()).await?;
    println!("{}: {}", user.email, status.as_str());
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
            let user = registry::create_user(store, &services.passwords, input, now).await?;
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
            let (_, recovery_codes_left) = store.recovery_code_counts(&user.id).await?;
            let passkeys = store.passkey_count(&user.id).await?;
            let json = serde_json::to_string_pretty(&UserView::of(&user, now, recovery_codes_left, passkeys))
                .map_err(|e| Failure::new(1, e.to_string()))?;
            println!("{json}");
        }
        UsersCommand::Disable { email } => set_status(&services, &email, Status::Disabled).await?,
        UsersCommand::Enable { email } => set_status(&services, &email, Status::Active).await?,
        UsersCommand::Unlock { email } => {
            let user = existing(&services, &email).await?;
            store.clear_login_failures(&user.id).await?;
            store.clear_sms_failures(&user.id).await?;
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
