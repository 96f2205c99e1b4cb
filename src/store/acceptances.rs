//! Which versions of a deployment's terms and disclaimer each person accepted, and when.

use super::{Store, StoreError, on_pool, on_pool_writing};

impl Store {
    /// Records an acceptance; accepting the same version again keeps the first time.
    pub async fn insert_acceptance(
        &self,
        user_id: &str,
        document: &str,
        version: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        let sql = "INSERT INTO acceptances (user_id, document, version, accepted_at) VALUES ($1, $2, $3, $4) \
                   ON CONFLICT (user_id, document, version) DO NOTHING";
        on_pool_writing!(self, pool => sqlx::query(sql).bind(user_id).bind(document).bind(version).bind(now)
            .execute(pool).await.map(drop))?;
        Ok(())
    }

    /// `(document, version, accepted_at)` for one person, oldest first.
    pub async fn acceptances(&self, user_id: &str) -> Result<Vec<(String, String, i64)>, StoreError> {
        let sql = "SELECT document, version, accepted_at FROM acceptances WHERE user_id = $1 \
                   ORDER BY accepted_at, document, version";
        Ok(on_pool!(self, pool => sqlx::query_as(sql).bind(user_id).fetch_all(pool).await)?)
    }
}

impl Store {
    pub async fn has_accepted(
        &self,
        user_id: &str,
        document: &str,
        version: &str,
    ) -> Result<bool, StoreError> {
        let sql = "SELECT accepted_at FROM acceptances WHERE user_id = $1 AND document = $2 AND version = $3";
        let row: Option<(i64,)> = on_pool!(self, pool => sqlx::query_as(sql).bind(user_id).bind(document).bind(version)
            .fetch_optional(pool).await)?;
        Ok(row.is_some())
    }
}
