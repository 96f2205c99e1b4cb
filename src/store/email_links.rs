//! Single-use links sent by email (email verification, password reset), by digest.

use super::{Store, StoreError, on_pool, on_pool_writing};

impl Store {
    pub async fn insert_email_link(
        &self,
        token_hash: &str,
        purpose: &str,
        user_id: &str,
        now: i64,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        let sql = "INSERT INTO email_links (token_hash, purpose, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)";
        on_pool_writing!(self, pool => sqlx::query(sql).bind(token_hash).bind(purpose).bind(user_id).bind(now).bind(expires_at)
            .execute(pool).await.map(drop))?;
        Ok(())
    }

    /// Uses a link in one atomic step; returns its user when it was unused,
    /// unexpired and for `purpose`.
    pub async fn use_email_link(
        &self,
        token_hash: &str,
        purpose: &str,
        now: i64,
    ) -> Result<Option<String>, StoreError> {
        let sql = "UPDATE email_links SET used_at = $1 \
                   WHERE token_hash = $2 AND purpose = $3 AND used_at IS NULL AND expires_at > $1 RETURNING user_id";
        let row: Option<(String,)> = on_pool_writing!(self, pool => sqlx::query_as(sql).bind(now).bind(token_hash).bind(purpose)
            .fetch_optional(pool).await)?;
        Ok(row.map(|(id,)| id))
    }

    /// Whether a link is usable, without using it (a GET shows a page only).
    pub async fn email_link_is_open(
        &self,
        token_hash: &str,
        purpose: &str,
        now: i64,
    ) -> Result<bool, StoreError> {
        Ok(self.email_link_user(token_hash, purpose, now).await?.is_some())
    }

    /// The user an open link is for, without using it.
    pub async fn email_link_user(
        &self,
        token_hash: &str,
        purpose: &str,
        now: i64,
    ) -> Result<Option<String>, StoreError> {
        let sql = "SELECT user_id FROM email_links WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3";
        let row: Option<(String,)> = on_pool!(self, pool => sqlx::query_as(sql).bind(token_hash).bind(purpose).bind(now)
            .fetch_optional(pool).await)?;
        Ok(row.map(|(id,)| id))
    }

    /// The user a link was ever issued for, used or not, expired or not.
    pub async fn email_link_owner(
        &self,
        token_hash: &str,
        purpose: &str,
    ) -> Result<Option<String>, StoreError> {
        let sql = "SELECT user_id FROM email_links WHERE token_hash = $1 AND purpose = $2";
        let row: Option<(String,)> = on_pool!(self, pool => sqlx::query_as(sql).bind(token_hash).bind(purpose)
            .fetch_optional(pool).await)?;
        Ok(row.map(|(id,)| id))
    }

    /// Voids every open link of a user for `purpose` (a newer link replaces them).
    pub async fn void_email_links(&self, user_id: &str, purpose: &str, now: i64) -> Result<(), StoreError> {
        let sql =
            "UPDATE email_links SET used_at = $1 WHERE user_id = $2 AND purpose = $3 AND used_at IS NULL";
        on_pool_writing!(self, pool => sqlx::query(sql).bind(now).bind(user_id).bind(purpose).execute(pool).await.map(drop))?;
        Ok(())
    }
}
