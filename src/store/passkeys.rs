//! Users' passkeys: the credential webauthn-rs verifies against, its name and times.

use super::{Store, StoreError, in_transaction, on_pool, on_pool_writing};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StoredPasskey {
    pub id: String,
    pub user_id: String,
    /// base64url of the WebAuthn credential id.
    pub credential_id: String,
    pub name: String,
    /// webauthn-rs's `Passkey` (public key, sign counter, backup flags) as JSON.
    pub passkey: String,
    pub sign_count: i64,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

/// Why a passkey was not removed.
#[derive(Debug, PartialEq, Eq)]
pub enum Removal {
    Removed,
    NotFound,
    /// It is the person's last passkey and their policy needs one.
    LastOneRequired,
}

const COLUMNS: &str = "id, user_id, credential_id, name, passkey, sign_count, created_at, last_used_at";

impl Store {
    /// Adds a passkey; `false` when its credential id is already registered (to anyone).
    pub async fn insert_passkey(&self, p: &StoredPasskey) -> Result<bool, StoreError> {
        let sql = format!(
            "INSERT INTO passkeys ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT (credential_id) DO NOTHING"
        );
        let inserted = on_pool_writing!(self, pool => sqlx::query(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(&p.id).bind(&p.user_id).bind(&p.credential_id).bind(&p.name).bind(&p.passkey)
            .bind(p.sign_count).bind(p.created_at).bind(p.last_used_at)
            .execute(pool).await.map(|r| r.rows_affected()))?;
        Ok(inserted == 1)
    }

    /// A user's passkeys, oldest first.
    pub async fn passkeys_of(&self, user_id: &str) -> Result<Vec<StoredPasskey>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM passkeys WHERE user_id = $1 ORDER BY created_at, id");
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, StoredPasskey>(sqlx::AssertSqlSafe(sql.as_str())).bind(user_id).fetch_all(pool).await)?,
        )
    }

    /// How many passkeys a user has, without reading them (sign-in policy asks this often).
    pub async fn passkey_count(&self, user_id: &str) -> Result<i64, StoreError> {
        let sql = "SELECT COUNT(*) FROM passkeys WHERE user_id = $1";
        let (count,): (i64,) =
            on_pool!(self, pool => sqlx::query_as(sql).bind(user_id).fetch_one(pool).await)?;
        Ok(count)
    }

    pub async fn passkey_by_credential_id(
        &self,
        credential_id: &str,
    ) -> Result<Option<StoredPasskey>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM passkeys WHERE credential_id = $1");
        Ok(on_pool!(self, pool => sqlx::query_as::<_, StoredPasskey>(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(credential_id).fetch_optional(pool).await)?)
    }

    /// After a sign-in: the credential's new counter and flags, and when it was used.
    pub async fn record_passkey_use(
        &self,
        id: &str,
        passkey: &str,
        sign_count: i64,
        now: i64,
    ) -> Result<(), StoreError> {
        let sql = "UPDATE passkeys SET passkey = $1, sign_count = $2, last_used_at = $3 WHERE id = $4";
        on_pool_writing!(self, pool => sqlx::query(sql).bind(passkey).bind(sign_count).bind(now).bind(id)
            .execute(pool).await.map(drop))?;
        Ok(())
    }

    /// Renames one of `user_id`'s passkeys; `false` when they have none with that id.
    pub async fn rename_passkey(&self, user_id: &str, id: &str, name: &str) -> Result<bool, StoreError> {
        let sql = "UPDATE passkeys SET name = $1 WHERE id = $2 AND user_id = $3";
        let changed = on_pool_writing!(self, pool => sqlx::query(sql).bind(name).bind(id).bind(user_id)
            .execute(pool).await.map(|r| r.rows_affected()))?;
        Ok(changed == 1)
    }

    /// Removes one of `user_id`'s passkeys, unless `keep_one` and it is their last.
    /// The user's row is locked first, so two removals at once cannot both pass the count.
    pub async fn remove_passkey(
        &self,
        user_id: &str,
        id: &str,
        keep_one: bool,
    ) -> Result<Removal, StoreError> {
        let lock = "UPDATE users SET updated_at = updated_at WHERE id = $1";
        let count = "SELECT COUNT(*) FROM passkeys WHERE user_id = $1";
        let delete = "DELETE FROM passkeys WHERE id = $1 AND user_id = $2";
        let exists = "SELECT COUNT(*) FROM passkeys WHERE id = $1 AND user_id = $2";
        in_transaction!(self, tx => {
            sqlx::query(lock).bind(user_id).execute(&mut *tx).await?;
            let (mine,): (i64,) = sqlx::query_as(exists).bind(id).bind(user_id).fetch_one(&mut *tx).await?;
            let (total,): (i64,) = sqlx::query_as(count).bind(user_id).fetch_one(&mut *tx).await?;
            let outcome = if mine == 0 {
                Removal::NotFound
            } else if keep_one && total <= 1 {
                Removal::LastOneRequired
            } else {
                sqlx::query(delete).bind(id).bind(user_id).execute(&mut *tx).await?;
                Removal::Removed
            };
            Ok::<Removal, StoreError>(outcome)
        })
    }
}
