//! Signing keys: sealed private halves, public JWKs, activation and retirement times.

use super::{Store, StoreError, in_transaction, on_pool, on_pool_writing};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StoredKey {
    pub kid: String,
    pub alg: String,
    pub sealed_private_key: Vec<u8>,
    pub public_jwk: String,
    pub created_at: i64,
    pub activates_at: i64,
    pub retires_at: Option<i64>,
}

const INSERT_KEY: &str = "INSERT INTO signing_keys \
    (kid, alg, sealed_private_key, public_jwk, created_at, activates_at, retires_at) \
    VALUES ($1, $2, $3, $4, $5, $6, $7)";

macro_rules! insert_key {
    ($key:expr) => {
        sqlx::query(INSERT_KEY)
            .bind(&$key.kid)
            .bind(&$key.alg)
            .bind(&$key.sealed_private_key)
            .bind(&$key.public_jwk)
            .bind($key.created_at)
            .bind($key.activates_at)
            .bind($key.retires_at)
    };
}

impl Store {
    pub async fn list_signing_keys(&self) -> Result<Vec<StoredKey>, StoreError> {
        let sql = "SELECT kid, alg, sealed_private_key, public_jwk, created_at, activates_at, retires_at \
                   FROM signing_keys ORDER BY alg, activates_at";
        Ok(on_pool!(self, pool => sqlx::query_as::<_, StoredKey>(sql).fetch_all(pool).await)?)
    }

    /// Stores the first key set together with the key-encryption-key check, once:
    /// when several nodes start at the same time only one set is kept. Returns
    /// whether this call's set was stored.
    pub async fn insert_initial_keys(
        &self,
        kek_check: &[u8],
        keys: &[StoredKey],
    ) -> Result<bool, StoreError> {
        let gate = "INSERT INTO meta (name, value) VALUES ('kek_check', $1) ON CONFLICT (name) DO NOTHING";
        in_transaction!(self, tx => {
            let won = sqlx::query(gate).bind(kek_check).execute(&mut *tx).await?.rows_affected() == 1;
            if won {
                for key in keys {
                    insert_key!(key).execute(&mut *tx).await?;
                }
            }
            Ok(won)
        })
    }

    /// Adds a key and retires the current and pending keys of its algorithm at
    /// the moment the new one starts signing.
    pub async fn add_rotated_key(&self, key: &StoredKey) -> Result<(), StoreError> {
        let retire = "UPDATE signing_keys SET retires_at = $1 \
                      WHERE alg = $2 AND (retires_at IS NULL OR retires_at > $1)";
        in_transaction!(self, tx => {
            sqlx::query(retire).bind(key.activates_at).bind(&key.alg).execute(&mut *tx).await?;
            insert_key!(key).execute(&mut *tx).await?;
            Ok::<(), StoreError>(())
        })
    }

    /// Deletes keys retired before `before`; they no longer verify any live token.
    pub async fn purge_retired_keys(&self, before: i64) -> Result<u64, StoreError> {
        let sql = "DELETE FROM signing_keys WHERE retires_at IS NOT NULL AND retires_at < $1";
        let purged = on_pool_writing!(self, pool => sqlx::query(sql).bind(before).execute(pool).await.map(|d| d.rows_affected()))?;
        Ok(purged)
    }
}
