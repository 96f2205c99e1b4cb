//! Relying parties: their registration, validated once so a bad client cannot exist.

pub mod administration;
mod auth_method;
pub mod deployments;
pub mod initiate_login;
pub mod origins;
pub mod redirect_uri;
pub mod registry;
pub mod secret;

use serde::{Deserialize, Serialize};

use crate::crypto::Alg;
use crate::people::{Role, User};

pub use auth_method::AuthMethod;
pub use redirect_uri::RedirectUri;

/// careid's own client, which signs people in to the account pages through
/// `/authorize` with a request careid builds itself.
pub const ACCOUNT_CLIENT_ID: &str = "careid-account";

pub const GRANT_TYPES: [&str; 3] = ["authorization_code", "refresh_token", "client_credentials"];
pub const SCOPES: [&str; 8] =
    ["openid", "profile", "email", "phone", "offline_access", "careid", "careid:invite", "careid:admin"];

/// A client as stored; every field already validated.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Client {
    pub id: String,
    pub name: String,
    pub public: bool,
    #[serde(skip)]
    pub secret_hash: Option<Vec<u8>>,
    #[schema(value_type = String)]
    pub auth_method: AuthMethod,
    #[schema(value_type = Option<Object>)]
    pub jwks: Option<serde_json::Value>,
    pub redirect_uris: Vec<String>,
    pub post_logout_redirect_uris: Vec<String>,
    /// Web origins a public client's browser code calls from; empty: those of its redirect URIs.
    pub allowed_origins: Vec<String>,
    pub grant_types: Vec<String>,
    pub allowed_scopes: Vec<String>,
    /// Empty: every role may sign in.
    pub allowed_roles: Vec<Role>,
    /// The deployments whose members it admits; empty: every deployment.
    pub deployments: Vec<String>,
    #[schema(value_type = String)]
    pub id_token_alg: Alg,
    pub first_party: bool,
    /// Show the deployment's current terms and disclaimer for acceptance
    /// before returning to this client.
    pub require_terms: bool,
    pub backchannel_logout_uri: Option<String>,
    pub access_token_ttl: i64,
    pub id_token_ttl: i64,
    pub refresh_token_ttl: i64,
    pub refresh_grace_secs: i64,
    /// The weakest `acr` this client accepts (`None`: a password is enough).
    pub min_acr: Option<String>,
    /// Authorization requests only through `/par` (RFC 9126 §6).
    pub require_pushed_authorization_requests: bool,
    /// The API its access tokens are for when a request names none (RFC 8707).
    pub default_resource: Option<String>,
    /// Every token request carries a DPoP proof (RFC 9449 §5.2 `dpop_bound_access_tokens`).
    pub require_dpop: bool,
    /// OIDC third-party-initiated login: where careid sends a person to be
    /// signed in at this client once their sign-up is done.
    pub initiate_login_uri: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl Client {
    pub fn allows_grant(&self, grant: &str) -> bool {
        self.grant_types.iter().any(|g| g == grant)
    }

    pub fn allows_role(&self, role: Role) -> bool {
        self.allowed_roles.is_empty() || self.allowed_roles.contains(&role)
    }

    /// Whether members of `deployment_id` may use this client.
    pub fn serves(&self, deployment_id: &str) -> bool {
        deployments::serves(&self.deployments, deployment_id)
    }

    /// Whether `user` may use this client at all: their role and their
    /// deployment. Sign-in asks it, and so does every grant that mints tokens
    /// from an earlier sign-in, so a changed registration takes effect at once.
    pub fn admits(&self, user: &User) -> bool {
        user.role().is_some_and(|role| self.allows_role(role)) && self.serves(&user.deployment_id)
    }

    /// Whether `uri` (as sent in a request) is one of this client's redirect URIs.
    pub fn redirect_uri_matches(&self, uri: &str) -> bool {
        self.redirect_uris.iter().any(|registered| redirect_uri::matches(registered, uri))
    }

    /// The web origins whose browser code may call the token, userinfo and
    /// revocation endpoints for this client (CORS).
    pub fn web_origins(&self) -> Vec<String> {
        origins::of_client(self.public, &self.allowed_origins, &self.redirect_uris)
    }

    /// Whether this client's authorization requests must come through `/par`:
    /// its own setting, or careid's (`par.required`) for every client but
    /// careid's own account client, whose request careid writes itself.
    pub fn must_push(&self, required_for_all: bool) -> bool {
        self.require_pushed_authorization_requests || (required_for_all && self.id != ACCOUNT_CLIENT_ID)
    }

    /// The registration this client was saved from, every default made explicit
    /// and no secret (saving it keeps the stored one): the base of an update.
    pub fn to_spec(&self) -> ClientSpec {
        ClientSpec {
            id: self.id.clone(),
            name: self.name.clone(),
            public: self.public,
            secret: None,
            auth_method: Some(self.auth_method),
            jwks: self.jwks.clone(),
            redirect_uris: self.redirect_uris.clone(),
            post_logout_redirect_uris: self.post_logout_redirect_uris.clone(),
            allowed_origins: self.allowed_origins.clone(),
            grant_types: Some(self.grant_types.clone()),
            allowed_scopes: Some(self.allowed_scopes.clone()),
            allowed_roles: self.allowed_roles.clone(),
            deployments: self.deployments.clone(),
            id_token_alg: Some(self.id_token_alg),
            first_party: self.first_party,
            require_terms: self.require_terms,
            backchannel_logout_uri: self.backchannel_logout_uri.clone(),
            access_token_ttl: Some(self.access_token_ttl),
            id_token_ttl: Some(self.id_token_ttl),
            refresh_token_ttl: Some(self.refresh_token_ttl),
            refresh_grace_secs: Some(self.refresh_grace_secs),
            min_acr: self.min_acr.clone(),
            require_pushed_authorization_requests: self.require_pushed_authorization_requests,
            default_resource: self.default_resource.clone(),
            require_dpop: Some(self.require_dpop),
            initiate_login_uri: self.initiate_login_uri.clone(),
        }
    }
}

