//! `careid keys`: list, rotate and import signing keys.

use std::path::PathBuf;

use clap::Subcommand;

use careid::Services;
use careid::crypto::{Alg, KeyMaterial};

use super::Failure;

#[derive(Subcommand)]
pub enum KeysCommand {
    /// List every stored key with its state (next, current, retired).
    List,
    /// Add a new key for each algorithm (or those given); published at once,
    /// signing after keys.publish_before_use_secs.
    Rotate {
        /// Only this algorithm (RS256, PS256, ES256, EdDSA); repeatable.
        #[arg(long = "alg", value_parser = parse_alg)]
        algs: Vec<Alg>,
        /// Sign with the new key at once (after a compromise); relying parties
        /// with a cached JWKS may reject tokens until they refetch it.
        #[arg(long)]
        now: bool,
    },
    /// Import a PEM private key (RSA ≥ 2048, EC P-256 or Ed25519) as the next key.
    Import {
        file: PathBuf,
        /// For RSA keys: RS256 (default) or PS256.
        #[arg(long, value_parser = parse_alg)]
        alg: Option<Alg>,
        #[arg(long)]
        now: bool,
    },
}

pub(super) fn parse_alg(s: &str) -> Result<Alg, String> {
    Alg::parse(s).ok_or_else(|| format!("unknown algorithm {s:?} (RS256, PS256, ES256, EdDSA)"))
}

pub async fn run(services: Services, command: KeysCommand) -> Result<(), Failure> {
    let keyring = &services.keyring;
    let fail = |e: careid::crypto::KeyringError| Failure::new(1, e.to_string());
    match command {
        KeysCommand::List => {
            println!("{:<44} {:<6} {:<8} {:>12} {:>12}", "KID", "ALG", "STATE", "ACTIVATES", "RETIRES");
            for key in keyring.list() {
                let retires = key.retires_at.map(|t| t.to_string()).unwrap_or_else(|| "-".into());
                println!(
                    "{:<44} {:<6} {:<8} {:>12} {:>12}",
                    key.kid, key.alg, key.state, key.activates_at, retires
                );
            }
        }
        KeysCommand::Rotate { algs, now } => {
            let algs = if algs.is_empty() { Alg::ALL.to_vec() } else { algs };
            for alg in algs {
                let kid = keyring.add_next(&KeyMaterial::generate(alg), now).await.map_err(fail)?;
                println!("{alg}: new key {kid} {}", activation(now, &services));
            }
        }
        KeysCommand::Import { file, alg, now } => {
            let pem = std::fs::read_to_string(&file)
                .map_err(|e| Failure::new(1, format!("cannot read {}: {e}", file.display())))?;
            let material = KeyMaterial::from_pem(&pem, alg)
                .map_err(|e| Failure::new(1, format!("{}: {e}", file.display())))?;
            let kid = keyring.add_next(&material, now).await.map_err(fail)?;
            println!("{}: imported key {kid} {}", material.alg, activation(now, &services));
        }
    }
    Ok(())
}

fn activation(now: bool, services: &Services) -> String {
    if now {
        "signs now".into()
    } else {
        format!("is published now and signs in {} s", services.config.keys.publish_before_use_secs)
    }
}
