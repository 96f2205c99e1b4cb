//! Command-line interface: argument parsing and the subcommands.

mod apis;
mod audit;
mod clients;
mod deployments;
mod invite;
mod keys;
mod policy;
mod serve;
mod sessions;
mod users;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use careid::clients::registry::RegistryError;
use careid::config::Config;
use careid::login::session::SessionError;
use careid::people::membership::MemberError;
use careid::people::registry::AccountError;
use careid::secret::Secret;
use careid::store::StoreError;
use careid::{Options, Services, StartupError};

#[derive(Parser)]
#[command(name = "careid", version, about = "OpenID Connect identity provider for digital health")]
pub struct Args {
    /// Configuration file (TOML); every key can also be set as CAREID_<KEY>.
    #[arg(long, global = true, env = "CAREID_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the provider (the default).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Back-channel logout deliveries: client, status, attempts, last error.
    Sessions(sessions::SessionsArgs),
    /// Signing keys: list, rotate, import.
    #[command(subcommand)]
    Keys(keys::KeysCommand),
    /// Relying parties: add, list, show, update, remove, rotate-secret.
    #[command(subcommand)]
    Clients(clients::ClientsCommand),
    /// APIs (resource servers) and their scopes: add, list, show, update, remove.
    #[command(subcommand)]
    Apis(apis::ApisCommand),
    /// Accounts: add, list, show, disable, enable, grant-operator, revoke-operator, unlock, reset-mfa.
    #[command(subcommand)]
    Users(users::UsersCommand),
    Invite(invite::InviteArgs),
    /// Deployments (care programmes), their policy and brand: add, list, show, update.
    #[command(subcommand)]
    Deployments(deployments::DeploymentsCommand),
    /// Sign-in policy: explain what a person must present at a client, and why.
    #[command(subcommand)]
    Policy(policy::PolicyCommand),
    /// The audit trail: verify its hash chain, export it (NDJSON or CSV).
    #[command(subcommand)]
    Audit(audit::AuditCommand),
}

/// A failed command: the line to print and the exit code.
pub struct Failure {
    pub message: String,
    pub code: u8,
}

impl Failure {
    pub fn new(code: u8, message: impl Into<String>) -> Self {
        Failure { message: message.into(), code }
    }
}

/// Operational failures: the domain's message, exit 1.
macro_rules! exit_1_from {
    ($($error:ty),*) => {$(
        impl From<$error> for Failure {
            fn from(e: $error) -> Self {
                Failure::new(1, e.to_string())
            }
        }
    )*};
}
exit_1_from!(StoreError, SessionError, RegistryError, AccountError, MemberError);

impl From<StartupError> for Failure {
    fn from(e: StartupError) -> Self {
        Failure::new(e.exit_code(), e.to_string())
    }
}

pub async fn run(args: Args) -> Result<(), Failure> {
    let config =
        Config::load(args.config.as_deref()).map_err(|e| Failure::new(2, format!("configuration: {e}")))?;
    match args.command.unwrap_or(Command::Serve) {
        Command::Serve => serve::run(config).await,
        Command::Migrate => {
            let store = careid::store::Store::connect(config.database_url.as_deref(), &config.data_dir)
                .await
                .map_err(|e| Failure::new(1, e))?;
            store.migrate().await.map_err(|e| Failure::new(1, e.to_string()))?;
            println!("migrations applied ({})", store.backend_name());
            Ok(())
        }
        Command::Sessions(args) => sessions::run(services(config).await?, args).await,
        Command::Keys(command) => keys::run(services(config).await?, command).await,
        Command::Clients(command) => clients::run(services(config).await?, command).await,
        Command::Apis(command) => apis::run(services(config).await?, command).await,
        Command::Users(command) => users::run(services(config).await?, command).await,
        Command::Invite(args) => invite::run(services(config).await?, args).await,
        Command::Deployments(command) => deployments::run(services(config).await?, command).await,
        Command::Policy(command) => policy::run(services(config).await?, command).await,
        Command::Audit(command) => audit::run(services(config).await?, command).await,
    }
}

/// The same stores and keys the server uses, for operator commands.
async fn services(config: Config) -> Result<Services, Failure> {
    Ok(careid::open_services(config, Options::default()).await?)
}

/// One line from stdin without its line ending: how secrets reach a command,
/// since arguments show up in `ps` and shell history.
fn read_secret_line(what: &str) -> Result<Secret, Failure> {
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .map_err(|e| Failure::new(1, format!("cannot read the {what} from stdin: {e}")))?;
    let value = line.strip_suffix('\n').unwrap_or(&line);
    Ok(Secret::new(value.strip_suffix('\r').unwrap_or(value)))
}
