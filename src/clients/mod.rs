//! Relying parties: their registration, validated once so a bad client cannot exist.

pub mod redirect_uri;
pub mod registry;
pub mod secret;

use serde::{Deserialize, Serialize};

use crate::accounts::Role;
use crate::crypto::Alg;

pub use redirect_uri::RedirectUri;

/// How a client authenticates at the token, introspection and revocation endpoints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthMethod {
    ClientSecretBasic,
    ClientSecretPost,
    PrivateKeyJwt,
    None,
}

impl AuthMethod {
    pub const ALL: [AuthMethod; 4] = [
        AuthMethod::ClientSecretBasic,
        AuthMethod::ClientSecretPost,
        AuthMethod::PrivateKeyJwt,
        AuthMethod::None,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AuthMethod::ClientSecretBasic => "client_secret_basic",
            AuthMethod::ClientSecretPost => "client_secret_post",
            AuthMethod::PrivateKeyJwt => "private_key_jwt",
            AuthMethod::None => "none",
        }
    }

    pub fn parse(s: &str) -> Result<AuthMethod, String> {
        AuthMethod::ALL.into_iter().find(|m| m.as_str() == s).ok_or_else(|| {
            format!(
                "unknown auth method {s:?} (client_secret_basic, client_secret_post, private_key_jwt, none)"
            )
        })
    }
}

pub const GRANT_TYPES: [&str; 3] = ["authorization_code", "refresh_token", "client_credentials"];
pub const SCOPES: [&str; 8] =
    ["openid", "profile", "email", "phone", "offline_access", "careid", "careid:invite", "careid:admin"];

/// A client as stored; every field already validated.
#[derive(Debug, Clone, Serialize)]
pub struct Client {
    pub id: String,
    pub name: String,
    pub public: bool,
    #[serde(skip)]
    pub secret_hash: Option<Vec<u8>>,
    pub auth_method: AuthMethod,
    pub jwks: Option<serde_json::Value>,
    pub redirect_uris: Vec<String>,
    pub post_logout_redirect_uris: Vec<String>,
    pub grant_types: Vec<String>,
    pub allowed_scopes: Vec<String>,
    /// Empty: every role may sign in.
    pub allowed_roles: Vec<Role>,
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

    /// Whether `uri` (as sent in a request) is one of this client's redirect URIs.
    pub fn redirect_uri_matches(&self, uri: &str) -> bool {
        self.redirect_uris.iter().any(|registered| redirect_uri::matches(registered, uri))
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
            grant_types: Some(self.grant_types.clone()),
            allowed_scopes: Some(self.allowed_scopes.clone()),
            allowed_roles: self.allowed_roles.clone(),
            id_token_alg: Some(self.id_token_alg),
            first_party: self.first_party,
            require_terms: self.require_terms,
            backchannel_logout_uri: self.backchannel_logout_uri.clone(),
            access_token_ttl: Some(self.access_token_ttl),
            id_token_ttl: Some(self.id_token_ttl),
            refresh_token_ttl: Some(self.refresh_token_ttl),
            refresh_grace_secs: Some(self.refresh_grace_secs),
            min_acr: self.min_acr.clone(),
        }
    }
}

/// A client's registration as an operator writes it (careid.toml `[[clients]]`
/// or the CLI); [`ClientSpec::validate`] turns it into a [`Client`].
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientSpec {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub public: bool,
    /// Confidential clients: at least 32 characters. Unset in careid.toml means
    /// the secret is managed with `careid clients rotate-secret`.
    #[serde(default, skip_serializing)]
    pub secret: Option<crate::secret::Secret>,
    #[serde(default)]
    pub auth_method: Option<AuthMethod>,
    #[serde(default)]
    pub jwks: Option<serde_json::Value>,
    #[serde(default)]
    pub redirect_uris: Vec<String>,
    #[serde(default)]
    pub post_logout_redirect_uris: Vec<String>,
    #[serde(default)]
    pub grant_types: Option<Vec<String>>,
    #[serde(default)]
    pub allowed_scopes: Option<Vec<String>>,
    #[serde(default)]
    pub allowed_roles: Vec<Role>,
    #[serde(default)]
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
}

