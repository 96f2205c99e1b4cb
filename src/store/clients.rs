//! Clients (relying parties); list fields are stored as JSON arrays.

use super::{Store, StoreError, on_pool};
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
    created_at: i64,
    updated_at: i64,
}

const COLUMNS: &str = "id, name, public_client, secret_hash, auth_method, jwks, redirect_uris, \
    post_logout_redirect_uris, grant_types, allowed_scopes, allowed_roles, id_token_alg, first_party, require_terms, \
    backchannel_logout_uri, access_token_ttl, id_token_ttl, refresh_token_ttl, refresh_grace_secs, \
    created_at, updated_at, min_acr";

fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("serialising plain values")
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
            grant_types: serde_json::from_str(&self.grant_types).map_err(|_| bad("grant_types"))?,
            allowed_scopes: serde_json::from_str(&self.allowed_scopes).map_err(|_| bad("allowed_scopes"))?,
            allowed_roles: serde_json::from_str(&self.allowed_roles).map_err(|_| bad("allowed_roles"))?,
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
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

impl Store {
    /// Inserts or replaces a client (keeping its creation time).
    pub async fn upsert_client(&self, c: &Client) -> Result<(), StoreError> {
        let sql = format!(
            "INSERT INTO clients ({COLUMNS}) VALUES \
             ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22) \
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, public_client = excluded.public_client, \
             secret_hash = excluded.secret_hash, auth_method = excluded.auth_method, jwks = excluded.jwks, \
             redirect_uris = excluded.redirect_uris, \
             post_logout_redirect_uris = excluded.post_logout_redirect_uris, \
             grant_types = excluded.grant_types, allowed_scopes = excluded.allowed_scopes, \
             allowed_roles = excluded.allowed_roles, id_token_alg = excluded.id_token_alg, \
             first_party = excluded.first_party, require_terms = excluded.require_terms, backchannel_logout_uri = excluded.backchannel_logout_uri, \
             access_token_ttl = excluded.access_token_ttl, id_token_ttl = excluded.id_token_ttl, \
             refresh_token_ttl = excluded.refresh_token_ttl, refresh_grace_secs = excluded.refresh_grace_secs, \
             updated_at = excluded.updated_at, min_acr = excluded.min_acr"
        );
        on_pool!(self, pool => sqlx::query(&sql)
            .bind(&c.id)
            .bind(&c.name)
            .bind(c.public)
            .bind(&c.secret_hash)
            .bind(c.auth_method.as_str())
            .bind(c.jwks.as_ref().map(json))
            .bind(json(&c.redirect_uris))
            .bind(json(&c.post_logout_redirect_uris))
            .bind(json(&c.grant_types))
            .bind(json(&c.allowed_scopes))
            .bind(json(&c.allowed_roles))
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
            .execute(pool).await.map(drop))?;
        Ok(())
    }

    pub async fn client(&self, id: &str) -> Result<Option<Client>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM clients WHERE id = $1");
        let row =
            on_pool!(self, pool => sqlx::query_as::<_, ClientRow>(&sql).bind(id).fetch_optional(pool).await)?;
        row.map(ClientRow::into_client).transpose()
    }

    pub async fn list_clients(&self) -> Result<Vec<Client>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM clients ORDER BY id");
        let rows = on_pool!(self, pool => sqlx::query_as::<_, ClientRow>(&sql).fetch_all(pool).await)?;
        rows.into_iter().map(ClientRow::into_client).collect()
    }

    pub async fn set_client_secret_hash(&self, id: &str, hash: &[u8], now: i64) -> Result<bool, StoreError> {
        let sql = "UPDATE clients SET secret_hash = $1, updated_at = $2 WHERE id = $3";
        let n = on_pool!(self, pool => sqlx::query(sql).bind(hash).bind(now).bind(id)
            .execute(pool).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    pub async fn delete_client(&self, id: &str) -> Result<bool, StoreError> {
        let sql = "DELETE FROM clients WHERE id = $1";
        let n =
            on_pool!(self, pool => sqlx::query(sql).bind(id).execute(pool).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }
}