/// A client's registration as an operator writes it (careid.toml `[[clients]]`
/// or the CLI); [`ClientSpec::validate`] turns it into a [`Client`].
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClientSpec {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub public: bool,
    /// Confidential clients: at least 32 characters. Unset in careid.toml means
    /// the secret is managed with `careid clients rotate-secret`.
    #[serde(default, skip_serializing)]
    #[schema(value_type = Option<String>)]
    pub secret: Option<crate::secret::Secret>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub auth_method: Option<AuthMethod>,
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub jwks: Option<serde_json::Value>,
    #[serde(default)]
    pub redirect_uris: Vec<String>,
    #[serde(default)]
    pub post_logout_redirect_uris: Vec<String>,
    /// Public clients: the web origins their browser code calls from (CORS),
    /// instead of the origins of their redirect URIs.
    #[serde(default)]
    pub allowed_origins: Vec<String>,
    #[serde(default)]
    pub grant_types: Option<Vec<String>>,
    #[serde(default)]
    pub allowed_scopes: Option<Vec<String>>,
    #[serde(default)]
    pub allowed_roles: Vec<Role>,
    /// Only members of these deployments may sign in (default: every deployment).
    #[serde(default)]
    pub deployments: Vec<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub id_token_alg: Option<Alg>,
    #[serde(default)]
    pub first_party: bool,
    #[serde(default)]
    pub require_terms: bool,
    #[serde(default)]
    pub backchannel_logout_uri: Option<String>,
    #[serde(default)]
    pub access_token_ttl: Option<i64>,
    #[serde(default)]
    pub id_token_ttl: Option<i64>,
    #[serde(default)]
    pub refresh_token_ttl: Option<i64>,
    #[serde(default)]
    pub refresh_grace_secs: Option<i64>,
    /// The weakest `acr` this client accepts, e.g. `urn:careid:acr:mfa`.
    #[serde(default)]
    pub min_acr: Option<String>,
    /// Refuse authorization requests that did not come through `/par`.
    #[serde(default)]
    pub require_pushed_authorization_requests: bool,
    /// The API (its id) the client's tokens are for when a request names none.
    #[serde(default)]
    pub default_resource: Option<String>,
    /// Refuse token requests without a DPoP proof; unset: on for public clients.
    #[serde(default)]
    pub require_dpop: Option<bool>,
    /// OIDC third-party-initiated login endpoint (https, or http on loopback).
    #[serde(default)]
    pub initiate_login_uri: Option<String>,
}

/// The registered APIs as a client's registration sees them: each one's id
/// and scope names.
pub type ApiScopes = [(String, Vec<String>)];

pub const MIN_SECRET_LEN: usize = 32;

impl ClientSpec {
    /// Checks every field and fills defaults. `secret_hash` is the stored hash of
    /// the client's secret (confidential clients using a shared secret need one).
    pub fn validate(self, secret_hash: Option<Vec<u8>>, now: i64) -> Result<Client, String> {
        self.validate_with(secret_hash, &[], now)
    }

