//! Remembered consent per user and client.

use super::{Store, StoreError, on_pool, on_pool_writing};

impl Store {
    /// The scopes the user has granted the client, if any.
    pub async fn consented_scopes(&self, user_id: &str, client_id: &str) -> Result<Vec<String>, StoreError> {
        let sql = "SELECT scopes FROM consents WHERE user_id = $1 AND client_id = $2";
        let row: Option<(String,)> = on_pool!(self, pool => sqlx::query_as(sql)
            .bind(user_id).bind(client_id).fetch_optional(pool).await)?;
        Ok(row.and_then(|(s,)| serde_json::from_str(&s).ok()).unwrap_or_default())
    }

    pub async fn save_consent(
        &self,
        user_id: &str,
        client_id: &str,
        scopes: &[String],
        now: i64,
    ) -> Result<(), StoreError> {
        let sql = "INSERT INTO consents (user_id, client_id, scopes, granted_at) VALUES ($1, $2, $3, $4) \
                   ON CONFLICT (user_id, client_id) DO UPDATE SET scopes = excluded.scopes, \
                   granted_at = excluded.granted_at";
        let scopes = serde_json::Value::from(scopes.to_vec()).to_string();
        on_pool_writing!(self, pool => sqlx::query(sql).bind(user_id).bind(client_id).bind(&scopes).bind(now)
            .execute(pool).await.map(drop))?;
        Ok(())
    }
}
