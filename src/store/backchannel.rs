//! The back-channel logout queue: logout tokens delivered durably, with retries.

use serde::Serialize;

use super::{Store, StoreError, on_pool, on_pool_writing};

/// No `Debug`: the row carries a live logout token.
#[derive(Clone, Serialize, sqlx::FromRow)]
pub struct Delivery {
    pub id: String,
    pub client_id: String,
    pub uri: String,
    #[serde(skip)]
    pub logout_token: String,
    pub sid: Option<String>,
    pub attempts: i64,
    pub next_attempt_at: i64,
    pub last_error: Option<String>,
    pub delivered_at: Option<i64>,
    pub failed_at: Option<i64>,
    pub created_at: i64,
}

const COLUMNS: &str = "id, client_id, uri, logout_token, sid, attempts, next_attempt_at, last_error, \
    delivered_at, failed_at, created_at";

impl Store {
    pub async fn enqueue_delivery(&self, d: &Delivery) -> Result<(), StoreError> {
        let sql = format!(
            "INSERT INTO backchannel_deliveries ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
        );
        on_pool_writing!(self, pool => sqlx::query(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(&d.id).bind(&d.client_id).bind(&d.uri).bind(&d.logout_token).bind(&d.sid)
            .bind(d.attempts).bind(d.next_attempt_at).bind(&d.last_error).bind(d.delivered_at)
            .bind(d.failed_at).bind(d.created_at)
            .execute(pool).await.map(drop))?;
        Ok(())
    }

    /// Deliveries due now, oldest first.
    pub async fn due_deliveries(&self, now: i64, limit: i64) -> Result<Vec<Delivery>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM backchannel_deliveries \
             WHERE delivered_at IS NULL AND failed_at IS NULL AND next_attempt_at <= $1 \
             ORDER BY next_attempt_at LIMIT $2"
        );
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, Delivery>(sqlx::AssertSqlSafe(sql.as_str())).bind(now).bind(limit).fetch_all(pool).await)?,
        )
    }

    /// Claims a due delivery for one attempt by pushing its next attempt to
    /// `retry_at`; false when another node claimed it first.
    pub async fn claim_delivery(&self, id: &str, seen_next: i64, retry_at: i64) -> Result<bool, StoreError> {
        let sql = "UPDATE backchannel_deliveries SET next_attempt_at = $1, attempts = attempts + 1 \
                   WHERE id = $2 AND next_attempt_at = $3 AND delivered_at IS NULL AND failed_at IS NULL";
        let n = on_pool_writing!(self, pool => sqlx::query(sql).bind(retry_at).bind(id).bind(seen_next)
            .execute(pool).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    pub async fn mark_delivered(&self, id: &str, now: i64) -> Result<(), StoreError> {
        let sql = "UPDATE backchannel_deliveries SET delivered_at = $1, last_error = NULL WHERE id = $2";
        on_pool_writing!(self, pool => sqlx::query(sql).bind(now).bind(id).execute(pool).await.map(drop))?;
        Ok(())
    }

    /// Records a failed attempt; `give_up_at` set means no more attempts.
    pub async fn mark_delivery_failed(
        &self,
        id: &str,
        error: &str,
        give_up_at: Option<i64>,
    ) -> Result<(), StoreError> {
        let sql = "UPDATE backchannel_deliveries SET last_error = $1, failed_at = $2 WHERE id = $3";
        on_pool_writing!(self, pool => sqlx::query(sql).bind(error).bind(give_up_at).bind(id).execute(pool).await.map(drop))?;
        Ok(())
    }

    /// Newest first, for `careid sessions` and tests.
    pub async fn recent_deliveries(&self, limit: i64) -> Result<Vec<Delivery>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM backchannel_deliveries ORDER BY created_at DESC, id DESC LIMIT $1"
        );
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, Delivery>(sqlx::AssertSqlSafe(sql.as_str())).bind(limit).fetch_all(pool).await)?,
        )
    }
}