pub const MIN_SECRET_LEN: usize = 32;

impl ClientSpec {
    /// Checks every field and fills defaults. `secret_hash` is the stored hash of
    /// the client's secret (confidential clients using a shared secret need one).
    pub fn validate(self, secret_hash: Option<Vec<u8>>, now: i64) -> Result<Client, String> {
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
        for scope in &allowed_scopes {
            if !SCOPES.contains(&scope.as_str()) {
                return Err(at(format!("unknown scope {scope:?}")));
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
            && !crate::login::acr::SUPPORTED.contains(&level.as_str())
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
            grant_types,
            allowed_scopes,
            allowed_roles: self.allowed_roles,
            id_token_alg: self.id_token_alg.unwrap_or(Alg::RS256),
            first_party: self.first_party,
            require_terms: self.require_terms,
            backchannel_logout_uri: self.backchannel_logout_uri,
            access_token_ttl: ttl(self.access_token_ttl, 600, "access_token_ttl")?,
            id_token_ttl: ttl(self.id_token_ttl, 600, "id_token_ttl")?,
            refresh_token_ttl: ttl(self.refresh_token_ttl, 30 * 86_400, "refresh_token_ttl")?,
            refresh_grace_secs: grace,
            min_acr: self.min_acr,
            created_at: now,
            updated_at: now,
            id,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> ClientSpec {
        ClientSpec {
            id: "portal".into(),
            name: "Clinician Portal".into(),
            public: false,
            secret: None,
            auth_method: None,
            jwks: None,
            redirect_uris: vec!["https://portal.example/cb".into()],
            post_logout_redirect_uris: vec![],
            grant_types: None,
            allowed_scopes: None,
            allowed_roles: vec![],
            id_token_alg: None,
            first_party: false,
            require_terms: false,
            backchannel_logout_uri: None,
            access_token_ttl: None,
            id_token_ttl: None,
            refresh_token_ttl: None,
            refresh_grace_secs: None,
            min_acr: None,
        }
    }

    #[test]
    fn confidential_clients_need_a_secret_and_public_ones_none() {
        assert!(spec().validate(None, 0).unwrap_err().contains("secret is required"));
        let client = spec().validate(Some(vec![1]), 0).unwrap();
        assert_eq!(client.auth_method, AuthMethod::ClientSecretBasic);
        assert_eq!(client.id_token_alg, Alg::RS256);
        let public = ClientSpec { public: true, ..spec() }.validate(None, 0).unwrap();
        assert_eq!(public.auth_method, AuthMethod::None);
        assert!(!public.allows_grant("client_credentials"));
        assert_eq!(public.refresh_grace_secs, 5);
        let bad = ClientSpec { public: true, auth_method: Some(AuthMethod::ClientSecretPost), ..spec() };
        assert!(bad.validate(None, 0).is_err());
    }

    #[test]
    fn unknown_scopes_and_grants_are_refused() {
        let s = ClientSpec { allowed_scopes: Some(vec!["admin".into()]), ..spec() };
        assert!(s.validate(Some(vec![1]), 0).unwrap_err().contains("unknown scope"));
        let s = ClientSpec { grant_types: Some(vec!["password".into()]), ..spec() };
        assert!(s.validate(Some(vec![1]), 0).unwrap_err().contains("unknown grant type"));
    }

    #[test]
    fn a_client_turned_back_into_a_spec_validates_to_itself() {
        let client = spec().validate(Some(vec![1]), 7).unwrap();
        let again = client.to_spec().validate(Some(vec![1]), 7).unwrap();
        assert_eq!(serde_json::to_value(&again).unwrap(), serde_json::to_value(&client).unwrap());
    }

    #[test]
    fn private_key_jwt_needs_keys() {
        let s = ClientSpec { auth_method: Some(AuthMethod::PrivateKeyJwt), ..spec() };
        assert!(s.validate(None, 0).unwrap_err().contains("JWKS"));
    }
}
