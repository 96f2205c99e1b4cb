//! Registering, updating and syncing clients: the operations the CLI and
//! `careid.toml` share.

use ipnet::IpNet;

use super::secret::{self, SecretHasher};
use super::{AuthMethod, Client, ClientSpec, MIN_SECRET_LEN};
use crate::outbound;
use crate::store::{Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn needs_secret(spec: &ClientSpec) -> bool {
    !spec.public
        && !matches!(spec.auth_method, Some(AuthMethod::PrivateKeyJwt) | Some(AuthMethod::None))
        && (spec.auth_method.is_some() || spec.jwks.is_none())
}

/// Creates or replaces a client from `spec`. The secret is `spec.secret` when
/// given (at least 32 characters); otherwise the stored one is kept, or, for a
/// new confidential client when `generate` is set, a fresh one is generated and
/// returned (it is shown once and stored only as a hash). Its back-channel
/// logout URI must not name an internal address outside `outbound_allowed`,
/// and every deployment it serves must exist.
pub async fn save(
    store: &Store,
    hasher: &SecretHasher,
    spec: ClientSpec,
    generate: bool,
    outbound_allowed: &[IpNet],
    now: i64,
) -> Result<(Client, Option<String>), RegistryError> {
    let (client, generated) = prepare(store, hasher, spec, generate, outbound_allowed, now).await?;
    store.upsert_client(&client).await?;
    Ok((client, generated))
}

/// The client [`save`] would store, checked by the same rules, not yet stored.
pub async fn prepare(
    store: &Store,
    hasher: &SecretHasher,
    spec: ClientSpec,
    generate: bool,
    outbound_allowed: &[IpNet],
    now: i64,
) -> Result<(Client, Option<String>), RegistryError> {
    check_backchannel_address(&spec, outbound_allowed)?;
    let apis: Vec<(String, Vec<String>)> =
        store.list_apis().await?.into_iter().map(|api| (api.id.clone(), api.scope_names())).collect();
    if apis.iter().any(|(id, _)| *id == spec.id.trim()) {
        return Err(RegistryError::Invalid(format!("client {}: an API has this id", spec.id.trim())));
    }
    let existing = store.client(&spec.id).await?;
    let mut generated = None;
    let secret_hash = match (&spec.secret, needs_secret(&spec)) {
        (_, false) => None,
        (Some(secret), true) => {
            if secret.expose().chars().count() < MIN_SECRET_LEN {
                return Err(RegistryError::Invalid(format!(
                    "client {}: a supplied secret needs at least {MIN_SECRET_LEN} characters",
                    spec.id
                )));
            }
            Some(hasher.hash(secret.expose()))
        }
        (None, true) => match existing.as_ref().and_then(|c| c.secret_hash.clone()) {
            Some(hash) => Some(hash),
            None if generate => {
                let fresh = secret::generate();
                let hash = hasher.hash(&fresh);
                generated = Some(fresh);
                Some(hash)
            }
            None => None,
        },
    };
    let mut client = spec.validate_with(secret_hash, &apis, now).map_err(RegistryError::Invalid)?;
    for deployment in &client.deployments {
        if store.deployment(deployment).await?.is_none() {
            let id = &client.id;
            return Err(RegistryError::Invalid(format!("client {id}: no deployment {deployment:?}")));
        }
    }
    if let Some(existing) = existing {
        client.created_at = existing.created_at;
    }
    Ok((client, generated))
}

/// Creates or updates every client declared in configuration.
pub async fn sync_declared(
    store: &Store,
    hasher: &SecretHasher,
    specs: &[ClientSpec],
    outbound_allowed: &[IpNet],
    now: i64,
) -> Result<(), RegistryError> {
    for spec in specs {
        save(store, hasher, spec.clone(), false, outbound_allowed, now).await?;
    }
    Ok(())
}

/// Refuses, before any other rule (so `http://169.254.169.254/` is named for
/// what it is), a back-channel logout URI on an internal address. Host names
/// are checked again at every delivery, when they are resolved.
fn check_backchannel_address(spec: &ClientSpec, allowed: &[IpNet]) -> Result<(), RegistryError> {
    let Some(uri) = &spec.backchannel_logout_uri else { return Ok(()) };
    // An unparsable URI is left to `ClientSpec::validate`, which says why.
    let Ok(url) = url::Url::parse(uri) else { return Ok(()) };
    outbound::check_url(&url, allowed).map_err(|refused| {
        RegistryError::Invalid(format!("client {}: backchannel_logout_uri: {refused}", spec.id.trim()))
    })
}

/// Replaces a client's secret with `new_secret` or a generated one (returned).
pub async fn rotate_secret(
    store: &Store,
    hasher: &SecretHasher,
    id: &str,
    new_secret: Option<&str>,
    now: i64,
) -> Result<Option<String>, RegistryError> {
    let client =
        store.client(id).await?.ok_or_else(|| RegistryError::Invalid(format!("no client {id:?}")))?;
    if !matches!(client.auth_method, AuthMethod::ClientSecretBasic | AuthMethod::ClientSecretPost) {
        return Err(RegistryError::Invalid(format!(
            "client {id} authenticates with {}, not a secret",
            client.auth_method.as_str()
        )));
    }
    let (secret, shown) = match new_secret {
        Some(s) if s.chars().count() < MIN_SECRET_LEN => {
            return Err(RegistryError::Invalid(format!(
                "a secret needs at least {MIN_SECRET_LEN} characters"
            )));
        }
        Some(s) => (s.to_string(), None),
        None => {
            let fresh = secret::generate();
            (fresh.clone(), Some(fresh))
        }
    };
    store.set_client_secret_hash(id, &hasher.hash(&secret), now).await?;
    Ok(shown)
}
