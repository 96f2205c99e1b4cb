//! Small named facts about the installation.

use super::{Store, StoreError, on_pool};

impl Store {
    pub async fn get_meta(&self, name: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let sql = "SELECT value FROM meta WHERE name = $1";
        let row: Option<(Vec<u8>,)> =
            on_pool!(self, pool => sqlx::query_as(sql).bind(name).fetch_optional(pool).await)?;
        Ok(row.map(|(v,)| v))
    }
}
