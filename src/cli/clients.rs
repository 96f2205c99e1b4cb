//! `careid clients`: register and manage relying parties from the command line.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};

use careid::Services;
use careid::accounts::Role;
use careid::clients::registry;
use careid::clients::{AuthMethod, Client, ClientSpec};
use careid::crypto::Alg;
use careid::secret::Secret;

use super::keys::parse_alg;
use super::{Failure, read_secret_line};

#[derive(Subcommand)]
pub enum ClientsCommand {
    /// Register a client. A confidential client without --secret-stdin gets a
    /// generated secret, printed once.
    Add {
        #[arg(long)]
        id: String,
        #[arg(long)]
        name: String,
        /// A native or browser app: no secret, auth method none.
        #[arg(long)]
        public: bool,
        /// Read the secret (at least 32 characters) from the first line of stdin.
        #[arg(long, conflicts_with = "public")]
        secret_stdin: bool,
        #[command(flatten)]
        fields: Fields,
    },
    /// Every client, one a line.
    List,
    /// Every field of one client as JSON (never the secret).
    Show(Target),
    /// Change only the given fields; a repeatable flag replaces the whole list.
    Update {
        #[command(flatten)]
        target: Target,
        #[arg(long)]
        name: Option<String>,
        /// Read a new secret from stdin (when switching to a secret auth method).
        #[arg(long)]
        secret_stdin: bool,
        #[command(flatten)]
        fields: Fields,
        #[command(flatten)]
        off: Switches,
    },
    /// Delete a client with its grants, consents and tokens.
    Remove(Target),
    /// Replace the secret: generated and printed once, or read from stdin.
    RotateSecret {
        #[command(flatten)]
        target: Target,
        #[arg(long)]
        secret_stdin: bool,
    },
}

/// The client a command acts on: `--id ID` or just `ID`.
#[derive(Args)]
#[group(required = true, multiple = false)]
pub struct Target {
    #[arg(value_name = "ID")]
    client: Option<String>,
    #[arg(long, value_name = "ID")]
    id: Option<String>,
}

impl Target {
    fn into_id(self) -> String {
        self.id.or(self.client).unwrap_or_default()
    }
}

/// The registration fields `add` and `update` share (see `careid::clients::ClientSpec`).
#[derive(Args)]
pub struct Fields {
    #[arg(long, value_parser = AuthMethod::parse)]
    auth_method: Option<AuthMethod>,
    /// The client's public keys (a JSON JWKS), for private_key_jwt.
    #[arg(long, value_name = "FILE")]
    jwks_file: Option<PathBuf>,
    #[arg(long = "redirect-uri", value_name = "URI")]
    redirect_uris: Vec<String>,
    #[arg(long = "post-logout-redirect-uri", value_name = "URI")]
    post_logout_redirect_uris: Vec<String>,
    /// authorization_code, refresh_token, client_credentials.
    #[arg(long = "grant-type", value_name = "GRANT")]
    grant_types: Vec<String>,
    /// A scope the client may ask for.
    #[arg(long = "scope")]
    scopes: Vec<String>,
    /// Only these roles may sign in (default: every role).
    #[arg(long = "allowed-role", value_name = "ROLE", value_parser = Role::parse)]
    allowed_roles: Vec<Role>,
    #[arg(long, value_parser = parse_alg)]
    id_token_alg: Option<Alg>,
    /// Operated by the platform itself: no consent screen.
    #[arg(long)]
    first_party: bool,
    /// Ask people to accept the deployment's current terms and disclaimer before returning.
    #[arg(long)]
    require_terms: bool,
    #[arg(long, value_name = "URI")]
    backchannel_logout_uri: Option<String>,
    #[arg(long, value_name = "SECS")]
    access_token_ttl: Option<i64>,
    #[arg(long, value_name = "SECS")]
    id_token_ttl: Option<i64>,
    #[arg(long, value_name = "SECS")]
    refresh_token_ttl: Option<i64>,
    #[arg(long, value_name = "SECS")]
    refresh_grace_secs: Option<i64>,
}

/// What `update` can turn off, which the flags of [`Fields`] cannot say.
#[derive(Args)]
pub struct Switches {
    #[arg(long, conflicts_with = "first_party")]
    no_first_party: bool,
    #[arg(long, conflicts_with = "require_terms")]
    no_require_terms: bool,
    #[arg(long, conflicts_with = "backchannel_logout_uri")]
    clear_backchannel_logout_uri: bool,
    #[arg(long, conflicts_with = "post_logout_redirect_uris")]
    clear_post_logout_redirect_uris: bool,
    /// Let every role sign in.
    #[arg(long, conflicts_with = "allowed_roles")]
    clear_allowed_roles: bool,
}

