//! Clients (relying parties); list fields are stored as JSON arrays, and the
//! deployments a client serves as rows of `client_deployments`.

use std::collections::HashMap;

use super::{Keyset, Store, StoreError, in_transaction, on_pool, on_pool_writing};
use crate::clients::{AuthMethod, Client};
use crate::crypto::Alg;

#[derive(sqlx::FromRow)]
struct ClientRow {
    id: String,
    name: String,
    public_client: bool,
    secret_hash: Option<Vec<u8>>,
    auth_method: String,
    jwks: Option<String>,
    redirect_uris: String,
    post_logout_redirect_uris: String,
    allowed_origins: String,
    grant_types: String,
    allowed_scopes: String,
    allowed_roles: String,
    id_token_alg: String,
    first_party: bool,
    require_terms: bool,
    backchannel_logout_uri: Option<String>,
    access_token_ttl: i64,
    id_token_ttl: i64,
    refresh_token_ttl: i64,
    refresh_grace_secs: i64,
    min_acr: Option<String>,
    require_pushed_authorization_requests: bool,
    default_resource: Option<String>,
    require_dpop: bool,
    initiate_login_uri: Option<String>,
    created_at: i64,
    updated_at: i64,
}

const COLUMNS: &str = "id, name, public_client, secret_hash, auth_method, jwks, redirect_uris, \
    post_logout_redirect_uris, grant_types, allowed_scopes, allowed_roles, id_token_alg, first_party, require_terms, \
    backchannel_logout_uri, access_token_ttl, id_token_ttl, refresh_token_ttl, refresh_grace_secs, \
    created_at, updated_at, min_acr, allowed_origins, require_pushed_authorization_requests, default_resource, require_dpop, \
    initiate_login_uri";

/// A list as the JSON text its column holds.
fn json_list<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    serde_json::Value::from(items.into_iter().collect::<Vec<_>>()).to_string()
}

