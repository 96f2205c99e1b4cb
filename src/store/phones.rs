//! Users' second factor: the verified phone, the two-step choice, SMS failure counts and locks.

use super::{Store, StoreError, on_pool_writing};

impl Store {
    /// Records `e164` as the user's phone, verified by a code just entered.
    pub async fn set_verified_phone(&self, user_id: &str, e164: &str, now: i64) -> Result<(), StoreError> {
        let sql = "UPDATE users SET phone_number = $1, phone_verified = TRUE, updated_at = $2 WHERE id = $3";
        on_pool_writing!(self, pool => sqlx::query(sql).bind(e164).bind(now).bind(user_id).execute(pool).await.map(drop))?;
        Ok(())
    }

    pub async fn clear_phone(&self, user_id: &str, now: i64) -> Result<(), StoreError> {
        let sql =
            "UPDATE users SET phone_number = NULL, phone_verified = FALSE, updated_at = $1 WHERE id = $2";
        on_pool_writing!(self, pool => sqlx::query(sql).bind(now).bind(user_id).execute(pool).await.map(drop))?;
        Ok(())
    }

    pub async fn set_two_step(&self, user_id: &str, enabled: bool, now: i64) -> Result<(), StoreError> {
        let sql = "UPDATE users SET two_step_enabled = $1, updated_at = $2 WHERE id = $3";
        on_pool_writing!(self, pool => sqlx::query(sql).bind(enabled).bind(now).bind(user_id).execute(pool).await.map(drop))?;
        Ok(())
    }

    /// Counts a wrong SMS code; at `lock_after` in a row the second step locks
    /// until `lock_until`. Returns the new count.
    pub async fn record_sms_failure(
        &self,
        user_id: &str,
        lock_after: i64,
        lock_until: i64,
    ) -> Result<i64, StoreError> {
        let sql = "UPDATE users SET sms_failures = sms_failures + 1, \
            sms_locked_until = CASE WHEN sms_failures + 1 >= $1 THEN $2 ELSE sms_locked_until END \
            WHERE id = $3 RETURNING sms_failures";
        let (count,): (i64,) = on_pool_writing!(self, pool => sqlx::query_as(sql)
            .bind(lock_after).bind(lock_until).bind(user_id).fetch_one(pool).await)?;
        Ok(count)
    }

    /// A right code (or an operator) clears the count and any lock.
    pub async fn clear_sms_failures(&self, user_id: &str) -> Result<(), StoreError> {
        let sql =
            "UPDATE users SET sms_failures = 0, sms_locked_until = NULL WHERE id = $1 AND sms_failures > 0";
        on_pool_writing!(self, pool => sqlx::query(sql).bind(user_id).execute(pool).await.map(drop))?;
        Ok(())
    }
}
