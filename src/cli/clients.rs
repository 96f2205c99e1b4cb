//! `careid clients`: register and manage relying parties from the command line.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};

use careid::Services;
use careid::audit::Origin;
use careid::clients::administration::{self, ClientError};
use careid::clients::{AuthMethod, Client, ClientSpec};
use careid::crypto::Alg;
use careid::people::Role;
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
    /// Matched exactly: no wildcards (*).
    #[arg(long = "redirect-uri", value_name = "URI")]
    redirect_uris: Vec<String>,
    /// Matched exactly: no wildcards (*).
    #[arg(long = "post-logout-redirect-uri", value_name = "URI")]
    post_logout_redirect_uris: Vec<String>,
    /// Public clients: a web origin (https://app.example) whose browser code may call
    /// /token, /userinfo and /revoke (CORS); default: the origins of the redirect URIs.
    #[arg(long = "allowed-origin", value_name = "ORIGIN")]
    allowed_origins: Vec<String>,
    /// authorization_code, refresh_token, client_credentials.
    #[arg(long = "grant-type", value_name = "GRANT")]
    grant_types: Vec<String>,
    /// A scope the client may ask for.
    #[arg(long = "scope")]
    scopes: Vec<String>,
    /// Only these roles may sign in (default: every role).
    #[arg(long = "allowed-role", value_name = "ROLE", value_parser = Role::parse)]
    allowed_roles: Vec<Role>,
    /// Only members of this deployment may sign in (repeatable; default: every deployment).
    #[arg(long = "deployment", value_name = "ID")]
    deployments: Vec<String>,
    #[arg(long, value_parser = parse_alg)]
    id_token_alg: Option<Alg>,
    /// Operated by the platform itself: no consent screen.
    #[arg(long)]
    first_party: bool,
    /// Ask people to accept the deployment's current terms and disclaimer before returning.
    #[arg(long)]
    require_terms: bool,
    /// Not on an internal address unless outbound_allowed_networks allows it.
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
    /// Accept authorization requests only through /par (RFC 9126).
    #[arg(long)]
    require_pushed_authorization_requests: bool,
    /// Refuse token requests without a DPoP proof (RFC 9449); new public clients default to it.
    #[arg(long)]
    require_dpop: bool,
    /// Accept bearer tokens from this client too (a public client's default is DPoP).
    #[arg(long, conflicts_with = "require_dpop")]
    no_require_dpop: bool,

    /// The API (its id) the client's access tokens are for when a request names none.
    #[arg(long, value_name = "URI")]
    default_resource: Option<String>,
    /// OIDC third-party-initiated login: where careid sends a person to sign in
    /// here once their sign-up is done (https, or http on loopback).
    #[arg(long, value_name = "URI")]
    initiate_login_uri: Option<String>,
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
    /// Go back to the origins of the redirect URIs.
    #[arg(long, conflicts_with = "allowed_origins")]
    clear_allowed_origins: bool,
    /// Let every role sign in.
    #[arg(long, conflicts_with = "allowed_roles")]
    clear_allowed_roles: bool,
    /// Serve every deployment.
    #[arg(long, conflicts_with = "deployments")]
    clear_deployments: bool,
    #[arg(long, conflicts_with = "require_pushed_authorization_requests")]
    no_require_pushed_authorization_requests: bool,

    /// Tokens are for careid unless a request names an API.
    #[arg(long, conflicts_with = "default_resource")]
    clear_default_resource: bool,
    #[arg(long, conflicts_with = "initiate_login_uri")]
    clear_initiate_login_uri: bool,
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
        replace(&mut spec.allowed_origins, self.allowed_origins);
        if !self.grant_types.is_empty() {
            spec.grant_types = Some(self.grant_types);
        }
        if !self.scopes.is_empty() {
            spec.allowed_scopes = Some(self.scopes);
        }
        if !self.allowed_roles.is_empty() {
            spec.allowed_roles = self.allowed_roles;
        }
        replace(&mut spec.deployments, self.deployments);
        if let Some(file) = self.jwks_file {
            spec.jwks = Some(read_jwks(&file)?);
        }
        spec.auth_method = self.auth_method.or(spec.auth_method);
        spec.id_token_alg = self.id_token_alg.or(spec.id_token_alg);
        spec.first_party |= self.first_party;
        spec.require_terms |= self.require_terms;
        spec.require_pushed_authorization_requests |= self.require_pushed_authorization_requests;
        if self.require_dpop || self.no_require_dpop {
            spec.require_dpop = Some(self.require_dpop);
        }
        spec.backchannel_logout_uri = self.backchannel_logout_uri.or(spec.backchannel_logout_uri.take());
        spec.access_token_ttl = self.access_token_ttl.or(spec.access_token_ttl);
        spec.id_token_ttl = self.id_token_ttl.or(spec.id_token_ttl);
        spec.refresh_token_ttl = self.refresh_token_ttl.or(spec.refresh_token_ttl);
        spec.refresh_grace_secs = self.refresh_grace_secs.or(spec.refresh_grace_secs);
        spec.default_resource = self.default_resource.or(spec.default_resource.take());
        spec.initiate_login_uri = self.initiate_login_uri.or(spec.initiate_login_uri.take());
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
        if self.clear_allowed_origins {
            spec.allowed_origins.clear();
        }
        if self.clear_allowed_roles {
            spec.allowed_roles.clear();
        }
        if self.clear_deployments {
            spec.deployments.clear();
        }
        if self.no_require_pushed_authorization_requests {
            spec.require_pushed_authorization_requests = false;
        }
        if self.clear_default_resource {
            spec.default_resource = None;
        }
        if self.clear_initiate_login_uri {
            spec.initiate_login_uri = None;
        }
    }
}