    /// As [`ClientSpec::validate`], where the client may also be allowed the
    /// scopes of the registered `apis`, and send its tokens to one by default.
    pub fn validate_with(
        self,
        secret_hash: Option<Vec<u8>>,
        apis: &ApiScopes,
        now: i64,
    ) -> Result<Client, String> {
        let id = self.id.trim().to_string();
        if id.is_empty() || id.len() > 128 || !id.chars().all(|c| c.is_ascii_graphic()) {
            return Err(format!("client id {:?}: 1 to 128 printable ASCII characters, no spaces", self.id));
        }
        let at = |e: String| format!("client {id}: {e}");
        if self.name.trim().is_empty() {
            return Err(at("name is empty".into()));
        }
        let auth_method = self.auth_method.unwrap_or(if self.public {
            AuthMethod::None
        } else if self.jwks.is_some() {
            AuthMethod::PrivateKeyJwt
        } else {
            AuthMethod::ClientSecretBasic
        });
        match (self.public, auth_method) {
            (true, AuthMethod::None)
            | (false, AuthMethod::ClientSecretBasic | AuthMethod::ClientSecretPost) => {}
            (false, AuthMethod::PrivateKeyJwt) => {
                let keys = self.jwks.as_ref().and_then(|j| j["keys"].as_array());
                if keys.is_none_or(|k| k.is_empty()) {
                    return Err(at("private_key_jwt needs a JWKS with at least one key".into()));
                }
            }
            (true, m) => {
                return Err(at(format!("a public client authenticates with none, not {}", m.as_str())));
            }
            (false, AuthMethod::None) => {
                return Err(at("a confidential client cannot use auth method none".into()));
            }
        }
        let secret_hash = match auth_method {
            AuthMethod::ClientSecretBasic | AuthMethod::ClientSecretPost => {
                Some(secret_hash.ok_or_else(|| at("a client secret is required".into()))?)
            }
            _ => None,
        };
        let grant_types = self.grant_types.unwrap_or_else(|| {
            if self.public {
                vec!["authorization_code".into(), "refresh_token".into()]
            } else {
                vec!["authorization_code".into(), "refresh_token".into(), "client_credentials".into()]
            }
        });
        for grant in &grant_types {
            if !GRANT_TYPES.contains(&grant.as_str()) {
                return Err(at(format!("unknown grant type {grant:?}")));
            }
            if self.public && grant == "client_credentials" {
                return Err(at("a public client cannot use client_credentials".into()));
            }
        }
        let allowed_scopes =
            self.allowed_scopes.unwrap_or_else(|| SCOPES[..6].iter().map(|s| s.to_string()).collect());
        let api_scope = |scope: &String| apis.iter().any(|(_, scopes)| scopes.contains(scope));
        for scope in &allowed_scopes {
            if !SCOPES.contains(&scope.as_str()) && !api_scope(scope) {
                return Err(at(format!("unknown scope {scope:?}")));
            }
        }
        if let Some(resource) = &self.default_resource {
            let Some((_, scopes)) = apis.iter().find(|(id, _)| id == resource) else {
                return Err(at(format!("default_resource: no API {resource:?}")));
            };
            if !allowed_scopes.iter().any(|s| scopes.contains(s)) {
                return Err(at(format!(
                    "default_resource: the client is allowed none of {resource}'s scopes"
                )));
            }
        }
        let native = self.public;
        let mut redirect_uris = Vec::new();
        for uri in &self.redirect_uris {
            redirect_uris.push(RedirectUri::parse(uri, native).map_err(at)?.to_string());
        }
        if grant_types.iter().any(|g| g == "authorization_code") && redirect_uris.is_empty() {
            return Err(at("the authorization_code grant needs at least one redirect URI".into()));
        }
        let mut post_logout_redirect_uris = Vec::new();
        for uri in &self.post_logout_redirect_uris {
            post_logout_redirect_uris.push(RedirectUri::parse(uri, native).map_err(at)?.to_string());
        }
        let allowed_origins = origins::parse_allowed(self.public, &self.allowed_origins).map_err(at)?;
        if let Some(uri) = &self.backchannel_logout_uri {
            RedirectUri::parse(uri, false).map_err(|e| at(format!("backchannel_logout_uri: {e}")))?;
        }
        let ttl = |value: Option<i64>, default: i64, name: &str| match value.unwrap_or(default) {
            v if v > 0 => Ok(v),
            _ => Err(at(format!("{name} must be positive"))),
        };
        let grace = self.refresh_grace_secs.unwrap_or(if self.public { 5 } else { 0 });
        if !(0..=300).contains(&grace) {
            return Err(at("refresh_grace_secs must be between 0 and 300".into()));
        }
        if let Some(level) = &self.min_acr
            && crate::login::acr::Level::parse(level).is_none()
        {
            return Err(at(format!("min_acr: unknown level {level:?}")));
        }
        Ok(Client {
            name: self.name.trim().to_string(),
            public: self.public,
            secret_hash,
            auth_method,
            jwks: self.jwks,
            redirect_uris,
            post_logout_redirect_uris,
            allowed_origins,
            grant_types,
            allowed_scopes,
            allowed_roles: self.allowed_roles,
            deployments: deployments::parse(&self.deployments).map_err(at)?,
            id_token_alg: self.id_token_alg.unwrap_or(Alg::RS256),
            first_party: self.first_party,
            require_terms: self.require_terms,
            backchannel_logout_uri: self.backchannel_logout_uri,
            access_token_ttl: ttl(self.access_token_ttl, 600, "access_token_ttl")?,
            id_token_ttl: ttl(self.id_token_ttl, 600, "id_token_ttl")?,
            refresh_token_ttl: ttl(self.refresh_token_ttl, 30 * 86_400, "refresh_token_ttl")?,
            refresh_grace_secs: grace,
            min_acr: self.min_acr,
            require_pushed_authorization_requests: self.require_pushed_authorization_requests,
            default_resource: self.default_resource,
            require_dpop: self.require_dpop.unwrap_or(self.public),
            initiate_login_uri: initiate_login::parse(self.initiate_login_uri.as_deref()).map_err(at)?,
            created_at: now,
            updated_at: now,
            id,
        })
    }
}

#[cfg(test)]
mod tests;
