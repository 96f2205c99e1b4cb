//! Registering, updating, removing and syncing APIs: the operations the CLI
//! and `careid.toml` share, with the rules that span APIs and clients.

use super::{Api, ApiSpec, MIN_SECRET_LEN};
use crate::clients::Client;
use crate::clients::registry::RegistryError;
use crate::clients::secret::SecretHasher;
use crate::store::Store;

/// What a saved API's secret becomes.
pub enum SecretChange {
    /// The one in the spec if given, otherwise the stored one.
    Keep,
    /// None any more: the API no longer authenticates with a secret.
    Clear,
}

/// The clients that use `api`: allowed one of `scopes` (its scopes, or the
/// ones an update drops), or sending their tokens to it by default.
fn users<'a>(clients: &'a [Client], api_id: &str, scopes: &[String]) -> Vec<&'a str> {
    clients
        .iter()
        .filter(|c| {
            c.default_resource.as_deref() == Some(api_id)
                || c.allowed_scopes.iter().any(|s| scopes.contains(s))
        })
        .map(|c| c.id.as_str())
        .collect()
}

/// Creates or replaces an API from `spec`. Its scopes must be free (no other
/// API's), a scope it drops must not be allowed to any client, and its id may
/// be neither careid's own issuer nor a client's id (both would be ambiguous).
pub async fn save(
    store: &Store,
    hasher: &SecretHasher,
    spec: ApiSpec,
    secret: SecretChange,
    issuer: &str,
    now: i64,
) -> Result<Api, RegistryError> {
    let invalid = |message: String| RegistryError::Invalid(message);
    let id = spec.id.trim().to_string();
    if id.trim_end_matches('/') == issuer.trim_end_matches('/') {
        return Err(invalid(format!("API {id}: careid's own issuer is not an API")));
    }
    if store.client(&id).await?.is_some() {
        return Err(invalid(format!("API {id}: a client has this id")));
    }
    let secret_hash = match (&spec.secret, secret) {
        (Some(_), SecretChange::Clear) => {
            return Err(invalid(format!("API {id}: a secret or none, not both")));
        }
        (Some(given), SecretChange::Keep) => {
            if given.expose().chars().count() < MIN_SECRET_LEN {
                return Err(invalid(format!(
                    "API {id}: a secret needs at least {MIN_SECRET_LEN} characters"
                )));
            }
            Some(hasher.hash(given.expose()))
        }
        (None, SecretChange::Keep) => store.api(&id).await?.and_then(|a| a.secret_hash),
        (None, SecretChange::Clear) => None,
    };
    let mut api = spec.validate(secret_hash, now).map_err(invalid)?;
    for scope in &api.scopes {
        if let Some(owner) = store.api_of_scope(&scope.name).await?
            && owner != api.id
        {
            return Err(invalid(format!("API {}: scope {} belongs to API {owner}", api.id, scope.name)));
        }
    }
    if let Some(existing) = store.api(&api.id).await? {
        api.created_at = existing.created_at;
        let dropped: Vec<String> = existing.scope_names().into_iter().filter(|s| !api.has_scope(s)).collect();
        let clients = store.list_clients().await?;
        let using: Vec<&str> = clients
            .iter()
            .filter(|c| c.allowed_scopes.iter().any(|s| dropped.contains(s)))
            .map(|c| c.id.as_str())
            .collect();
        if !using.is_empty() {
            return Err(invalid(format!(
                "API {}: clients {} are allowed scopes it would drop ({}); update them first",
                api.id,
                using.join(", "),
                dropped.join(", ")
            )));
        }
    }
    if !store.upsert_api(&api).await? {
        return Err(invalid(format!("API {}: one of its scopes was just given to another API", api.id)));
    }
    Ok(api)
}

/// Deletes an API no client uses any more.
pub async fn remove(store: &Store, id: &str) -> Result<(), RegistryError> {
    let api = store.api(id).await?.ok_or_else(|| RegistryError::Invalid(format!("no API {id:?}")))?;
    let clients = store.list_clients().await?;
    let using = users(&clients, &api.id, &api.scope_names());
    if !using.is_empty() {
        return Err(RegistryError::Invalid(format!(
            "API {id} is still used by clients {}: remove its scopes (and default resource) from them first",
            using.join(", ")
        )));
    }
    store.delete_api(id).await?;
    Ok(())
}

/// Creates or updates every API declared in configuration.
pub async fn sync_declared(
    store: &Store,
    hasher: &SecretHasher,
    specs: &[ApiSpec],
    issuer: &str,
    now: i64,
) -> Result<(), RegistryError> {
    for spec in specs {
        save(store, hasher, spec.clone(), SecretChange::Keep, issuer, now).await?;
    }
    Ok(())
}
