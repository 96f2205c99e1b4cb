//! Clients (relying parties): an operator registers, changes, removes them
//! and rotates their secrets; an administrator reads the clients that serve
//! their deployment and binds or unbinds their own deployment, which decides
//! whether its members may sign in there.

use std::collections::BTreeSet;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::caller::Caller;
use super::input::{IfMatch, JsonInput, QueryInput};
use super::page::{self, Page, etag, tagged};
use super::problem::Problem;
use crate::AppState;
use crate::audit::Origin;
use crate::clients::administration::{self, ClientError};
use crate::clients::registry::RegistryError;
use crate::clients::{Client, ClientSpec};

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ClientFilter {
    /// 1 to 200; 50 when absent.
    limit: Option<u32>,
    /// From the previous page's `next_cursor`.
    cursor: Option<String>,
    /// Only the clients that serve this deployment (administrators: always theirs).
    deployment: Option<String>,
}

/// A new client, with its secret when one was generated: shown this once.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Created {
    client: Client,
    #[serde(skip_serializing_if = "Option::is_none")]
    secret: Option<String>,
}

/// A rotated secret: shown this once.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Rotated {
    secret: String,
}

impl From<ClientError> for Problem {
    fn from(e: ClientError) -> Problem {
        match e {
            ClientError::Registry(RegistryError::Invalid(why)) => Problem::invalid(field_named(&why), why),
            ClientError::Registry(RegistryError::Store(e)) => e.into(),
            ClientError::NotFound(_) => Problem::not_found("client"),
            ClientError::Stale => Problem::stale(),
        }
    }
}

/// The field a registry refusal is about (`client x: redirect_uri "…" …`):
/// the longest field name, or its singular, the sentence mentions; `body`
/// when it names none.
fn field_named(why: &str) -> String {
    let rest = why.split_once(": ").map_or(why, |(_, rest)| rest);
    let aliases = [
        ("post-logout redirect URI", "post_logout_redirect_uris"),
        ("redirect URI", "redirect_uris"),
        ("grant type", "grant_types"),
        ("scope", "allowed_scopes"),
        ("name is empty", "name"),
    ];
    let Ok(Value::Object(spec)) = serde_json::to_value(ClientSpec::default()) else { return "body".into() };
    let mut fields: Vec<&String> = spec.keys().collect();
    fields.sort_by_key(|f| std::cmp::Reverse(f.len()));
    let named =
        fields.into_iter().find(|f| rest.contains(f.as_str()) || rest.contains(f.trim_end_matches('s')));
    match named {
        Some(field) => field.clone(),
        None => aliases.iter().find(|(said, _)| rest.contains(said)).map_or("body", |(_, f)| f).into(),
    }
}

/// The client `id` if the caller may see it: an operator every one, an
/// administrator those serving their deployment; 404 alike otherwise.
pub(super) async fn visible(state: &AppState, caller: &Caller, id: &str) -> Result<Client, Problem> {
    match state.store.client(id).await? {
        Some(c)
            if caller.is_operator()
                || c.deployments.is_empty()
                || c.deployments.contains(&caller.0.deployment_id) =>
        {
            Ok(c)
        }
        _ => Err(Problem::not_found("client")),
    }
}

fn operators_only(caller: &Caller) -> Result<(), Problem> {
    if caller.is_operator() { Ok(()) } else { Err(Problem::forbidden("only operators manage clients")) }
}

/// The clients the caller may see.
#[utoipa::path(get, path = "/api/admin/clients", tag = "clients", params(ClientFilter),
    responses((status = 200, body = Page<Client>)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    QueryInput(filter): QueryInput<ClientFilter>,
) -> Result<Response, Problem> {
    let (keyset, limit) = page::keyset(filter.limit, filter.cursor.as_deref())?;
    let Some(serving) = caller.deployment_filter(filter.deployment.as_deref()) else {
        return Ok(axum::Json(Page::<Client>::empty()).into_response());
    };
    let rows = state.store.page_clients(serving, &keyset).await?;
    Ok(axum::Json(Page::of(rows, limit, |c| (c.created_at, c.id.as_str()), |c| c)).into_response())
}

/// One client with every registration field (never its secret).
#[utoipa::path(get, path = "/api/admin/clients/{id}", tag = "clients", params(("id" = String, Path)),
    responses((status = 200, body = Client, headers(("ETag" = String)))))]
pub async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    Ok(tagged(&visible(&state, &caller, &id).await?))
}

/// Register a client (operators); a confidential one without a secret gets one, shown once.
#[utoipa::path(post, path = "/api/admin/clients", tag = "clients", request_body = ClientSpec,
    responses((status = 201, body = Created)))]
