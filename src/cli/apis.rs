//! `careid apis`: register and manage the APIs (resource servers) access
//! tokens can be for.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use careid::Services;
use careid::apis::registry::{self, SecretChange};
use careid::apis::{Api, ApiSpec};
use careid::crypto::Alg;

use super::clients::read_jwks;
use super::keys::parse_alg;
use super::{Failure, read_secret_line};

#[derive(Subcommand)]
pub enum ApisCommand {
    /// Register an API: its resource identifier (the `aud` of its tokens) and scopes.
    Add {
        /// The resource identifier: an absolute URI, no fragment or query.
        #[arg(long, value_name = "URI")]
        id: String,
        #[arg(long)]
        name: String,
        #[command(flatten)]
        fields: Fields,
    },
    /// Every API, one a line.
    List,
    /// Every field of one API as JSON (never the secret).
    Show(Target),
    /// Change only the given fields; --scope replaces the whole list.
    Update {
        #[command(flatten)]
        target: Target,
        #[arg(long)]
        name: Option<String>,
        #[command(flatten)]
        fields: Fields,
        /// The API no longer calls /introspect with a secret.
        #[arg(long, conflicts_with = "secret_stdin")]
        clear_secret: bool,
        /// The API no longer calls /introspect with private_key_jwt.
        #[arg(long, conflicts_with = "jwks_file")]
        clear_jwks: bool,
        /// Its tokens live as long as the client's access tokens.
        #[arg(long, conflicts_with = "access_token_ttl")]
        clear_access_token_ttl: bool,
    },
    /// Delete an API that no client uses any more.
    Remove(Target),
}

/// The API a command acts on: `--id URI` or just `URI`.
#[derive(Args)]
#[group(required = true, multiple = false)]
pub struct Target {
    #[arg(value_name = "URI")]
    api: Option<String>,
    #[arg(long, value_name = "URI")]
    id: Option<String>,
}

impl Target {
    fn into_id(self) -> String {
        self.id.or(self.api).unwrap_or_default()
    }
}

/// The fields `add` and `update` share (see `careid::apis::ApiSpec`).
#[derive(Args)]
pub struct Fields {
    /// A scope the API enforces; unique across APIs, none of careid's own.
    #[arg(long = "scope", value_name = "SCOPE")]
    scopes: Vec<String>,
    /// What the consent page says the scope lets a client do.
    #[arg(long = "scope-description", value_name = "SCOPE=TEXT", value_parser = parse_description)]
    descriptions: Vec<(String, String)>,
    /// How long its access tokens live (default: the client's access_token_ttl).
    #[arg(long, value_name = "SECS")]
    access_token_ttl: Option<i64>,
    /// The alg its access tokens are signed with (default ES256).
    #[arg(long, value_parser = parse_alg)]
    alg: Option<Alg>,
    /// Read a secret (at least 32 characters) from the first line of stdin: the
    /// API then calls /introspect with HTTP Basic.
    #[arg(long)]
    secret_stdin: bool,
    /// The API's public keys (a JSON JWKS): it then calls /introspect with private_key_jwt.
    #[arg(long, value_name = "FILE")]
    jwks_file: Option<PathBuf>,
}

fn parse_description(s: &str) -> Result<(String, String), String> {
    let (scope, text) = s.split_once('=').ok_or("use SCOPE=TEXT")?;
    Ok((scope.trim().to_string(), text.trim().to_string()))
}

impl Fields {
    fn apply(self, spec: &mut ApiSpec) -> Result<(), Failure> {
        if !self.scopes.is_empty() {
            spec.scopes = self.scopes;
            let kept = &spec.scopes;
            spec.scope_descriptions.retain(|scope, _| kept.contains(scope));
        }
        spec.scope_descriptions.extend(self.descriptions);
        spec.access_token_ttl = self.access_token_ttl.or(spec.access_token_ttl);
        spec.alg = self.alg.or(spec.alg);
        if self.secret_stdin {
            spec.secret = Some(read_secret_line("API secret")?);
        }
        if let Some(file) = self.jwks_file {
            spec.jwks = Some(read_jwks(&file)?);
        }
        Ok(())
    }
}

async fn existing(services: &Services, id: &str) -> Result<Api, Failure> {
    services.store.api(id).await?.ok_or_else(|| Failure::new(1, format!("no API {id:?}")))
}

/// How the API may call /introspect, for `list` and `show`.
fn introspection(api: &Api) -> String {
    let mut methods = Vec::new();
    if api.secret_hash.is_some() {
        methods.push("client_secret_basic");
    }
    if api.jwks.is_some() {
        methods.push("private_key_jwt");
    }
    if methods.is_empty() { "none".into() } else { methods.join(",") }
}

pub async fn run(services: Services, command: ApisCommand) -> Result<(), Failure> {
    let (store, hasher, now) = (&services.store, &services.secrets, services.clock.now());
    let issuer = services.config.issuer_str();
    match command {
        ApisCommand::Add { id, name, fields } => {
            let mut spec = ApiSpec { id, name, ..ApiSpec::default() };
            fields.apply(&mut spec)?;
            if store.api(spec.id.trim()).await?.is_some() {
                return Err(Failure::new(1, format!("API {} already exists; use update", spec.id.trim())));
            }
            let api = registry::save(store, hasher, spec, SecretChange::Keep, issuer, now).await?;
            let scopes = api.scope_names().join(" ");
            println!(
                "added API {} ({}, scopes {scopes}, introspection {})",
                api.id,
                api.alg,
                introspection(&api)
            );
        }
        ApisCommand::List => {
            println!("{:<40} {:<24} {:<6} {:<40} INTROSPECTION", "ID", "NAME", "ALG", "SCOPES");
            for api in store.list_apis().await? {
                let scopes = api.scope_names().join(" ");
                println!(
                    "{:<40} {:<24} {:<6} {scopes:<40} {}",
                    api.id,
                    api.name,
                    api.alg,
                    introspection(&api)
                );
            }
        }
        ApisCommand::Show(target) => {
            let api = existing(&services, &target.into_id()).await?;
            let mut json = serde_json::to_value(&api).map_err(|e| Failure::new(1, e.to_string()))?;
            json["introspection"] = introspection(&api).into();
            let text = serde_json::to_string_pretty(&json).map_err(|e| Failure::new(1, e.to_string()))?;
            println!("{text}");
        }
        ApisCommand::Update { target, name, fields, clear_secret, clear_jwks, clear_access_token_ttl } => {
            let mut spec = existing(&services, &target.into_id()).await?.to_spec();
            spec.name = name.unwrap_or(spec.name);
            fields.apply(&mut spec)?;
            if clear_jwks {
                spec.jwks = None;
            }
            if clear_access_token_ttl {
                spec.access_token_ttl = None;
            }
            let secret = if clear_secret { SecretChange::Clear } else { SecretChange::Keep };
            let api = registry::save(store, hasher, spec, secret, issuer, now).await?;
            println!("updated API {}", api.id);
        }
        ApisCommand::Remove(target) => {
            let id = target.into_id();
            registry::remove(store, &id).await?;
            println!("removed API {id}");
        }
    }
    Ok(())
}