impl Fields {
    fn apply(self, spec: &mut ClientSpec) -> Result<(), Failure> {
        let replace = |list: &mut Vec<String>, given: Vec<String>| {
            if !given.is_empty() {
                *list = given;
            }
        };
        replace(&mut spec.redirect_uris, self.redirect_uris);
        replace(&mut spec.post_logout_redirect_uris, self.post_logout_redirect_uris);
        if !self.grant_types.is_empty() {
            spec.grant_types = Some(self.grant_types);
        }
        if !self.scopes.is_empty() {
            spec.allowed_scopes = Some(self.scopes);
        }
        if !self.allowed_roles.is_empty() {
            spec.allowed_roles = self.allowed_roles;
        }
        if let Some(file) = self.jwks_file {
            spec.jwks = Some(read_jwks(&file)?);
        }
        spec.auth_method = self.auth_method.or(spec.auth_method);
        spec.id_token_alg = self.id_token_alg.or(spec.id_token_alg);
        spec.first_party |= self.first_party;
        spec.require_terms |= self.require_terms;
        spec.backchannel_logout_uri = self.backchannel_logout_uri.or(spec.backchannel_logout_uri.take());
        spec.access_token_ttl = self.access_token_ttl.or(spec.access_token_ttl);
        spec.id_token_ttl = self.id_token_ttl.or(spec.id_token_ttl);
        spec.refresh_token_ttl = self.refresh_token_ttl.or(spec.refresh_token_ttl);
        spec.refresh_grace_secs = self.refresh_grace_secs.or(spec.refresh_grace_secs);
        Ok(())
    }
}

impl Switches {
    fn apply(self, spec: &mut ClientSpec) {
        if self.no_first_party {
            spec.first_party = false;
        }
        if self.no_require_terms {
            spec.require_terms = false;
        }
        if self.clear_backchannel_logout_uri {
            spec.backchannel_logout_uri = None;
        }
        if self.clear_post_logout_redirect_uris {
            spec.post_logout_redirect_uris.clear();
        }
        if self.clear_allowed_roles {
            spec.allowed_roles.clear();
        }
    }
}

fn read_jwks(file: &Path) -> Result<serde_json::Value, Failure> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| Failure::new(1, format!("cannot read {}: {e}", file.display())))?;
    serde_json::from_str(&text).map_err(|e| Failure::new(1, format!("{}: not JSON: {e}", file.display())))
}

fn secret_from_stdin(wanted: bool) -> Result<Option<Secret>, Failure> {
    wanted.then(|| read_secret_line("client secret")).transpose()
}

async fn existing(services: &Services, id: &str) -> Result<Client, Failure> {
    services.store.client(id).await?.ok_or_else(|| Failure::new(1, format!("no client {id:?}")))
}

fn print_secret(secret: &str) {
    println!("client secret (shown once): {secret}");
}

pub async fn run(services: Services, command: ClientsCommand) -> Result<(), Failure> {
    let (store, hasher, now) = (&services.store, &services.secrets, services.clock.now());
    match command {
        ClientsCommand::Add { id, name, public, secret_stdin, fields } => {
            let mut spec = ClientSpec { id, name, public, ..ClientSpec::default() };
            spec.secret = secret_from_stdin(secret_stdin)?;
            fields.apply(&mut spec)?;
            if store.client(&spec.id).await?.is_some() {
                return Err(Failure::new(1, format!("client {} already exists; use update", spec.id)));
            }
            let (client, generated) = registry::save(store, hasher, spec, true, now).await?;
            let kind = if client.public { "public" } else { "confidential" };
            println!("added client {} ({kind}, {})", client.id, client.auth_method.as_str());
            if let Some(secret) = generated {
                print_secret(&secret);
            }
        }
        ClientsCommand::List => {
            println!("{:<24} {:<32} {:<12} {:<20} {:>9}", "ID", "NAME", "TYPE", "AUTH", "REDIRECTS");
            for c in store.list_clients().await? {
                let kind = if c.public { "public" } else { "confidential" };
                let auth = c.auth_method.as_str();
                println!("{:<24} {:<32} {kind:<12} {auth:<20} {:>9}", c.id, c.name, c.redirect_uris.len());
            }
        }
        ClientsCommand::Show(target) => {
            let client = existing(&services, &target.into_id()).await?;
            let json = serde_json::to_string_pretty(&client).map_err(|e| Failure::new(1, e.to_string()))?;
            println!("{json}");
        }
        ClientsCommand::Update { target, name, secret_stdin, fields, off } => {
            let mut spec = existing(&services, &target.into_id()).await?.to_spec();
            spec.name = name.unwrap_or(spec.name);
            spec.secret = secret_from_stdin(secret_stdin)?;
            fields.apply(&mut spec)?;
            off.apply(&mut spec);
            let (client, _) = registry::save(store, hasher, spec, false, now).await?;
            println!("updated client {}", client.id);
        }
        ClientsCommand::Remove(target) => {
            let id = target.into_id();
            if !store.delete_client(&id).await? {
                return Err(Failure::new(1, format!("no client {id:?}")));
            }
            println!("removed client {id}");
        }
        ClientsCommand::RotateSecret { target, secret_stdin } => {
            let id = target.into_id();
            let supplied = secret_from_stdin(secret_stdin)?;
            let shown =
                registry::rotate_secret(store, hasher, &id, supplied.as_ref().map(Secret::expose), now)
                    .await?;
            match shown {
                Some(secret) => print_secret(&secret),
                None => println!("client {id}: secret replaced"),
            }
        }
    }
    Ok(())
}
