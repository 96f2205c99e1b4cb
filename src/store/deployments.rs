//! Deployments (care programmes); `default` exists from the first start.

use super::{Store, StoreError, on_pool};

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct Deployment {
    pub id: String,
    pub name: String,
    pub created_at: i64,
}

impl Store {
    pub async fn deployment(&self, id: &str) -> Result<Option<Deployment>, StoreError> {
        let sql = "SELECT id, name, created_at FROM deployments WHERE id = $1";
        Ok(on_pool!(self, pool => sqlx::query_as::<_, Deployment>(sql).bind(id).fetch_optional(pool).await)?)
    }
}
