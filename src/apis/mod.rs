//! APIs (resource servers): the audiences careid's access tokens can name
//! (RFC 8707) and the scopes each one enforces, validated once so a bad one
//! cannot exist.

pub mod registry;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::clients::SCOPES;
use crate::crypto::Alg;

/// The longest resource identifier careid accepts, registered or requested.
pub const MAX_ID_LEN: usize = 255;
/// Access tokens for an API live at most a day (`keys.retain_retired_secs`
/// keeps a retired key published that long by default).
pub const MAX_TOKEN_TTL: i64 = 86_400;
pub const MIN_SECRET_LEN: usize = 32;

/// Access tokens for an API are signed with ES256 unless it chose another alg.
pub const DEFAULT_ALG: Alg = Alg::ES256;

/// One scope an API enforces, with the words the consent page shows for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiScope {
    pub name: String,
    pub description: String,
}

/// An API as stored; every field already validated.
#[derive(Debug, Clone, Serialize)]
pub struct Api {
    /// The resource identifier: `resource` in requests, `aud` in its tokens.
    pub id: String,
    pub name: String,
    pub scopes: Vec<ApiScope>,
    /// `None`: the lifetime the client's access tokens have.
    pub access_token_ttl: Option<i64>,
    pub alg: Alg,
    #[serde(skip)]
    pub secret_hash: Option<Vec<u8>>,
    /// Public keys for `private_key_jwt` at `/introspect`.
    pub jwks: Option<serde_json::Value>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl Api {
    pub fn scope_names(&self) -> Vec<String> {
        self.scopes.iter().map(|s| s.name.clone()).collect()
    }

    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s.name == scope)
    }

    /// A client may ask for tokens for this API when it is allowed one of its scopes.
    pub fn serves(&self, allowed_scopes: &[String]) -> bool {
        allowed_scopes.iter().any(|s| self.has_scope(s))
    }

    /// The registration this API was saved from, without its secret (saving
    /// it keeps the stored one): the base of an update.
    pub fn to_spec(&self) -> ApiSpec {
        ApiSpec {
            id: self.id.clone(),
            name: self.name.clone(),
            scopes: self.scope_names(),
            // Worded by default (from the name) or by the operator: only theirs is kept.
            scope_descriptions: self
                .scopes
                .iter()
                .filter(|s| s.description != default_description(&s.name))
                .map(|s| (s.name.clone(), s.description.clone()))
                .collect(),
            access_token_ttl: self.access_token_ttl,
            alg: Some(self.alg),
            secret: None,
            jwks: self.jwks.clone(),
        }
    }
}

/// An API's registration as an operator writes it (`[[apis]]` in careid.toml
/// or `careid apis`); [`ApiSpec::validate`] turns it into an [`Api`].
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiSpec {
    pub id: String,
    pub name: String,
    pub scopes: Vec<String>,
    /// What the consent page says each scope lets a client do; a scope without
    /// one is shown as "Use SCOPE (NAME)".
    #[serde(default)]
    pub scope_descriptions: BTreeMap<String, String>,
    #[serde(default)]
    pub access_token_ttl: Option<i64>,
    #[serde(default)]
    pub alg: Option<Alg>,
    /// Lets the API call `/introspect` with HTTP Basic (at least 32 characters).
    #[serde(default, skip_serializing)]
    pub secret: Option<crate::secret::Secret>,
    /// Lets the API call `/introspect` with `private_key_jwt`.
    #[serde(default)]
    pub jwks: Option<serde_json::Value>,
}

/// What the consent page says of a scope its API did not describe (the
/// page adds the API's name).
fn default_description(scope: &str) -> String {
    format!("Use {scope}")
}

/// RFC 8707 §2: an absolute URI without a fragment; careid also refuses a
/// query, spaces and anything longer than [`MAX_ID_LEN`], so an identifier
/// compares as the exact string it is.
pub fn check_resource_uri(uri: &str) -> Result<(), String> {
    if uri.is_empty() || uri.len() > MAX_ID_LEN {
        return Err(format!("a resource identifier has 1 to {MAX_ID_LEN} characters"));
    }
    if !uri.chars().all(|c| c.is_ascii_graphic()) {
        return Err("a resource identifier is printable ASCII without spaces".into());
    }
    let parsed = url::Url::parse(uri).map_err(|_| format!("{uri:?} is not an absolute URI"))?;
    if parsed.fragment().is_some() || uri.contains('#') {
        return Err(format!("{uri:?} has a fragment (RFC 8707 §2)"));
    }
    if parsed.query().is_some() || uri.contains('?') {
        return Err(format!("{uri:?} has a query"));
    }
    Ok(())
}

/// RFC 6749 §3.3: a scope token is printable ASCII without space, `"` or `\`.
fn check_scope_name(scope: &str) -> Result<(), String> {
    let well_formed = (1..=64).contains(&scope.len())
        && scope.bytes().all(|b| b == 0x21 || (0x23..=0x5B).contains(&b) || (0x5D..=0x7E).contains(&b));
    if !well_formed {
        return Err(format!("scope {scope:?}: 1 to 64 printable ASCII characters, no spaces, quotes or \\"));
    }
    if SCOPES.contains(&scope) {
        return Err(format!("scope {scope:?} is one of careid's own"));
    }
    Ok(())
}

