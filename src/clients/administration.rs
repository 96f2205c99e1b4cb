//! Clients changed on someone's behalf — the operator at the CLI, or an
//! operator or administrator over the admin API — through the registry's
//! rules, each change audited with who made it (`actor`; `None` is the
//! operator at the CLI) and the fields before and after, never a secret.

use serde_json::{Value, json};

use super::registry::{self, RegistryError};
use super::{Client, ClientSpec};
use crate::AppState;
use crate::audit::{self, ActorKind, Event, Origin};
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error(transparent)]
    Registry(#[from] RegistryError),
    #[error("no client {0:?}")]
    NotFound(String),
    /// The client changed since the caller read it.
    #[error("the client changed since it was read")]
    Stale,
}

impl From<StoreError> for ClientError {
    fn from(e: StoreError) -> Self {
        ClientError::Registry(e.into())
    }
}

/// Bookkeeping, not registration: never audited as a change.
const IGNORED: &[&str] = &["created_at", "updated_at"];

async fn record(
    state: &AppState,
    kind: &str,
    client: &str,
    actor: Option<&str>,
    detail: Value,
    origin: &Origin,
) {
    let event = Event {
        actor_kind: Some(ActorKind::of_change(actor, None)),
        actor,
        client_id: Some(client),
        detail: Some(detail),
        ..Event::new(kind)
    };
    audit::record(state, event, origin).await;
}

/// Registers a new client; a confidential one without a secret gets one,
/// returned to be shown once.
pub async fn create(
    state: &AppState,
    spec: ClientSpec,
    actor: Option<&str>,
    origin: &Origin,
) -> Result<(Client, Option<String>), ClientError> {
    let allowed = &state.config.outbound_allowed_networks;
    let now = state.clock.now();
    let (client, secret) = registry::save(&state.store, &state.secrets, spec, true, allowed, now).await?;
    let changes = audit::changes(&json!({}), &client, IGNORED);
    record(state, "client.created", &client.id, actor, json!({ "changes": changes }), origin).await;
    Ok((client, secret))
}

/// Replaces a client's registration with `spec` (its secret kept unless
/// `spec` has one); with `version` only if the client is still at it.
pub async fn update(
    state: &AppState,
    spec: ClientSpec,
    actor: Option<&str>,
    version: Option<i64>,
    origin: &Origin,
) -> Result<Client, ClientError> {
    let before = state
        .store
        .client(spec.id.trim())
        .await?
        .ok_or_else(|| ClientError::NotFound(spec.id.trim().to_string()))?;
    let allowed = &state.config.outbound_allowed_networks;
    let now = state.clock.now();
    let (after, _) = registry::prepare(&state.store, &state.secrets, spec, false, allowed, now).await?;
    if !state.store.upsert_client_if(&after, version).await? {
        return Err(ClientError::Stale);
    }
    state.clients.forget(&after.id);
    let changes = audit::changes(&before, &after, IGNORED);
    if !changes.is_empty() {
        record(state, "client.changed", &after.id, actor, json!({ "changes": changes }), origin).await;
    }
    Ok(after)
}

/// Deletes a client with its grants, consents and tokens.
pub async fn remove(
    state: &AppState,
    id: &str,
    actor: Option<&str>,
    origin: &Origin,
) -> Result<(), ClientError> {
    if !state.store.delete_client(id).await? {
        return Err(ClientError::NotFound(id.to_string()));
    }
    state.clients.forget(id);
    record(state, "client.deleted", id, actor, json!({ "client": id }), origin).await;
    Ok(())
}

/// Replaces the secret with `new_secret` or a generated one, returned to be
/// shown once; the audit says it changed, never what to.
pub async fn rotate_secret(
    state: &AppState,
    id: &str,
    new_secret: Option<&str>,
    actor: Option<&str>,
    origin: &Origin,
) -> Result<Option<String>, ClientError> {
    if state.store.client(id).await?.is_none() {
        return Err(ClientError::NotFound(id.to_string()));
    }
    let shown =
        registry::rotate_secret(&state.store, &state.secrets, id, new_secret, state.clock.now()).await?;
    state.clients.forget(id);
    record(state, "client.secret_rotated", id, actor, json!({ "generated": shown.is_some() }), origin).await;
    Ok(shown)
}