impl ClientRow {
    fn into_client(self) -> Result<Client, StoreError> {
        let bad = |what: &str| StoreError::Corrupt(format!("client {}: {what}", self.id));
        Ok(Client {
            auth_method: AuthMethod::parse(&self.auth_method).map_err(|_| bad("auth_method"))?,
            jwks: self.jwks.as_deref().map(serde_json::from_str).transpose().map_err(|_| bad("jwks"))?,
            redirect_uris: serde_json::from_str(&self.redirect_uris).map_err(|_| bad("redirect_uris"))?,
            post_logout_redirect_uris: serde_json::from_str(&self.post_logout_redirect_uris)
                .map_err(|_| bad("post_logout_redirect_uris"))?,
            allowed_origins: serde_json::from_str(&self.allowed_origins)
                .map_err(|_| bad("allowed_origins"))?,
            grant_types: serde_json::from_str(&self.grant_types).map_err(|_| bad("grant_types"))?,
            allowed_scopes: serde_json::from_str(&self.allowed_scopes).map_err(|_| bad("allowed_scopes"))?,
            allowed_roles: serde_json::from_str(&self.allowed_roles).map_err(|_| bad("allowed_roles"))?,
            deployments: Vec::new(),
            id_token_alg: Alg::parse(&self.id_token_alg).ok_or_else(|| bad("id_token_alg"))?,
            id: self.id,
            name: self.name,
            public: self.public_client,
            secret_hash: self.secret_hash,
            first_party: self.first_party,
            require_terms: self.require_terms,
            backchannel_logout_uri: self.backchannel_logout_uri,
            access_token_ttl: self.access_token_ttl,
            id_token_ttl: self.id_token_ttl,
            refresh_token_ttl: self.refresh_token_ttl,
            refresh_grace_secs: self.refresh_grace_secs,
            min_acr: self.min_acr,
            require_pushed_authorization_requests: self.require_pushed_authorization_requests,
            default_resource: self.default_resource,
            require_dpop: self.require_dpop,
            initiate_login_uri: self.initiate_login_uri,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

impl Store {
    /// Inserts or replaces a client (keeping its creation time) with the
    /// deployments it serves, in one transaction: the client's row is written
    /// first, which holds concurrent saves of the same client back until this
    /// one commits, so its bindings are always one save's list, never a mix.
    pub async fn upsert_client(&self, c: &Client) -> Result<(), StoreError> {
        self.upsert_client_if(c, None).await.map(drop)
    }

    /// As [`Store::upsert_client`]; with `version`, only if the client is
    /// still at it (what the caller read), moving it past in the same
    /// transaction: `false`, and nothing written, when another change came first.
    pub async fn upsert_client_if(&self, c: &Client, version: Option<i64>) -> Result<bool, StoreError> {
        let sql = format!(
            "INSERT INTO clients ({COLUMNS}) VALUES \
             ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, \
             $27) \
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, public_client = excluded.public_client, \
             secret_hash = excluded.secret_hash, auth_method = excluded.auth_method, jwks = excluded.jwks, \
             redirect_uris = excluded.redirect_uris, \
             post_logout_redirect_uris = excluded.post_logout_redirect_uris, \
             grant_types = excluded.grant_types, allowed_scopes = excluded.allowed_scopes, \
             allowed_roles = excluded.allowed_roles, id_token_alg = excluded.id_token_alg, \
             first_party = excluded.first_party, require_terms = excluded.require_terms, backchannel_logout_uri = excluded.backchannel_logout_uri, \
             access_token_ttl = excluded.access_token_ttl, id_token_ttl = excluded.id_token_ttl, \
             refresh_token_ttl = excluded.refresh_token_ttl, refresh_grace_secs = excluded.refresh_grace_secs, \
             updated_at = excluded.updated_at, min_acr = excluded.min_acr, \
             allowed_origins = excluded.allowed_origins, \
             require_pushed_authorization_requests = excluded.require_pushed_authorization_requests, \
             default_resource = excluded.default_resource, require_dpop = excluded.require_dpop, \
             initiate_login_uri = excluded.initiate_login_uri"
        );
        in_transaction!(self, tx => {
            if let Some(version) = version {
                let claimed = sqlx::query("UPDATE clients SET version = version + 1 WHERE id = $1 AND version = $2")
                    .bind(&c.id).bind(version).execute(&mut *tx).await?.rows_affected();
                if claimed == 0 {
                    return Ok(false);
                }
            }
            sqlx::query(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(&c.id)
                .bind(&c.name)
                .bind(c.public)
                .bind(&c.secret_hash)
                .bind(c.auth_method.as_str())
                .bind(c.jwks.as_ref().map(|jwks| jwks.to_string()))
                .bind(json_list(c.redirect_uris.iter().map(String::as_str)))
                .bind(json_list(c.post_logout_redirect_uris.iter().map(String::as_str)))
                .bind(json_list(c.grant_types.iter().map(String::as_str)))
                .bind(json_list(c.allowed_scopes.iter().map(String::as_str)))
                .bind(json_list(c.allowed_roles.iter().map(|r| r.as_str())))
                .bind(c.id_token_alg.as_str())
                .bind(c.first_party)
                .bind(c.require_terms)
                .bind(&c.backchannel_logout_uri)
                .bind(c.access_token_ttl)
                .bind(c.id_token_ttl)
                .bind(c.refresh_token_ttl)
                .bind(c.refresh_grace_secs)
                .bind(c.created_at)
                .bind(c.updated_at)
                .bind(&c.min_acr)
                .bind(json_list(c.allowed_origins.iter().map(String::as_str)))
                .bind(c.require_pushed_authorization_requests)
                .bind(&c.default_resource)
                .bind(c.require_dpop)
                .bind(&c.initiate_login_uri)
                .execute(&mut *tx).await?;
            sqlx::query("DELETE FROM client_deployments WHERE client_id = $1")
                .bind(&c.id).execute(&mut *tx).await?;
            for deployment in &c.deployments {
                sqlx::query("INSERT INTO client_deployments (client_id, deployment_id) VALUES ($1, $2)")
                    .bind(&c.id).bind(deployment).execute(&mut *tx).await?;
            }
            Ok::<bool, StoreError>(true)
        })
    }

    pub async fn client(&self, id: &str) -> Result<Option<Client>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM clients WHERE id = $1");
        let row = on_pool!(self, pool => sqlx::query_as::<_, ClientRow>(sqlx::AssertSqlSafe(sql.as_str())).bind(id).fetch_optional(pool).await)?;
        let Some(mut client) = row.map(ClientRow::into_client).transpose()? else { return Ok(None) };
        client.deployments = self.client_deployments(id).await?;
        Ok(Some(client))
    }

    /// The deployments client `id` serves (none: every deployment).
    pub async fn client_deployments(&self, id: &str) -> Result<Vec<String>, StoreError> {
        let sql = "SELECT deployment_id FROM client_deployments WHERE client_id = $1 ORDER BY deployment_id";
        Ok(on_pool!(self, pool => sqlx::query_scalar::<_, String>(sql).bind(id).fetch_all(pool).await)?)
    }

    pub async fn list_clients(&self) -> Result<Vec<Client>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM clients ORDER BY id");
        let rows = on_pool!(self, pool => sqlx::query_as::<_, ClientRow>(sqlx::AssertSqlSafe(sql.as_str())).fetch_all(pool).await)?;
        let sql = "SELECT client_id, deployment_id FROM client_deployments ORDER BY client_id, deployment_id";
        let bindings =
            on_pool!(self, pool => sqlx::query_as::<_, (String, String)>(sql).fetch_all(pool).await)?;
        let mut served: HashMap<String, Vec<String>> = HashMap::new();
        for (client, deployment) in bindings {
            served.entry(client).or_default().push(deployment);
        }
        rows.into_iter()
            .map(|row| {
                let mut client = row.into_client()?;
                client.deployments = served.remove(&client.id).unwrap_or_default();
                Ok(client)
            })
            .collect()
    }

    pub async fn set_client_secret_hash(&self, id: &str, hash: &[u8], now: i64) -> Result<bool, StoreError> {
        let sql = "UPDATE clients SET secret_hash = $1, updated_at = $2 WHERE id = $3";
        let n = on_pool_writing!(self, pool => sqlx::query(sql).bind(hash).bind(now).bind(id)
            .execute(pool).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    pub async fn delete_client(&self, id: &str) -> Result<bool, StoreError> {
        let sql = "DELETE FROM clients WHERE id = $1";
        let n = on_pool_writing!(self, pool => sqlx::query(sql).bind(id).execute(pool).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// A page of clients in creation order; `serving` narrows to those that
    /// serve that deployment (bound to it, or to none: every deployment).
    pub async fn page_clients(
        &self,
        serving: Option<&str>,
        page: &Keyset,
    ) -> Result<Vec<Client>, StoreError> {
        let sql = "SELECT id FROM clients c WHERE ($1 IS NULL \
             OR NOT EXISTS (SELECT 1 FROM client_deployments d WHERE d.client_id = c.id) \
             OR EXISTS (SELECT 1 FROM client_deployments d WHERE d.client_id = c.id AND d.deployment_id = $1)) \
             AND ($2 IS NULL OR c.created_at > $2 OR (c.created_at = $2 AND c.id > $3)) \
             ORDER BY c.created_at, c.id LIMIT $4";
        let ids = on_pool!(self, pool => sqlx::query_scalar::<_, String>(sql)
            .bind(serving).bind(page.after_at()).bind(page.after_id()).bind(page.limit)
            .fetch_all(pool).await)?;
        let mut clients = Vec::with_capacity(ids.len());
        for id in ids {
            clients.extend(self.client(&id).await?);
        }
        Ok(clients)
    }

    /// The client's version: read it before the client, then write with
    /// [`Store::upsert_client_if`] to change the client only if nothing else
    /// did since.
    pub async fn client_version(&self, id: &str) -> Result<Option<i64>, StoreError> {
        let sql = "SELECT version FROM clients WHERE id = $1";
        Ok(on_pool!(self, pool => sqlx::query_scalar::<_, i64>(sql).bind(id).fetch_optional(pool).await)?)
    }
}