impl ApiSpec {
    /// Checks every field and fills defaults; `secret_hash` is the stored
    /// hash of the API's secret, if it has one. Uniqueness of scopes across
    /// APIs is the registry's to check.
    pub fn validate(self, secret_hash: Option<Vec<u8>>, now: i64) -> Result<Api, String> {
        let id = self.id.trim().to_string();
        check_resource_uri(&id).map_err(|e| format!("API id: {e}"))?;
        let at = |e: String| format!("API {id}: {e}");
        let name = self.name.trim().to_string();
        if name.is_empty() || name.chars().count() > 200 {
            return Err(at("name: 1 to 200 characters".into()));
        }
        if self.scopes.is_empty() {
            return Err(at("an API needs at least one scope".into()));
        }
        let mut scopes: Vec<ApiScope> = Vec::new();
        for scope in &self.scopes {
            check_scope_name(scope).map_err(at)?;
            if scopes.iter().any(|s| s.name == *scope) {
                return Err(at(format!("scope {scope:?} is listed twice")));
            }
            let description = match self.scope_descriptions.get(scope) {
                Some(text) => text.trim().to_string(),
                None => default_description(scope),
            };
            if description.is_empty()
                || description.chars().count() > 200
                || description.chars().any(char::is_control)
            {
                return Err(at(format!("the description of {scope}: 1 to 200 characters, one line")));
            }
            scopes.push(ApiScope { name: scope.clone(), description });
        }
        if let Some(unknown) = self.scope_descriptions.keys().find(|k| !self.scopes.contains(k)) {
            return Err(at(format!("a description for {unknown:?}, which is not one of its scopes")));
        }
        if let Some(ttl) = self.access_token_ttl
            && !(1..=MAX_TOKEN_TTL).contains(&ttl)
        {
            return Err(at(format!("access_token_ttl: 1 to {MAX_TOKEN_TTL} seconds")));
        }
        if let Some(jwks) = &self.jwks {
            let keys = jwks["keys"].as_array();
            if keys.is_none_or(|k| k.is_empty()) {
                return Err(at("jwks needs at least one key".into()));
            }
        }
        Ok(Api {
            id,
            name,
            scopes,
            access_token_ttl: self.access_token_ttl,
            alg: self.alg.unwrap_or(DEFAULT_ALG),
            secret_hash,
            jwks: self.jwks,
            created_at: now,
            updated_at: now,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> ApiSpec {
        ApiSpec {
            id: "https://api.example/records".into(),
            name: "Records API".into(),
            scopes: vec!["records.read".into(), "records.write".into()],
            ..ApiSpec::default()
        }
    }

    #[test]
    fn an_api_gets_es256_and_worded_scopes_by_default() {
        let api = spec().validate(None, 7).unwrap();
        assert_eq!(api.alg, Alg::ES256);
        assert_eq!(api.scopes[0].description, "Use records.read");
        assert!(api.serves(&["openid".into(), "records.write".into()]));
        assert!(!api.serves(&["openid".into()]));
        let again = api.to_spec().validate(None, 7).unwrap();
        assert_eq!(serde_json::to_value(&again).unwrap(), serde_json::to_value(&api).unwrap());
    }

    #[test]
    fn resource_identifiers_are_absolute_uris_without_fragment_or_query() {
        for good in ["https://api.example/records", "urn:example:records", "http://localhost:9000/"] {
            assert_eq!(check_resource_uri(good), Ok(()), "{good}");
        }
        for bad in
            ["records", "/records", "https://api.example/#x", "https://api.example/?a=b", "https://a b", ""]
        {
            assert!(check_resource_uri(bad).is_err(), "{bad}");
        }
        assert!(check_resource_uri(&format!("https://api.example/{}", "x".repeat(300))).is_err());
    }

    #[test]
    fn bad_scopes_are_refused() {
        for (scopes, why) in [
            (vec![], "at least one scope"),
            (vec!["openid".to_string()], "careid's own"),
            (vec!["careid:admin".to_string()], "careid's own"),
            (vec!["a b".to_string()], "no spaces"),
            (vec!["a\"b".to_string()], "no spaces"),
            (vec!["x".to_string(), "x".to_string()], "twice"),
        ] {
            let err = ApiSpec { scopes, ..spec() }.validate(None, 0).unwrap_err();
            assert!(err.contains(why), "{err}");
        }
        let described = BTreeMap::from([("records.delete".to_string(), "Delete".to_string())]);
        let err = ApiSpec { scope_descriptions: described, ..spec() }.validate(None, 0).unwrap_err();
        assert!(err.contains("not one of its scopes"), "{err}");
        let err = ApiSpec { access_token_ttl: Some(0), ..spec() }.validate(None, 0).unwrap_err();
        assert!(err.contains("access_token_ttl"), "{err}");
        let err =
            ApiSpec { jwks: Some(serde_json::json!({"keys": []})), ..spec() }.validate(None, 0).unwrap_err();
        assert!(err.contains("jwks"), "{err}");
    }
}