pub(super) fn read_jwks(file: &Path) -> Result<serde_json::Value, Failure> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| Failure::new(1, format!("cannot read {}: {e}", file.display())))?;
    serde_json::from_str(&text).map_err(|e| Failure::new(1, format!("{}: not JSON: {e}", file.display())))
}

fn secret_from_stdin(wanted: bool) -> Result<Option<Secret>, Failure> {
    wanted.then(|| read_secret_line("client secret")).transpose()
}

impl From<ClientError> for Failure {
    fn from(e: ClientError) -> Self {
        Failure::new(1, e.to_string())
    }
}

async fn existing(services: &Services, id: &str) -> Result<Client, Failure> {
    services.store.client(id).await?.ok_or_else(|| Failure::new(1, format!("no client {id:?}")))
}

fn print_secret(secret: &str) {
    println!("client secret (shown once): {secret}");
}

pub async fn run(services: Services, command: ClientsCommand) -> Result<(), Failure> {
    let state = std::sync::Arc::new(services);
    let store = &state.store;
    let origin = Origin::default();
    match command {
        ClientsCommand::Add { id, name, public, secret_stdin, fields } => {
            let mut spec = ClientSpec { id, name, public, ..ClientSpec::default() };
            spec.secret = secret_from_stdin(secret_stdin)?;
            fields.apply(&mut spec)?;
            if store.client(&spec.id).await?.is_some() {
                return Err(Failure::new(1, format!("client {} already exists; use update", spec.id)));
            }
            let (client, generated) = administration::create(&state, spec, None, &origin).await?;
            let kind = if client.public { "public" } else { "confidential" };
            println!("added client {} ({kind}, {})", client.id, client.auth_method.as_str());
            if let Some(secret) = generated {
                print_secret(&secret);
            }
        }
        ClientsCommand::List => {
            let header = ("ID", "NAME", "TYPE", "AUTH", "REDIRECTS", "DEPLOYMENTS");
            println!(
                "{:<24} {:<32} {:<12} {:<20} {:>9} {}",
                header.0, header.1, header.2, header.3, header.4, header.5
            );
            for c in store.list_clients().await? {
                let kind = if c.public { "public" } else { "confidential" };
                let auth = c.auth_method.as_str();
                let served =
                    if c.deployments.is_empty() { "all".to_string() } else { c.deployments.join(",") };
                let redirects = c.redirect_uris.len();
                println!("{:<24} {:<32} {kind:<12} {auth:<20} {redirects:>9} {served}", c.id, c.name);
            }
        }
        ClientsCommand::Show(target) => {
            let client = existing(&state, &target.into_id()).await?;
            let json = serde_json::to_string_pretty(&client).map_err(|e| Failure::new(1, e.to_string()))?;
            println!("{json}");
        }
        ClientsCommand::Update { target, name, secret_stdin, fields, off } => {
            let mut spec = existing(&state, &target.into_id()).await?.to_spec();
            spec.name = name.unwrap_or(spec.name);
            spec.secret = secret_from_stdin(secret_stdin)?;
            fields.apply(&mut spec)?;
            off.apply(&mut spec);
            let client = administration::update(&state, spec, None, None, &origin).await?;
            println!("updated client {}", client.id);
        }
        ClientsCommand::Remove(target) => {
            let id = target.into_id();
            administration::remove(&state, &id, None, &origin).await?;
            println!("removed client {id}");
        }
        ClientsCommand::RotateSecret { target, secret_stdin } => {
            let id = target.into_id();
            let supplied = secret_from_stdin(secret_stdin)?;
            let supplied = supplied.as_ref().map(Secret::expose);
            let shown = administration::rotate_secret(&state, &id, supplied, None, &origin).await?;
            match shown {
                Some(secret) => print_secret(&secret),
                None => println!("client {id}: secret replaced"),
            }
        }
    }
    Ok(())
}
