//! Command-line interface: argument parsing and the subcommands.

mod keys;
mod serve;
mod sessions;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use careid::config::Config;
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
            let store = careid::store::Store::connect(&config).await.map_err(|e| Failure::new(1, e))?;
            store.migrate().await.map_err(|e| Failure::new(1, e.to_string()))?;
            println!("migrations applied ({})", store.backend_name());
            Ok(())
        }
        Command::Sessions(args) => sessions::run(services(config).await?, args).await,
        Command::Keys(command) => keys::run(services(config).await?, command).await,
    }
}

/// The same stores and keys the server uses, for operator commands.
async fn services(config: Config) -> Result<Services, Failure> {
    Ok(careid::open_services(config, Options::default()).await?)
}