pub async fn create(
    State(state): State<AppState>,
    origin: Origin,
    caller: Caller,
    JsonInput(spec): JsonInput<ClientSpec>,
) -> Result<Response, Problem> {
    operators_only(&caller)?;
    if state.store.client(spec.id.trim()).await?.is_some() {
        return Err(Problem::conflict(format!("client {:?} already exists", spec.id.trim())));
    }
    let (client, secret) = administration::create(&state, spec, Some(caller.id()), &origin).await?;
    Ok((StatusCode::CREATED, axum::Json(Created { client, secret })).into_response())
}

/// Change a client: the fields given replace the registered ones (a list
/// as a whole). An administrator may only add or remove their own
/// deployment in `deployments`, and not the last one.
#[utoipa::path(patch, path = "/api/admin/clients/{id}", tag = "clients", request_body = Object,
    params(("id" = String, Path), ("If-Match" = String, Header, description = "the ETag the client was read with")),
    responses((status = 200, body = Client, headers(("ETag" = String)))))]
pub async fn update(
    State(state): State<AppState>,
    origin: Origin,
    caller: Caller,
    Path(id): Path<String>,
    if_match: IfMatch,
    JsonInput(change): JsonInput<Map<String, Value>>,
) -> Result<Response, Problem> {
    let version = state.store.client_version(&id).await?.ok_or_else(|| Problem::not_found("client"))?;
    let existing = visible(&state, &caller, &id).await?;
    if_match.check(&etag(&existing))?;
    for fixed in ["id", "secret"] {
        if change.contains_key(fixed) {
            let why = if fixed == "id" { "a client keeps its id" } else { "use rotate-secret" };
            return Err(Problem::invalid(fixed, why));
        }
    }
    let mut merged = serde_json::to_value(existing.to_spec()).map_err(|_| Problem::unavailable())?;
    if let Value::Object(fields) = &mut merged {
        fields.extend(change);
    }
    let spec: ClientSpec = serde_path_to_error::deserialize(merged).map_err(|e| {
        let message = e.inner().to_string();
        let field = message.strip_prefix("unknown field `").and_then(|r| r.split_once('`')).map(|(f, _)| f);
        Problem::invalid(field.map_or_else(|| e.path().to_string(), str::to_owned), message)
    })?;
    if !caller.is_operator() {
        own_binding_only(&caller, &existing, &spec)?;
    }
    let client = administration::update(&state, spec, Some(caller.id()), Some(version), &origin).await?;
    Ok(tagged(&client))
}

/// An administrator changes nothing but whether the client serves their
/// deployment, and does not open a bound client to every deployment.
fn own_binding_only(caller: &Caller, existing: &Client, spec: &ClientSpec) -> Result<(), Problem> {
    let own = caller.0.deployment_id.as_str();
    let mut unchanged = existing.to_spec();
    unchanged.deployments = spec.deployments.clone();
    if serde_json::to_value(&unchanged).ok() != serde_json::to_value(spec).ok() {
        return Err(Problem::forbidden("administrators change only the deployments a client serves"));
    }
    let before: BTreeSet<&str> = existing.deployments.iter().map(String::as_str).collect();
    let after: BTreeSet<&str> = spec.deployments.iter().map(String::as_str).collect();
    if before.symmetric_difference(&after).any(|d| *d != own) {
        return Err(Problem::forbidden("administrators bind or unbind their own deployment only"));
    }
    if after.is_empty() && !before.is_empty() {
        return Err(Problem::forbidden("only an operator opens a client to every deployment"));
    }
    Ok(())
}

/// Delete a client with its grants, consents and tokens (operators).
#[utoipa::path(delete, path = "/api/admin/clients/{id}", tag = "clients", params(("id" = String, Path)),
    responses((status = 204)))]
pub async fn remove(
    State(state): State<AppState>,
    origin: Origin,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    operators_only(&caller)?;
    if caller.client() == Some(id.as_str()) {
        return Err(Problem::conflict("this is the client you are signed in through"));
    }
    administration::remove(&state, &id, Some(caller.id()), &origin).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Replace a client's secret with a generated one, shown once (operators).
#[utoipa::path(post, path = "/api/admin/clients/{id}/rotate-secret", tag = "clients",
    params(("id" = String, Path)), responses((status = 200, body = Rotated)))]
pub async fn rotate_secret(
    State(state): State<AppState>,
    origin: Origin,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    operators_only(&caller)?;
    let shown = administration::rotate_secret(&state, &id, None, Some(caller.id()), &origin).await?;
    let secret = shown.ok_or_else(Problem::unavailable)?;
    Ok(axum::Json(Rotated { secret }).into_response())
}
