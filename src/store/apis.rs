//! APIs (resource servers) and their scopes, one row a scope so a scope's
//! name is unique across APIs by the primary key.

use super::{Store, StoreError, in_transaction, on_pool, on_pool_writing};
use crate::apis::{Api, ApiScope};
use crate::crypto::Alg;

/// One API row joined with one of its scopes (none for an API without any).
#[derive(sqlx::FromRow)]
struct ApiScopeRow {
    id: String,
    name: String,
    access_token_ttl: Option<i64>,
    alg: String,
    secret_hash: Option<Vec<u8>>,
    jwks: Option<String>,
    created_at: i64,
    updated_at: i64,
    scope_name: Option<String>,
    scope_description: Option<String>,
}

const SELECT: &str = "SELECT a.id, a.name, a.access_token_ttl, a.alg, a.secret_hash, a.jwks, a.created_at, \
    a.updated_at, s.name AS scope_name, s.description AS scope_description \
    FROM apis a LEFT JOIN api_scopes s ON s.api_id = a.id";

/// Folds joined rows (ordered by API, then scope position) into APIs.
fn fold(rows: Vec<ApiScopeRow>) -> Result<Vec<Api>, StoreError> {
    let mut apis: Vec<Api> = Vec::new();
    for row in rows {
        let scope = match (row.scope_name, row.scope_description) {
            (Some(name), Some(description)) => Some(ApiScope { name, description }),
            _ => None,
        };
        if let Some(last) = apis.last_mut().filter(|a| a.id == row.id) {
            last.scopes.extend(scope);
            continue;
        }
        let bad = |what: &str| StoreError::Corrupt(format!("API {}: {what}", row.id));
        apis.push(Api {
            alg: Alg::parse(&row.alg).ok_or_else(|| bad("alg"))?,
            jwks: row.jwks.as_deref().map(serde_json::from_str).transpose().map_err(|_| bad("jwks"))?,
            id: row.id,
            name: row.name,
            scopes: scope.into_iter().collect(),
            access_token_ttl: row.access_token_ttl,
            secret_hash: row.secret_hash,
            created_at: row.created_at,
            updated_at: row.updated_at,
        });
    }
    Ok(apis)
}

/// Whether a failed write broke a uniqueness rule (a scope another API has).
fn is_unique_violation(e: &StoreError) -> bool {
    matches!(e, StoreError::Sql(sqlx::Error::Database(db)) if db.is_unique_violation())
}

impl Store {
    pub async fn api(&self, id: &str) -> Result<Option<Api>, StoreError> {
        let sql = format!("{SELECT} WHERE a.id = $1 ORDER BY s.position");
        let rows = on_pool!(self, pool => sqlx::query_as::<_, ApiScopeRow>(sqlx::AssertSqlSafe(sql.as_str())).bind(id).fetch_all(pool).await)?;
        Ok(fold(rows)?.pop())
    }

    pub async fn list_apis(&self) -> Result<Vec<Api>, StoreError> {
        let sql = format!("{SELECT} ORDER BY a.id, s.position");
        let rows = on_pool!(self, pool => sqlx::query_as::<_, ApiScopeRow>(sqlx::AssertSqlSafe(sql.as_str())).fetch_all(pool).await)?;
        fold(rows)
    }

    /// The API that defines `scope`, if any.
    pub async fn api_of_scope(&self, scope: &str) -> Result<Option<String>, StoreError> {
        let sql = "SELECT api_id FROM api_scopes WHERE name = $1";
        let row: Option<(String,)> =
            on_pool!(self, pool => sqlx::query_as(sql).bind(scope).fetch_optional(pool).await)?;
        Ok(row.map(|(id,)| id))
    }

    /// Inserts or replaces an API with its scopes (keeping its creation
    /// time) in one transaction; `Ok(false)`, and nothing written, when one of
    /// its scopes belongs to another API by now.
    pub async fn upsert_api(&self, api: &Api) -> Result<bool, StoreError> {
        match self.write_api(api).await {
            Ok(()) => Ok(true),
            Err(e) if is_unique_violation(&e) => Ok(false),
            Err(e) => Err(e),
        }
    }

    async fn write_api(&self, api: &Api) -> Result<(), StoreError> {
        let upsert = "INSERT INTO apis \
             (id, name, access_token_ttl, alg, secret_hash, jwks, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, \
             access_token_ttl = excluded.access_token_ttl, \
             alg = excluded.alg, secret_hash = excluded.secret_hash, jwks = excluded.jwks, \
             updated_at = excluded.updated_at";
        let clear = "DELETE FROM api_scopes WHERE api_id = $1";
        let insert = "INSERT INTO api_scopes (name, api_id, description, position) VALUES ($1, $2, $3, $4)";
        let jwks = api.jwks.as_ref().map(|j| j.to_string());
        in_transaction!(self, tx => {
            sqlx::query(upsert)
                .bind(&api.id).bind(&api.name).bind(api.access_token_ttl).bind(api.alg.as_str())
                .bind(&api.secret_hash).bind(&jwks).bind(api.created_at).bind(api.updated_at)
                .execute(&mut *tx).await?;
            sqlx::query(clear).bind(&api.id).execute(&mut *tx).await?;
            for (position, scope) in api.scopes.iter().enumerate() {
                sqlx::query(insert)
                    .bind(&scope.name).bind(&api.id).bind(&scope.description).bind(position as i64)
                    .execute(&mut *tx).await?;
            }
            Ok::<(), StoreError>(())
        })
    }

    pub async fn delete_api(&self, id: &str) -> Result<bool, StoreError> {
        let sql = "DELETE FROM apis WHERE id = $1";
        let n = on_pool_writing!(self, pool => sqlx::query(sql).bind(id).execute(pool).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }
}
